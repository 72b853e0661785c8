package xmlscan

import (
	"bytes"
	"fmt"
	"strings"
)

// scanStart reads <name attr="value" ...> or <name .../>.
func (s *Scanner) scanStart(w []byte) (Kind, int, error) {
	name, i, err := s.startName(w)
	if err != nil {
		return 0, 0, err
	}
	return s.startRest(w, name, i)
}

// startRest reads the attributes and the end of the start tag of name at w, from w[i].
func (s *Scanner) startRest(w []byte, name string, i int) (Kind, int, error) {
	s.Name, s.SelfClosing = name, false
	s.Attrs, s.attrBuf = s.Attrs[:0], s.attrBuf[:0]
	for {
		if i = skipSpace(w, i); i == len(w) {
			return 0, 0, errShort
		}
		switch w[i] {
		case '>':
			return StartElement, i + 1, nil
		case '/':
			if i+1 == len(w) {
				return 0, 0, errShort
			}
			if w[i+1] != '>' {
				return 0, 0, s.syntaxError(i, "expected /> in element")
			}
			s.SelfClosing = true
			return StartElement, i + 2, nil
		}
		var err error
		if i, err = s.scanAttr(w, i); err != nil {
			return 0, 0, err
		}
	}
}

// startName reads the name of the start tag at w and returns it with its end. The rows of
// a list repeat their columns in order, so the name that followed the last one read at
// this depth the last time is tried first, before the name is scanned and looked up.
func (s *Scanner) startName(w []byte) (string, int, error) {
	last := &s.last[min(s.depth, maxDepth-1)]
	prev := &s.recent[*last]
	if p := prev.next; p != "" {
		if k := 1 + len(p); k < len(w) && !nameByte[w[k]] && string(w[1:k]) == p {
			*last = prev.nextSlot
			return p, k, nil
		}
	}
	i := scanName(w, 1)
	if i == len(w) {
		return "", 0, errShort
	}
	slot, ok := s.intern(w[1:i])
	if !ok {
		return "", 0, s.syntaxError(0, "expected element name after <")
	}
	name := s.recent[slot].name
	prev.next, prev.nextSlot, *last = name, slot, slot
	return name, i, nil
}

// scanAttr reads name="value" at w[i:] and returns the offset after it.
func (s *Scanner) scanAttr(w []byte, i int) (int, error) {
	j := scanName(w, i)
	if j == len(w) {
		return 0, errShort
	}
	slot, ok := s.intern(w[i:j])
	if !ok {
		return 0, s.syntaxError(i, "expected attribute name in element")
	}
	name := s.recent[slot].name
	if i = skipSpace(w, j); i == len(w) {
		return 0, errShort
	}
	if w[i] != '=' {
		return 0, s.syntaxError(i, "attribute name without = in element")
	}
	if i = skipSpace(w, i+1); i == len(w) {
		return 0, errShort
	}
	quote := w[i]
	if quote != '"' && quote != '\'' {
		return 0, s.syntaxError(i, "unquoted or missing attribute value in element")
	}
	i++
	n := bytes.IndexByte(w[i:], quote)
	raw := w[i:]
	if n >= 0 {
		raw = raw[:n]
	}
	if bytes.IndexByte(raw, '<') >= 0 {
		return 0, s.syntaxError(i, "unescaped < inside quoted string")
	}
	if n < 0 {
		return 0, errShort
	}
	value, err := s.chars(raw, charAttr, false, &s.attrBuf)
	if err != nil {
		return 0, s.charsError(err)
	}
	if s.Attrs, err = Grow(s.budget, s.Attrs, 1); err != nil {
		return 0, err
	}
	s.Attrs = append(s.Attrs, Attr{Name: name, Value: value})
	return i + n + 1, nil
}

// scanEnd reads </name>.
func (s *Scanner) scanEnd(w []byte) (Kind, int, error) {
	i := scanName(w, 2)
	if i == len(w) {
		return 0, 0, errShort
	}
	name := w[2:i]
	if !s.validName(name) || bytes.Count(name, []byte{':'}) > 1 {
		return 0, 0, s.syntaxError(0, "expected element name after </")
	}
	if i = skipSpace(w, i); i == len(w) {
		return 0, 0, errShort
	}
	if w[i] != '>' {
		return 0, 0, s.syntaxError(i, "invalid characters between </"+string(name)+" and >")
	}
	if s.CheckNesting {
		switch {
		case s.depth == 0:
			return 0, 0, fmt.Errorf("%w: unexpected </%s>", ErrMisnested, name)
		case string(name) != s.open[s.depth-1]:
			return 0, 0, fmt.Errorf("%w: <%s> closed by </%s>", ErrMisnested, s.open[s.depth-1], name)
		}
	}
	s.endName = name
	return EndElement, i + 1, nil
}

