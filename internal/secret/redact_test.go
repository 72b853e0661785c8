package secret

import (
	"errors"
	"html"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedactFindsEveryEncoding(t *testing.T) {
	t.Parallel()
	const secret = "pa ss/wörd!%1"
	for _, form := range []string{
		secret,
		url.QueryEscape(secret), // pa+ss%2Fw%C3%B6rd%21%251
		strings.ReplaceAll(url.QueryEscape(secret), "+", "%20"),                 // %20 for the space
		strings.ToLower(url.QueryEscape(secret)),                                // lower-case hex
		"pa%20ss/w%c3%b6rd!%251",                                                // some bytes encoded, some not
		"%70%61%20%73%73%2F%77%C3%B6%72%64%21%25%31",                            // every byte encoded
		strings.ReplaceAll(strings.ToLower(url.PathEscape(secret)), "%2f", "/"), // a path
	} {
		got := Redact("<p>before "+form+" after</p>", secret)
		assert.Equal(t, "<p>before "+Redacted+" after</p>", got, form)
	}
	assert.Equal(t, "a %25 b", Redact("a %25 b", "%%"), "no match, no change")
	assert.Equal(t, Redacted, Redact("%25", "%"), "a percent sign, encoded")
	assert.Equal(t, "x="+Redacted+"&y="+Redacted, Redact("x=%41&y=A", "A"), "a short secret as values")
	assert.Equal(t, "x%41A", Redact("x%41A", "A"), "a short secret inside a word")
	assert.Equal(t, "plain text", Redact("plain text", ""))

	const escaped = `a&b<c>'d"e`
	for _, form := range []string{
		"a&amp;b&lt;c&gt;&apos;d&quot;e",   // as a document writes it
		"a&amp;b&lt;c>'d\"e",               // in text
		"a&#38;b&#x3c;c&#62;&#39;d&#x22;e", // character references
		"a%26b&lt;c%3E'd&quot;e",           // both
	} {
		assert.Equal(t, "<p>"+Redacted+"</p>", Redact("<p>"+form+"</p>", escaped), form)
	}
	assert.Equal(t, "a&amp;b&#1234;c", Redact("a&amp;b&#1234;c", "a&b<c"), "no match, no change")
}

func TestRedactRemovesEverySecret(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "user "+Redacted+" session="+Redacted+"; S1 again",
		Redact("user admin:password session=S1; S1 again", "", "admin:password", "S1"))
	assert.Equal(t, "nothing to hide", Redact("nothing to hide"))
}

// encodings are the forms a secret takes in a reply: as it is, URL-encoded (with "+" and
// "%20", upper- and lower-case hex) and XML-escaped.
func encodings(secret string) []string {
	q := url.QueryEscape(secret)
	lower := regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(q, strings.ToLower)
	return []string{secret, q, strings.ReplaceAll(q, "+", "%20"), lower, html.EscapeString(secret)}
}

func TestRedactStartCutsTheStartOfASecretAtTheEnd(t *testing.T) {
	t.Parallel()
	const secret = "pa&ss wörd%42"
	for _, form := range encodings(secret) {
		for k := 1; k < len(form); k++ {
			got, cut := RedactStart("text "+form[:k], "", secret)
			assert.Equal(t, "text ", got, "%q cut after %d bytes", form, k)
			assert.Equal(t, k, cut)
		}
		got, cut := RedactStart("text "+form+" more", secret)
		assert.Equal(t, "text [REDACTED] more", got, form)
		assert.Zero(t, cut)
	}
	got, cut := RedactStart("text w\xc3", secret)
	assert.Equal(t, "text w", got, "an incomplete character is cut off")
	assert.Equal(t, 1, cut)
	got, _ = RedactStart("plain text that ends with &amp; and x%2", secret)
	assert.Equal(t, "plain text that ends with &amp; and x%2", got, "nothing that may start the secret")
	got, cut = RedactStart("one=ab, then the start of the other: key=xy", "ab", "xyz")
	assert.Equal(t, "one="+Redacted+", then the start of the other: key=", got)
	assert.Equal(t, 2, cut)
	got, cut = RedactStart("a short secret's start in a sentence: xy", "xyz")
	assert.Equal(t, "a short secret's start in a sentence: xy", got, "not where it cannot stand as a value")
	assert.Zero(t, cut)
}

