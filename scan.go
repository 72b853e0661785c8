package billmgr

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// scanner is a streaming tokenizer for the XML that BILLmanager writes: elements,
// attributes, character data with entity and character references, CDATA sections,
// comments, processing instructions (the declaration) and directives. It accepts and
// refuses exactly what encoding/xml's Decoder.RawToken does in strict mode (a fuzz test
// holds it to that), but reads from a buffer of its own and hands out slices of it instead
// of allocating every token, which makes it several times faster.
//
// Comments, processing instructions and directives are checked and skipped. A self-closing
// element is one start token with selfClosing set. Character data longer than half the
// buffer comes in several text tokens, so that the buffer grows only for a tag, a comment
// or a CDATA section that does not fit. The slices a token carries are valid until the
// next call of next.
//
// With nest set, the scanner also holds the document to its nesting, as the decoders need:
// an end tag must close the innermost open element, and elements nest at most maxDepth
// deep; a breach is an error wrapping ErrUnexpectedResponse.
type scanner struct {
	r      io.Reader
	buf    []byte
	pos    int     // the next unread byte of buf
	end    int     // the end of the bytes read into buf
	read   int     // the bytes read from r
	err    error   // what ended the input (io.EOF, or a read error); pending until buf is used up
	lines  int     // newlines in the bytes already dropped from buf
	budget *budget // charged for every buffer that grows; nil: unbounded
	nest   bool    // refuse a misnested document

	// The current token.
	name        string     // start: the element name (interned)
	endName     []byte     // end: the element name
	attrs       []scanAttr // start: the attributes in document order
	selfClosing bool       // start: <name/>
	text        []byte     // text: the character data, references resolved

	// The open elements: depth of them, the names of the innermost maxDepth in open. An end
	// tag that repeats the name of the innermost is read without scanning its name.
	depth int
	open  [maxDepth]string

	names   map[string]string       // validated names, interned
	recent  [recentNames]recentName // the names last read, by a hash of their bytes
	last    [maxDepth]nameSlot      // at each depth, the slot in recent of the last start tag's name
	textBuf []byte                  // decoded text, when it differs from the input
	attrBuf []byte                  // decoded attribute values, when they differ from the input
}

// recentName is a name read lately, and the name of the start tag that followed it at
// the same depth the last time.
type recentName struct {
	name, next string
	nextSlot   nameSlot
}

// recentNames is the number of names a scanner finds by a hash of their bytes.
const recentNames = 1 << 10

// nameSlot is an index into scanner.recent.
type nameSlot uint16

// scanAttr is an attribute of a start token.
type scanAttr struct {
	name  string
	value []byte
}

// tokenKind is what next found.
type tokenKind uint8

const (
	tokStart tokenKind = iota + 1
	tokEnd
	tokText
	tokSkipped // a comment, a processing instruction or a directive: not handed out
)

const (
	scanBufferSize = 32 << 10
	// A long reply (a page of a list) is read into a buffer of longReadSize once
	// longReadAfter of its bytes are read: the same bytes in fewer, larger reads, with
	// fewer system calls and wake-ups. It is made for the reply and dropped after it,
	// within the reply's memory bound.
	longReadSize  = 256 << 10
	longReadAfter = 4 * scanBufferSize
	maxInterned   = 4096 // distinct names kept per scanner
	maxDepth      = 64   // element nesting the decoders accept; real documents nest a few levels
)

// errShort means that the buffered bytes end inside a token.
var errShort = errors.New("billmgr: internal: token continues past the buffer")

func (s *scanner) reset(r io.Reader) {
	s.r, s.pos, s.end, s.read, s.err, s.lines, s.depth = r, 0, 0, 0, nil, 0, 0
	if s.buf == nil {
		s.buf = make([]byte, scanBufferSize)
	}
	if s.names == nil {
		s.names = make(map[string]string)
	}
}