// scanProcInst checks and skips <?target ...?>. The XML declaration must name version
// 1.0 (or none) and UTF-8 (or no encoding).
func (s *Scanner) scanProcInst(w []byte) (Kind, int, error) {
	i := scanName(w, 2)
	if i == len(w) {
		return 0, 0, errShort
	}
	target := w[2:i]
	if !s.validName(target) {
		return 0, 0, s.syntaxError(0, "expected target name after <?")
	}
	i = skipSpace(w, i)
	n := bytes.Index(w[i:], []byte("?>"))
	if n < 0 {
		return 0, 0, errShort
	}
	if string(target) == "xml" {
		content := string(w[i : i+n])
		if v := procInstParam("version", content); v != "" && v != "1.0" {
			return 0, 0, s.syntaxError(0, fmt.Sprintf("unsupported version %q; only version 1.0 is supported", v))
		}
		if enc := procInstParam("encoding", content); enc != "" && !strings.EqualFold(enc, "utf-8") {
			return 0, 0, s.syntaxError(0, fmt.Sprintf("encoding %q declared; only UTF-8 is read", enc))
		}
	}
	return skipped, i + n + 2, nil
}

// procInstParam reads param="value" or param='value' out of the content of a processing
// instruction, as encoding/xml does (its procInst, BSD licence, The Go Authors): "" when
// absent.
func procInstParam(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// scanBang reads what starts with <!: a comment, a CDATA section or a directive.
func (s *Scanner) scanBang(w []byte) (Kind, int, error) {
	if len(w) < 3 {
		return 0, 0, errShort
	}
	switch w[2] {
	case '-':
		if len(w) < 4 {
			return 0, 0, errShort
		}
		if w[3] != '-' {
			return 0, 0, s.syntaxError(0, "invalid sequence <!- not part of <!--")
		}
		n := bytes.Index(w[4:], []byte("--"))
		if n < 0 || 4+n+2 == len(w) {
			return 0, 0, errShort
		}
		if end := 4 + n + 2; w[end] != '>' {
			return 0, 0, s.syntaxError(end, `invalid sequence "--" not allowed in comments`)
		}
		return skipped, 4 + n + 3, nil
	case '[':
		const open = "<![CDATA["
		for i := 3; i < len(open); i++ {
			if i == len(w) {
				return 0, 0, errShort
			}
			if w[i] != open[i] {
				return 0, 0, s.syntaxError(0, "invalid <![ sequence")
			}
		}
		n := bytes.Index(w[len(open):], []byte("]]>"))
		if n < 0 {
			return 0, 0, errShort
		}
		s.textBuf = s.textBuf[:0]
		text, err := s.chars(w[len(open):len(open)+n], charCDATA, false, &s.textBuf)
		if err != nil {
			return 0, 0, s.charsError(err)
		}
		s.Text = text
		return CharData, len(open) + n + 3, nil
	}
	return s.scanDirective(w)
}

// scanDirective skips <!DOCTYPE ...> and the like the way encoding/xml does: up to the
// '>' that closes it, where quoted text, nested <...> and <!--comments--> do not count.
// The byte after <! is taken as it is.
func (s *Scanner) scanDirective(w []byte) (Kind, int, error) {
	var quote byte
	depth := 0
	for i := 3; ; {
		if i == len(w) {
			return 0, 0, errShort
		}
		b := w[i]
		i++
		if quote == 0 && b == '>' && depth == 0 {
			return skipped, i, nil
		}
		for {
			switch {
			case b == quote:
				quote = 0
			case quote != 0:
			case b == '\'' || b == '"':
				quote = b
			case b == '>':
				depth--
			case b == '<':
				matched := 0
				for matched < 3 && i+matched < len(w) && w[i+matched] == "!--"[matched] {
					matched++
				}
				if i+matched == len(w) {
					return 0, 0, errShort
				}
				i += matched
				if matched < 3 {
					// Not a comment: the byte that broke the match is handled in turn.
					b = w[i]
					i++
					depth++
					continue
				}
				n := bytes.Index(w[i:], []byte("-->"))
				if n < 0 {
					return 0, 0, errShort
				}
				i += n + 3
			}
			break
		}
	}
}

func skipSpace(w []byte, i int) int {
	for i < len(w) {
		switch w[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}
