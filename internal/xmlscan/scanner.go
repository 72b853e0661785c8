// Package xmlscan is the streaming XML tokenizer the SDK reads BILLmanager's replies with,
// and the bounds of one reply: the bytes read from its body and the memory its decoder
// allocates.
//
// The Scanner accepts and refuses exactly what encoding/xml's Decoder.RawToken does in
// strict mode (a fuzz test holds it to that), but reads from a buffer of its own and hands
// out slices of it instead of allocating every token, which makes it several times faster.
// Its fast paths (PlainContent, SkipBlank, KnownStart) serve a decoder that reads the rows
// of a list, whose columns repeat in one order.
package xmlscan

import (
	"bytes"
	"io"
)

// Scanner is a streaming tokenizer for the XML that BILLmanager writes: elements,
// attributes, character data with entity and character references, CDATA sections,
// comments, processing instructions (the declaration) and directives.
//
// Comments, processing instructions and directives are checked and skipped. A self-closing
// element is one StartElement with SelfClosing set. Character data longer than half the
// buffer comes in several CharData tokens, so that the buffer grows only for a tag, a
// comment or a CDATA section that does not fit. The fields of the current token and the
// slices they hold are valid until the next read; the caller must not change them.
//
// With CheckNesting set, the scanner also holds the document to its nesting, as a decoder
// needs: an end tag must close the innermost open element (ErrMisnested), and elements
// nest at most maxDepth deep (ErrTooDeep).
type Scanner struct {
	// The current token.
	Name        string // StartElement: the element name (interned: one string for each name)
	Attrs       []Attr // StartElement: the attributes in document order
	SelfClosing bool   // StartElement: <name/>, which no EndElement follows
	Text        []byte // CharData: the character data, references resolved

	CheckNesting bool // refuse a misnested document

	r       io.Reader
	buf     []byte
	pos     int     // the next unread byte of buf
	end     int     // the end of the bytes read into buf
	read    int     // the bytes read from r
	err     error   // what ended the input (io.EOF, or a read error); pending until buf is used up
	lines   int     // newlines in the bytes already dropped from buf
	budget  *Budget // charged for every buffer that grows; nil: unbounded
	endName []byte  // EndElement: the element name

	// The open elements: depth of them, the names of the innermost maxDepth in open. An end
	// tag that repeats the name of the innermost is read without scanning its name.
	depth int
	open  [maxDepth]string

	names   map[string]string       // validated names, interned
	recent  [RecentNames]recentName // the names last read, by a hash of their bytes
	last    [maxDepth]NameSlot      // at each depth, the slot in recent of the last start tag's name
	textBuf []byte                  // decoded text, when it differs from the input
	attrBuf []byte                  // decoded attribute values, when they differ from the input
}

// Attr is an attribute of a start tag: its name (interned) and its value, references
// resolved.
type Attr struct {
	Name  string
	Value []byte
}

// Kind is the kind of token Next read.
type Kind uint8

// The kinds of tokens Next hands out.
const (
	StartElement Kind = iota + 1
	EndElement
	CharData
	skipped // a comment, a processing instruction or a directive: not handed out
)

// BufferSize is the size of a scanner's first buffer, and of the other buffers it keeps
// between documents.
const BufferSize = 32 << 10

// LongReadSize is the size of the buffer a long reply (a page of a list) is read into
// once longReadAfter of its bytes are read: the same bytes in fewer, larger reads, with
// fewer system calls and wake-ups. It is made for the reply and dropped after it, within
// the reply's memory bound.
const LongReadSize = 256 << 10

const (
	longReadAfter = 4 * BufferSize
	maxInterned   = 4096 // distinct names kept per scanner
	maxDepth      = 64   // element nesting a decoder accepts; real documents nest a few levels
)

// Reset starts reading r, charging budget for every buffer that grows (nil: unbounded).
// The buffers and the names of the documents read before are kept; a long reply's buffer
// kept from the reply before (a page of a walk, see End) is charged to budget, or dropped
// when budget does not allow it.
func (s *Scanner) Reset(r io.Reader, budget *Budget) {
	s.r, s.budget, s.pos, s.end, s.read, s.err, s.lines, s.depth = r, budget, 0, 0, 0, nil, 0, 0
	if len(s.buf) > BufferSize {
		if budget.allows(len(s.buf)) {
			_ = budget.Spend(len(s.buf)) // allowed: cannot fail
		} else {
			s.buf = nil
		}
	}
	if s.buf == nil {
		s.buf = make([]byte, BufferSize)
	}
	if s.names == nil {
		s.names = make(map[string]string)
	}
}

