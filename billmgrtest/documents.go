package billmgrtest

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"strconv"
	"strings"
	"unicode/utf8"
)

// features is the constant value of the features attribute of every <doc> and of the
// checked attribute of <messages>.
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

// empty reports whether n has no text, attributes or children: a list writes no element
// for such a value (a NULL column), as the real server leaves out <pay_date> of an unpaid
// payment.
func (n *node) empty() bool { return n.text == "" && len(n.attrs) == 0 && len(n.children) == 0 }

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

// docKind is the shape of a reply document: which root attributes it has and what
// follows <tparams>. Each follows a recorded BILLmanager 6.94 document of its kind.
type docKind int

const (
	// plainDoc is an action's <ok/>, whoami and func=auth: the wire replies to
	// payment.setinpay and whoami. After <tparams>, only <saved_filters/>.
	plainDoc docKind = iota
	// listDoc is a list: the recorded payment list. Its head (metadata, messages) comes
	// before <tparams>; <links/>, <branding>, <addon> and <tips> follow <saved_filters/>;
	// then the paging and the rows.
	listDoc
	// formDoc is a form: the recorded payment.filter form, with the same furniture as a
	// list but a form's root attributes and tips.
	formDoc
	// wizardDoc is the reply of a payment wizard (payment.add): a form's root attributes,
	// then only <saved_filters/> and <tips> after <tparams>, as the recorded reply has.
	wizardDoc
	// stepDoc is a step of the payment wizard shown as a form (payment.add.method):
	// a form's root attributes and furniture without <tips>, as the recorded form has.
	stepDoc
)

// formRootAttrs are the attributes of the <doc> of a form, a wizard's reply and a wizard's
// step, in the recorded order.
var formRootAttrs = []string{"lang", "func", "binary", "host", "themename", "features", "notify", "theme", "css", "logolink", "favicon", "localdir", "logo"}

// rootAttrs are the attributes of <doc> by kind, in the recorded order.
var rootAttrs = map[docKind][]string{
	plainDoc:  {"lang", "func", "binary", "host", "themename", "features", "notify", "theme"},
	listDoc:   {"lang", "func", "binary", "host", "themename", "features", "notify", "favorite", "pin", "theme", "css", "logolink", "favicon", "localdir", "logo"},
	formDoc:   formRootAttrs,
	wizardDoc: formRootAttrs,
	stepDoc:   formRootAttrs,
}

// rootValue is the value of a root attribute; lang, func and host depend on the call.
func (c *call) rootValue(name string) string {
	switch name {
	case "lang":
		return c.lang
	case "func":
		return c.fn
	case "host":
		return c.host
	}
	return map[string]string{
		"binary": "/billmgr", "themename": "dragon", "features": features, "notify": "0",
		"favorite": "no", "pin": "no", "theme": "/manimg/dragon/", "css": "main.css", "logolink": "",
		"favicon": "favicon-billmgr.ico", "localdir": "default/", "logo": "logo-billmgr.svg",
	}[name]
}

// reply is what a function answers: the children of <doc> before <tparams> (head) and
// after the furniture (body), or, for printable documents, a raw body with its content
// type.
type reply struct {
	kind        docKind
	head, body  []*node
	contentType string
	raw         []byte
}

// ok is the reply of a successful action: <ok/> plus extra elements.
func ok(extra ...*node) *reply {
	return &reply{head: append([]*node{el("ok", "")}, extra...)}
}

// created is the reply of a create: <ok/><id>id</id>.
func created(id int64) *reply { return ok(idNode("id", id)) }

func idNode(name string, id int64) *node { return el(name, strconv.FormatInt(id, 10)) }

// secretParams are never echoed in <tparams>.
var secretParams = map[string]bool{"authinfo": true, "password": true, "passwd": true, "confirm": true, "key": true}

// document builds the document of a reply: the <doc> root, the head, the echo of the
// request (<tparams>), <saved_filters/>, the furniture of the kind, and the body.
func (c *call) document(rep *reply) *node {
	root := el("doc", "")
	for _, name := range rootAttrs[rep.kind] {
		root.attr(name, c.rootValue(name))
	}
	root.add(rep.head...)
	root.add(c.tparams(), el("saved_filters", ""))
	switch rep.kind {
	case listDoc:
		root.add(el("links", ""), branding(), addon(), tips("mbar_pin"))
	case formDoc:
		root.add(el("links", ""), branding(), addon(), tips("help_links"))
	case wizardDoc:
		root.add(tips("help_links"))
	case stepDoc:
		root.add(el("links", ""), branding(), addon())
	}
	return root.add(rep.body...)
}

