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
	assert.Equal(t, "x"+Redacted+Redacted, Redact("x%41A", "A"))
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
	assert.Equal(t, "user "+Redacted+" session "+Redacted+", "+Redacted,
		Redact("user admin:pw session S1, S1", "", "admin:pw", "S1"))
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
	got, cut = RedactStart("one ab, then the start of the other: xy", "ab", "xyz")
	assert.Equal(t, "one "+Redacted+", then the start of the other: ", got)
	assert.Equal(t, 2, cut)
}

func TestRedactParams(t *testing.T) {
	t.Parallel()
	form := url.Values{
		"func": {"usrparam"}, "authinfo": {"admin:pw"}, "new_password": {"n3w"}, "old_pwd": {"0ld"},
		"client_secret": {"s3cr3t"}, "PassWord2": {"pw2"}, "key": {"k"}, "name": {"kept", "S1 and n3w"},
	}
	shown := RedactParams(form, "S1", "n3w")
	assert.Equal(t, url.Values{
		"func": {"usrparam"}, "authinfo": {Redacted}, "new_password": {Redacted}, "old_pwd": {Redacted},
		"client_secret": {Redacted}, "PassWord2": {Redacted}, "key": {Redacted}, "name": {"kept", Redacted + " and " + Redacted},
	}, shown)
	assert.Equal(t, []string{"kept", "S1 and n3w"}, form["name"], "the form itself is left as it was")
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