// End drops what the scanner holds of its input (the reader, the current token, the
// attribute values that point into its buffers) and keeps its buffers, the long reply's
// among them, for the next document: the next page of a walk.
func (s *Scanner) End() {
	s.r, s.budget, s.err = nil, nil, nil
	s.Text, s.endName = nil, nil
	clear(s.Attrs[:cap(s.Attrs)])
	s.Attrs = s.Attrs[:0]
}

// Release is End, and drops every buffer that grew past its first size, so that a pooled
// scanner keeps nothing of an outsized document.
func (s *Scanner) Release() {
	s.End()
	if len(s.buf) > BufferSize {
		s.buf = nil
	}
	if cap(s.textBuf) > BufferSize {
		s.textBuf = nil
	}
	if cap(s.attrBuf) > BufferSize || cap(s.Attrs) > 64 {
		s.attrBuf, s.Attrs = nil, nil
	}
}

// Peek returns up to n bytes ahead without consuming them, and the read error that ended
// the input early, if any.
func (s *Scanner) Peek(n int) ([]byte, error) {
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

// Skip drops the next n bytes, of those Peek returned, unread (a byte order mark).
func (s *Scanner) Skip(n int) { s.pos += n }

// Depth is the number of elements open.
func (s *Scanner) Depth() int { return s.depth }

// fill moves the unread bytes to the front of the buffer and reads until at least want
// of them are buffered or the input ends. The buffer grows to hold a token of any size
// (the caller bounds the input); asking for half again as much as is buffered keeps a
// token that arrives in small reads from being rescanned more than a few times. A long
// reply moves to a buffer of LongReadSize, if its memory bound allows.
func (s *Scanner) fill(want int) {
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
	case s.read >= longReadAfter && len(s.buf) < LongReadSize && s.budget.allows(LongReadSize):
		_ = s.regrow(LongReadSize) // allowed: cannot fail
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
func (s *Scanner) regrow(size int) error {
	if err := s.budget.Spend(size); err != nil {
		return err
	}
	grown := make([]byte, size)
	copy(grown, s.buf[:s.end])
	s.buf = grown
	return nil
}

// Next reads the next token: a StartElement, an EndElement or CharData. At the end of the
// input it returns io.EOF; the other errors are those of errors.go.
//
// The tokens most of a document is made of are read first, without the general path:
// character data that needs no look, up to the next tag; the end tag of the innermost
// open element, whose name need not be scanned again; a start tag that fits in the
// buffer.
func (s *Scanner) Next() (Kind, error) {
	w := s.buf[s.pos:s.end]
	switch {
	case len(w) < 2:
	case w[0] != '<':
		if i := plainPrefix(w); i < len(w) && w[i] == '<' {
			s.Text, s.pos = w[:i], s.pos+i
			return CharData, nil
		}
	case w[1] == '/':
		if d := s.depth; d > 0 && d <= maxDepth {
			want := s.open[d-1]
			if k := 2 + len(want); k < len(w) && w[k] == '>' && string(w[2:k]) == want {
				s.endName, s.pos, s.depth = w[2:k], s.pos+k+1, d-1
				return EndElement, nil
			}
		}
	case w[1] != '?' && w[1] != '!':
		if _, n, err := s.scanStart(w); err == nil {
			s.pos += n
			return StartElement, s.opened()
		}
	}
	return s.nextToken()
}

// opened records the start tag just read among the open elements.
func (s *Scanner) opened() error {
	if s.CheckNesting && s.depth >= maxDepth {
		return ErrTooDeep
	}
	if !s.SelfClosing {
		if s.depth < maxDepth {
			s.open[s.depth] = s.Name
		}
		s.depth++
	}
	return nil
}

// PlainContent reads, when it is all the element just opened holds, character data and
// the element's end tag ("<id>17</id>", the common column), and returns the data with its
// references resolved (valid until the next read), or false, having read nothing.
func (s *Scanner) PlainContent() ([]byte, bool) {
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
		// inlined in Next: taking three-byte characters there cost the scanner 8%.)
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

// Tag is the start tag without attributes and the end tag of an element of one name, for
// Column.
type Tag struct {
	start, end string // "<name>", "</name>"
}

// NewTag returns the tags of an element of name.
func NewTag(name string) Tag { return Tag{start: "<" + name + ">", end: "</" + name + ">"} }

// Column reads, when the unread bytes start with it whole, an element of t's name with no
// attributes that holds character data alone, after white space: a column of a row
// ("\n    <id>17</id>") read in one step, the caller's prediction of the next column. It
// returns the data with its references resolved (valid until the next read), or false,
// having read nothing: an element it does not read whole (cut by the end of the buffer,
// with attributes or children, or malformed) is left to Next. The data is checked as
// Next checks it.
func (s *Scanner) Column(t *Tag) ([]byte, bool) {
	w := s.buf[s.pos:s.end]
	i := 0
	for i < len(w) && (w[i] == ' ' || w[i] == '\n' || w[i] == '\t' || w[i] == '\r') {
		i++
	}
	j := i + len(t.start)
	if j > len(w) || string(w[i:j]) != t.start || s.depth >= maxDepth {
		return nil, false
	}
	k := j + plainPrefix(w[j:])
	text := w[j:k]
	if k < len(w) && w[k] != '<' {
		// Data that needs a look ("ИП Петров &amp; партнёры", "10.00 ₽"), as in PlainContent.
		n := bytes.IndexByte(w[k:], '<')
		if n < 0 {
			return nil, false
		}
		k += n
		s.textBuf = s.textBuf[:0]
		var err error
		if text, err = s.chars(w[j:k], charText, false, &s.textBuf); err != nil {
			return nil, false
		}
	}
	e := k + len(t.end)
	if e > len(w) || string(w[k:e]) != t.end {
		return nil, false
	}
	s.pos += e
	return text, true
}

// SkipBlank skips white space that runs up to a tag, where the reader ignores the text
// between tags (between the columns of a row, between the rows of a list): a token the
// reader would drop anyway. White space is always well-formed character data.
func (s *Scanner) SkipBlank() {
	w := s.buf[s.pos:s.end]
	i := 0
	for i < len(w) && (w[i] == ' ' || w[i] == '\n' || w[i] == '\t' || w[i] == '\r') {
		i++
	}
	if i < len(w) && w[i] == '<' {
		s.pos += i
	}
}

// KnownStart reads, when the unread bytes start with it, a start tag of name, a name read
// before whose slot is slot (StartSlot), and reports whether it did; having read nothing
// otherwise. It is the caller's prediction of the next tag (the next column of a row), so
// it needs neither the scanner's prediction nor its names: one comparison of the name's
// bytes. A tag it does not read whole, cut by the end of the buffer or malformed, is left
// to Next.
func (s *Scanner) KnownStart(name string, slot NameSlot) bool {
	w := s.buf[s.pos:s.end]
	k := 1 + len(name)
	if k >= len(w) || w[0] != '<' || nameByte[w[k]] || string(w[1:k]) != name || s.depth >= maxDepth {
		return false
	}
	n := k + 1
	if w[k] == '>' {
		s.Name, s.SelfClosing = name, false
		s.Attrs = s.Attrs[:0]
	} else if _, end, err := s.startRest(w, name, k); err == nil {
		n = end
	} else {
		return false
	}
	s.last[s.depth] = slot
	s.pos += n
	return s.opened() == nil // below maxDepth: it cannot fail
}

// StartSlot is the slot of the name of the start tag just read among the names the
// scanner read lately: the same slot for the same name while it stays there, so that a
// caller can keep what it knows of the name in a table of RecentNames entries.
func (s *Scanner) StartSlot() NameSlot {
	depth := s.depth // the open elements, the start tag's own among them unless it closed itself
	if !s.SelfClosing {
		depth--
	}
	return s.last[min(depth, maxDepth-1)]
}

// nextToken is Next's general path.
func (s *Scanner) nextToken() (Kind, error) {
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
		case skipped:
			continue
		case StartElement:
			if err := s.opened(); err != nil {
				return 0, err
			}
		case EndElement:
			s.depth = max(s.depth-1, 0)
		}
		return kind, nil
	}
}

// scan reads one token from the start of w and returns how many bytes it took, or
// errShort when w ends inside it.
func (s *Scanner) scan(w []byte) (Kind, int, error) {
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
