package billmgr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Node is one element of a reply document: its name, attributes, the character data
// directly inside it (as sent, untrimmed) and its child elements in document order.
// The methods of a nil *Node return zero values, so lookups chain safely:
// doc.Child("user").Attr("balance").
type Node struct {
	Name     string
	Attrs    []Attr
	Text     string
	Children []*Node
}

// Attr is an attribute of a Node.
type Attr struct {
	Name, Value string
}

// Attr returns the value of the named attribute, or "".
func (n *Node) Attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attrs {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// Child returns the first child element with the given name, or nil.
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// All returns every child element with the given name.
func (n *Node) All(name string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// Value returns the trimmed text of the first child with the given name, or "".
func (n *Node) Value(name string) string {
	return strings.TrimSpace(n.Child(name).text())
}

func (n *Node) text() string {
	if n == nil {
		return ""
	}
	return n.Text
}

// Doc is a whole reply: the <doc> root element with everything the server sent, except
// that the secrets <tparams> echoes (the session id, passwords, login keys) are redacted.
type Doc struct {
	Node
}

// OK reports whether the reply carries <ok/>.
func (d *Doc) OK() bool { return d.Child("ok") != nil }

// Elems returns the rows of a list reply.
func (d *Doc) Elems() []*Node { return d.All("elem") }

// redacted replaces a secret that a reply echoes.
const redacted = "[REDACTED]"

// echoedSecrets are the request parameters that <tparams> may echo and that must never
// reach a caller, a log or an error; secretParam adds every name that says password.
var echoedSecrets = map[string]bool{
	"auth": true, "authinfo": true, "password": true, "passwd": true, "confirm": true, "key": true,
}

// maxDepth bounds element nesting; real documents nest a few levels.
const maxDepth = 64

// decodeDoc reads a reply document from r. With onElem set, every <elem> directly under
// <doc> is handed to onElem as soon as it is complete and is not kept in the returned
// Doc, so a list of any length holds one row at a time; r is then expected to bound each
// row (see limitReader.reset). The reply must be a <doc>: an empty body, an HTML page,
// JSON or any other root element is ErrUnexpectedResponse.
//
// The nodes handed to onElem belong to the callee. The strings of one element directly
// under <doc> (its texts and attribute values and those of its descendants), and the
// attribute values of <doc>, share one allocation, so a string kept from a row keeps that
// row's text and nothing more. <tparams> is the exception: its strings are made one by
// one, so that the secrets it echoes are dropped with their nodes.
func decodeDoc(r io.Reader, onElem func(*Node) error) (*Doc, error) {
	b := builderPool.Get().(*docBuilder)
	defer b.release()
	b.sc.reset(r)
	b.onElem = onElem
	b.newChunks(firstChunks)
	head, err := b.sc.peek(512)
	if err != nil {
		return nil, &transportError{err}
	}
	if bytes.HasPrefix(head, byteOrderMark) {
		b.sc.pos += len(byteOrderMark) // some proxies and PHP front ends put one first
		head = head[len(byteOrderMark):]
	}
	if err := sniff(head); err != nil {
		return nil, err
	}
	for {
		kind, err := b.sc.next()
		switch {
		case err == io.EOF:
			if b.doc == nil || len(b.open) > 0 {
				return nil, fmt.Errorf("%w: the document ends before </doc>", ErrUnexpectedResponse)
			}
			return b.doc, nil
		case err != nil:
			return nil, readError(err)
		case kind == tokStart:
			err = b.start()
		case kind == tokEnd:
			err = b.end(b.sc.endName)
		case kind == tokText:
			err = b.text(b.sc.text)
		}
		if err != nil {
			return nil, err
		}
	}
}

// docBuilder builds the tree of a document from the tokens of its scanner. Nodes and the
// slices of their children and attributes are carved out of larger allocations; the
// strings of each element directly under <doc> are made at its end, in one allocation.
type docBuilder struct {
	sc     scanner
	onElem func(*Node) error
	doc    *Doc
	open   []openNode // the open elements, the innermost last
	kids   []*Node    // the children of the open elements, in the same order

	// The subtree of the open element directly under <doc>.
	strs   []byte    // its texts and attribute values, one after the other
	spans  []strSpan // where each of them is in strs
	shared bool      // its strings share one allocation (all but <tparams>)
	echoes bool      // it holds a <tparams> deeper down (a nested document)

	nodes   []Node // free nodes
	ptrs    []*Node
	attrs   []Attr
	next    chunkSizes // the sizes of the next chunks
	used    chunkSizes // what the current streamed row used so far
	lastRow chunkSizes // what the streamed row before used
}

type openNode struct {
	n    *Node
	kids int    // where the children of n start in docBuilder.kids
	text []byte // the text of n so far (reused: one buffer per depth)
}

// strSpan places a string of the subtree: the text of n (attr < 0) or the value of its
// attribute attr.
type strSpan struct {
	n          *Node
	attr       int
	start, end int
}

var builderPool = sync.Pool{New: func() any { return new(docBuilder) }}

// release returns b to the pool without anything of the document it built.
func (b *docBuilder) release() {
	b.sc.r, b.onElem, b.doc = nil, nil, nil
	for i := range b.open[:cap(b.open)] {
		b.open[:cap(b.open)][i].n = nil
	}
	clear(b.kids[:cap(b.kids)])
	clear(b.spans[:cap(b.spans)])
	b.open, b.kids, b.spans, b.strs = b.open[:0], b.kids[:0], b.spans[:0], b.strs[:0]
	b.newChunks(chunkSizes{}) // drops the chunks
	b.lastRow = chunkSizes{}
	if cap(b.sc.buf) > 4*scanBufferSize || cap(b.strs) > 1<<20 {
		b.sc.buf, b.strs = nil, nil // kept for one outsized document only
	}
	builderPool.Put(b)
}

func (b *docBuilder) start() error {
	sc := &b.sc
	depth := len(b.open)
	switch {
	case b.doc == nil && sc.name != "doc":
		return fmt.Errorf("%w: the root element is <%s>, not <doc>", ErrUnexpectedResponse, sc.name)
	case b.doc != nil && depth == 0:
		return fmt.Errorf("%w: content after </doc>", ErrUnexpectedResponse)
	case depth >= maxDepth:
		return fmt.Errorf("%w: elements nested deeper than %d", ErrUnexpectedResponse, maxDepth)
	case depth <= 1:
		b.shared = sc.name != "tparams"
		b.echoes = false
	}
	if depth > 1 && sc.name == "tparams" {
		b.echoes = true // a nested document's echo: redacted when its subtree ends
	}
	var n *Node
	switch streamed := b.onElem != nil && depth == 1 && sc.name == "elem"; {
	case b.doc == nil:
		b.doc = &Doc{}
		n = &b.doc.Node
	case streamed:
		b.newChunks(b.lastRow)
		n = b.newNode()
	default:
		n = b.newNode()
		b.kids = append(b.kids, n)
	}
	n.Name = sc.name
	if len(sc.attrs) > 0 {
		n.Attrs = b.newAttrs(len(sc.attrs))
		for i, a := range sc.attrs {
			n.Attrs[i].Name = a.name
			n.Attrs[i].Value = b.str(n, i, a.value)
		}
		if depth == 0 {
			b.finishSubtree() // the attributes of <doc> share one allocation too
		}
	}
	if depth < cap(b.open) {
		b.open = b.open[:depth+1]
		b.open[depth].n, b.open[depth].kids = n, len(b.kids)
		b.open[depth].text = b.open[depth].text[:0]
	} else {
		b.open = append(b.open, openNode{n: n, kids: len(b.kids)})
	}
	if sc.selfClosing {
		return b.close()
	}
	return nil
}

func (b *docBuilder) end(name []byte) error {
	if len(b.open) == 0 {
		return fmt.Errorf("%w: unexpected </%s>", ErrUnexpectedResponse, name)
	}
	if n := b.open[len(b.open)-1].n; string(name) != n.Name {
		return fmt.Errorf("%w: malformed XML: <%s> closed by </%s>", ErrUnexpectedResponse, n.Name, name)
	}
	return b.close()
}

// close ends the innermost open element.
func (b *docBuilder) close() error {
	top := &b.open[len(b.open)-1]
	n := top.n
	if kids := b.kids[top.kids:]; len(kids) > 0 {
		n.Children = b.newPtrs(len(kids))
		copy(n.Children, kids)
		clear(kids)
		b.kids = b.kids[:top.kids]
	}
	if len(top.text) > 0 {
		if len(b.open) == 1 {
			n.Text = string(top.text) // the text of <doc>, made at its end
		} else {
			n.Text = b.str(n, -1, top.text)
		}
	}
	b.open = b.open[:len(b.open)-1]
	if len(b.open) != 1 {
		return nil
	}
	b.finishSubtree()
	if n.Name == "tparams" || b.echoes {
		redactEchoedSecrets(n)
	}
	if b.onElem != nil && n.Name == "elem" {
		b.lastRow = b.newChunks(firstChunks)
		return b.onElem(n)
	}
	return nil
}

func (b *docBuilder) text(t []byte) error {
	if len(b.open) == 0 {
		if len(bytes.TrimSpace(t)) > 0 {
			return fmt.Errorf("%w: text outside <doc>", ErrUnexpectedResponse)
		}
		return nil
	}
	top := &b.open[len(b.open)-1]
	top.text = append(top.text, t...)
	return nil
}

// str returns s as a string of n (its text when attr < 0, else the value of its
// attribute attr): right away, or at the end of the subtree when its strings are shared.
func (b *docBuilder) str(n *Node, attr int, s []byte) string {
	if !b.shared {
		return string(s)
	}
	start := len(b.strs)
	b.strs = append(b.strs, s...)
	b.spans = append(b.spans, strSpan{n: n, attr: attr, start: start, end: len(b.strs)})
	return ""
}

// finishSubtree makes the one allocation for the strings of the subtree just ended.
func (b *docBuilder) finishSubtree() {
	all := string(b.strs)
	for _, sp := range b.spans {
		if sp.attr < 0 {
			sp.n.Text = all[sp.start:sp.end]
		} else {
			sp.n.Attrs[sp.attr].Value = all[sp.start:sp.end]
		}
	}
	clear(b.spans)
	b.spans, b.strs = b.spans[:0], b.strs[:0]
}

// newNode, newPtrs and newAttrs carve from chunks: each chunk is twice the size of the
// one before, up to 256 items. A streamed row gets chunks of its own, sized by the row
// before it, so that no chunk holds two rows: a chunk shared by rows would keep the row
// before alive, and that one the row before it, down to the first.
func (b *docBuilder) newNode() *Node {
	if len(b.nodes) == 0 {
		b.nodes = make([]Node, b.next.nodes)
		b.next.nodes = min(2*b.next.nodes, 256)
	}
	b.used.nodes++
	n := &b.nodes[0]
	b.nodes = b.nodes[1:]
	return n
}

func (b *docBuilder) newPtrs(k int) []*Node {
	b.used.ptrs += k
	if k > len(b.ptrs) {
		b.ptrs = make([]*Node, max(k, b.next.ptrs))
		b.next.ptrs = min(2*b.next.ptrs, 256)
	}
	s := b.ptrs[:k:k]
	b.ptrs = b.ptrs[k:]
	return s
}

func (b *docBuilder) newAttrs(k int) []Attr {
	b.used.attrs += k
	if k > len(b.attrs) {
		b.attrs = make([]Attr, max(k, b.next.attrs))
		b.next.attrs = min(2*b.next.attrs, 256)
	}
	s := b.attrs[:k:k]
	b.attrs = b.attrs[k:]
	return s
}

// chunkSizes counts nodes, pointers to nodes and attributes.
type chunkSizes struct{ nodes, ptrs, attrs int }

var firstChunks = chunkSizes{8, 8, 8}

// newChunks starts new chunks of the given sizes (at least the first ones) and returns
// what was used since the last call.
func (b *docBuilder) newChunks(sizes chunkSizes) chunkSizes {
	used := b.used
	b.nodes, b.ptrs, b.attrs, b.used = nil, nil, nil, chunkSizes{}
	b.next = chunkSizes{max(sizes.nodes, 8), max(sizes.ptrs, 8), max(sizes.attrs, 8)}
	return used
}

// redactEchoedSecrets redacts what every <tparams> in the subtree n (n included) echoes
// of the request's secrets: the children whose name is a secret parameter (see
// secretParam), however deep the <tparams> is, as in the nested <doc> of a form that
// called another.
func redactEchoedSecrets(n *Node) {
	for _, c := range n.Children {
		if n.Name == "tparams" && secretParam(c.Name) {
			c.Text, c.Attrs, c.Children = redacted, nil, nil
			continue
		}
		redactEchoedSecrets(c)
	}
}

// readError classifies a failure while reading the document: a broken connection or a
// body cut short is a transport failure (a read may be retried); anything else means the
// bytes were not a well-formed document.
func readError(err error) error {
	var syntax *xml.SyntaxError
	switch {
	case errors.As(err, &syntax) && syntax.Msg == "unexpected EOF":
		return &transportError{fmt.Errorf("the reply was cut short at line %d: %w", syntax.Line, io.ErrUnexpectedEOF)}
	case errors.As(err, &syntax):
		return fmt.Errorf("%w: malformed XML: %v", ErrUnexpectedResponse, err)
	case errors.Is(err, errTooLarge):
		return err
	default:
		return &transportError{err}
	}
}

// sniff names what the body is when it is plainly not an XML document; head is its start.
func sniff(head []byte) error {
	head = bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(head) == 0:
		return fmt.Errorf("%w: empty body", ErrUnexpectedResponse)
	case head[0] == '{' || head[0] == '[':
		return fmt.Errorf("%w: a JSON body where XML was asked for", ErrUnexpectedResponse)
	case hasPrefixFold(head, "<!doctype html") || hasPrefixFold(head, "<html"):
		return fmt.Errorf("%w: an HTML page (a login page or a proxy error) where XML was asked for", ErrUnexpectedResponse)
	case head[0] != '<':
		return fmt.Errorf("%w: a plain-text body where XML was asked for", ErrUnexpectedResponse)
	}
	return nil
}

// byteOrderMark is UTF-8's, which may open a reply.
var byteOrderMark = []byte("\xef\xbb\xbf")

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// pageInfo reads p_num, p_cnt and p_elems of a list reply; absent values are 0.
func pageInfo(d *Doc) (number, size, total int) {
	atoi := func(name string) int {
		v, _ := strconv.Atoi(d.Value(name))
		return v
	}
	return atoi("p_num"), atoi("p_cnt"), atoi("p_elems")
}