// tparams echoes the request: its parameters in the order they came, func last, as
// the recorded replies do (secrets never). A parameter whose name is not an XML name
// every parser reads ("a b", "x\"><y", "1abc", "$", "a:b", "aſ") is left out: it cannot
// be an element, and a name mangled to become one could collide with a real parameter's.
func (c *call) tparams() *node {
	n := el("tparams", "")
	for _, name := range c.order {
		if name == "func" || secretParams[name] || !isXMLName(name) {
			continue
		}
		for _, v := range c.params[name] {
			n.add(el(name, v))
		}
	}
	return n.add(el("func", c.fn))
}

// isXMLName reports whether s is a name every XML parser reads as an element's: one that
// encoding/xml reads back as <s/>, without a colon. encoding/xml, like expat, takes its
// letters from the first editions of XML 1.0 (Appendix B), a narrower set than the fifth
// edition's: "aſ" and "ǅ" are fifth-edition names those parsers refuse. A name with a
// colon is left out too: a namespace-aware parser (libxml2, as PHP's SimpleXML uses) reads
// its prefix as an undeclared namespace. No such name starts with $, the JSON forms' key
// of attributes and text.
func isXMLName(s string) bool {
	if s == "" || strings.Contains(s, ":") || !utf8.ValidString(s) {
		return false
	}
	d := xml.NewDecoder(strings.NewReader("<" + s + "/>"))
	tok, err := d.Token()
	if start, ok := tok.(xml.StartElement); err != nil || !ok || start.Name.Local != s {
		return false
	}
	tok, err = d.Token()
	_, ok := tok.(xml.EndElement)
	return err == nil && ok
}

func tips(tip string) *node { return el("tips", "").add(el("tip", tip)) }

// addon is the script the panel adds to its pages, as recorded.
func addon() *node {
	return el("addon", "").add(el("body", `<script type="text/javascript">pageInfo.version = '5.389.1-2024.04.12_08:22';</script>`))
}

// brandingAttrs are the colours of the panel's theme, as recorded.
var brandingAttrs = []attr{
	{"orientation", "right"}, {"shadow", "off"}, {"background_type", "image"}, {"background_img", "background-billmgr.svg"},
	{"background_img_tiling", "on"}, {"background_img_vertical_stretch", "on"}, {"background_img_horizontal_stretch", "off"},
	{"color_main_color", "#1a76e2"}, {"color_main_color_hover", "#075bbe"}, {"color_main_color_active", "#1b88fe"},
	{"color_main_text", "#1f364a"}, {"color_second_text", "#727272"}, {"color_accordion_text", "#1f364a"},
	{"color_progressbar_1", "#c4e9ff"}, {"color_progressbar_2", "#58bdf9"}, {"color_table_rows_hover_color", "#dbe8ff"},
	{"color_table_rows_hover_color_n1", "#c1daff"}, {"color_table_rows_hover_color_n2", "#aeceff"},
	{"color_header_background", "#202e3b"}, {"color_header_global_search_background", "#585858"},
	{"color_header_text_and_icons_main", "#ffffff"}, {"color_header_text_and_icons_secondary", "#979797"},
	{"color_header_text_and_icons_warn", "#ff7a1a"}, {"color_header_text_and_icons_action", "#ffe03a"},
	{"color_header_global_search_inactive", "#d9d9d9"}, {"color_header_global_search", "#ffffff"},
	{"color_accordion", "#e9f2ff"}, {"color_accordion_hover", "#daebff"}, {"color_form_text_button", "#ffffff"},
	{"color_menu_background", "#ffffff"}, {"color_menu_design_element", "#eeeeee"},
	{"color_menu_design_element_active", "#1a76e2"}, {"color_menu_hover_item", "#e9f2ff"},
	{"color_menu_hover_text", "#1f364a"}, {"color_menu_text", "#1f364a"}, {"color_tabs_active_text", "#1373dd"},
	{"color_tabs_design_element", "#979797"}, {"color_tabs_icon_hover", "#e9f2ff"},
	{"color_tabs_icon_hover_color", "#1f364a"}, {"color_tabs_panel", "#ffffff"},
	{"color_tabs_tab_background_active", "#f4f4f466"}, {"color_tabs_tab_background_hover", "#f4f4f426"},
	{"color_tabs_text", "#1f364a"},
}

func branding() *node { return &node{name: "branding", attrs: brandingAttrs} }

// message is an entry of <messages>: <msg name="name">text</msg>, with the added
// attribute the recording has on some ("lang", "common").
type message struct {
	name  string
	text  text
	added string
}

// messages renders <messages name="FUNC"> with the groups of messages in order.
func (c *call) messages(groups ...[]message) *node {
	n := el("messages", "").attr("name", c.fn).attr("checked", features)
	for _, g := range groups {
		for _, m := range g {
			msg := el("msg", m.text.in(c.lang)).attr("name", m.name)
			if m.added != "" {
				msg.attr("added", m.added)
			}
			n.add(msg)
		}
	}
	return n
}

