package billmgr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr/internal/secret"
)

// TestHTTPErrorBodyIsRedactedBeforeItIsCut: a proxy page echoing the password across the
// 512-byte cut leaves nothing of it in HTTPError.Body, in any URL encoding.
func TestHTTPErrorBodyIsRedactedBeforeItIsCut(t *testing.T) {
	t.Parallel()
	const password = "pa ss/wörd!42"
	for _, echo := range []string{password, url.QueryEscape(password), strings.ReplaceAll(url.QueryEscape(password), "+", "%20"), strings.ToLower(url.QueryEscape(password))} {
		for _, at := range []int{0, 500, 505, 510, 511} {
			page := "<html><body>" + strings.Repeat("x", at) + echo + " and more " + strings.Repeat("y", 600) + "</body></html>"
			var logs bytes.Buffer
			c, _ := newStub(t, []stubReply{{status: 502, body: []byte(page), header: http.Header{"Content-Type": {"text/html"}}}},
				WithAuthInfo(testUser, password), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			_, err := c.Call(context.Background(), "account", nil)
			var he *HTTPError
			require.ErrorAs(t, err, &he)
			assert.LessOrEqual(t, len(he.Body), httpErrorKeep)
			for _, text := range []string{he.Body, err.Error(), logs.String()} {
				for _, prefix := range []string{"pa s", "pa+s", "pa%2", "ss/w", "ss%2", "rd!4", "rd%21", "wörd", "w%C3", "w%c3"} {
					assert.NotContains(t, text, prefix, "echo %q at %d", echo, at)
				}
			}
		}
	}
}

// errorEchoing is an <error> that echoes value in every field the SDK hands back.
func errorEchoing(value string) []byte {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;").Replace(value)
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<doc lang="en" func="register"><error type="value" object="passwd" value="` + esc + `" lang="en"><param name="object" type="msg" msg="Password">passwd</param><param name="value">` + esc + `</param><stack><action level="30" user="admin">register</action></stack><group>Weak password</group><msg>The password '` + esc + `' is too weak</msg><detail>Rejected: ` + url.QueryEscape(value) + `</detail></error><tparams><passwd>` + esc + `</passwd><confirm>` + esc + `</confirm><new_password>` + esc + `</new_password></tparams></doc>`)
}

// TestPasswordsACallSendsAreRedacted: every password the caller sends, not only the
// client's own (a new client's passwd, passwd and confirm of an account, any parameter
// whose name says password), is redacted when the server echoes it: in the error, the
// fields of *Error, the log and an HTTP error page.
func TestPasswordsACallSendsAreRedacted(t *testing.T) {
	t.Parallel()
	const theirs = "N3w client pw!"
	calls := map[string]func(c *Client) error{
		"Register": func(c *Client) error {
			_, err := c.Accounts.Register(context.Background(), &RegisterParams{Email: "a@example.com", Password: theirs})
			return err
		},
		"Accounts.Create": func(c *Client) error {
			_, err := c.Accounts.Create(context.Background(), &AccountParams{Email: Ptr("a@example.com"), Password: Ptr(theirs), Confirm: Ptr(theirs)})
			return err
		},
		"Accounts.Update": func(c *Client) error {
			return c.Accounts.Update(context.Background(), 5, &AccountParams{Password: Ptr(theirs), Confirm: Ptr(theirs)})
		},
		"Call new_password": func(c *Client) error {
			_, err := c.Call(context.Background(), "usrparam", url.Values{"new_password": {theirs}, "sok": {"ok"}})
			return err
		},
	}
	replies := map[string]stubReply{
		"an <error>":   xmlReply(errorEchoing(theirs)),
		"a proxy page": {status: 502, body: []byte("<html><body>" + strings.Repeat("x", 500) + url.QueryEscape(theirs) + "</body></html>")},
	}
	for name, call := range calls {
		for replyName, reply := range replies {
			var logs bytes.Buffer
			c, _ := newStub(t, []stubReply{reply}, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			err := call(c)
			require.Error(t, err, name)
			texts := []string{err.Error(), fmt.Sprintf("%+v %#v", err, err), logs.String()}
			var apiErr *Error
			if errors.As(err, &apiErr) {
				assert.Equal(t, redacted, apiErr.Value, name)
				texts = append(texts, fmt.Sprintf("%#v", *apiErr))
			}
			var he *HTTPError
			if errors.As(err, &he) {
				texts = append(texts, he.Body)
			}
			for _, text := range texts {
				for _, leak := range []string{theirs, url.QueryEscape(theirs), "N3w"} {
					assert.NotContains(t, text, leak, "%s, %s", name, replyName)
				}
			}
		}
	}

	// The echo in <tparams> of a reply Call returns.
	c, _ := newStub(t, []stubReply{xmlReply([]byte(`<doc><ok/><tparams><func>usrparam</func><new_password>` + theirs + `</new_password><old_pwd>` + theirs + `</old_pwd></tparams></doc>`))})
	doc, err := c.Call(context.Background(), "usrparam", url.Values{"new_password": {theirs}})
	require.NoError(t, err)
	assert.Equal(t, redacted, doc.Child("tparams").Value("new_password"))
	assert.Equal(t, redacted, doc.Child("tparams").Value("old_pwd"))
}

// TestDryRunRedactsEveryPassword: WithDryRun hands over a request with every parameter
// whose name says password redacted, whatever function it goes to.
func TestDryRunRedactsEveryPassword(t *testing.T) {
	t.Parallel()
	var got url.Values
	c, s := newStub(t, []stubReply{xmlReply([]byte(okDoc))}, WithDryRun(func(_ string, p url.Values) { got = p }))
	_, err := c.Call(context.Background(), "usrparam", url.Values{
		"new_password": {"n3w-pw"}, "old_pwd": {"0ld-pw"}, "client_secret": {"s3cr3t"}, "PassWord2": {"pw2"}, "name": {"kept"},
	})
	require.ErrorIs(t, err, ErrDryRun)
	assert.Empty(t, s.requests())
	assert.Equal(t, url.Values{
		"func": {"usrparam"}, "new_password": {redacted}, "old_pwd": {redacted}, "client_secret": {redacted},
		"PassWord2": {redacted}, "name": {"kept"},
	}, got)
}

// emailRefused is the recorded shape of a refused e-mail, echoing password in <tparams>.
func emailRefused(password string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<doc lang="en" func="register"><error type="value" object="email" lang="en"><param name="object" type="msg" msg="E-mail">email</param><param name="value">a@example</param><msg>Field 'E-mail' has an invalid value</msg></error><tparams><email>a@example</email><passwd>` + html.EscapeString(password) + `</passwd><func>register</func></tparams></doc>`)
}

