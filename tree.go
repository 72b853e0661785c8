package billmgr

import (
	"io"
	"strings"
	"unsafe"

	"github.com/go-billmgr/billmgr/internal/secret"
	"github.com/go-billmgr/billmgr/internal/xmlscan"
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

// decodeDoc reads a whole reply document from body, bounded by limit (see
// WithMaxResponseBytes). The reply must be a <doc>: an empty body, an HTML page, JSON or
// any other root element is ErrUnexpectedResponse.
//
// The strings of one element directly under <doc> (its texts and attribute values and
// those of its descendants), and the attribute values of <doc>, share one allocation, so
// a string kept from a row keeps that row's text and nothing more. <tparams> is the
// exception: its strings are made one by one, so that the secrets it echoes are dropped
// with their nodes.
func decodeDoc(body io.Reader, limit int64) (*Doc, error) {
	d, err := startDecoder(body, limit)
	if err != nil {
		return nil, err
	}
	defer d.release()
	doc := &Doc{}
	if err := d.readDoc(func() error { return d.tree.build(d, &doc.Node) }); err != nil {
		return nil, err
	}
	return doc, nil
}

// treeBuilder builds the tree of an element from the tokens of the scanner. Nodes and
// the slices of their children and attributes are carved out of larger allocations; the
// strings of each child subtree of the element built are made at its end, in one
// allocation. Everything is charged to the reply's budget as it is built.
type treeBuilder struct {
	open []openNode // the open elements, the innermost last
	kids []*Node    // the children of the open elements, in the same order

	// The subtree of the open child of the element built.
	strs   []byte    // its texts and attribute values, one after the other
	spans  []strSpan // where each of them is in strs
	shared bool      // its strings share one allocation (all but <tparams>)
	echoes bool      // it holds a <tparams> deeper down (a nested document)

	nodes []Node // free nodes
	ptrs  []*Node
	attrs []Attr
	next  chunkSizes // the sizes of the next chunks
}

type openNode struct {
	n    *Node
	kids int    // where the children of n start in treeBuilder.kids
	text []byte // the text of n so far (reused: one buffer per depth)
}

// strSpan places a string of the subtree: the text of n (attr < 0) or the value of its
// attribute attr.
type strSpan struct {
	n          *Node
	attr       int
	start, end int
}

// What each node and attribute of a tree costs at least (see WithMaxResponseBytes): a
// Node and the pointer to it in its parent's Children, an Attr.
const (
	nodeCost = int(unsafe.Sizeof(Node{})) + int(unsafe.Sizeof((*Node)(nil)))
	attrCost = int(unsafe.Sizeof(Attr{}))
)

// build reads the element whose start tag the scanner has just read, through its end
// tag, into n.
func (b *treeBuilder) build(d *decoder, n *Node) error {
	b.newChunks()
	if err := b.start(d, n); err != nil {
		return err
	}
	for len(b.open) > 0 {
		kind, err := d.next()
		if err != nil {
			return err
		}
		switch kind {
		case xmlscan.StartElement:
			err = b.start(d, nil)
		case xmlscan.EndElement:
			err = b.close(d)
		case xmlscan.CharData:
			err = b.text(d, d.sc.Text)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// release drops everything of the tree built, and the buffers that grew large.
func (b *treeBuilder) release() {
	for i := range b.open[:cap(b.open)] {
		b.open[:cap(b.open)][i].n = nil
		if cap(b.open[:cap(b.open)][i].text) > xmlscan.BufferSize {
			b.open[:cap(b.open)][i].text = nil
		}
	}
	clear(b.kids[:cap(b.kids)])
	clear(b.spans[:cap(b.spans)])
	b.open, b.kids, b.spans, b.strs = b.open[:0], b.kids[:0], b.spans[:0], b.strs[:0]
	b.nodes, b.ptrs, b.attrs = nil, nil, nil
	if cap(b.strs) > xmlscan.BufferSize || cap(b.kids) > 4096 || cap(b.spans) > 4096 {
		b.strs, b.kids, b.spans = nil, nil, nil
	}
}

// start opens the element of the scanner's start token: n, or a new child of the
// innermost open element when n is nil.
func (b *treeBuilder) start(d *decoder, n *Node) error {
	sc, mem := &d.sc, &d.bounds.Memory
	depth := len(b.open)
	if depth <= 1 {
		b.shared = depth == 0 || sc.Name != "tparams"
		b.echoes = false
	}
	if depth > 1 && sc.Name == "tparams" {
		b.echoes = true // a nested document's echo: redacted when its subtree ends
	}
	if n == nil {
		if err := mem.Spend(nodeCost); err != nil {
			return err
		}
		var err error
		if b.kids, err = xmlscan.Grow(mem, b.kids, 1); err != nil {
			return err
		}
		n = b.newNode()
		b.kids = append(b.kids, n)
	}
	n.Name = sc.Name
	if len(sc.Attrs) > 0 {
		if err := mem.Spend(len(sc.Attrs) * attrCost); err != nil {
			return err
		}
		n.Attrs = b.newAttrs(len(sc.Attrs))
		for i, a := range sc.Attrs {
			n.Attrs[i].Name = a.Name
			if err := b.str(mem, n, i, a.Value); err != nil {
				return err
			}
		}
		if depth == 0 {
			if err := b.finishSubtree(mem); err != nil { // the attributes of the root share one allocation too
				return err
			}
		}
	}
	if depth < cap(b.open) {
		b.open = b.open[:depth+1]
		b.open[depth].n, b.open[depth].kids = n, len(b.kids)
		b.open[depth].text = b.open[depth].text[:0]
	} else {
		b.open = append(b.open, openNode{n: n, kids: len(b.kids)})
	}
	if sc.SelfClosing {
		return b.close(d)
	}
	return nil
}

// close ends the innermost open element.
func (b *treeBuilder) close(d *decoder) error {
	mem := &d.bounds.Memory
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
			if err := mem.Spend(len(top.text)); err != nil {
				return err
			}
			n.Text = string(top.text) // the text of the element built, made at its end
		} else if err := b.str(mem, n, -1, top.text); err != nil {
			return err
		}
	}
	b.open = b.open[:len(b.open)-1]
	if len(b.open) != 1 {
		return nil
	}
	if err := b.finishSubtree(mem); err != nil {
		return err
	}
	if n.Name == "tparams" || b.echoes {
		redactEchoedSecrets(n)
	}
	return nil
}

func (b *treeBuilder) text(d *decoder, t []byte) error {
	top := &b.open[len(b.open)-1]
	var err error
	if top.text, err = xmlscan.Grow(&d.bounds.Memory, top.text, len(t)); err != nil {
		return err
	}
	top.text = append(top.text, t...)
	return nil
}

// str sets s as a string of n (its text when attr < 0, else the value of its attribute
// attr): right away, or at the end of the subtree when its strings are shared.
func (b *treeBuilder) str(mem *xmlscan.Budget, n *Node, attr int, s []byte) error {
	if !b.shared {
		if err := mem.Spend(len(s)); err != nil {
			return err
		}
		if attr < 0 {
			n.Text = string(s)
		} else {
			n.Attrs[attr].Value = string(s)
		}
		return nil
	}
	var err error
	if b.strs, err = xmlscan.Grow(mem, b.strs, len(s)); err != nil {
		return err
	}
	if b.spans, err = xmlscan.Grow(mem, b.spans, 1); err != nil {
		return err
	}
	start := len(b.strs)
	b.strs = append(b.strs, s...)
	b.spans = append(b.spans, strSpan{n: n, attr: attr, start: start, end: len(b.strs)})
	return nil
}

// finishSubtree makes the one allocation for the strings of the subtree just ended.
func (b *treeBuilder) finishSubtree(mem *xmlscan.Budget) error {
	if err := mem.Spend(len(b.strs)); err != nil {
		return err
	}
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
	return nil
}

// newNode, newPtrs and newAttrs carve from chunks: each chunk is twice the size of the
// one before, up to 256 items.
func (b *treeBuilder) newNode() *Node {
	if len(b.nodes) == 0 {
		b.nodes = make([]Node, b.next.nodes)
		b.next.nodes = min(2*b.next.nodes, 256)
	}
	n := &b.nodes[0]
	b.nodes = b.nodes[1:]
	return n
}

func (b *treeBuilder) newPtrs(k int) []*Node {
	if k > len(b.ptrs) {
		b.ptrs = make([]*Node, max(k, b.next.ptrs))
		b.next.ptrs = min(2*b.next.ptrs, 256)
	}
	s := b.ptrs[:k:k]
	b.ptrs = b.ptrs[k:]
	return s
}

func (b *treeBuilder) newAttrs(k int) []Attr {
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

// newChunks starts new chunks for a tree, so that no chunk holds two trees.
func (b *treeBuilder) newChunks() {
	b.nodes, b.ptrs, b.attrs = nil, nil, nil
	b.next = chunkSizes{8, 8, 8}
}

// redactEchoedSecrets redacts what every <tparams> in the subtree n (n included) echoes
// of the request's secrets: the children whose name is a secret parameter (see
// secret.IsParam), however deep the <tparams> is, as in the nested <doc> of a form that
// called another.
func redactEchoedSecrets(n *Node) {
	for _, c := range n.Children {
		if n.Name == "tparams" && secret.IsParam(c.Name) {
			c.Text, c.Attrs, c.Children = secret.Redacted, nil, nil
			continue
		}
		redactEchoedSecrets(c)
	}
}
