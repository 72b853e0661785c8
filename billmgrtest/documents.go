package billmgrtest

import (
	"bytes"
	"encoding/xml"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// features is the constant value of the features attribute of every <doc>.
const features = "5be884bc592ba9fba23fea3cef9cb5b7"

// node is one element of a reply document.
type node struct {
	name     string
	attrs    []attr
	text     string
	children []*node
}

type attr struct{ name, value string }

// el returns an element with the given text.
func el(name, text string) *node { return &node{name: name, text: text} }

func (n *node) attr(name, value string) *node {
	n.attrs = append(n.attrs, attr{name, value})
	return n
}

func (n *node) add(children ...*node) *node {
	n.children = append(n.children, children...)
	return n
}

// write serializes n; text and attribute values are escaped by encoding/xml,
// and an element without content is written as <name/>.
func (n *node) write(b *bytes.Buffer) {
	b.WriteByte('<')
	b.WriteString(n.name)
	for _, a := range n.attrs {
		b.WriteByte(' ')
		b.WriteString(a.name)
		b.WriteString(`="`)
		_ = xml.EscapeText(b, []byte(a.value)) // bytes.Buffer does not fail
		b.WriteByte('"')
	}
	if n.text == "" && len(n.children) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	_ = xml.EscapeText(b, []byte(n.text))
	for _, c := range n.children {
		c.write(b)
	}
	b.WriteString("</")
	b.WriteString(n.name)
	b.WriteByte('>')
}

// reply is what a function answers: the children of <doc>, or, for printable
// documents, a raw body with its content type.
type reply struct {
	body        []*node
	contentType string
	raw         []byte
}

// ok is the reply of a successful action: <ok/> plus extra elements.
func ok(extra ...*node) *reply {
	return &reply{body: append([]*node{el("ok", "")}, extra...)}
}

// created is the reply of a create: <ok/><id>id</id>.
func created(id int64) *reply { return ok(idNode("id", id)) }

func idNode(name string, id int64) *node { return el(name, strconv.FormatInt(id, 10)) }

// secretParams are never echoed in <tparams>.
var secretParams = map[string]bool{"authinfo": true, "password": true, "passwd": true, "confirm": true, "key": true}

// document wraps body into the <doc> root every reply has, followed by the
// echo of the request (<tparams>) and <saved_filters/>.
func (c *call) document(body ...*node) []byte {
	root := el("doc", "").
		attr("lang", c.lang).
		attr("func", c.fn).
		attr("binary", "/billmgr").
		attr("host", c.host).
		attr("themename", "dragon").
		attr("features", features).
		attr("notify", "0")
	root.add(body...)
	tparams := el("tparams", "")
	names := make([]string, 0, len(c.params))
	for name := range c.params {
		if !secretParams[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range c.params[name] {
			tparams.add(el(name, v))
		}
	}
	root.add(tparams, el("saved_filters", ""))
	var b bytes.Buffer
	b.WriteString(xml.Header)
	root.write(&b)
	return b.Bytes()
}

// errorDocument renders e in the shape of the real server's errors.
func (c *call) errorDocument(e *apiError) []byte {
	label := fieldLabel(e.object, c.lang)
	desc := ""
	if e.reason != (text{}) {
		desc = e.reason.in(c.lang, e.args...)
	}
	group := e.headline().in(c.lang)
	msg := strings.TrimSpace(strings.NewReplacer("__object__", label, "__value__", e.value, "__desc__", desc).Replace(group))
	detail := desc
	if detail == "" {
		detail = msg
	}
	level, user := "0", ""
	if p := c.actor(); p != nil {
		level, user = strconv.Itoa(p.level), p.name
	}
	n := el("error", "").attr("type", e.typ).attr("object", e.object).attr("lang", c.lang)
	n.add(el("param", e.object).attr("name", "object").attr("type", "msg").attr("msg", label))
	n.add(el("param", e.value).attr("name", "value"))
	if desc != "" {
		n.add(el("param", desc).attr("name", "desc").attr("type", "msg"))
	}
	n.add(el("stack", "").add(el("action", c.fn).attr("level", level).attr("user", user)))
	n.add(el("group", group), el("msg", msg), el("detail", detail))
	return c.document(n)
}

// column describes one column of a list.
type column struct {
	name string
	msg  bool // a localized column: type="msg"
	num  bool // sorted as a number: sort="digit"
}

// listSpec describes a list: its key column and its columns.
type listSpec struct {
	key  string
	cols []column
}

func (s listSpec) column(name string) (column, bool) {
	for _, col := range s.cols {
		if col.name == name {
			return col, true
		}
	}
	return column{}, false
}

// row is one <elem> of a list: its fields in order.
type row []*node

func (r row) value(name string) string {
	for _, n := range r {
		if n.name == name {
			return n.text
		}
	}
	return ""
}

// list answers a list function: it sorts rows by p_sort/p_order (an unknown
// column is ignored, as the real server does), cuts the page p_num of p_cnt
// rows (a page past the end repeats the last page), and writes the metadata.
func (c *call) list(spec listSpec, rows []row) (*reply, error) {
	size, err := c.positiveInt("p_cnt", c.st.cfg.pageSize)
	if err != nil {
		return nil, err
	}
	num, err := c.positiveInt("p_num", 1)
	if err != nil {
		return nil, err
	}
	order := c.params.Get("p_order")
	switch order {
	case "":
		order = "asc"
	case "asc", "desc":
	default:
		return nil, invalid("p_order", order, whyChoice)
	}
	by := spec.key
	if col, ok := spec.column(c.params.Get("p_sort")); ok {
		by = col.name
	}
	if col, ok := spec.column(by); ok {
		sortRows(rows, col, order == "desc")
	} else {
		by = ""
	}

	pages := (len(rows) + size - 1) / size
	num = min(num, max(pages, 1))
	page := rows[min((num-1)*size, len(rows)):min(num*size, len(rows))]

	coldata := el("coldata", "")
	for _, col := range spec.cols {
		n := el("col", "").attr("name", col.name).attr("type", "data").attr("sort", "alpha")
		if col.msg {
			n.attrs[1].value = "msg"
		}
		if col.num {
			n.attrs[2].value = "digit"
		}
		if col.name == by {
			n.attr("sorted", map[string]string{"asc": "+1", "desc": "-1"}[order])
		}
		coldata.add(n)
	}
	body := []*node{
		el("metadata", "").attr("name", c.fn).attr("type", "list").attr("key", spec.key).attr("mgr", "billmgr").add(coldata),
		el("p_sort", by),
		el("p_order", order),
	}
	for _, r := range page {
		body = append(body, el("elem", "").add(r...))
	}
	body = append(body,
		el("p_cnt", strconv.Itoa(size)),
		el("p_num", strconv.Itoa(num)),
		el("p_elems", strconv.Itoa(len(rows))))
	return &reply{body: body}, nil
}

// sortRows sorts rows by col, stably: numbers by value (the first word of the
// text, so "100.00 RUB" sorts as 100.00), everything else by text.
func sortRows(rows []row, col column, desc bool) {
	type keyed struct {
		r   row
		s   string
		d   decimal.Decimal
		num bool
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		k := keyed{r: r, s: r.value(col.name)}
		if f := strings.Fields(k.s); col.num && len(f) > 0 {
			if d, err := decimal.NewFromString(f[0]); err == nil {
				k.d, k.num = d, true
			}
		}
		ks[i] = k
	}
	less := func(a, b keyed) int {
		if a.num && b.num {
			return a.d.Cmp(b.d)
		}
		return strings.Compare(a.s, b.s)
	}
	sort.SliceStable(ks, func(i, j int) bool {
		if desc {
			return less(ks[i], ks[j]) > 0
		}
		return less(ks[i], ks[j]) < 0
	})
	for i := range ks {
		rows[i] = ks[i].r
	}
}

// form answers the view of a form: <elid> and <plid> as sent, each field
// with its value as a direct child of <doc>, an <slist> per select, and the
// form's metadata. Secret fields (passwords) are never shown.
func (c *call) form(fields []field, values map[string]string) *reply {
	form := el("form", "")
	var body, slists []*node
	for _, name := range []string{"elid", "plid"} {
		if v := c.params.Get(name); v != "" {
			body = append(body, el(name, v))
		}
	}
	for _, f := range fields {
		if f.kind == kindSecret {
			continue
		}
		input := el("input", "").attr("type", "text").attr("name", f.name)
		switch f.kind {
		case kindFlag:
			input.attrs[0].value = "checkbox"
		case kindSelect, kindMulti:
			input = el("select", "").attr("name", f.name)
			if f.kind == kindMulti {
				input.attr("type", "multiple")
			}
			slist := el("slist", "").attr("name", f.name)
			for _, o := range f.options(c) {
				slist.add(el("val", o.label).attr("key", o.key))
			}
			slists = append(slists, slist)
		}
		if f.viewOnly {
			input.attr("readonly", "yes")
		}
		if f.required {
			input.attr("required", "yes")
		}
		form.add(el("field", "").attr("name", f.name).add(input))
		body = append(body, el(f.name, values[f.name]))
	}
	form.add(el("buttons", "").add(
		el("button", "").attr("name", "ok").attr("type", "ok"),
		el("button", "").attr("name", "cancel").attr("type", "cancel")))
	meta := el("metadata", "").attr("name", c.fn).attr("type", "form").attr("mgr", "billmgr").add(form)
	return &reply{body: append(append([]*node{meta}, body...), slists...)}
}
