package billmgrtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The structural comparison: for every real document in testdata of a function the fake
// serves, the fake's document for the same function has the same root attributes, the
// same elements in the same order at the top level, the same metadata columns, and values
// in the same formats (dates, amounts, statuses with orig and color).

// sampleDoc reads a recorded XML document from testdata.
func sampleDoc(t *testing.T, name string) *xnode {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return parseDoc(t, body)
}

// sampleJSON reads the "doc" object of a recorded JSON document from testdata.
func sampleJSON(t *testing.T, name string) map[string]any {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	var v struct {
		Doc map[string]any `json:"doc"`
	}
	require.NoError(t, json.Unmarshal(body, &v))
	return v.Doc
}

// attrNames returns the names of the attributes of n, sorted.
func attrNames(n *xnode) []string {
	var names []string
	for _, a := range n.Attrs {
		names = append(names, a.Name.Local)
	}
	sort.Strings(names)
	return names
}

// childNames returns the names of the children of n in order; as maps a name to the one
// it stands for (fields of different forms are all "field"), and a run of one name counts
// once.
func childNames(n *xnode, as func(string) string) []string {
	var out []string
	for _, c := range n.Nodes {
		name := c.XMLName.Local
		if as != nil {
			name = as(name)
		}
		if len(out) == 0 || out[len(out)-1] != name {
			out = append(out, name)
		}
	}
	return out
}

// sameFrame checks that fake has the root attributes of real and its top-level elements
// in the same order (as maps names as in childNames).
func sameFrame(t *testing.T, what string, real, fake *xnode, as func(string) string) {
	t.Helper()
	assert.Equal(t, attrNames(real), attrNames(fake), "%s: root attributes", what)
	assert.Equal(t, childNames(real, as), childNames(fake, as), "%s: top level", what)
}

// sameElements checks that fake is real element for element: names, attributes with
// their values in order, and children.
func sameElements(t *testing.T, path string, real, fake *xnode) {
	t.Helper()
	attrs := func(n *xnode) []string {
		var out []string
		for _, a := range n.Attrs {
			out = append(out, a.Name.Local+"="+a.Value)
		}
		return out
	}
	assert.Equal(t, real.XMLName.Local, fake.XMLName.Local, path)
	assert.Equal(t, attrs(real), attrs(fake), "%s: attributes", path)
	if !assert.Equal(t, childNames(real, nil), childNames(fake, nil), "%s: children", path) ||
		!assert.Len(t, fake.Nodes, len(real.Nodes), "%s: children", path) {
		return
	}
	for i, c := range real.Nodes {
		sameElements(t, path+"/"+c.XMLName.Local, c, fake.Nodes[i])
	}
}

// furniture are the elements of a form that are not its fields.
var furniture = map[string]bool{"metadata": true, "messages": true, "slist": true, "tparams": true,
	"saved_filters": true, "links": true, "branding": true, "addon": true, "tips": true}

// asField maps the fields of a form (the other top-level elements) to "field", so that
// forms with different fields compare.
func asField(name string) string {
	if furniture[name] {
		return name
	}
	return "field"
}

// formats classify the values of documents.
var formats = []struct {
	name string
	re   *regexp.Regexp
}{
	{"date", regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)},
	{"datetime", regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)},
	{"amount", regexp.MustCompile(`^-?\d+\.(\d{2}|\d{4})$`)},
	{"money", regexp.MustCompile(`^-?\d+\.(\d{2}|\d{4}) \S+$`)},
	{"integer", regexp.MustCompile(`^\d+$`)},
	{"flag", regexp.MustCompile(`^(on|off)$`)},
	{"placeholder", regexp.MustCompile(`^ - $`)},
	{"numbered", regexp.MustCompile(`^[^/\s]+/\d+$`)},
	{"time", regexp.MustCompile(`^\d{2}:\d{2}$`)},
	{"empty", regexp.MustCompile(`^$`)},
}

func formatOf(v string) string {
	for _, f := range formats {
		if f.re.MatchString(v) {
			return f.name
		}
	}
	return "text"
}

