package billmgrtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// values returns what path reaches in n: "a/b" the texts of the elements b
// in a, "a/b@x" their attributes x, "@x" an attribute of n.
func (n *xnode) values(path string) []string {
	elems, attr, _ := strings.Cut(path, "@")
	nodes := []*xnode{n}
	for _, name := range strings.Split(elems, "/") {
		if name == "" {
			continue
		}
		var next []*xnode
		for _, m := range nodes {
			next = append(next, m.all(name)...)
		}
		nodes = next
	}
	var out []string
	for _, m := range nodes {
		if attr == "" {
			out = append(out, m.Text)
		} else if v, ok := m.attrValue(attr); ok {
			out = append(out, v)
		}
	}
	return out
}

func (n *xnode) attrValue(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// sameShape checks that the real sample and the fake's document both have
// every path; "path=v" also wants the value v, "path=#" an integer.
func sameShape(t *testing.T, sample string, fake *xnode, paths ...string) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", sample))
	require.NoError(t, err)
	real := parseDoc(t, body)
	for _, doc := range []struct {
		name string
		n    *xnode
	}{{sample, real}, {"fake", fake}} {
		for _, p := range paths {
			path, want, _ := strings.Cut(p, "=")
			vals := doc.n.values(path)
			if !assert.NotEmpty(t, vals, "%s: no %s", doc.name, path) {
				continue
			}
			switch want {
			case "":
			case "#":
				_, err := strconv.Atoi(vals[0])
				assert.NoError(t, err, "%s: %s=%q", doc.name, path, vals[0])
			default:
				assert.Contains(t, vals, want, "%s: %s", doc.name, path)
			}
		}
	}
}

var rootAttrs = []string{"@lang", "@func", "@binary", "@host", "@themename", "@features", "@notify"}

func TestFidelity(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Password: annPassword,
		Payments: []SeedPayment{{Amount: decimal.NewFromInt(1), Status: 4, Number: "pfx/6"}}}}}))
	ann := itoa(srv.AccountID(annEmail))
	payment := mustOK(t, srv, "func", "account.payment", "elid", ann).elems()[0].get("id")

	t.Run("list", func(t *testing.T) {
		d := mustOK(t, srv, "func", "account.payment", "elid", ann, "lang", "ru")
		sameShape(t, "billmgr6_list_payment_client_full_internal.xml", d, append(rootAttrs,
			"@lang=ru", "@binary=/billmgr", "@themename=dragon",
			"metadata@type=list", "metadata@key=id", "metadata@mgr=billmgr", "metadata@name",
			"metadata/coldata/col@name=subaccountamount_iso", "metadata/coldata/col@type=msg",
			"metadata/coldata/col@sort=digit", "metadata/coldata/col@sorted",
			"elem/id=#", "elem/number=pfx/6", "elem/subaccountamount_iso=1.00 RUB",
			"elem/status=Зачислен", "elem/status@orig=4", "elem/status@color=green", "elem/real_status=4",
			"elem/create_date", "elem/pay_date", "elem/sender_name", "elem/paymethod_name",
			"p_cnt=#", "p_num=1", "p_elems=#", "p_sort", "p_order",
			"tparams/func", "tparams/out", "saved_filters")...)
	})
	t.Run("form", func(t *testing.T) {
		d := mustOK(t, srv, "func", "account.payment.filter", "elid", ann, "lang", "ru")
		sameShape(t, "billmgr6_form_payment_filter_internal.xml", d, append(rootAttrs,
			"metadata@type=form", "metadata@mgr=billmgr",
			"metadata/form/field@name=createdate", "metadata/form/field/input@name=number",
			"metadata/form/field/select@name=status", "metadata/form/buttons/button@type=ok",
			"createdate=nodate", "number", "slist@name=status", "slist/val@key=4", "slist/val=Зачислен")...)
	})
	t.Run("ok", func(t *testing.T) {
		d := mustOK(t, srv, "func", "payment.send", "elid", payment)
		sameShape(t, "billmgr6_ok_payment_setinpay_wire.xml", d, append(rootAttrs,
			"ok", "tparams/elid", "tparams/out=xml", "saved_filters")...)
		assert.Equal(t, []string{payment}, d.values("tparams/elid"))
		assert.Equal(t, []string{"payment.send"}, d.values("tparams/func"))
	})
	t.Run("auth", func(t *testing.T) {
		d := mustOK(t, srv, "func", "auth", "authinfo", "-", "username", annEmail, "password", annPassword)
		sameShape(t, "billmgr5_auth_session_ok.xml", d, append(rootAttrs,
			"auth@id", "auth@level=16", "tparams/username", "tparams/func=auth", "saved_filters")...)
		assert.Equal(t, d.values("auth@id"), d.values("auth"))
	})
	t.Run("error", func(t *testing.T) {
		d := request(t, srv, "func", "payment.edit", "plid", ann, "elid", "abc", "lang", "ru")
		sameShape(t, "billmgr5_error_value_elid_user_edit.xml", d,
			"error@type=value", "error@object=elid", "error@lang=ru",
			"error/param@name=object", "error/param@type=msg", "error/param@msg=Идентификатор элемента",
			"error/param=elid", "error/param@name=value", "error/param@name=desc",
			"error/stack/action@level", "error/stack/action@user",
			"error/group", "error/msg")
		e := d.child("error")
		assert.Equal(t, "29", e.child("stack").child("action").attr("level"))
		assert.Equal(t, "admin", e.child("stack").child("action").attr("user"))
		assert.Equal(t, "payment.edit", e.child("stack").get("action"))
		assert.Contains(t, e.values("param"), "abc", "the value")
		assert.Equal(t, "Поле '__object__' имеет недопустимое значение. __desc__", e.get("group"))
		assert.True(t, strings.HasPrefix(e.get("msg"), "Поле 'Идентификатор элемента' имеет недопустимое значение."), e.get("msg"))
		assert.NotEmpty(t, e.get("detail"))
		for _, a := range rootAttrs { // unlike the old sample, the fake's error documents have the full root
			assert.NotEmpty(t, d.values(a), a)
		}
	})
}

