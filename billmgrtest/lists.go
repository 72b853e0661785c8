package billmgrtest

import (
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// column describes one column of a list: a <col> of <coldata>.
type column struct {
	name  string
	msg   bool   // a localized column: type="msg"
	num   bool   // sorted as a number: sort="digit"
	stat  bool   // summed over the list: stat="yes" total="…"
	xprop string // a property shown as an icon when the row's field of that name is on
	extra []attr // more attributes, such as editform
}

// listSpec describes a list: its key, its columns (the ones p_sort may name), its
// default order, its toolbar and its own messages (title, column labels, buttons), which
// come between listMessages and commonMessages.
type listSpec struct {
	key      string
	keyname  string // the column that names a row to people; "" for none
	cols     []column
	desc     bool // newest first by default: p_sort=key, p_order=desc
	toolbar  []toolgrp
	messages []message
}

func (s listSpec) column(name string) (column, bool) {
	for _, col := range s.cols {
		if col.name == name {
			return col, true
		}
	}
	return column{}, false
}

// toolgrp is a group of buttons of a list's toolbar; one without buttons is a separator.
type toolgrp struct {
	name string
	btns []toolbtn
}

// toolbtn is a button: the function it calls, its name (whose short_ and hint_ messages
// label it), its icon and type, more attributes, and the payment statuses it is hidden
// for.
type toolbtn struct {
	fn, name, img, typ string
	extra              []attr
	hide               []hide
}

// hide hides a button for rows whose status is the label of code (for users of level,
// when set).
type hide struct {
	code  int
	level string
}

func (c *call) toolbar(groups []toolgrp) *node {
	bar := el("toolbar", "").attr("view", "buttontext")
	for _, g := range groups {
		grp := el("toolgrp", "").attr("name", g.name)
		if len(g.btns) == 0 {
			grp.attr("separator", "yes")
		}
		for _, b := range g.btns {
			btn := el("toolbtn", "").attr("func", b.fn).attr("name", b.name).attr("img", b.img).attr("type", b.typ)
			btn.attrs = append(btn.attrs, b.extra...)
			btn.attr("sprite", "yes").attr("spritesvg", "yes")
			for _, h := range b.hide {
				n := el("hide", "").attr("name", "status").attr("value", paymentStatuses[h.code].label.in(c.lang))
				if h.level != "" {
					n.attr("level", h.level)
				}
				btn.add(n)
			}
			grp.add(btn)
		}
		bar.add(grp)
	}
	return bar
}

// row is one <elem> of a list: its fields in order. A field with no value is left out.
type row []*node

func (r row) value(name string) string {
	for _, n := range r {
		if n.name == name {
			return n.text
		}
	}
	return ""
}

// list answers a list function in the shape of the recorded payment list: <metadata>
// (toolbar and columns with totals), <messages>, the furniture, then <p_sort>,
// <p_order>, <page> (the keys of the first and last row), the rows, <p_cnt>, <p_num> and
// <p_elems>. It sorts rows by p_sort/p_order (a column the metadata does not list is
// ignored, as the real server does; without p_sort the list's default order applies),
// cuts the list at WithListLimit, and cuts the page p_num of p_cnt rows (a page past the
// end repeats the last page).
func (c *call) list(spec listSpec, rows []row) (*reply, error) {
	size, err := c.positiveInt("p_cnt", c.st.cfg.pageSize)
	if err != nil {
		return nil, err
	}
	num, err := c.positiveInt("p_num", 1)
	if err != nil {
		return nil, err
	}
	by, desc := spec.key, spec.desc
	if col, ok := spec.column(c.params.Get("p_sort")); ok {
		by, desc = col.name, false
	}
	switch order := c.params.Get("p_order"); order {
	case "":
	case "asc", "desc":
		desc = order == "desc"
	default:
		return nil, invalid("p_order", order, whyChoice)
	}
	col, _ := spec.column(by)
	col.name = by
	sortRows(rows, col, desc)

	total := len(rows)
	if limit := c.st.cfg.listLimit; limit > 0 && len(rows) > limit {
		rows, total = rows[:limit], limit+1
	}
	pages := (len(rows) + size - 1) / size
	num = min(num, max(pages, 1))
	page := rows[min((num-1)*size, len(rows)):min(num*size, len(rows))]

	order := map[bool]string{false: "asc", true: "desc"}[desc]
	meta := el("metadata", "").attr("name", c.fn).attr("type", "list").attr("key", spec.key)
	if spec.keyname != "" {
		meta.attr("keyname", spec.keyname)
	}
	meta.attr("mgr", "billmgr").add(c.toolbar(spec.toolbar), coldata(spec, rows, by, desc))
	rep := &reply{kind: listDoc, head: []*node{meta, c.messages(listMessages, spec.messages, commonMessages)}}
	rep.body = append(rep.body, el("p_sort", by), el("p_order", order))
	if len(page) > 0 {
		rep.body = append(rep.body, el("page", page[0].value(spec.key)+" - "+page[len(page)-1].value(spec.key)))
	}
	for _, r := range page {
		elem := el("elem", "")
		for _, f := range r {
			if !f.empty() {
				elem.add(f)
			}
		}
		rep.body = append(rep.body, elem)
	}
	rep.body = append(rep.body,
		el("p_cnt", strconv.Itoa(size)),
		el("p_num", strconv.Itoa(num)),
		el("p_elems", strconv.Itoa(total)))
	return rep, nil
}

// coldata renders the columns; the one sorted by is marked sorted="+1" or "-1", and a
// summed one carries the total of the rows.
func coldata(spec listSpec, rows []row, by string, desc bool) *node {
	n := el("coldata", "")
	for _, col := range spec.cols {
		typ, sorting := "data", "alpha"
		if col.msg {
			typ = "msg"
		}
		if col.num {
			sorting = "digit"
		}
		c := el("col", "").attr("name", col.name).attr("sort", sorting).attr("type", typ)
		if col.name == by {
			c.attr("sorted", map[bool]string{false: "+1", true: "-1"}[desc])
		}
		if col.stat {
			c.attr("stat", "yes")
			if len(rows) > 0 {
				c.attr("total", sumColumn(rows, col.name))
			}
		}
		c.attrs = append(c.attrs, col.extra...)
		if col.xprop != "" {
			c.add(el("xprop", "").attr("img", "p-info").attr("name", col.xprop).attr("value", "on").
				attr("sprite", "yes").attr("spritesvg", "yes"))
		}
		n.add(c)
	}
	return n
}

// sumColumn adds up a money column ("10.00 RUB") per currency: "11.00 RUB", or
// "11.00 RUB, 5.00 $" when the rows have several currencies (how the real server sums
// several currencies is not recorded).
func sumColumn(rows []row, name string) string {
	sums := map[string]decimal.Decimal{}
	var curs []string
	for _, r := range rows {
		amountText, cur, _ := strings.Cut(r.value(name), " ")
		d, err := decimal.NewFromString(amountText)
		if err != nil {
			continue
		}
		if _, seen := sums[cur]; !seen {
			curs = append(curs, cur)
		}
		sums[cur] = sums[cur].Add(d)
	}
	parts := make([]string, len(curs))
	for i, cur := range curs {
		parts[i] = amount(sums[cur]) + " " + cur
	}
	return strings.Join(parts, ", ")
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

// msg is a message of the fake's own, in English and Russian.
func msg(name, en, ru string) message { return message{name: name, text: text{en, ru}} }

// btn is a toolbar button.
func btn(fn, name, img, typ string, extra ...attr) toolbtn {
	return toolbtn{fn: fn, name: name, img: img, typ: typ, extra: extra}
}

// editTools is the toolbar of a list whose rows form creates and edits and del deletes
// (del "" for none): the new group and its separator of the recorded payment list.
func editTools(form, del string) []toolgrp {
	btns := []toolbtn{btn(form, "new", "t-new", "new"), btn(form, "edit", "t-edit", "edit", attr{"default", "yes"})}
	if del != "" {
		btns = append(btns, btn(del, "delete", "t-delete", "group", attr{"warning", "yes"}))
	}
	return []toolgrp{{name: "new", btns: btns}, {name: "new_sep"}}
}