func TestRedactParams(t *testing.T) {
	t.Parallel()
	form := url.Values{
		"func": {"usrparam"}, "authinfo": {"admin:pw"}, "new_password": {"n3w"}, "old_pwd": {"0ld"},
		"client_secret": {"s3cr3t"}, "PassWord2": {"pw2"}, "key": {"k"}, "name": {"kept", "S1", "S1 and session-n3w"},
	}
	shown := RedactParams(form, "S1", "session-n3w")
	assert.Equal(t, url.Values{
		"func": {"usrparam"}, "authinfo": {Redacted}, "new_password": {Redacted}, "old_pwd": {Redacted},
		"client_secret": {Redacted}, "PassWord2": {Redacted}, "key": {Redacted}, "name": {"kept", Redacted, "S1 and " + Redacted},
	}, shown, "a value that is a secret, and a long secret in a value")
	assert.Equal(t, []string{"kept", "S1", "S1 and session-n3w"}, form["name"], "the form itself is left as it was")
}

func TestRedactErrorKeepsTheChain(t *testing.T) {
	t.Parallel()
	assert.NoError(t, RedactError(nil, "pw"))
	plain := errors.New("no secret here")
	assert.Same(t, plain, RedactError(plain, "pw"), "an error without a secret is returned as it is")

	err := RedactError(&url.Error{Op: "Post", URL: "https://x/?authinfo=admin%3Apw", Err: io.ErrUnexpectedEOF}, "admin:pw")
	require.Error(t, err)
	assert.Equal(t, `Post "https://x/?authinfo=[REDACTED]": unexpected EOF`, err.Error())
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	var ue *url.Error
	assert.ErrorAs(t, err, &ue)
}

// secretClasses are the alphabets of the secrets of the policy table: letters, digits,
// punctuation (the characters that delimit values included), Cyrillic, and spaces.
var secretClasses = map[string][]rune{
	"letters":     []rune("QwErTyUiOpAsDfGhJkLzXcVbNm"),
	"digits":      []rune("0123456789"),
	"punctuation": []rune(`!"#$%&'()*+,-./:;<=>?@[\]^_{|}~`),
	"cyrillic":    []rune("пароль"),
	"with spaces": []rune("Pw d "),
	"spaces only": []rune(" "),
}

// secretOf is n characters of alphabet, in turn.
func secretOf(alphabet []rune, n int) string {
	s := make([]rune, n)
	for i := range s {
		s[i] = alphabet[i%len(alphabet)]
	}
	return string(s)
}

// placement is a text with a place for the secret (before it, after it) and the encoding
// the secret takes there.
type placement struct {
	name          string
	before, after string
	encode        func(string) string
}

func (p placement) text(secret string) string { return p.before + p.encode(secret) + p.after }

// valuePlacements put the secret where it stands as a value, encoded as each place
// encodes it: a form or a query, a URL's user information, an authinfo pair, cookies, the
// echo of a request in <tparams>, an <error>'s value attribute and <param>, a whole text.
var valuePlacements = []placement{
	{"form, middle", "func=register&passwd=", "&lang=en", url.QueryEscape},
	{"form, end", "func=register&passwd=", "", url.QueryEscape},
	{"form, %20", "passwd=", "&x=1", func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }},
	{"form, lower-case hex", "passwd=", "&x=1", func(s string) string { return lowerHex(url.QueryEscape(s)) }},
	{"query in an error", `Post "https://panel.example.com/billmgr?passwd=`, `": EOF`, url.QueryEscape},
	{"userinfo", "https://admin:", "@panel.example.com/billmgr", func(s string) string {
		u := url.UserPassword("admin", s).String()
		return strings.TrimPrefix(u, "admin:")
	}},
	{"authinfo", "authinfo=admin%3A", "&func=whoami", url.QueryEscape},
	{"cookie", "Cookie: billmgrses5=", "; billmgrlang5=en", url.QueryEscape},
	{"set-cookie", "Set-Cookie: billmgrses5=", "; Path=/billmgr; HttpOnly", url.QueryEscape},
	{"tparams", "<tparams><func>register</func><passwd>", "</passwd><lang>en</lang></tparams>", html.EscapeString},
	{"value attribute", `<error type="value" object="passwd" value="`, `" lang="en">`, html.EscapeString},
	{"param", `<param name="value">`, `</param>`, html.EscapeString},
	{"whole", "", "", func(s string) string { return s }},
}