// release drops what the scanner holds of its input, and every buffer that grew past its
// first size, so that a pooled scanner keeps nothing of an outsized document.
func (s *scanner) release() {
	s.r, s.budget, s.err = nil, nil, nil
	s.attrs, s.text, s.endName = s.attrs[:0], nil, nil
	if len(s.buf) > scanBufferSize {
		s.buf = nil
	}
	if cap(s.textBuf) > scanBufferSize {
		s.textBuf = nil
	}
	if cap(s.attrBuf) > scanBufferSize || cap(s.attrs) > 64 {
		s.attrBuf, s.attrs = nil, nil
	}
}

// peek returns up to n bytes ahead without consuming them, and the read error that ended
// the input early, if any.
func (s *scanner) peek(n int) ([]byte, error) {
	for s.end-s.pos < n && s.err == nil {
		s.fill(n)
	}
	head := s.buf[s.pos:s.end]
	if len(head) > n {
		head = head[:n]
	}
	if len(head) < n && s.err != io.EOF {
		return head, s.err
	}
	return head, nil
}

// fill moves the unread bytes to the front of the buffer and reads until at least want
// of them are buffered or the input ends. The buffer grows to hold a token of any size
// (the caller bounds the input); asking for half again as much as is buffered keeps a
// token that arrives in small reads from being rescanned more than a few times. A long
// reply moves to a buffer of longReadSize, if its memory bound allows.
func (s *scanner) fill(want int) {
	if s.pos > 0 {
		s.lines += bytes.Count(s.buf[:s.pos], []byte{'\n'})
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	switch {
	case want > len(s.buf):
		if err := s.regrow(max(want, 2*len(s.buf))); err != nil {
			s.err = err
			return
		}
	case s.read >= longReadAfter && len(s.buf) < longReadSize && s.budget.allows(longReadSize):
		_ = s.regrow(longReadSize) // allowed: cannot fail
	}
	for empty := 0; s.end < want && s.err == nil; {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		s.read += n
		s.err = err
		if n > 0 {
			empty = 0
		} else if empty++; empty >= 100 && err == nil {
			s.err = io.ErrNoProgress
		}
	}
}

// regrow moves the buffered bytes to a new buffer of size bytes, charged to the budget.
func (s *scanner) regrow(size int) error {
	if err := s.budget.spend(size); err != nil {
		return err
	}
	grown := make([]byte, size)
	copy(grown, s.buf[:s.end])
	s.buf = grown
	return nil
}

// next reads the next token. At the end of the input it returns io.EOF; input that ends
// inside a token is a *xml.SyntaxError "unexpected EOF"; a failed read is returned as is.
//
// The tokens most of a document is made of are read first, without the general path:
// character data that needs no look, up to the next tag; the end tag of the innermost
// open element, whose name need not be scanned again; a start tag that fits in the
// buffer.
func (s *scanner) next() (tokenKind, error) {
	w := s.buf[s.pos:s.end]
	switch {
	case len(w) < 2:
	case w[0] != '<':
		if i := plainPrefix(w); i < len(w) && w[i] == '<' {
			s.text, s.pos = w[:i], s.pos+i
			return tokText, nil
		}
	case w[1] == '/':
		if d := s.depth; d > 0 && d <= maxDepth {
			want := s.open[d-1]
			if k := 2 + len(want); k < len(w) && w[k] == '>' && string(w[2:k]) == want {
				s.endName, s.pos, s.depth = w[2:k], s.pos+k+1, d-1
				return tokEnd, nil
			}
		}
	case w[1] != '?' && w[1] != '!':
		if _, n, err := s.scanStart(w); err == nil {
			s.pos += n
			return tokStart, s.opened()
		}
	}
	return s.nextToken()
}

// opened records the start tag just read among the open elements.
func (s *scanner) opened() error {
	if s.nest && s.depth >= maxDepth {
		return fmt.Errorf("%w: elements nested deeper than %d", ErrUnexpectedResponse, maxDepth)
	}
	if !s.selfClosing {
		if s.depth < maxDepth {
			s.open[s.depth] = s.name
		}
		s.depth++
	}
	return nil
}

// plainContent reads, when it is all the element just opened holds, character data and
// the element's end tag ("<id>17</id>", the common column), and returns the data with its
// references resolved (valid until the next read), or false, having read nothing.
func (s *scanner) plainContent() ([]byte, bool) {
	if s.depth == 0 || s.depth > maxDepth {
		return nil, false
	}
	w := s.buf[s.pos:s.end]
	i := plainPrefix(w)
	text := w[:i]
	if i < len(w) && w[i] != '<' {
		// Data that needs a look ("ИП Петров &amp; партнёры", "Клиент №12", "10.00 ₽"):
		// checked and resolved as scanText does, when it ends in the buffer; the general
		// path reports what does not read. (plainPrefix itself stays small enough to be
		// inlined in next: taking three-byte characters there cost the scanner 8%.)
		n := bytes.IndexByte(w[i:], '<')
		if n < 0 {
			return nil, false
		}
		i += n
		s.textBuf = s.textBuf[:0]
		var err error
		if text, err = s.chars(w[:i], charText, false, &s.textBuf); err != nil {
			return nil, false
		}
	}
	name := s.open[s.depth-1]
	k := i + 2 + len(name)
	if k >= len(w) || w[i] != '<' || w[i+1] != '/' || w[k] != '>' || string(w[i+2:k]) != name {
		return nil, false
	}
	s.endName, s.pos, s.depth = w[i+2:k], s.pos+k+1, s.depth-1
	return text, true
}

// skipBlank skips white space that runs up to a tag, where the reader ignores the text
// between tags (between the columns of a row, between the rows of a list): a token the
// reader would drop anyway. White space is always well-formed character data.
func (s *scanner) skipBlank() {
	w := s.buf[s.pos:s.end]
	i := 0
	for i < len(w) && (w[i] == ' ' || w[i] == '\n' || w[i] == '\t' || w[i] == '\r') {
		i++
	}
	if i < len(w) && w[i] == '<' {
		s.pos += i
	}
}

// nextToken is next's general path.
func (s *scanner) nextToken() (tokenKind, error) {
	for {
		kind, n, err := s.scan(s.buf[s.pos:s.end])
		switch {
		case err == errShort && s.err == nil:
			buffered := s.end - s.pos
			s.fill(buffered + max(buffered/2, 512))
			continue
		case err == errShort && s.err == io.EOF:
			return 0, s.syntaxError(s.end-s.pos, "unexpected EOF")
		case err == errShort:
			return 0, s.err
		case err != nil:
			return 0, err
		}
		s.pos += n
		switch kind {
		case tokSkipped:
			continue
		case tokStart:
			if err := s.opened(); err != nil {
				return 0, err
			}
		case tokEnd:
			s.depth = max(s.depth-1, 0)
		}
		return kind, nil
	}
}

// syntaxError reports msg at offset off of the unread bytes.
func (s *scanner) syntaxError(off int, msg string) error {
	line := 1 + s.lines + bytes.Count(s.buf[:s.pos+off], []byte{'\n'})
	return &xml.SyntaxError{Msg: msg, Line: line}
}

// scan reads one token from the start of w and returns how many bytes it took, or
// errShort when w ends inside it.
func (s *scanner) scan(w []byte) (tokenKind, int, error) {
	if len(w) == 0 {
		if s.err != nil {
			return 0, 0, s.err
		}
		return 0, 0, errShort
	}
	if w[0] != '<' {
		return s.scanText(w)
	}
	if len(w) < 2 {
		return 0, 0, errShort
	}
	switch w[1] {
	case '/':
		return s.scanEnd(w)
	case '?':
		return s.scanProcInst(w)
	case '!':
		return s.scanBang(w)
	}
	return s.scanStart(w)
}

// scanText reads character data up to the next '<' or the end of the input. Data that
// fills half the buffer without a '<' is handed out in pieces, each cut where no
// reference, character or line end is split.
func (s *scanner) scanText(w []byte) (tokenKind, int, error) {
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
	s.text = text
	return tokText, n, nil
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

// scanStart reads <name attr="value" ...> or <name .../>.
func (s *scanner) scanStart(w []byte) (tokenKind, int, error) {
	name, i, err := s.startName(w)
	if err != nil {
		return 0, 0, err
	}
	return s.startRest(w, name, i)
}

// knownStart reads, when the unread bytes start with it, a start tag of name, a name read
// before whose slot in recent is slot, and reports whether it did; having read nothing
// otherwise. It is the caller's prediction of the next tag (the next column of a row), so
// it needs neither the scanner's prediction nor its names: one comparison of the name's
// bytes. A tag it does not read whole, cut by the end of the buffer or malformed, is left
// to next.
func (s *scanner) knownStart(name string, slot nameSlot) bool {
	w := s.buf[s.pos:s.end]
	k := 1 + len(name)
	if k >= len(w) || w[0] != '<' || nameByte[w[k]] || string(w[1:k]) != name || s.depth >= maxDepth {
		return false
	}
	n := k + 1
	if w[k] == '>' {
		s.name, s.selfClosing = name, false
		s.attrs = s.attrs[:0]
	} else if _, end, err := s.startRest(w, name, k); err == nil {
		n = end
	} else {
		return false
	}
	s.last[s.depth] = slot
	s.pos += n
	return s.opened() == nil // below maxDepth: it cannot fail
}

// startRest reads the attributes and the end of the start tag of name at w, from w[i].
func (s *scanner) startRest(w []byte, name string, i int) (tokenKind, int, error) {
	s.name, s.selfClosing = name, false
	s.attrs, s.attrBuf = s.attrs[:0], s.attrBuf[:0]
	for {
		if i = skipSpace(w, i); i == len(w) {
			return 0, 0, errShort
		}
		switch w[i] {
		case '>':
			return tokStart, i + 1, nil
		case '/':
			if i+1 == len(w) {
				return 0, 0, errShort
			}
			if w[i+1] != '>' {
				return 0, 0, s.syntaxError(i, "expected /> in element")
			}
			s.selfClosing = true
			return tokStart, i + 2, nil
		}
		var err error
		if i, err = s.scanAttr(w, i); err != nil {
			return 0, 0, err
		}
	}
}

// startSlot is the slot in recent of the name of the start tag just read.
func (s *scanner) startSlot() nameSlot {
	depth := s.depth // the open elements, the start tag's own among them unless it closed itself
	if !s.selfClosing {
		depth--
	}
	return s.last[min(depth, maxDepth-1)]
}

// startName reads the name of the start tag at w and returns it with its end. The rows of
// a list repeat their columns in order, so the name that followed the last one read at
// this depth the last time is tried first, before the name is scanned and looked up.
func (s *scanner) startName(w []byte) (string, int, error) {
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
func (s *scanner) scanAttr(w []byte, i int) (int, error) {
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
	if s.attrs, err = grow(s.budget, s.attrs, 1); err != nil {
		return 0, err
	}
	s.attrs = append(s.attrs, scanAttr{name: name, value: value})
	return i + n + 1, nil
}

// scanEnd reads </name>.
func (s *scanner) scanEnd(w []byte) (tokenKind, int, error) {
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
	if s.nest {
		switch {
		case s.depth == 0:
			return 0, 0, fmt.Errorf("%w: unexpected </%s>", ErrUnexpectedResponse, name)
		case string(name) != s.open[s.depth-1]:
			return 0, 0, fmt.Errorf("%w: malformed XML: <%s> closed by </%s>", ErrUnexpectedResponse, s.open[s.depth-1], name)
		}
	}
	s.endName = name
	return tokEnd, i + 1, nil
}

// scanProcInst checks and skips <?target ...?>. The XML declaration must name version
// 1.0 (or none) and UTF-8 (or no encoding).
func (s *scanner) scanProcInst(w []byte) (tokenKind, int, error) {
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
	return tokSkipped, i + n + 2, nil
}

// scanBang reads what starts with <!: a comment, a CDATA section or a directive.
func (s *scanner) scanBang(w []byte) (tokenKind, int, error) {
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
		return tokSkipped, 4 + n + 3, nil
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
		s.text = text
		return tokText, len(open) + n + 3, nil
	}
	return s.scanDirective(w)
}

// scanDirective skips <!DOCTYPE ...> and the like the way encoding/xml does: up to the
// '>' that closes it, where quoted text, nested <...> and <!--comments--> do not count.
// The byte after <! is taken as it is.
func (s *scanner) scanDirective(w []byte) (tokenKind, int, error) {
	var quote byte
	depth := 0
	for i := 3; ; {
		if i == len(w) {
			return 0, 0, errShort
		}
		b := w[i]
		i++
		if quote == 0 && b == '>' && depth == 0 {
			return tokSkipped, i, nil
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

// charsError is a failure of chars: input that ends inside a reference (short), or
// malformed character data.
type charsError struct {
	short bool
	msg   string
}

func (e *charsError) Error() string { return e.msg }

func (s *scanner) charsError(err error) error {
	var ce *charsError
	switch {
	case errors.As(err, &ce) && ce.short:
		return errShort
	case ce == nil:
		return err // the budget
	}
	return s.syntaxError(0, err.Error())
}

// chars checks the character data raw and returns it with line ends normalized and, in
// text and attribute values, references resolved. It returns raw itself when nothing
// changes and builds the result in *scratch otherwise (after what *scratch holds). cut
// says that raw ends at the end of the input, so that a reference it ends inside is cut
// short rather than malformed.
func (s *scanner) chars(raw []byte, mode charMode, cut bool, scratch *[]byte) ([]byte, error) {
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
			grown, err := grow(s.budget, *scratch, len(raw))
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

// scanName returns the end of the name that starts at w[i]: the run of ASCII name bytes
// and of bytes beyond ASCII, whose validity the caller checks.
func scanName(w []byte, i int) int {
	for i < len(w) && nameByte[w[i]] {
		i++
	}
	return i
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// nameByte marks the bytes a name runs over: the ASCII name bytes and every byte beyond
// ASCII (encoding/xml checks those characters once the name is read).
var nameByte = func() (t [256]bool) {
	for c := range t {
		t[c] = isNameByte(byte(c)) || c >= utf8.RuneSelf
	}
	return t
}()

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

// intern finds the element or attribute name b in recent and returns its slot there, or
// false when b is not a name: empty, not an XML name, or with more than one colon. The
// names last read are found by a hash of their bytes before the map is asked.
func (s *scanner) intern(b []byte) (nameSlot, bool) {
	slot := nameHash(b)
	if e := &s.recent[slot]; e.name == string(b) && len(b) > 0 {
		return slot, true
	}
	name, ok := s.names[string(b)]
	if !ok {
		if !s.validName(b) || bytes.Count(b, []byte{':'}) > 1 {
			return 0, false
		}
		name = string(b)
		if len(s.names) < maxInterned {
			s.names[name] = name
		}
	}
	s.recent[slot] = recentName{name: name}
	return slot, true
}

// nameHash is an index into scanner.recent for the name b: its length, first and last
// bytes, mixed by a multiplication.
func nameHash(b []byte) nameSlot {
	h := uint32(len(b))
	switch {
	case len(b) >= 4:
		h ^= binary.LittleEndian.Uint32(b) ^ binary.LittleEndian.Uint32(b[len(b)-4:])<<7
	case len(b) > 0:
		h ^= uint32(b[0])<<8 | uint32(b[len(b)-1])<<16
	}
	return nameSlot((h * 0x9E3779B1) >> (32 - 10))
}

// validName reports whether b, a run of scanName, is an XML name. Names beyond ASCII
// (BILLmanager sends none) are left to encoding/xml's own tables.
func (s *scanner) validName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if c := b[0]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':' || c >= utf8.RuneSelf) {
		return false
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return s.validUnicodeName(b)
		}
	}
	return true
}

func (s *scanner) validUnicodeName(b []byte) bool {
	if _, ok := s.names[string(b)]; ok {
		return true
	}
	doc := make([]byte, 0, len(b)+4)
	doc = append(append(append(doc, "<?"...), b...), "?>"...)
	_, err := xml.NewDecoder(bytes.NewReader(doc)).RawToken()
	return err == nil
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
