package billmgrtest

import (
	"net/http"
	"os"
	"path/filepath"
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

func TestEscaping(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	name := `Ann <"&'> Иванова ]]>`
	id := create(t, srv, "func", "register", "sok", "ok", "email", "a&b@example.com", "passwd", "ab-secret", "realname", name)
	d := mustOK(t, srv, "func", "account", "lang", "ru")
	row := d.row(t, "id", itoa(id))
	assert.Equal(t, name, row.get("name"))
	assert.Equal(t, "a&b@example.com", row.get("email"))
	_, body := post(t, srv, params(srv, "func", "account"))
	assert.Contains(t, string(body), "<name>Ann &lt;&#34;&amp;&#39;&gt; Иванова ]]&gt;</name>")
}

// TestHostileParameterNames sends parameters whose names are not XML names: the XML
// reply still parses, with no element injected, and tparams leaves them out; in json and
// sjson no parameter takes the key of an attribute or of the text.
func TestHostileParameterNames(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	hostile := []string{"a b", `x"><y`, "x><injected/><y", "1abc", "-a", ".a", "$", "$lang", "a:b", "a\x00b", "\xffa", "a=b", "\u0301a",
		"aſ", "aǄ", "ǅ"} // the last three are names of XML 1.0 fifth edition, not of encoding/xml or expat
	kinds := [][]string{
		{"func", "account"},                   // a list
		{"func", "account.edit"},              // a form
		{"func", "whoami"},                    // a plain document
		{"func", "no.such.func"},              // an error
		{"func", "register", "authinfo", "-"}, // a public form
	}
	for _, kv := range kinds {
		v := params(srv, kv...)
		for _, name := range hostile {
			v.Set(name, "hostile")
		}
		v.Set("ok_name", "kept")
		v.Set("Имя", "kept")
		v.Set("a-b.c_d1", "kept")
		what := strings.Join(kv, " ")
		resp, body := post(t, srv, v)
		require.Equal(t, http.StatusOK, resp.StatusCode, what)
		d := parseDoc(t, body)
		assert.False(t, d.has("injected"), what)
		assert.NotContains(t, string(body), "hostile", "%s: no hostile name is echoed", what)
		if echo := d.child("tparams"); echo != nil {
			assert.Equal(t, "kept", echo.get("ok_name"), what)
			assert.Equal(t, "kept", echo.get("Имя"), what)
			assert.Equal(t, "kept", echo.get("a-b.c_d1"), what)
		}
		for _, out := range []string{"json", "sjson"} {
			v.Set("out", out)
			resp, body := post(t, srv, v)
			require.Equal(t, http.StatusOK, resp.StatusCode, what)
			doc := jsonDoc(t, body) // every value a string: no "$" key holds an object
			assert.NotContains(t, string(body), "hostile", "%s %s", out, what)
			if echo, ok := doc["tparams"]; ok {
				for key := range obj(t, echo, "tparams") {
					assert.False(t, strings.HasPrefix(key, "$"), "%s %s: tparams has %q", out, what, key)
				}
			}
			if kv[1] != "no.such.func" {
				assert.Equal(t, "en", doc["$lang"], "%s %s", out, what)
			}
		}
	}
}

// TestIsXMLName: every name it accepts is one encoding/xml reads as an element's; the
// names of XML 1.0 fifth edition that encoding/xml and expat refuse ("aſ", "ǅ") are
// refused.
func TestIsXMLName(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"a", "_", "elid", "user.id", "p_num", "a-b", "Имя", "ÀÖØöøÿ", "a·b", "名前", "e\u0301"} {
		if assert.True(t, isXMLName(name), "%q", name) {
			d := parseDoc(t, []byte("<doc><"+name+">v</"+name+"></doc>"))
			assert.Equal(t, "v", d.get(name), "%q", name)
		}
	}
	for _, name := range []string{"", " ", "a b", "1a", "-a", ".a", "$", "$a", "a$", "a:b", ":a", "×", "a\x00", "\xff", "\u0300a", "a;b",
		"<a>", "a/b", "a>", "a><a", "a ", "aſ", "aǄ", "ǅ", "a\U00010000"} {
		assert.False(t, isXMLName(name), "%q", name)
	}
}

func TestMoneyFormat(t *testing.T) {
	t.Parallel()
	st := newState(newConfig([]Option{WithSeed(Seed{Currencies: []SeedCurrency{{ISO: "RUB", Symbol: "₽"}}})}))
	st.load(st.cfg.seed)
	rub, _ := currencyByISO("RUB")
	usd, _ := currencyByISO("USD")
	eur, _ := currencyByISO("EUR")
	for _, c := range []struct {
		in   string
		cur  currency
		want string
	}{
		{"100", eur, "100.00 EUR"}, {"100.5", eur, "100.50 EUR"}, {"-3.1", eur, "-3.10 EUR"},
		{"0.0125", eur, "0.0125 EUR"}, {"12.345", eur, "12.3450 EUR"}, {"1234567.891", eur, "1234567.8910 EUR"},
		{"10", rub, "10.00 ₽"}, {"0.0774", rub, "0.0774 ₽"}, {"5", usd, "5.00 USD"}, {"0.5", usd, "0.50 USD"},
	} {
		assert.Equal(t, c.want, st.money(decimal.RequireFromString(c.in), c.cur), c.in)
	}
}

// wireFunctions returns the functions of the docs/wire.md table that follows heading.
func wireFunctions(t *testing.T, heading string) []string {
	t.Helper()
	wire, err := os.ReadFile(filepath.Join("..", "docs", "wire.md"))
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(wire), heading)
	require.True(t, ok, heading)
	table, _, _ = strings.Cut(table, "\n## ")
	var names []string
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "| `") {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
			names = append(names, name)
		}
	}
	return names
}

// TestRoutesMatchWireContract keeps the served functions and docs/wire.md in step: every
// function of its tables is served, and nothing else.
func TestRoutesMatchWireContract(t *testing.T) {
	t.Parallel()
	seed := wireFunctions(t, "## The 51 functions")
	assert.Len(t, seed, 51)
	documented := append(seed, wireFunctions(t, "## Beyond the account API")...)
	var served []string
	for name := range routes {
		served = append(served, name)
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