// sameValues checks that every value (a child without children) of want that got has
// too has a value in the same format and the same attributes (orig and color of a
// status).
func sameValues(t *testing.T, what string, want, got *xnode) {
	t.Helper()
	for _, w := range want.Nodes {
		g := got.child(w.XMLName.Local)
		if g == nil || len(w.Nodes) > 0 {
			continue
		}
		name := w.XMLName.Local
		assert.Equal(t, formatOf(w.Text), formatOf(g.Text), "%s: %s: real %q, fake %q", what, name, w.Text, g.Text)
		assert.Equal(t, attrNames(w), attrNames(g), "%s: attributes of %s", what, name)
	}
}

func TestFidelity(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithClock(newClock().Now), WithSeed(Seed{Accounts: []SeedAccount{{
		Email: annEmail, Password: annPassword, Name: "Ann", Balance: decimal.RequireFromString("11.00"),
		Payments: []SeedPayment{
			{Amount: decimal.RequireFromString("1.00"), Status: 4},
			{Amount: decimal.RequireFromString("10.00"), Status: 4},
		},
	}}}))

	// framed reads the recorded document and the fake's reply to kv, and checks the frame.
	framed := func(t *testing.T, sample string, as func(string) string, kv ...string) (real, fake *xnode) {
		t.Helper()
		real, fake = sampleDoc(t, sample), mustOK(t, srv, kv...)
		sameFrame(t, sample, real, fake, as)
		return real, fake
	}

	t.Run("payment list", func(t *testing.T) {
		real, fake := framed(t, "billmgr6_list_payment_client_full_internal.xml", nil, "func", "payment", "su", annEmail, "lang", "ru")

		rm, fm := real.child("metadata"), fake.child("metadata")
		assert.Equal(t, attrNames(rm), attrNames(fm), "metadata attributes")
		assert.Equal(t, rm.values("coldata/col@name"), fm.values("coldata/col@name"), "columns")
		for _, a := range []string{"sort", "type", "stat", "total", "sorted"} {
			assert.Equal(t, len(rm.values("coldata/col@"+a)), len(fm.values("coldata/col@"+a)), "columns with %s", a)
		}
		assert.Equal(t, rm.values("coldata/col@sorted"), fm.values("coldata/col@sorted"))
		assert.Equal(t, []string{"11.00 RUB", "11.00 RUB"}, fm.values("coldata/col@total"))
		assert.Equal(t, rm.values("toolbar/toolgrp@name"), fm.values("toolbar/toolgrp@name"), "toolbar")
		assert.Equal(t, rm.values("toolbar/toolgrp/toolbtn@func"), fm.values("toolbar/toolgrp/toolbtn@func"), "toolbar")
		assert.Equal(t, rm.values("toolbar/toolgrp/toolbtn/hide@value"), fm.values("toolbar/toolgrp/toolbtn/hide@value"), "toolbar")

		assert.Equal(t, real.child("messages").values("msg@name"), fake.child("messages").values("msg@name"), "messages")
		assert.Equal(t, real.child("messages").values("msg"), fake.child("messages").values("msg"), "the ru messages are the recorded ones")
		echo := childNames(fake.child("tparams"), nil)
		assert.Equal(t, "func", echo[len(echo)-1], "func last in tparams")
		assert.Equal(t, real.values("tips/tip"), fake.values("tips/tip"))
		assert.Equal(t, []string{"id"}, fake.values("p_sort"))
		assert.Equal(t, []string{"desc"}, fake.values("p_order"))

		rows := fake.elems()
		require.Len(t, rows, 2)
		assert.Equal(t, childNames(real.elems()[0], nil), childNames(rows[0], nil), "the columns of a paid row, in order")
		assert.Equal(t, rows[0].get("id")+" - "+rows[1].get("id"), fake.get("page"), "page: the first and the last key")
		for _, row := range rows {
			sameValues(t, "row", real.elems()[0], row)
		}
		for _, name := range []string{"p_cnt", "p_num", "p_elems", "p_sort", "p_order"} {
			assert.Equal(t, formatOf(real.get(name)), formatOf(fake.get(name)), name)
		}
	})

	t.Run("payment filter form", func(t *testing.T) {
		real, fake := framed(t, "billmgr6_form_payment_filter_internal.xml", asField,
			"func", "account.payment.filter", "elid", itoa(srv.AccountID(annEmail)), "lang", "ru")
		assert.Equal(t, attrNames(real.child("metadata")), attrNames(fake.child("metadata")))
		assert.Equal(t, childNames(real.child("metadata").child("form"), nil), childNames(fake.child("metadata").child("form"), nil))
		realMsgs := map[string]string{}
		for _, m := range real.child("messages").all("msg") {
			realMsgs[m.attr("name")] = m.Text
		}
		for _, m := range fake.child("messages").all("msg") {
			if want, ok := realMsgs[m.attr("name")]; ok && m.attr("name") != "title" {
				assert.Equal(t, want, m.Text, "message %s", m.attr("name"))
			}
		}
		assert.Equal(t, real.values("tips/tip"), fake.values("tips/tip"))
		sameValues(t, "form", real, fake)
		var realSlists []string
		for _, name := range real.values("slist@name") {
			if name != "restrictrefund" { // a field the fake's filter does not have
				realSlists = append(realSlists, name)
			}
		}
		assert.Equal(t, realSlists, fake.values("slist@name"), "the select lists in the recorded order")
	})

	t.Run("whoami", func(t *testing.T) {
		real, fake := framed(t, "billmgr6_whoami_client_wire.xml", nil, "func", "whoami", "su", annEmail, "lang", "ru")
		ru, fu := real.child("user"), fake.child("user")
		assert.Equal(t, attrNames(ru), attrNames(fu), "user attributes")
		for _, a := range ru.Attrs {
			assert.Equal(t, formatOf(a.Value), formatOf(fu.attr(a.Name.Local)), "user@%s: real %q, fake %q", a.Name.Local, a.Value, fu.attr(a.Name.Local))
		}
		assert.Equal(t, real.values("path@level"), fake.values("path@level"), "the administrator, then the client")
		for i, rp := range real.all("path") {
			var want, got []string
			for _, a := range rp.Attrs {
				want = append(want, a.Name.Local)
			}
			for _, a := range fake.all("path")[i].Attrs {
				got = append(got, a.Name.Local)
			}
			assert.Equal(t, want, got, "the attributes of path %d in the recorded order", i)
		}
		assert.Equal(t, attrNames(real.child("mgr")), attrNames(fake.child("mgr")))
	})

	t.Run("setinpay", func(t *testing.T) {
		add := mustOK(t, srv, "func", "payment.add", "su", annEmail, "sok", "ok", "amount", "10", "paymethod", "2")
		real, fake := framed(t, "billmgr6_ok_payment_setinpay_wire.xml", nil, "func", "payment.setinpay",
			"elid", add.get("payment_id"), "externalid", "4373191790", "info", `{"Status": "NEW"}`, "lang", "-")
		assert.Equal(t, childNames(real.child("tparams"), nil), childNames(fake.child("tparams"), nil), "tparams")
	})

	t.Run("payment.add", func(t *testing.T) {
		real := sampleJSON(t, "billmgr_json_payment_add_redirect_ok_pastebin.json")
		fake := mustOK(t, srv, "func", "payment.add", "su", annEmail, "sok", "ok", "amount", "10", "paymethod", "2")
		var realAttrs, realKeys []string
		for k := range real {
			if name, attr := strings.CutPrefix(k, "$"); attr {
				if name != "brand" && name != "branddir" { // the orion theme's; the fake's theme is dragon
					realAttrs = append(realAttrs, name)
				}
			} else {
				realKeys = append(realKeys, k)
			}
		}
		sort.Strings(realAttrs)
		assert.Equal(t, realAttrs, attrNames(fake), "root attributes")
		fakeKeys := childNames(fake, nil)
		sort.Strings(fakeKeys)
		sort.Strings(realKeys)
		assert.Equal(t, realKeys, fakeKeys, "elements (JSON keeps no order)")
		ids := fake.all("id")
		require.Len(t, ids, 2)
		assert.Equal(t, []string{"saveoutput"}, attrNames(ids[0]))
		assert.Equal(t, []string{"saveoutput", "step"}, attrNames(ids[1]))
		assert.Equal(t, "payment.add.pay", ids[1].attr("step"))
		id := fake.get("payment_id")
		assert.Equal(t, []string{id, id}, fake.values("id"))
		assert.Equal(t, "url", fake.child("ok").attr("type"))
		assert.Regexp(t, `^/mancgi/\w+\?elid=`+id+`$`, fake.get("ok"))
		assert.Equal(t, []string{"help_links"}, fake.values("tips/tip"))
	})

	t.Run("value error", func(t *testing.T) {
		real := sampleDoc(t, "billmgr5_error_value_elid_user_edit.xml").child("error")
		fake := request(t, srv, "func", "payment.edit", "plid", itoa(srv.AccountID(annEmail)), "elid", "abc", "lang", "ru").child("error")
		require.NotNil(t, fake)
		assert.Equal(t, attrNames(real), attrNames(fake), "error attributes")
		assert.Equal(t, "1", fake.attr("code"))
		assert.Equal(t, childNames(real, nil), childNames(fake, nil), "no detail")
		assert.Equal(t, real.values("param@name"), fake.values("param@name"))
		assert.Equal(t, formatOf(real.values("param")[2]), formatOf(fake.values("param")[2]), "desc is a key")
		assert.Regexp(t, `^[a-z_]+$`, fake.values("param")[2])
		assert.Equal(t, real.get("group"), fake.get("group"))
		assert.Equal(t, attrNames(real.child("stack").child("action")), attrNames(fake.child("stack").child("action")))
	})

	t.Run("bad password", func(t *testing.T) {
		real := sampleJSON(t, "ispmgr6_sjson_error_auth_badpassword.json")["error"].(map[string]any)
		fake := request(t, srv, "authinfo", annEmail+":wrong", "func", "account").child("error")
		require.NotNil(t, fake)
		assert.Equal(t, "auth", fake.attr("type"))
		assert.Equal(t, "badpassword", fake.attr("object"))
		for k := range real {
			if name, attr := strings.CutPrefix(k, "$"); attr {
				assert.NotEmpty(t, fake.attr(name), "@%s", name)
			} else {
				assert.True(t, fake.has(k), k)
			}
		}
		assert.Equal(t, []string{"object", "value"}, fake.values("param@name"))
	})

	t.Run("expired session", func(t *testing.T) {
		real := sampleJSON(t, "billmgr6_json_fixture_reduced_error_auth_session.json")["error"].(map[string]any)
		fake := request(t, srv, "authinfo", "-", "auth", "no-such-session", "func", "account").child("error")
		require.NotNil(t, fake)
		assert.Equal(t, real["$type"], fake.attr("type"))
		assert.NotContains(t, attrNames(fake), "object", "an expired session names no object")
		assert.True(t, fake.has("msg"))
	})

	t.Run("access error", func(t *testing.T) {
		real := sampleJSON(t, "billmgr6_json_fixture_reduced_error_access.json")["error"].(map[string]any)
		fake := request(t, srv, "func", "subaccount", "su", annEmail, "elid", itoa(srv.AccountID(annEmail))).child("error")
		require.NotNil(t, fake)
		assert.Equal(t, real["$type"], fake.attr("type"))
		assert.Equal(t, real["$object"], fake.attr("object"), "the object is the function")
		assert.Equal(t, real["msg"].(map[string]any)["$"], fake.get("msg"))
	})

	t.Run("auth", func(t *testing.T) {
		real := sampleDoc(t, "billmgr5_auth_session_ok.xml")
		fake := mustOK(t, srv, "func", "auth", "authinfo", "-", "lang", "-", "username", annEmail, "password", annPassword)
		assert.Equal(t, childNames(real, nil), childNames(fake, nil), "top level")
		assert.Equal(t, attrNames(real.child("auth")), attrNames(fake.child("auth")))
		assert.Equal(t, fake.values("auth@id"), fake.values("auth"))
		assert.Equal(t, "16", fake.child("auth").attr("level"))
		assert.Equal(t, childNames(real.child("tparams"), nil), childNames(fake.child("tparams"), nil), "no password echoed")
	})
}