// textPlacements put the secret in a sentence: at its start, in its middle, at its end.
var textPlacements = []placement{
	{"start", "", " is not accepted here", func(s string) string { return s }},
	{"middle", "value(email): Field E-mail has an invalid value ", " or so", func(s string) string { return s }},
	{"end", "the password given is too weak ", "", func(s string) string { return s }},
	{"escaped, middle", "<msg>The password ", " is too weak</msg>", html.EscapeString},
	{"encoded, end", "<detail>rejected ", "", url.QueryEscape},
}

// TestRedactPolicy: secrets of 1 to 64 characters of every class, at the start, in the
// middle and at the end of a sentence and in every place where one stands as a value. A
// long secret never shows; a short one never shows as a value; a text without the secret
// as a value (a short secret in a sentence) stays as it was, byte for byte. A text cut
// inside a value leaves nothing of the secret.
func TestRedactPolicy(t *testing.T) {
	t.Parallel()
	for class, alphabet := range secretClasses {
		for n := 1; n <= 64; n++ {
			secret := secretOf(alphabet, n)
			long := n >= FreeTextMin && strings.TrimSpace(secret) != ""
			for _, p := range valuePlacements {
				text := p.text(secret)
				want := p.before + Redacted + p.after
				assert.Equal(t, want, Redact(text, secret), "%s %d as a value: %s", class, n, p.name)
				start := p.before + p.encode(secret)
				for k := len(p.before) + 1; k < len(start); k++ {
					got, _ := RedactStart(start[:k], secret)
					rest, redacted := strings.CutPrefix(got, p.before+Redacted)
					assert.True(t, strings.HasPrefix(p.before, got) || redacted && nothingOf(secret, rest),
						"%s %d cut after %d bytes of %s: %q", class, n, k-len(p.before), p.name, got)
				}
			}
			for _, p := range textPlacements {
				text := p.text(secret)
				want := text
				if long {
					want = p.before + Redacted + p.after
				}
				assert.Equal(t, want, Redact(text, secret), "%s %d in a sentence: %s", class, n, p.name)
				assert.Equal(t, p.before+p.after, Redact(p.before+p.after, secret), "%s %d: a text without it", class, n)
			}
		}
	}
}

// nothingOf reports whether rest, what follows a redacted secret in a text cut short, shows
// no character of secret: it is the rest of the escape of the secret's last character, as
// "2" of "%25" when the secret's "%" matched the escape's "%" as it is.
func nothingOf(secret, rest string) bool {
	return !strings.ContainsAny(rest, secret)
}

// TestRedactLeavesMessagesReadable: a one-character password (a letter, a space) leaves a
// message as it was, and is still redacted as a value.
func TestRedactLeavesMessagesReadable(t *testing.T) {
	t.Parallel()
	const msg = "value(email): Field 'E-mail' has an invalid value"
	for _, pw := range []string{"e", "E", "a", " ", "'", ":", "il", "mail"} {
		assert.Equal(t, msg, Redact(msg, pw), "%q", pw)
		assert.Equal(t, Redacted, Redact(pw, pw), "%q", pw)
		assert.Equal(t, "passwd="+Redacted+"&email=a%40b.c", Redact("passwd="+url.QueryEscape(pw)+"&email=a%40b.c", pw), "%q", pw)
	}
}

// lowerHex writes the percent escapes of q in lower-case hex.
func lowerHex(q string) string {
	return regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(q, strings.ToLower)
}

// TestRedactFindsTheSecretTrimmed: a reply that trims what it echoes shows a secret with
// white space around it without it; that is redacted as the secret is.
func TestRedactFindsTheSecretTrimmed(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `<param name="value">`+Redacted+`</param>`, Redact(`<param name="value">Pw</param>`, "Pw "))
	assert.Equal(t, "rejected "+Redacted+" as weak", Redact("rejected long-secret as weak", " long-secret\t"))
	assert.Equal(t, "x= y", Redact("x= y", "  "), "a blank secret trims to nothing")
	got, cut := RedactStart("passwd=P", " Pw")
	assert.Equal(t, "passwd=", got)
	assert.Equal(t, 1, cut)
}
