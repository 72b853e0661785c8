package billmgrtest

import (
	"bytes"
	"encoding/xml"
	"sort"
	"strconv"
	"unicode/utf8"
)

// format is how a reply document is written: the out parameter of the request. Every
// reply is one tree of nodes, written by one writer per format, so that the XML, json
// and sjson forms of a document always say the same.
type format int

const (
	formatXML   format = iota // out=xml (or no out)
	formatJSON                // out=json
	formatSJSON               // out=sjson
)

// outFormat returns the format of the reply to a request with this out, and whether the
// fake serves that format. bjson and xjson, the panel's other JSON forms, are refused in
// JSON (their shapes are not recorded well enough to serve); any other value is refused
// in XML, the panel's own document.
func outFormat(out string) (f format, served bool) {
	switch out {
	case "", "xml":
		return formatXML, true
	case "json":
		return formatJSON, true
	case "sjson":
		return formatSJSON, true
	case "bjson", "xjson":
		return formatJSON, false
	}
	return formatXML, false
}

// contentType is the Content-Type of a reply in the format. The real server's for JSON
// is not recorded (one client reports text/plain); the fake says what the body is.
func (f format) contentType() string {
	if f == formatXML {
		return "text/xml; charset=UTF-8"
	}
	return "application/json; charset=UTF-8"
}

// render writes the document root in the format.
func (f format) render(root *node) []byte {
	var b bytes.Buffer
	if f == formatXML {
		b.WriteString(xml.Header)
		root.write(&b)
		return b.Bytes()
	}
	b.WriteString(`{"doc":`)
	writeJSON(&b, root, f == formatSJSON)
	b.WriteByte('}')
	return b.Bytes()
}

// sjsonArrays are the elements that out=sjson writes as an array even when there is only
// one: those the recorded sjson list shows so (one elem, one page, a group with one
// toolbtn, a button with one hide or show). Every other single element is an object, as
// tips/tip, metadata/coldata and col/toggle are there.
var sjsonArrays = map[string]bool{"elem": true, "page": true, "toolbtn": true, "hide": true, "show": true}

// writeJSON writes n as the recorded json and sjson documents do: an object with the
// attributes first ("$name"), in document order, then the text ("$"), then the children
// by name in byte order, a name that repeats as an array of its elements in document
// order. Every value is a string; an empty element is {}. With strict (sjson), the
// elements of sjsonArrays are always arrays, and the messages of a list or form are one
// object of texts by name ("msg": {"title": "Payments"}), as the recorded sjson list has
// them.
func writeJSON(b *bytes.Buffer, n *node, strict bool) {
	b.WriteByte('{')
	comma := false
	key := func(k string) {
		if comma {
			b.WriteByte(',')
		}
		comma = true
		writeJSONString(b, k)
		b.WriteByte(':')
	}
	for _, a := range n.attrs {
		key("$" + a.name)
		writeJSONString(b, a.value)
	}
	if n.text != "" {
		key("$")
		writeJSONString(b, n.text)
	}
	for _, g := range byName(n.children) {
		key(g.name)
		switch {
		case strict && n.name == "messages" && g.name == "msg":
			writeMessageTexts(b, g.nodes)
		case len(g.nodes) == 1 && !(strict && sjsonArrays[g.name]):
			writeJSON(b, g.nodes[0], strict)
		default:
			b.WriteByte('[')
			for i, c := range g.nodes {
				if i > 0 {
					b.WriteByte(',')
				}
				writeJSON(b, c, strict)
			}
			b.WriteByte(']')
		}
	}
	b.WriteByte('}')
}

// group is the children of a node that share a name.
type group struct {
	name  string
	nodes []*node
}

// byName groups children by name, the groups in byte order of their names and the nodes
// of a group in document order.
func byName(children []*node) []group {
	index := map[string]int{}
	var groups []group
	for _, c := range children {
		i, ok := index[c.name]
		if !ok {
			i = len(groups)
			index[c.name] = i
			groups = append(groups, group{name: c.name})
		}
		groups[i].nodes = append(groups[i].nodes, c)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].name < groups[j].name })
	return groups
}

// writeMessageTexts writes <msg name="n">text</msg> elements as sjson does: one object of
// plain texts by name, the names in byte order (a repeated name keeps its first text).
func writeMessageTexts(b *bytes.Buffer, msgs []*node) {
	texts := map[string]string{}
	var names []string
	for _, m := range msgs {
		name := m.attrValue("name")
		if _, seen := texts[name]; !seen {
			texts[name] = m.text
			names = append(names, name)
		}
	}
	sort.Strings(names)
	b.WriteByte('{')
	for i, name := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(b, name)
		b.WriteByte(':')
		writeJSONString(b, texts[name])
	}
	b.WriteByte('}')
}

// attrValue returns the value of n's attribute name ("" if it has none).
func (n *node) attrValue(name string) string {
	for _, a := range n.attrs {
		if a.name == name {
			return a.value
		}
	}
	return ""
}

// writeJSONString writes s as a JSON string, escaping as the recorded documents do: the
// slash as \/ ("\/billmgr"), quotes, backslashes and control characters. Other characters,
// Cyrillic included, are written as UTF-8 (how the real server writes them is not
// recorded); bytes that are not UTF-8 become U+FFFD.
func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"', r == '\\', r == '/':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			b.WriteString(`\u00`)
			if r < 0x10 {
				b.WriteByte('0')
			}
			b.WriteString(strconv.FormatInt(int64(r), 16))
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