// TestShortPasswordsLeaveMessagesReadable: a password of one character (the caller's for a
// new client, or the client's own) leaves the server's message as it came, in Error() and
// in Msg, and is still redacted where it stands as a value (the echo in <tparams>).
func TestShortPasswordsLeaveMessagesReadable(t *testing.T) {
	t.Parallel()
	const msg = "Field 'E-mail' has an invalid value"
	for _, pw := range []string{"e", "E", "a", " ", "'", ":", "-"} {
		for _, own := range []bool{false, true} {
			var ts traces
			opts := []Option{ts.option()}
			if own {
				opts = append(opts, WithAuthInfo(testUser, pw))
			}
			c, _ := newStub(t, []stubReply{xmlReply(emailRefused(pw))}, opts...)
			_, err := c.Accounts.Register(context.Background(), &RegisterParams{Email: "a@example", Password: pw})
			require.ErrorIs(t, err, ErrInvalid)
			assert.Equal(t, "billmgr: register: value(email): "+msg, err.Error(), "%q", pw)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, msg, apiErr.Msg, "%q", pw)
			assert.Equal(t, "a@example", apiErr.Value, "%q", pw)
			fields := FieldErrors(err)
			require.Len(t, fields, 1)
			assert.Equal(t, "Email", fields[0].Field)
			got := ts.all()
			require.Len(t, got, 1)
			assert.Contains(t, got[0].Body, "<passwd>"+redacted+"</passwd>", "%q", pw)
			assert.Contains(t, got[0].Body, "<msg>"+msg+"</msg>", "%q", pw)
			assert.Equal(t, redacted, got[0].Params.Get("passwd"))
		}
	}
}

// passwordEchoed is a refused password, echoed as the value of the error, in its param,
// in <tparams>, and in the text of its detail.
func passwordEchoed(password string) []byte {
	esc := html.EscapeString(password)
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<doc lang="en" func="register"><error type="value" object="passwd" value="` + esc + `" lang="en"><param name="object" type="msg" msg="Password">passwd</param><param name="value">` + esc + `</param><msg>Field 'Password' has an invalid value</msg><detail>rejected ` + esc + ` as weak</detail></error><tparams><passwd>` + esc + `</passwd></tparams></doc>`)
}

// TestEchoedPasswordsOfEveryLength: passwords of 1 to 64 characters of every class, which
// the server echoes as values and in a sentence. As a value they never show; in the
// sentence they show only when shorter than secret.FreeTextMin, and then the sentence is
// as the server wrote it; the message and the field stay readable.
func TestEchoedPasswordsOfEveryLength(t *testing.T) {
	t.Parallel()
	classes := map[string]string{
		"letters": "QwErTyUiOpAsDfGh", "digits": "0123456789", "punctuation": `!"#$%&'()*+,-./:;<=>?@[\]^_{|}~`,
		"cyrillic": "пароль", "with spaces": "Pw d ", "spaces only": " ",
	}
	for class, alphabet := range classes {
		runes := []rune(alphabet)
		for n := 1; n <= 64; n++ {
			pw := make([]rune, n)
			for i := range pw {
				pw[i] = runes[i%len(runes)]
			}
			password := string(pw)
			var ts traces
			c, _ := newStub(t, []stubReply{xmlReply(passwordEchoed(password))}, ts.option())
			_, err := c.Accounts.Register(context.Background(), &RegisterParams{Email: "a@example.com", Password: password})
			what := fmt.Sprintf("%s %d", class, n)
			require.ErrorIs(t, err, ErrInvalid, what)
			assert.Equal(t, "billmgr: register: value(passwd): Field 'Password' has an invalid value", err.Error(), what)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr, what)
			assert.Equal(t, redacted, apiErr.Value, what)
			if strings.TrimSpace(password) == "" {
				assert.Empty(t, apiErr.Params["value"], "%s: a param's text is trimmed", what)
			} else {
				assert.Equal(t, redacted, apiErr.Params["value"], what)
			}
			assert.Equal(t, "passwd", apiErr.Object, what)
			detail := "rejected " + password + " as weak"
			if n >= secret.FreeTextMin && strings.TrimSpace(password) != "" {
				detail = "rejected " + redacted + " as weak"
			}
			assert.Equal(t, detail, apiErr.Detail, what)
			fields := FieldErrors(err)
			require.Len(t, fields, 1, what)
			assert.Equal(t, "Password", fields[0].Field, what)
			body := ts.all()[0].Body
			assert.Contains(t, body, `value="`+redacted+`"`, what)
			assert.Contains(t, body, `<param name="value">`+redacted+`</param>`, what)
			assert.Contains(t, body, `<passwd>`+redacted+`</passwd>`, what)
		}
	}
}
