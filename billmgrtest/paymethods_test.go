package billmgrtest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPaymentMethodsForm opens the method step of a client's payment wizard, in both
// languages, as the client and under su: a row per payment method with what the client
// pays in the currency asked for, and the refusals.
func TestPaymentMethodsForm(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Currencies: []SeedCurrency{{ISO: "USD", Symbol: "$"}},
		Accounts: []SeedAccount{{Email: annEmail, Password: annPassword}}}))
	ann := itoa(srv.AccountID(annEmail))
	usd := itoa(create(t, srv, "func", "subaccount.edit", "plid", ann, "sok", "ok", "subaccount_currency", "153"))
	require.NotEmpty(t, usd)

	names := map[string][]string{
		"en": {"Bank transfer", "Bank card", "Test payment"},
		"ru": {"Безналичный расчет", "Банковская карта", "Тестовый платеж"},
	}
	for _, lang := range []string{"en", "ru"} {
		for who, kv := range map[string][]string{
			"su":        {"su", annEmail},
			"own login": {"authinfo", annEmail + ":" + annPassword},
		} {
			what := lang + " " + who
			form := func(more ...string) *xnode {
				return mustOK(t, srv, append(append([]string{"func", "payment.add.method", "lang", lang}, kv...), more...)...)
			}
			d := form("amount", "150")
			assert.Equal(t, "form", d.child("metadata").attr("type"), what)
			lists := d.all("list")
			require.Len(t, lists, 1, what)
			assert.Equal(t, "methodlist", lists[0].attr("name"), what)
			assert.Equal(t, []string{"1", "2", "3"}, lists[0].column("paymethod"), what)
			assert.Equal(t, names[lang], lists[0].column("name"), what)
			assert.Equal(t, []string{"150.00 RUB", "150.00 RUB", "150.00 RUB"}, lists[0].column("amount"), "%s: no commission", what)
			assert.Equal(t, "/manimg/common/plugin-logo/billmanager-plugin-pmtinkoff.png", lists[0].elems()[1].get("image"), what)
			for _, row := range lists[0].elems() {
				assert.NotEmpty(t, row.get("desc"), what)
				assert.Equal(t, "topaysystem", row.get("action"), what)
			}
			assert.True(t, d.has("amount"), what)
			assert.Empty(t, d.get("amount"), "%s: as the recorded form after an amount was sent", what)
			assert.Equal(t, "126", d.get("payment_currency"), "%s: the client's main currency", what)
			assert.Equal(t, []string{"126", "153"}, d.child("slist").values("val@key"), "%s: the client's currencies", what)

			dollars := form("amount", "9.5", "payment_currency", "153").child("list")
			assert.Equal(t, []string{"9.50 $", "9.50 $", "9.50 $"}, dollars.column("amount"), "%s: in the currency asked for", what)

			bare := form()
			assert.False(t, bare.has("list"), "%s: no amount, no methods, as recorded", what)
			assert.Empty(t, bare.get("amount"), what)
		}
	}

	mustFail(t, srv, "value", "su", "func", "payment.add.method", "amount", "1")
	mustFail(t, srv, "missed", "su", "func", "payment.add.method", "su", "nobody@example.com")
	mustFail(t, srv, "value", "amount", "func", "payment.add.method", "su", annEmail, "amount", "ten")
	mustFail(t, srv, "value", "amount", "func", "payment.add.method", "su", annEmail, "amount", "0")
	for _, sum := range []string{"12345678901", "1.234", "0.001", ".5", "5."} {
		e := mustFail(t, srv, "value", "amount", "func", "payment.add.method", "su", annEmail, "amount", sum)
		assert.Equal(t, []string{"amount", sum}, e.values("param")[:2], sum)
	}
	for _, sum := range []string{"1234567890.99", "0.01", "7.5"} {
		assert.Len(t, mustOK(t, srv, "func", "payment.add.method", "su", annEmail, "amount", sum).child("list").elems(), 3, sum)
	}
	mustFail(t, srv, "value", "payment_currency", "func", "payment.add.method", "su", annEmail, "payment_currency", "46")
	mustFail(t, srv, "value", "payment_currency", "func", "payment.add.method", "su", annEmail, "payment_currency", "999")
	e := mustFail(t, srv, "value", "sok", "func", "payment.add.method", "su", annEmail, "sok", "ok", "amount", "1", "paymethod", "2")
	assert.Contains(t, e.get("msg"), "payment.add")
	// The submit the recorded wizard sends.
	e = mustFail(t, srv, "value", "snext", "func", "payment.add.method", "su", annEmail, "snext", "ok", "amount", "10.00",
		"clicked_button", "topaysystem", "paymethod", "1", "payment_currency", "126", "randomnumber", "0kLdZCkqeQV8")
	assert.Contains(t, e.get("msg"), "payment.add")
	assert.Empty(t, srv.PaymentIDs(srv.AccountID(annEmail)), "a refused submit makes no payment")
}