func TestEscaping(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	name := `Ann <"&'> Иванова ]]>`
	id := create(t, srv, "func", "register", "sok", "ok", "email", "a&b@example.com", "passwd", "p", "realname", name)
	d := mustOK(t, srv, "func", "account", "lang", "ru")
	row := d.row(t, "id", itoa(id))
	assert.Equal(t, name, row.get("name"))
	assert.Equal(t, "a&b@example.com", row.get("email"))
	_, body := post(t, srv, params(srv, "func", "account"))
	assert.Contains(t, string(body), "<name>Ann &lt;&#34;&amp;&#39;&gt; Иванова ]]&gt;</name>")
}

func TestMoneyFormat(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"100": "100.00 RUB", "100.5": "100.50 RUB", "-3.1": "-3.10 RUB", "0.0125": "0.0125 RUB", "1234567.891": "1234567.891 RUB",
	} {
		assert.Equal(t, want, money(decimal.RequireFromString(in), "RUB"), in)
	}
}

// TestRoutesMatchWireContract keeps the served functions and docs/wire.md
// in step: every function of its table is served, and nothing else but the
// authentication functions.
func TestRoutesMatchWireContract(t *testing.T) {
	t.Parallel()
	wire, err := os.ReadFile(filepath.Join("..", "docs", "wire.md"))
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(wire), "## The 51 functions")
	require.True(t, ok)
	var documented []string
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "| `") {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
			documented = append(documented, name)
		}
	}
	assert.Len(t, documented, 51)
	var served []string
	for name := range routes {
		if name != "auth" && name != "session.newkey" {
			served = append(served, name)
		}
	}
	assert.ElementsMatch(t, documented, served)
}

