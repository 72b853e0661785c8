package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-billmgr/billmgr"
)

// --trace prints each HTTP exchange on stderr as the SDK's WithTrace hands it over, secrets
// redacted: the request (method, URL, parameters), the reply's status, size and duration,
// then the start of the reply made readable and bounded: an XML document indented, a row
// (<elem>) on a line of its own, the first rows of a long list and a count of the rest, the
// furniture of every reply (<metadata>, <messages>, <tparams>) folded to one line.

// The bounds of the reply a trace shows: lines and bytes, and the rows of a list.
const (
	traceLines    = 40
	traceBytes    = 4 << 10
	traceRows     = 2
	traceLineSize = 1 << 10 // a longer line is cut
)

// folded are the elements a trace shows on one line without their contents or attributes
// (but a name): the description of the reply, its localized texts, the echo of the request
// (which the trace shows already) and the panel's look.
var folded = map[string]bool{"metadata": true, "messages": true, "tparams": true, "branding": true, "addon": true}

// printTrace prints the exchange t on stderr.
func (a *app) printTrace(t billmgr.Trace) {
	head := t
	head.Body, head.Omitted, head.Err = "", 0, nil
	var b strings.Builder
	b.WriteString(head.String())
	if !t.Binary && t.Body != "" {
		lines := traceBody(t.Body)
		shown, size := 0, 0
		for _, l := range lines {
			if shown == traceLines || size+len(l) > traceBytes {
				break
			}
			b.WriteString(l + "\n")
			shown++
			size += len(l) + 1
		}
		if more := len(lines) - shown; more > 0 {
			fmt.Fprintf(&b, "< … %s more not shown\n", plural(more, "line"))
		}
		if t.Omitted > 0 {
			fmt.Fprintf(&b, "< … the last %s of the reply not kept for the trace\n", byteSize(t.Omitted))
		}
	}
	if t.Err != nil {
		msg := t.Err.Error()
		if errors.Is(t.Err, billmgr.ErrUntrustedCertificate) {
			msg, _ = a.untrusted(t.Err)
		}
		b.WriteString("< error: " + strings.ReplaceAll(msg, "\n", "\n<   ") + "\n")
	}
	a.traceMu.Lock()
	defer a.traceMu.Unlock()
	_, _ = io.WriteString(a.stderr, b.String())
}

// byteSize reads like "12.3 KiB".
func byteSize(n int64) string {
	switch {
	case n < 1<<10:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// traceBody is the lines a trace shows of a reply's body: an XML document rendered (see
// the top of the file) as far as it parses, anything else as it came. Every line is cut at
// traceLineSize bytes.
func traceBody(body string) []string {
	var lines []string
	if trimmed := strings.TrimSpace(body); strings.HasPrefix(trimmed, "<?xml") || strings.HasPrefix(trimmed, "<doc") {
		lines = xmlLines(body)
	} else {
		lines = strings.Split(strings.TrimRight(body, "\n"), "\n")
	}
	for i, l := range lines {
		if len(l) > traceLineSize {
			l = strings.ToValidUTF8(l[:traceLineSize], "") + "…"
		}
		lines[i] = l
	}
	return lines
}

// element is an XML element of a traced reply.
type element struct {
	name     string
	attrs    []xml.Attr
	text     string
	children []*element
}

// xmlLines renders the document in body: its declaration, then its root. A body cut short
// (the SDK keeps the first 64 KiB of a reply) renders as far as it goes, and says so.
func xmlLines(body string) []string {
	var (
		lines []string
		root  = &element{}
		open  = []*element{root}
		cut   bool
	)
	d := xml.NewDecoder(strings.NewReader(body))
	for {
		tok, err := d.RawToken()
		if err != nil {
			cut = !errors.Is(err, io.EOF) || len(open) > 1
			break
		}
		top := open[len(open)-1]
		switch tok := tok.(type) {
		case xml.ProcInst:
			lines = append(lines, "<?"+tok.Target+" "+string(tok.Inst)+"?>")
		case xml.StartElement:
			e := &element{name: tok.Name.Local, attrs: tok.Attr}
			top.children = append(top.children, e)
			open = append(open, e)
		case xml.EndElement:
			if len(open) > 1 {
				open = open[:len(open)-1]
			}
		case xml.CharData:
			top.text += string(tok)
		}
	}
	r := renderer{cut: cut}
	for _, e := range root.children {
		lines = r.render(lines, e, "")
	}
	if cut {
		lines = append(lines, "< … the document is cut short here")
	}
	return lines
}

// renderer renders the elements of a document; cut says that the document was cut short,
// so that a count of its rows is a lower bound.
type renderer struct{ cut bool }

// render appends the lines of e, indented by indent.
func (r renderer) render(lines []string, e *element, indent string) []string {
	switch {
	case folded[e.name] && len(e.children) == 0:
		return append(lines, indent+"<"+e.name+" …/>")
	case folded[e.name]:
		tag := "<" + e.name
		for _, at := range e.attrs {
			if at.Name.Local == "name" {
				tag += ` name="` + attrEscaper.Replace(at.Value) + `"`
			}
		}
		return append(lines, fmt.Sprintf("%s%s>…</%s> (%s, not shown)", indent, tag, e.name, plural(e.count(), "element")))
	case e.flat():
		return append(lines, indent+e.inline())
	}
	lines = append(lines, indent+e.openTag())
	if text := strings.TrimSpace(e.text); text != "" {
		lines = append(lines, indent+"  "+textEscaper.Replace(text))
	}
	rows := 0
	for i, c := range e.children {
		if c.name == "elem" {
			if rows++; rows > traceRows {
				if rows == traceRows+1 {
					more := 0
					for _, r := range e.children[i:] {
						if r.name == "elem" {
							more++
						}
					}
					atLeast := ""
					if r.cut {
						atLeast = "at least "
					}
					lines = append(lines, fmt.Sprintf("%s  … %s%d more <elem> not shown", indent, atLeast, more))
				}
				continue
			}
		}
		lines = r.render(lines, c, indent+"  ")
	}
	return append(lines, indent+"</"+e.name+">")
}

// flat reports whether e shows on one line: its children, if any, have none of their own.
func (e *element) flat() bool {
	for _, c := range e.children {
		if len(c.children) > 0 {
			return false
		}
	}
	return len(e.children) == 0 || strings.TrimSpace(e.text) == ""
}

// inline is e on one line.
func (e *element) inline() string {
	text := strings.TrimSpace(e.text)
	if len(e.children) == 0 && text == "" {
		return strings.TrimSuffix(e.openTag(), ">") + "/>"
	}
	var b strings.Builder
	b.WriteString(e.openTag() + textEscaper.Replace(text))
	for _, c := range e.children {
		b.WriteString(c.inline())
	}
	b.WriteString("</" + e.name + ">")
	return b.String()
}

// openTag is e's start tag with its attributes.
func (e *element) openTag() string {
	var b strings.Builder
	b.WriteString("<" + e.name)
	for _, at := range e.attrs {
		name := at.Name.Local
		if at.Name.Space != "" {
			name = at.Name.Space + ":" + name
		}
		b.WriteString(" " + name + `="` + attrEscaper.Replace(at.Value) + `"`)
	}
	return b.String() + ">"
}

// The escapes of text and attribute values, as the server writes them: only what must be.
var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;")
)

// count is the number of elements inside e.
func (e *element) count() int {
	n := len(e.children)
	for _, c := range e.children {
		n += c.count()
	}
	return n
}