// TestEveryDocumentHasTheRecordedFurniture opens every list and form the fake serves,
// in both languages, and compares their shape with the recorded list and form: the
// root attributes, the top-level elements in order, the messages every list or form
// has, and tparams with func last.
func TestEveryDocumentHasTheRecordedFurniture(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Password: annPassword,
		Payments: []SeedPayment{{Amount: decimal.NewFromInt(3), Status: 4}},
		Expenses: []SeedExpense{{Name: "VPS", Amount: decimal.NewFromInt(1)}}}}}))
	ann := itoa(srv.AccountID(annEmail))
	pid := mustOK(t, srv, "func", "account.payment", "elid", ann).elems()[0].get("id")
	exp := mustOK(t, srv, "func", "subaccount.expense", "elid", ann).elems()[0].get("id")
	mustOK(t, srv, "func", "payment.expense.edit", "plid", pid, "sok", "ok", "expense", exp, "amount", "1")
	create(t, srv, "func", "account.discount.add", "plid", ann, "sok", "ok", "name", "D")
	create(t, srv, "func", "account.taxrule.edit", "plid", ann, "sok", "ok", "taxrate", "5")
	create(t, srv, "func", "account.currencyrate.edit", "plid", ann, "sok", "ok", "currency_base", "126", "currency_relate", "46", "rate", "100")

	realList := sampleDoc(t, "billmgr6_list_payment_client_full_internal.xml")
	realForm := sampleDoc(t, "billmgr6_form_payment_filter_internal.xml")
	names := func(n *xnode) map[string]bool {
		out := map[string]bool{}
		for _, m := range n.child("messages").all("msg") {
			out[m.attr("name")] = true
		}
		return out
	}
	lists := [][]string{
		{"func", "account"}, {"func", "account.payment", "elid", ann}, {"func", "payment"},
		{"func", "payment", "su", annEmail}, {"func", "payment.history", "elid", pid},
		{"func", "payment.expense", "elid", pid}, {"func", "payment.orderinfo", "elid", pid},
		{"func", "account.group", "elid", ann}, {"func", "account.project", "elid", ann},
		{"func", "subaccount", "elid", ann}, {"func", "subaccount.expense", "elid", ann},
		{"func", "account.discount", "elid", ann}, {"func", "account.taxrule", "elid", ann},
		{"func", "account.currencyrate", "elid", ann},
	}
	forms := [][]string{
		{"func", "register", "authinfo", "-"}, {"func", "account.edit", "elid", ann}, {"func", "account.filter"},
		{"func", "account.sms", "elid", ann}, {"func", "ticket.write.account", "elid", ann},
		{"func", "payment.edit", "plid", ann, "elid", pid}, {"func", "payment.refund", "plid", ann, "elid", pid},
		{"func", "payment.add", "su", annEmail}, {"func", "account.payment.filter", "elid", ann},
		{"func", "payment.expense.edit", "plid", pid, "elid", exp}, {"func", "subaccount.expense.filter", "elid", ann},
		{"func", "subaccount.edit", "plid", ann}, {"func", "account.taxrule.edit", "plid", ann},
	}
	for _, lang := range []string{"en", "ru"} {
		for _, kv := range lists {
			d := mustOK(t, srv, append(kv, "lang", lang)...)
			what := lang + " " + strings.Join(kv, " ")
			sameFrame(t, what, realList, d, nil)
			assert.Equal(t, attrNames(realList.child("metadata").child("toolbar")), attrNames(d.child("metadata").child("toolbar")), what)
			assert.NotEmpty(t, d.child("metadata").values("coldata/col@name"), what)
			have := names(d)
			for _, m := range append(append([]message{}, listMessages...), commonMessages...) {
				assert.True(t, have[m.name], "%s: message %s", what, m.name)
			}
			assert.True(t, have["title"], "%s: title", what)
			echo := childNames(d.child("tparams"), nil)
			assert.Equal(t, "func", echo[len(echo)-1], what)
		}
		for _, kv := range forms {
			d := mustOK(t, srv, append(kv, "lang", lang)...)
			what := lang + " " + strings.Join(kv, " ")
			assert.Equal(t, attrNames(realForm), attrNames(d), "%s: root attributes", what)
			want := childNames(realForm, asField)
			if !d.has("slist") {
				want = slicesWithout(want, "slist")
			}
			assert.Equal(t, want, childNames(d, asField), "%s: top level", what)
			have := names(d)
			for _, m := range formMessages {
				assert.True(t, have[m.name], "%s: message %s", what, m.name)
			}
			assert.NotEmpty(t, d.child("messages").child("msg").Text, what)
			for _, f := range d.child("metadata").values("form/field@name") {
				assert.True(t, have[f], "%s: the label of field %s", what, f)
			}
		}
	}
}

func slicesWithout(s []string, drop string) []string {
	var out []string
	for _, v := range s {
		if v != drop {
			out = append(out, v)
		}
	}
	return out
}
