package billmgr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/go-billmgr/billmgr/internal/xmlscan"
)

// decoder reads one reply document with the scanner of internal/xmlscan, within the
// bounds of WithMaxResponseBytes: what every reply shares (its bounds, a byte order mark,
// a body that is plainly not XML, the <doc> root, an <error> child), and the elements
// inside it, built into a tree (decodeDoc, tree.go) or read into structs (decodeRows and
// decodeView, rows.go). Decoders and their buffers are pooled.
type decoder struct {
	sc      xmlscan.Scanner
	bounds  xmlscan.Bounds
	tree    treeBuilder
	rec     recordReader
	errNode *Node // the first <error> child of <doc>, in a list or a form
}

// errTooLarge is wrapped by the error of a reply that exceeds a bound. Such a reply is
// never data: errors.Is(err, ErrUnexpectedResponse) holds for it.
var errTooLarge = fmt.Errorf("%w: the reply exceeds the size limit (see WithMaxResponseBytes)", ErrUnexpectedResponse)

// isTooLarge reports whether err is a bound of WithMaxResponseBytes.
func isTooLarge(err error) bool { return errors.Is(err, errTooLarge) }

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// startDecoder returns a decoder from the pool for the reply body, bounded by limit (see
// WithMaxResponseBytes), positioned after a leading byte order mark. A body that is
// plainly not an XML document is ErrUnexpectedResponse.
func startDecoder(body io.Reader, limit int64) (*decoder, error) {
	d := decoderPool.Get().(*decoder)
	if err := d.start(body, limit); err != nil {
		d.release()
		return nil, err
	}
	return d, nil
}

// start sets d to read the reply body, bounded by limit, as startDecoder does; a decoder
// reads one reply at a time, the replies of a walk one after the other (see end).
func (d *decoder) start(body io.Reader, limit int64) error {
	d.bounds = xmlscan.NewBounds(body, limit, errTooLarge)
	d.sc.Reset(&d.bounds, &d.bounds.Memory)
	d.sc.CheckNesting = true
	head, err := d.sc.Peek(512)
	if err != nil {
		d.end()
		return &transportError{err}
	}
	if bytes.HasPrefix(head, byteOrderMark) {
		d.sc.Skip(len(byteOrderMark)) // some proxies and PHP front ends put one first
		head = head[len(byteOrderMark):]
	}
	if err := sniff(head); err != nil {
		d.end()
		return err
	}
	return nil
}

// end drops what d holds of the reply it read, and keeps its buffers for the next reply
// of a walk (the long reply's buffer among them: one for every page).
func (d *decoder) end() {
	d.sc.End()
	d.tree.release()
	d.bounds, d.errNode = xmlscan.Bounds{}, nil
}

// release returns d to the pool without anything of the replies it read and without the
// buffers that grew.
func (d *decoder) release() {
	d.end()
	d.sc.Release()
	d.rec.release()
	decoderPool.Put(d)
}

// errEndsEarly is a document whose input ends before its root element does.
var errEndsEarly = fmt.Errorf("%w: the document ends before </doc>", ErrUnexpectedResponse)

// next reads the next token inside the document, where the end of the input is an error.
func (d *decoder) next() (xmlscan.Kind, error) {
	kind, err := d.sc.Next()
	if err != nil {
		return 0, insideError(err)
	}
	return kind, nil
}

// insideError classifies a failure to read a token inside the document.
func insideError(err error) error {
	if err == io.EOF {
		return errEndsEarly
	}
	return readError(err)
}

// readDoc reads a reply document: what comes before the root element, the root element
// with root (called once the scanner has read its start tag, and reading through its end
// tag), and what comes after it. The root must be <doc>; outside it there may be only white
// space, comments and processing instructions.
func (d *decoder) readDoc(root func() error) error {
	rootDone := false
	for {
		kind, err := d.sc.Next()
		switch {
		case err == io.EOF && rootDone:
			return nil
		case err == io.EOF:
			return errEndsEarly
		case err != nil:
			return readError(err)
		case kind == xmlscan.CharData:
			if len(bytes.TrimSpace(d.sc.Text)) > 0 {
				return fmt.Errorf("%w: text outside <doc>", ErrUnexpectedResponse)
			}
		case kind == xmlscan.StartElement && rootDone:
			return fmt.Errorf("%w: content after </doc>", ErrUnexpectedResponse)
		case kind == xmlscan.StartElement && d.sc.Name != "doc":
			return fmt.Errorf("%w: the root element is <%s>, not <doc>", ErrUnexpectedResponse, d.sc.Name)
		case kind == xmlscan.StartElement:
			if err := root(); err != nil {
				return err
			}
			rootDone = true
		}
	}
}

// skip reads through the end of the element whose start tag the scanner has just read.
func (d *decoder) skip() error {
	if d.sc.SelfClosing {
		return nil
	}
	if _, ok := d.sc.PlainContent(); ok {
		return nil
	}
	for depth := d.sc.Depth(); ; {
		kind, err := d.next()
		if err != nil {
			return err
		}
		if kind == xmlscan.EndElement && d.sc.Depth() < depth {
			return nil
		}
	}
}

// readErrorNode builds the first <error> child of <doc> into d.errNode and skips the
// others, as Doc.Child finds the first.
func (d *decoder) readErrorNode() error {
	if d.errNode != nil {
		return d.skip()
	}
	d.errNode = new(Node)
	return d.tree.build(d, d.errNode)
}

// readError classifies a failure while reading the document: a broken connection or a
// body cut short is a transport failure (a read may be retried); anything else means the
// bytes were not a well-formed document. It is where the scanner's errors become the
// SDK's.
func readError(err error) error {
	var syntax *xml.SyntaxError
	switch {
	case errors.As(err, &syntax) && syntax.Msg == "unexpected EOF":
		return &transportError{fmt.Errorf("the reply was cut short at line %d: %w", syntax.Line, io.ErrUnexpectedEOF)}
	case errors.As(err, &syntax):
		return fmt.Errorf("%w: malformed XML: %v", ErrUnexpectedResponse, err)
	case errors.Is(err, xmlscan.ErrMisnested) || errors.Is(err, xmlscan.ErrTooDeep):
		return fmt.Errorf("%w: %w", ErrUnexpectedResponse, err)
	case errors.Is(err, ErrUnexpectedResponse): // over a bound (errTooLarge)
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