// form answers the view of a form, in the order of the recorded payment.filter form:
// <metadata> with the fields, <messages> (the form's own, then a label per field), an
// <slist> per select, <elid> and <plid> as sent, and each field with its value as a
// direct child of <doc>, empty ones included. Secret fields (passwords) are never shown.
func (c *call) form(fields []field, values map[string]string, own ...message) *reply {
	form := el("form", "")
	labels := []message{{name: "title", text: formTitle(c.fn)}}
	labels = append(labels, own...)
	var slists, vals []*node
	for _, name := range []string{"elid", "plid"} {
		if v := c.params.Get(name); v != "" {
			vals = append(vals, el(name, v))
		}
	}
	for _, f := range fields {
		if f.kind.secret() {
			continue
		}
		input := el("input", "").attr("type", "text").attr("name", f.name)
		switch f.kind {
		case kindFlag:
			input.attrs[0].value = "checkbox"
		case kindDate:
			input.attr("check", "date").attr("date", "yes").attr("mask", "9999-99-99")
		case kindSelect, kindMulti:
			input = el("select", "").attr("name", f.name)
			if f.kind == kindMulti {
				input.attr("type", "multiple")
			}
			slist := el("slist", "").attr("name", f.name)
			for _, o := range f.options(c) {
				val := el("val", o.label)
				if o.msg {
					val.attr("msg", "yes")
				}
				val.attr("key", o.key)
				if o.image != "" {
					val.attr("image", o.image)
				}
				slist.add(val)
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
		labels = append(labels, message{name: f.name, text: fieldText(f.name)})
		vals = append(vals, el(f.name, values[f.name]))
	}
	form.add(el("buttons", "").add(
		el("button", "").attr("name", "ok").attr("type", "ok"),
		el("button", "").attr("name", "cancel").attr("type", "cancel")))
	meta := el("metadata", "").attr("name", c.fn).attr("type", "form").attr("mgr", "billmgr").
		attr("decorated", "yes").add(form)
	head := append([]*node{meta, c.messages(formMessages, labels)}, slists...)
	return &reply{kind: formDoc, head: append(head, vals...)}
}

// errorDocument builds the document of e in the shape of the real server's errors: a
// bare <doc> with the <error> alone (every recorded error, in XML, json and sjson, has
// no root attributes, no tparams and nothing else); code="1" on every one; a bad password
// carries <detail> and no <group> (as recorded for BILLmanager 5 and ISPmanager 6); an
// expired or missing session is type auth without an object, with only its message (as
// the recorded BILLmanager 6 fixture); every other error is the recorded value error:
// params object, value and (with a reason) desc, the stack, <group> and <msg> (the
// template filled in, a trailing space kept as recorded), no <detail>. A Refusal's own
// message replaces the filled template in <msg> (and in the bad password's <detail>),
// and its detail comes as a <detail> before <msg>.
func (c *call) errorDocument(e *apiError) *node {
	n := el("error", "").attr("type", e.typ)
	if e.object != "" {
		n.attr("object", e.object)
	}
	n.attr("lang", c.lang).attr("code", "1")
	group := e.headline().in(c.lang)
	doc := el("doc", "")
	if e.typ == "auth" && e.object == "" {
		return doc.add(n.add(el("msg", cmp.Or(e.msg.in(c.lang), group))))
	}
	label := fieldLabel(e.object, c.lang)
	desc := ""
	if e.reason.key != "" {
		desc = e.reason.text.in(c.lang, e.args...)
	}
	msg := cmp.Or(e.msg.in(c.lang),
		strings.NewReplacer("__object__", label, "__value__", e.value, "__desc__", desc).Replace(group))
	detail := e.detail.in(c.lang)
	level, user := "0", ""
	if p := c.actor(); p != nil {
		level, user = strconv.Itoa(p.level), p.name
	}
	object := el("param", e.object).attr("name", "object").attr("type", "msg")
	if e.typ != "auth" { // the recorded bad passwords name no label of the object
		object.attr("msg", label)
	}
	n.add(object)
	n.add(el("param", e.value).attr("name", "value"))
	if e.reason.key != "" {
		n.add(el("param", e.reason.key).attr("name", "desc").attr("type", "msg"))
	}
	n.add(el("stack", "").add(el("action", c.fn).attr("level", level).attr("user", user)))
	if e.typ == "auth" {
		n.add(el("detail", cmp.Or(detail, msg)), el("msg", msg))
		return doc.add(n)
	}
	n.add(el("group", group))
	if detail != "" {
		n.add(el("detail", detail))
	}
	return doc.add(n.add(el("msg", msg)))
}