// TestPaymentMethodsFormFollowsTheRecording compares the form, asked for as recorded
// (no amount), with the recorded payment.add.method form: the root attributes, the top
// level in order (the fake adds the currencies' slist where a form has its slists, right
// after the messages), the metadata element for element, the messages with their recorded
// Russian texts, and no tips.
func TestPaymentMethodsFormFollowsTheRecording(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	real := sampleDoc(t, "billmgr6_form_payment_add_method_internal.xml")
	fake := mustOK(t, srv, "func", "payment.add.method", "su", annEmail, "lang", "ru", "plid", "")

	require.False(t, real.has("slist"))
	slistAfterMessages := func(name string) string { // a run of messages and slists counts once
		if name == "slist" {
			return "messages"
		}
		return asField(name)
	}
	sameFrame(t, "payment.add.method", real, fake, slistAfterMessages)
	assert.True(t, fake.has("slist"))
	var values []string
	for _, n := range fake.Nodes {
		if !furniture[n.XMLName.Local] {
			values = append(values, n.XMLName.Local)
		}
	}
	assert.Equal(t, []string{"plid", "amount", "billorder", "paymentupload", "randomnumber", "project", "customer_account",
		"payment_currency"}, values, "the recorded values, then the submitted form's currency")
	sameElements(t, "metadata", real.child("metadata"), fake.child("metadata"))

	rm, fm := real.child("messages"), fake.child("messages")
	assert.Equal(t, rm.values("msg@name"), fm.values("msg@name"), "messages")
	assert.Equal(t, rm.values("msg"), fm.values("msg"), "the recorded Russian texts")
	assert.Equal(t, rm.values("msg@added"), fm.values("msg@added"))
	assert.False(t, fake.has("tips"), "the recorded form has none")
	echo := childNames(fake.child("tparams"), nil)
	assert.Equal(t, "func", echo[len(echo)-1], "func last in tparams")
	sameValues(t, "form", real, fake)

	english := mustOK(t, srv, "func", "payment.add.method", "su", annEmail).child("messages")
	assert.Equal(t, rm.values("msg@name"), english.values("msg@name"), "the same messages in English")
	for _, m := range english.all("msg") {
		assert.NotEmpty(t, m.Text, m.attr("name"))
	}
}

// TestPaymentMethodsFormInEveryFormat: json and sjson say what the XML says, the method
// rows included.
func TestPaymentMethodsFormInEveryFormat(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	for _, lang := range []string{"en", "ru"} {
		kv := []string{"func", "payment.add.method", "su", annEmail, "amount", "150", "lang", lang}
		x := parseDoc(t, replyIn(t, srv, "xml", kv...))
		for _, out := range []string{"json", "sjson"} {
			x.child("tparams").child("out").Text = out
			sameTree(t, out+" "+strings.Join(kv, " "), x, jsonDoc(t, replyIn(t, srv, out, kv...)), out == "sjson", true)
		}
	}
}