// TestForms opens every form without sok: for an existing object and, where
// the function creates, for a new one.
func TestForms(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Balance: decimal.NewFromInt(3),
		Payments: []SeedPayment{{Amount: decimal.NewFromInt(3), Status: 4}},
		Expenses: []SeedExpense{{Name: "VPS", Amount: decimal.NewFromInt(1)}}}}}), WithClock(newClock().Now))
	ann := itoa(srv.AccountID(annEmail))
	pid := mustOK(t, srv, "func", "account.payment", "elid", ann).elems()[0].get("id")
	sub := mustOK(t, srv, "func", "subaccount", "elid", ann).elems()[0].get("id")
	exp := mustOK(t, srv, "func", "subaccount.expense", "elid", ann).elems()[0].get("id")
	line := mustOK(t, srv, "func", "payment.orderinfo", "elid", pid).elems()[0].get("id")
	mustOK(t, srv, "func", "payment.expense.edit", "plid", pid, "sok", "ok", "expense", exp, "amount", "1")
	disc := itoa(create(t, srv, "func", "account.discount.add", "plid", ann, "sok", "ok", "name", "D"))
	rule := itoa(create(t, srv, "func", "account.taxrule.edit", "plid", ann, "sok", "ok", "taxrate", "5"))
	rate := itoa(create(t, srv, "func", "account.currencyrate.edit", "plid", ann, "sok", "ok",
		"currency_base", "126", "currency_relate", "46", "rate", "100"))

	for _, c := range []struct {
		fn     string
		kv     []string
		fields map[string]string // fields and their values
	}{
		{"register", []string{"authinfo", "-"}, map[string]string{"email": ""}},
		{"account.edit", []string{"elid", ann}, map[string]string{"email": annEmail}},
		{"account.edit", nil, map[string]string{"email": ""}},
		{"account.sms", []string{"elid", ann}, map[string]string{"type": "valid_phone"}},
		{"account.filter", nil, map[string]string{"account_status": ""}},
		{"ticket.write.account", []string{"elid", ann}, map[string]string{"subject": ""}},
		{"payment.edit", []string{"plid", ann, "elid", pid}, map[string]string{"status": "4", "subaccountamount": "3.00"}},
		{"payment.edit", []string{"plid", ann}, map[string]string{"status": "1", "createdate": "2024-05-07 14:12:03", "currency": "126"}},
		{"payment.refund", []string{"plid", ann, "elid", pid}, map[string]string{"amount": "3.00"}},
		{"payment.add", []string{"su", annEmail}, map[string]string{"paymethod": "1"}},
		{"payment.orderinfo.edit", []string{"plid", pid, "elid", line}, map[string]string{"name": "Top-up of the personal account"}},
		{"payment.expense.edit", []string{"plid", pid, "elid", exp}, map[string]string{"expense": exp, "amount": "1.00"}},
		{"payment.expense.edit", []string{"plid", pid}, map[string]string{"expense": ""}},
		{"ticket.write.payment", []string{"elid", pid}, map[string]string{"message": ""}},
		{"account.payment.filter", []string{"elid", ann}, map[string]string{"createdate": "nodate"}},
		{"subaccount.edit", []string{"plid", ann, "elid", sub}, map[string]string{"subaccount_currency": "126"}},
		{"subaccount.edit", []string{"plid", ann}, map[string]string{"subaccount_currency": "126", "active": "on"}},
		{"subaccount.refund", []string{"plid", ann, "elid", sub}, map[string]string{"amount": "3.00"}},
		{"subaccount.expense.edit", []string{"plid", ann, "elid", exp}, map[string]string{"amount": "1.00", "name": "VPS", "subaccount": sub}},
		{"subaccount.expense.edit", []string{"plid", ann}, map[string]string{"subaccount": sub, "postpaid": "off"}},
		{"subaccount.expense.filter", []string{"elid", ann}, map[string]string{"realdate": "nodate"}},
		{"account.discount.edit", []string{"plid", ann, "elid", disc}, map[string]string{"name": "D"}},
		{"account.discount.add", []string{"plid", ann}, map[string]string{"percentage": ""}},
		{"account.taxrule.edit", []string{"plid", ann, "elid", rule}, map[string]string{"taxrate": "5"}},
		{"account.currencyrate.edit", []string{"plid", ann, "elid", rate}, map[string]string{"currency_relate": "46"}},
	} {
		d := mustOK(t, srv, append([]string{"func", c.fn}, c.kv...)...)
		meta := d.child("metadata")
		assert.Equal(t, "form", meta.attr("type"), c.fn)
		assert.Equal(t, c.fn, meta.attr("name"))
		for name, want := range c.fields {
			if assert.True(t, d.has(name), "%s %v: no %s", c.fn, c.kv, name) {
				assert.Equal(t, want, d.get(name), "%s %v: %s", c.fn, c.kv, name)
			}
			assert.NotEmpty(t, meta.values("form/field@name"), c.fn)
		}
	}
	assert.Same(t, srv.Handler(), srv.fake)
}
