package secret

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The redaction of secret values in a text, in every encoding a request or a reply may
// hold them, where they stand as values or, long enough, anywhere (see the package doc).

// FreeTextMin is the length, in characters, from which a secret is redacted anywhere in a
// text, not only where it stands as a value. See the package doc for why it is 8.
const FreeTextMin = 8

// Redact replaces each of secrets in s with Redacted: as it is, URL-encoded in any form,
// with each byte literal or percent-encoded in upper or lower hex and a space as "+" or
// "%20", and XML-escaped, with each ASCII character literal or a character reference
// (&amp;, &#38;, &#x26;) as a reply document writes it. Empty secrets are skipped.
//
// A secret is replaced where it stands as a value, whatever its length: the whole of s, or
// a part of s between a character that opens a value and one that ends it, or the end of
// s: =…& (a form, a query, a cookie: & ; , a bracket, < > a quote or white space end it),
// :…@ (a URL's user information; and an authinfo pair, ended like a form's value), >…< (an
// element's text), "…" and '…' (an attribute), each character literal, percent-encoded or
// a character reference. Anywhere else (inside a word or a sentence) it is replaced only
// when it has at least FreeTextMin characters and is not all white space.
//
// A secret with white space around it is redacted without it too, as a reply that trims
// what it echoes shows it.
func Redact(s string, secrets ...string) string {
	for _, v := range withTrimmed(secrets) {
		s = redactValue(s, v)
	}
	return s
}

// withTrimmed is secrets, followed by each one that has white space around it without it.
func withTrimmed(secrets []string) []string {
	out := secrets
	for _, v := range secrets {
		if t := strings.TrimSpace(v); t != v && t != "" {
			if len(out) == len(secrets) {
				out = slices.Clip(out)
			}
			out = append(out, t)
		}
	}
	return out
}

// RedactStart redacts s, the start of a text that may go on (a reply cut at a limit),
// then cuts off its end where the start of a secret may be, in any encoding Redact knows,
// where Redact would replace the whole secret (a short one after an opening character,
// a long one anywhere), and an incomplete UTF-8 character. It returns what is left and how
// many bytes were cut off.
func RedactStart(s string, secrets ...string) (string, int) {
	secrets = withTrimmed(secrets)
	s = Redact(s, secrets...)
	end := len(s)
	for cut := true; cut; { // a cut may leave the start of another secret at the new end
		cut = false
		for _, v := range secrets {
			if v == "" {
				continue
			}
			anywhere := freeText(v)
			for i := max(0, end-maxCharRef*len(v)); i < end; i++ {
				if _, partial := encodedMatch(s[:end], i, v); partial && (anywhere || i == 0 || opensValue(s[:i])) {
					end, cut = i, true
					break
				}
			}
		}
	}
	for i := end - 1; i >= max(0, end-utf8.UTFMax); i-- {
		if utf8.RuneStart(s[i]) {
			if !utf8.FullRuneInString(s[i:end]) {
				end = i
			}
			break
		}
	}
	return s[:end], len(s) - end
}

// RedactParams returns a copy of form fit to show: every secret parameter (IsParam) is
// Redacted, and secrets are redacted from the other values (a value that is a secret
// whole, and a long secret anywhere in one).
func RedactParams(form url.Values, secrets ...string) url.Values {
	shown := make(url.Values, len(form))
	for k, vals := range form {
		if IsParam(k) {
			shown[k] = []string{Redacted}
			continue
		}
		shown[k] = make([]string, len(vals))
		for i, v := range vals {
			shown[k][i] = Redact(v, secrets...)
		}
	}
	return shown
}

// RedactError returns err with secrets removed from its text; errors.Is and errors.As
// still reach err and everything it wraps. An error whose text holds none is returned as
// it is.
func RedactError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := Redact(msg, secrets...); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

