package billmgr

import (
	"net/url"

	"github.com/go-billmgr/billmgr/internal/secret"
)

// The client's secrets, and where the SDK redacts them: which values one client hides
// (its password, user:password, its session ids, the login keys it made, and the
// passwords each call sends) and the texts it hides them from (errors, the fields of an
// <error>, HTTPError.Body, log records, the forms WithDryRun and WithTrace show). How a
// secret is recognized and redacted, in every encoding, is package secret's.

// maxRememberedSecrets bounds the session ids and keys kept for redaction.
const maxRememberedSecrets = 32

// addSecret remembers s, a session id or a login key, as a secret of the client.
func (cr *credentials) addSecret(s string) {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	cr.secrets = append(cr.secrets, s)
	if len(cr.secrets) > maxRememberedSecrets {
		cr.secrets = cr.secrets[len(cr.secrets)-maxRememberedSecrets:]
	}
}

// values are the secrets the client redacts: the configured ones, those it learned, and
// extra (the passwords a call sends).
func (cr *credentials) values(extra ...string) []string {
	cr.mu.Lock()
	values := append([]string{cr.password, cr.sessionID}, cr.secrets...)
	cr.mu.Unlock()
	if cr.password != "" {
		values = append(values, cr.user+":"+cr.password)
	}
	return append(values, extra...)
}

// redact removes from s every secret of the client and every value of extra.
func (cr *credentials) redact(s string, extra ...string) string {
	return secret.Redact(s, cr.values(extra...)...)
}

// redactError returns err with the secrets (and extra) removed from its text; errors.Is
// and errors.As still reach the original.
func (cr *credentials) redactError(err error, extra ...string) error {
	if err == nil {
		return nil
	}
	return secret.RedactError(err, cr.values(extra...)...)
}

// redactAPIError removes the secrets (and extra) from the texts of an <error> the server
// sent (it may echo a password or the session id in a param or the message), so that a
// caller who unwraps it with errors.As and logs its fields leaks nothing. Type and Func
// stay as they are: errors.Is matches on Type.
func (cr *credentials) redactAPIError(e *Error, extra ...string) {
	values := cr.values(extra...)
	e.Object, e.Value = secret.Redact(e.Object, values...), secret.Redact(e.Value, values...)
	e.Msg, e.Detail = secret.Redact(e.Msg, values...), secret.Redact(e.Detail, values...)
	for k, v := range e.Params {
		e.Params[k] = secret.Redact(v, values...)
	}
	for k, v := range e.Attrs {
		e.Attrs[k] = secret.Redact(v, values...)
	}
}

// redactParams is a copy of form fit to show, as WithDryRun and WithTrace show a
// request: every secret parameter is [REDACTED], and the client's secrets and extra are
// redacted from the other values.
func (cr *credentials) redactParams(form url.Values, extra ...string) url.Values {
	return secret.RedactParams(form, cr.values(extra...)...)
}
