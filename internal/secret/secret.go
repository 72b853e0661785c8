// Package secret is the one place that knows what a secret is and how it is kept out of
// sight: which request parameters carry one (secret.go), and how a secret value is found
// and redacted in a text, in every encoding a request or a reply may hold it (redact.go).
// The SDK, its trace and the billmgr command all ask it; none keeps a list of its own.
//
// # Where a secret is redacted
//
// A secret is redacted wherever it stands as a value, whatever its length: a secret
// parameter's value in a form or a query (passwd=…&), the user information of a URL
// (user:…@host), an authinfo pair (authinfo=user:…), a cookie (ses=…;), an element's text
// (<passwd>…</passwd>, as <tparams> echoes a request), an attribute (value="…"), a field
// of an error that is the value (value, param), a whole text. Redact finds these by the
// characters around the secret (=…&, :…@, >…<, "…", or the text's start and end; see
// Redact), so a value is redacted inside a page, a log line or an error's message too.
//
// Anywhere else, inside a word or a sentence, a secret is redacted only when it has at
// least FreeTextMin (8) characters and is not all white space. A match of 8 characters is
// the secret echoed, not a coincidence; a shorter secret matches inside ordinary words: a
// password "e" would garble "value(email): Field 'E-mail' has an invalid value" into
// "valu[REDACTED](…", a password of one space would take every space, and the places of
// the redactions would spell the secret out to whoever knows the text. Such a secret is
// left as it is in free text: it is not looked for as a whole word either, since a short
// word ("a", "on", "test") stands as a word in ordinary text just as often, with the same
// garbling and the same disclosure. Eight is the shortest password the common password
// policies accept (NIST SP 800-63B's minimum); the session ids and login keys the SDK
// redacts are far longer. A password under 8 characters is weak wherever it is shown, and
// still never shown where it stands as a value.
package secret

import (
	"net/url"
	"strings"
)

// Redacted replaces a secret wherever one would be shown.
const Redacted = "[REDACTED]"

// named are the parameters that carry a secret by their exact name: the credentials
// (authinfo, auth), a password, its confirmation, a login key.
var named = map[string]bool{
	"auth": true, "authinfo": true, "password": true, "passwd": true, "confirm": true, "key": true,
}

// IsParam reports whether the request parameter name carries a secret: the credentials
// (authinfo, auth), a login key (key), and any parameter whose name says password
// (password, passwd, confirm, new_password, old_pwd, client_secret, …, in any case). Its
// value is never shown, and is redacted wherever the server echoes it.
func IsParam(name string) bool {
	if named[name] {
		return true
	}
	name = strings.ToLower(name)
	return strings.Contains(name, "passw") || strings.Contains(name, "pwd") || strings.Contains(name, "secret")
}

// Values returns the non-empty values of the secret parameters (IsParam) of params: the
// passwords a call sends, which are redacted with the client's own secrets from
// everything the call returns and logs.
func Values(params url.Values) []string {
	var out []string
	for k, vals := range params {
		if !IsParam(k) {
			continue
		}
		for _, v := range vals {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// Reserved reports whether the client sets the parameter name itself on every request:
// the function and the reply's format (func, out), the user a call acts as (su) and the
// credentials (auth, authinfo). A caller's value would change what runs, as whom, so
// the SDK's Call and the command's call refuse them.
func Reserved(name string) bool {
	switch name {
	case "func", "out", "su", "auth", "authinfo":
		return true
	}
	return false
}