// redactedError carries the text of an error with the secrets removed, keeping the
// original reachable for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactValue replaces secret in s, in any encoding, with Redacted: everywhere when it is
// long enough for free text, else where it stands as a value.
func redactValue(s, secret string) string {
	if secret == "" {
		return s
	}
	anywhere, blank := freeText(secret), strings.TrimFunc(secret, unicode.IsSpace) == ""
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		end, _ := encodedMatch(s, i, secret)
		if end < 0 || !anywhere && !standsAsValue(s, i, end, blank) {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(Redacted)
		last, i = end, end-1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// freeText reports whether secret is redacted anywhere in a text: it has FreeTextMin
// characters or more, not all white space.
func freeText(secret string) bool {
	return utf8.RuneCountInString(secret) >= FreeTextMin && strings.TrimFunc(secret, unicode.IsSpace) != ""
}

// standsAsValue reports whether s[i:end], a match of a secret, is a value of s: all of s,
// or a part that follows a character that opens a value and ends s or is followed by a
// character that closes that value (valueEnds). A part at the start of s is no value
// unless it is all of s: "e is" starts a sentence. White space closes no value of a blank
// secret (all white space): a blank secret next to a space is just a longer run of spaces.
func standsAsValue(s string, i, end int, blank bool) bool {
	if i == 0 {
		return end == len(s)
	}
	open, _ := lastChar(s[:i])
	ends, ok := valueEnds[open]
	if !ok {
		return false
	}
	next, more := firstChar(s[end:])
	switch {
	case !more:
		return true
	case next >= utf8.RuneSelf:
		return false
	case unicode.IsSpace(rune(next)):
		return !blank && (open == '=' || open == ':')
	}
	return strings.ContainsRune(ends, rune(next))
}

// valueEnds are the characters that open a value, each with the characters that end it:
// = starts the value of a form's or a query's parameter and of a cookie, : the password of
// a URL's user information or an authinfo pair, > an element's text, a quote an
// attribute. A value after = or : ends at white space too (a query in a log line, a header
// on its line).
var valueEnds = map[int]string{
	'=':  `&;,)]}<>"'`,
	':':  `@&;,)]}<>"'`,
	'>':  `<`,
	'"':  `"`,
	'\'': `'`,
}

// opensValue reports whether a value may start right after before: it ends with a
// character of valueEnds, literal, percent-encoded or a character reference.
func opensValue(before string) bool {
	c, ok := lastChar(before)
	_, opens := valueEnds[c]
	return ok && opens
}

// firstChar is the character s starts with, read through a percent escape or a character
// reference; a byte of a multi-byte character stands for itself. ok is false for "".
func firstChar(s string) (c int, ok bool) {
	switch {
	case s == "":
		return 0, false
	case s[0] == '%' && len(s) >= 3 && unhex(s[1])<<4|unhex(s[2]) < 1<<8:
		return unhex(s[1])<<4 | unhex(s[2]), true
	case s[0] == '&':
		if v, n, _ := charRef(s); n > 0 {
			return v, true
		}
	}
	return int(s[0]), true
}

// lastChar is the character s ends with, read like firstChar. ok is false for "".
func lastChar(s string) (c int, ok bool) {
	n := len(s)
	switch {
	case n == 0:
		return 0, false
	case n >= 3 && s[n-3] == '%' && unhex(s[n-2])<<4|unhex(s[n-1]) < 1<<8:
		return unhex(s[n-2])<<4 | unhex(s[n-1]), true
	case s[n-1] == ';':
		if amp := strings.LastIndexByte(s[max(0, n-maxCharRef):], '&'); amp >= 0 {
			ref := s[max(0, n-maxCharRef)+amp:]
			if v, m, _ := charRef(ref); m == len(ref) {
				return v, true
			}
		}
	}
	return int(s[n-1]), true
}

// encodedMatch returns where secret, in any encoding, ends in s if it starts at i, or -1;
// and whether s ends inside it (s[i:] is the start of secret in some encoding, a
// character reference or a percent escape cut short included). A '%' of secret may match
// itself or "%25", and a '&' itself or "&amp;", so several ends may be alive at once; the
// longest one wins.
func encodedMatch(s string, i int, secret string) (end int, partial bool) {
	if c := s[i]; c != secret[0] && c != '%' && c != '+' && c != '&' {
		return -1, false // the common case, without allocating
	}
	ends := []int{i}
	for k := 0; k < len(secret) && len(ends) > 0; k++ {
		c := secret[k]
		var next []int
		for _, p := range ends {
			rest := s[p:]
			if rest == "" {
				partial = true
				continue
			}
			if rest[0] == c || c == ' ' && rest[0] == '+' {
				next = appendOnce(next, p+1)
			}
			switch rest[0] {
			case '%':
				if len(rest) >= 3 && unhex(rest[1])<<4|unhex(rest[2]) == int(c) {
					next = appendOnce(next, p+3)
				}
				partial = partial || len(rest) == 1 || len(rest) == 2 && unhex(rest[1]) == int(c>>4)
			case '&':
				v, n, cut := charRef(rest)
				if n > 0 && v == int(c) {
					next = appendOnce(next, p+n)
				}
				partial = partial || cut
			}
		}
		ends = next
	}
	if len(ends) == 0 {
		return -1, partial
	}
	return slices.Max(ends), partial
}

// maxCharRef is the longest character reference charRef reads ("&#x0000026;").
const maxCharRef = 12

// charRef reads the XML character reference that starts s: &amp;, &lt;, &gt;, &quot;,
// &apos;, or a numeric one (&#38;, &#x26;) of an ASCII character. It returns the
// character and the reference's length, or n = 0 when s starts with none; cut reports
// that s ends inside what may be one.
func charRef(s string) (v, n int, cut bool) {
	end := strings.IndexByte(s[:min(len(s), maxCharRef)], ';')
	if end < 0 {
		return 0, 0, len(s) < maxCharRef && strings.Trim(s[1:], "#0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
	}
	name := s[1:end]
	switch {
	case name == "amp":
		return '&', end + 1, false
	case name == "lt":
		return '<', end + 1, false
	case name == "gt":
		return '>', end + 1, false
	case name == "quot":
		return '"', end + 1, false
	case name == "apos":
		return '\'', end + 1, false
	case strings.HasPrefix(name, "#x"):
		code, err := strconv.ParseUint(name[2:], 16, 7)
		if err == nil {
			return int(code), end + 1, false
		}
	case strings.HasPrefix(name, "#"):
		code, err := strconv.ParseUint(name[1:], 10, 7)
		if err == nil {
			return int(code), end + 1, false
		}
	}
	return 0, 0, false
}

func appendOnce(list []int, v int) []int {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// unhex is the value of a hex digit, or a value that matches no byte.
func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return 1 << 10
}
