package billmgr

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
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
// reach a caller, a log or an error.
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
func decodeDoc(r io.Reader, onElem func(*Node) error) (*Doc, error) {
	br := bufio.NewReaderSize(r, 32<<10)
	if err := sniff(br); err != nil {
		return nil, err
	}
	dec := xml.NewDecoder(br)
	dec.Strict = true
	var (
		doc   *Doc
		stack []*Node
	)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			if doc == nil || len(stack) > 0 {
				return nil, fmt.Errorf("%w: the document ends before </doc>", ErrUnexpectedResponse)
			}
			return doc, nil
		}
		if err != nil {
			return nil, readError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &Node{Name: qname(t.Name)}
			if len(t.Attr) > 0 {
				n.Attrs = make([]Attr, len(t.Attr))
				for i, a := range t.Attr {
					n.Attrs[i] = Attr{Name: qname(a.Name), Value: a.Value}
				}
			}
			if doc == nil {
				if len(stack) > 0 || n.Name != "doc" {
					return nil, fmt.Errorf("%w: the root element is <%s>, not <doc>", ErrUnexpectedResponse, n.Name)
				}
				doc = &Doc{Node: *n}
				stack = append(stack, &doc.Node)
				continue
			}
			if len(stack) == 0 {
				return nil, fmt.Errorf("%w: content after </doc>", ErrUnexpectedResponse)
			}
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("%w: elements nested deeper than %d", ErrUnexpectedResponse, maxDepth)
			}
			parent := stack[len(stack)-1]
			if !(onElem != nil && len(stack) == 1 && n.Name == "elem") {
				parent.Children = append(parent.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, fmt.Errorf("%w: unexpected </%s>", ErrUnexpectedResponse, qname(t.Name))
			}
			n := stack[len(stack)-1]
			if name := qname(t.Name); name != n.Name {
				return nil, fmt.Errorf("%w: malformed XML: <%s> closed by </%s>", ErrUnexpectedResponse, n.Name, name)
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 1 {
				switch {
				case n.Name == "tparams":
					redactEchoedSecrets(n)
				case onElem != nil && n.Name == "elem":
					if err := onElem(n); err != nil {
						return nil, err
					}
				}
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("%w: text outside <doc>", ErrUnexpectedResponse)
			}
		}
	}
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func redactEchoedSecrets(tparams *Node) {
	for _, c := range tparams.Children {
		if echoedSecrets[c.Name] {
			c.Text = redacted
			c.Children = nil
		}
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

// sniff names what the body is when it is plainly not an XML document.
func sniff(br *bufio.Reader) error {
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return &transportError{err}
	}
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	lower := bytes.ToLower(head)
	switch {
	case len(head) == 0:
		return fmt.Errorf("%w: empty body", ErrUnexpectedResponse)
	case head[0] == '{' || head[0] == '[':
		return fmt.Errorf("%w: a JSON body where XML was asked for", ErrUnexpectedResponse)
	case bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")):
		return fmt.Errorf("%w: an HTML page (a login page or a proxy error) where XML was asked for", ErrUnexpectedResponse)
	case head[0] != '<':
		return fmt.Errorf("%w: a plain-text body where XML was asked for", ErrUnexpectedResponse)
	}
	return nil
}

// pageInfo reads p_num, p_cnt and p_elems of a list reply; absent values are 0.
func pageInfo(d *Doc) (number, size, total int) {
	atoi := func(name string) int {
		v, _ := strconv.Atoi(d.Value(name))
		return v
	}
	return atoi("p_num"), atoi("p_cnt"), atoi("p_elems")
}
