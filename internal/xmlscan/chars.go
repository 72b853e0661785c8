package xmlscan

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// scanText reads character data up to the next '<' or the end of the input. Data that
// fills half the buffer without a '<' is handed out in pieces, each cut where no
// reference, character or line end is split.
func (s *Scanner) scanText(w []byte) (Kind, int, error) {
	n := bytes.IndexByte(w, '<')
	cut := n < 0
	if cut && s.err == nil {
		if len(w) < len(s.buf)/2 {
			return 0, 0, errShort
		}
		if n, cut = textPiece(w), false; n == 0 {
			return 0, 0, errShort
		}
	} else if cut {
		n = len(w)
	}
	s.textBuf = s.textBuf[:0]
	text, err := s.chars(w[:n], charText, cut, &s.textBuf)
	if err != nil {
		return 0, 0, s.charsError(err)
	}
	s.Text = text
	return CharData, n, nil
}

// plainPrefix returns the length of the prefix of w that is character data as it
// stands: ASCII that needs no look, and two-byte characters (Cyrillic among them).
func plainPrefix(w []byte) int {
	i := 0
	for i < len(w) {
		switch c := w[i]; {
		case charSafe[c]:
			i++
		case c >= 0xC2 && c < 0xE0 && i+1 < len(w) && w[i+1]&0xC0 == 0x80:
			i += 2 // U+0080 to U+07FF: all XML characters
		default:
			return i
		}
	}
	return i
}

// textPiece returns the length of the longest prefix of the character data w that can be
// read on its own: it stops before a reference without its ';', before trailing ']' and
// CR (which may start "]]>" or CR LF), and before a character w ends inside of.
func textPiece(w []byte) int {
	n := len(w)
	if amp := bytes.LastIndexByte(w, '&'); amp >= 0 && bytes.IndexByte(w[amp:], ';') < 0 {
		n = amp
	}
	for n > 0 && (w[n-1] == ']' || w[n-1] == '\r') {
		n--
	}
	start := n
	for start > 0 && n-start < utf8.UTFMax && !utf8.RuneStart(w[start-1]) {
		start--
	}
	if start > 0 && w[start-1] >= utf8.RuneSelf && !utf8.FullRune(w[start-1:n]) {
		n = start - 1
	}
	return n
}

// charMode is where character data stands.
type charMode uint8

const (
	charText  charMode = iota // between tags: references resolved, "]]>" refused
	charAttr                  // a quoted attribute value: references resolved
	charCDATA                 // a CDATA section: taken as it is
)

// charSafe marks the bytes that stand for themselves in every mode; every other byte
// needs a look: '&', '<', ']', '\r', control characters and the start of a multi-byte
// character.
var charSafe = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = true
	}
	t['\t'], t['\n'] = true, true
	t['&'], t['<'], t[']'] = false, false, false
	return t
}()

// chars checks the character data raw and returns it with line ends normalized and, in
// text and attribute values, references resolved. It returns raw itself when nothing
// changes and builds the result in *scratch otherwise (after what *scratch holds). cut
// says that raw ends at the end of the input, so that a reference it ends inside is cut
// short rather than malformed.
func (s *Scanner) chars(raw []byte, mode charMode, cut bool, scratch *[]byte) ([]byte, error) {
	i := plainPrefix(raw)
	if i == len(raw) {
		return raw, nil
	}
	var out []byte // nil while raw itself is the result
	start := len(*scratch)
	copied := 0 // raw[:copied] is in out
	flush := func(upTo int) error {
		if out == nil {
			// The result is never longer than raw: grow once, charged, for all of it.
			grown, err := Grow(s.budget, *scratch, len(raw))
			if err != nil {
				return err
			}
			out = grown
		}
		out = append(out, raw[copied:upTo]...)
		return nil
	}
	for i < len(raw) {
		c := raw[i]
		switch {
		case charSafe[c]:
			i++
			continue
		case c >= 0xC2 && c < 0xE0 && i+1 < len(raw) && raw[i+1]&0xC0 == 0x80:
			i += 2 // U+0080 to U+07FF (Cyrillic among them): all XML characters
			continue
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, &charsError{msg: "invalid UTF-8"}
			}
			if !isInCharacterRange(r) {
				return nil, &charsError{msg: fmt.Sprintf("illegal character code %U", r)}
			}
			i += size
			continue
		case c == ']' || (mode == charCDATA && (c == '&' || c == '<')):
			if mode == charText && i+2 < len(raw) && raw[i+1] == ']' && raw[i+2] == '>' {
				return nil, &charsError{msg: "unescaped ]]> not in CDATA section"}
			}
			i++
			continue
		case c == '\r':
			if err := flush(i); err != nil {
				return nil, err
			}
			out = append(out, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case c == '&':
			r, n, err := reference(raw[i+1:], cut)
			if err != nil {
				return nil, err
			}
			if !isInCharacterRange(r) {
				return nil, &charsError{msg: fmt.Sprintf("illegal character code %U", r)}
			}
			if err := flush(i); err != nil {
				return nil, err
			}
			out = utf8.AppendRune(out, r)
			i += 1 + n
		default: // a control character ('<' does not reach here: the callers cut at it)
			return nil, &charsError{msg: fmt.Sprintf("illegal character code %U", rune(c))}
		}
		copied = i
	}
	if out == nil {
		return raw, nil
	}
	if err := flush(len(raw)); err != nil {
		return nil, err
	}
	*scratch = out
	return out[start:], nil
}

// reference reads the reference after '&' at the start of b: one of the five predefined
// entities or a character reference, each ending with ';'. It returns the character,
// with a surrogate or other non-character code point read as U+FFFD as encoding/xml
// does, and how many bytes of b it took.
func reference(b []byte, cut bool) (rune, int, error) {
	i := 0
	if len(b) > 0 && b[0] == '#' {
		i = 1
		base := uint64(10)
		if i < len(b) && b[i] == 'x' {
			base = 16
			i++
		}
		digits := i
		var n uint64
		for ; i < len(b); i++ {
			d, ok := digitValue(b[i], base)
			if !ok {
				break
			}
			n = min(n*base+d, utf8.MaxRune+1)
		}
		switch {
		case i == len(b) && cut:
			return 0, 0, &charsError{short: true}
		case i == len(b) || b[i] != ';' || i == digits || n > utf8.MaxRune:
			return 0, 0, badReference(b[:min(i+1, len(b))])
		}
		r := rune(n)
		if !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		return r, i + 1, nil
	}
	i = scanName(b, 0)
	switch {
	case i == len(b) && cut:
		return 0, 0, &charsError{short: true}
	case i == len(b) || b[i] != ';':
		return 0, 0, badReference(b[:min(i+1, len(b))])
	}
	switch string(b[:i]) {
	case "lt":
		return '<', i + 1, nil
	case "gt":
		return '>', i + 1, nil
	case "amp":
		return '&', i + 1, nil
	case "apos":
		return '\'', i + 1, nil
	case "quot":
		return '"', i + 1, nil
	}
	return 0, 0, badReference(b[:i+1])
}

func badReference(b []byte) error {
	return &charsError{msg: "invalid character entity &" + strings.ToValidUTF8(string(b), "?")}
}

func digitValue(c byte, base uint64) (uint64, bool) {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0'), true
	case base == 16 && 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10, true
	case base == 16 && 'A' <= c && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
}

// isInCharacterRange is the Char production of XML 1.0, section 2.2.
func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
