package billmgrtest

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaymentLifecycle(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newFake(t, WithSeed(annSeed()), WithClock(clk.Now))
	ann := itoa(srv.AccountID(annEmail))

	id := create(t, srv, "func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "100.50",
		"description", "Top up", "status", "4") // a new payment is new, whatever status says
	pid := itoa(id)
	row := mustOK(t, srv, "func", "account.payment", "elid", ann).row(t, "id", pid)
	assert.Equal(t, "1", row.child("status").attr("orig"))
	assert.Equal(t, "New", row.get("status"))
	assert.Equal(t, "100.50 RUB", row.get("subaccountamount_iso"))
	assert.Equal(t, "2024-05-07", row.get("create_date"))
	assert.Equal(t, "", row.get("pay_date"))
	assert.Equal(t, "off", row.get("allowrefund"))
	assert.True(t, srv.Balance(srv.AccountID(annEmail)).IsZero())

	form := mustOK(t, srv, "func", "payment.edit", "plid", ann, "elid", pid)
	assert.Equal(t, pid, form.get("elid"))
	assert.Equal(t, ann, form.get("plid"))
	assert.Equal(t, "100.50", form.get("subaccountamount"))
	assert.Equal(t, "Top up", form.get("description"))
	assert.Equal(t, "2024-05-07 14:12:03", form.get("createdate"))
	assert.Equal(t, "payment.edit", form.child("metadata").attr("name"))
	assert.Equal(t, "form", form.child("metadata").attr("type"))

	clk.Add(time.Hour)
	mustOK(t, srv, "func", "payment.setpaid", "elid", pid)
	balance := func() string { return srv.Balance(srv.AccountID(annEmail)).String() }
	assert.Equal(t, "100.5", balance())
	row = mustOK(t, srv, "func", "account.payment", "elid", ann).row(t, "id", pid)
	assert.Equal(t, "Credited", row.get("status"))
	assert.Equal(t, "green", row.child("status").attr("color"))
	assert.Equal(t, "2024-05-07", row.get("pay_date"))
	assert.Equal(t, "on", row.get("allowrefund"))
	assert.Equal(t, "off", row.get("refund"))
	mustFail(t, srv, "value", "status", "func", "payment.setpaid", "elid", pid) // credited once only
	mustFail(t, srv, "value", "status", "func", "payment.delete", "elid", pid)
	mustFail(t, srv, "value", "subaccountamount", "func", "payment.edit", "plid", ann, "elid", pid, "sok", "ok", "subaccountamount", "1")
	mustFail(t, srv, "value", "status", "func", "payment.edit", "plid", ann, "elid", pid, "sok", "ok", "status", "1")

	refund := func(amount string) *xnode {
		return request(t, srv, "func", "payment.refund", "plid", ann, "elid", pid, "sok", "ok", "amount", amount, "description", "sorry")
	}
	assert.Equal(t, "100.50", mustOK(t, srv, "func", "payment.refund", "plid", ann, "elid", pid).get("amount"), "the form offers what is left")
	r1 := refund("30.25")
	require.False(t, r1.has("error"))
	assert.Equal(t, "70.25", balance())
	e := refund("70.26").child("error")
	assert.Equal(t, "value", e.attr("type"))
	assert.Equal(t, "amount", e.attr("object"))
	assert.Equal(t, "Field 'Amount' has an invalid value. At most 70.25 RUB can be refunded from this payment", e.get("msg"))
	assert.False(t, e.has("detail"), "a value error has no detail")
	assert.Equal(t, "70.25", balance())
	assert.False(t, refund("70.25").has("error"))
	assert.Equal(t, "0", balance())
	assert.Equal(t, "value(amount)", errOf(refund("0.01")))

	list := mustOK(t, srv, "func", "account.payment", "elid", ann)
	assert.Equal(t, "6", list.row(t, "id", pid).child("status").attr("orig"))
	refundRow := list.row(t, "id", r1.get("id"))
	assert.Equal(t, "-30.25 RUB", refundRow.get("subaccountamount_iso"))
	assert.Equal(t, "4", refundRow.child("status").attr("orig"))
	assert.Equal(t, "on", refundRow.get("refund"))
	assert.Equal(t, "off", refundRow.get("allowrefund"))
	assert.Len(t, list.elems(), 3)

	d := mustOK(t, srv, "func", "payment.edit", "plid", ann, "elid", pid, "sok", "ok", "note", "checked", "info", "x")
	assert.Equal(t, pid, d.get("id"), "a change answers the id too")
	h := mustOK(t, srv, "func", "payment.history", "elid", pid)
	assert.Equal(t, []string{"Payment created", "Payment credited", "Refund of 30.25 RUB", "Refund of 70.25 RUB", "Changed: info, note"},
		h.column("desc"))
	assert.Equal(t, []string{"payment.edit", "payment.setpaid", "payment.refund", "payment.refund", "payment.edit"}, h.column("action"))
	assert.Equal(t, []string{"2024-05-07 14:12:03", "2024-05-07 15:12:03"}, h.column("changedate")[:2])
	assert.Equal(t, "admin", h.elems()[0].get("user"))
	assert.Equal(t, "127.0.0.1", h.elems()[0].get("ip"))
	h = mustOK(t, srv, "func", "payment.history", "elid", pid, "lang", "ru")
	assert.Equal(t, "Возврат 30.25 RUB", h.column("desc")[2])

	// A new payment can be deleted; a refunded one cannot; one bad id fails the call.
	other := itoa(create(t, srv, "func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "5"))
	mustFail(t, srv, "value", "status", "func", "payment.delete", "elid", other+", "+pid)
	mustFail(t, srv, "missed", "elid", "func", "payment.delete", "elid", other+", 999999")
	mustOK(t, srv, "func", "payment.delete", "elid", other)
	mustFail(t, srv, "missed", "elid", "func", "payment.history", "elid", other)
}

// errOf is "type(object)" of an error document, "" for success.
func errOf(d *xnode) string {
	if e := d.child("error"); e != nil {
		return e.attr("type") + "(" + e.attr("object") + ")"
	}
	return ""
}

func TestPaymentStatusLabels(t *testing.T) {
	t.Parallel()
	want := []struct {
		code   int
		en, ru string
	}{
		{1, "New", "Новый"}, {2, "Payment in progress", "Оплачивается"}, {3, "Promised", "Обещанный платеж"},
		{4, "Credited", "Зачислен"}, {5, "Awaiting refund", "Ожидает возврата"}, {6, "Refunded", "Возвращен"},
		{7, "Fraudulent", "Мошеннический"}, {8, "Initiated", "Инициирован"}, {9, "Cancelled", "Отменен"},
		{100, "Being deleted", "Удаляется"},
	}
	seed := SeedAccount{Email: annEmail}
	for _, w := range want {
		seed.Payments = append(seed.Payments, SeedPayment{Amount: decimal.NewFromInt(1), Status: w.code})
	}
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{seed}}))
	ann := itoa(srv.AccountID(annEmail))
	en := mustOK(t, srv, "func", "account.payment", "elid", ann, "lang", "en", "p_order", "asc").elems()
	ru := mustOK(t, srv, "func", "account.payment", "elid", ann, "lang", "ru", "p_order", "asc").elems()
	require.Len(t, en, len(want))
	for i, w := range want {
		code := strconv.Itoa(w.code)
		assert.Equal(t, code, en[i].child("status").attr("orig"))
		assert.Equal(t, code, en[i].get("real_status"))
		assert.Equal(t, w.en, en[i].get("status"))
		assert.Equal(t, code, ru[i].child("status").attr("orig"))
		assert.Equal(t, w.ru, ru[i].get("status"))
	}
	assert.Equal(t, "cyan", en[1].child("status").attr("color"), "status 2, as recorded")
	assert.Equal(t, "green", en[3].child("status").attr("color"), "status 4, as recorded")
}

func TestPaymentValidation(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail}, {Email: "bob@example.com"}}}))
	ann, bob := itoa(srv.AccountID(annEmail)), itoa(srv.AccountID("bob@example.com"))
	bobs := itoa(create(t, srv, "func", "payment.edit", "plid", bob, "sok", "ok", "subaccountamount", "1"))
	edit := func(kv ...string) *xnode {
		return request(t, srv, append([]string{"func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "10"}, kv...)...)
	}
	for _, c := range []struct {
		kv   []string
		want string
	}{
		{[]string{"subaccountamount", "abc"}, "value(subaccountamount)"},
		{[]string{"subaccountamount", "-5"}, "value(subaccountamount)"},
		{[]string{"subaccountamount", "0"}, "value(subaccountamount)"},
		{[]string{"subaccountamount", "1,5"}, "value(subaccountamount)"},
		{[]string{"subaccountamount", "-"}, "value(subaccountamount)"},
		{[]string{"paymethodamount", "-1"}, "value(paymethodamount)"},
		{[]string{"createdate", "2024-13-01"}, "value(createdate)"},
		{[]string{"documentdate", "07.05.2024"}, "value(documentdate)"},
		{[]string{"restrictrefund", "yes"}, "value(restrictrefund)"},
		{[]string{"status", "42"}, "value(status)"},
		{[]string{"paymethod", "99"}, "value(paymethod)"},
		{[]string{"currency", "153"}, "value(currency)"}, // ann has no dollar account
		{[]string{"plid", "-"}, "value(plid)"},
		{[]string{"plid", "x"}, "value(plid)"},
		{[]string{"plid", "999999"}, "missed(plid)"},
		{[]string{"elid", bobs}, "missed(elid)"}, // bob's payment is not ann's
		{[]string{"elid", "1, 2"}, "value(elid)"},
	} {
		assert.Equal(t, c.want, errOf(edit(c.kv...)), "%v", c.kv)
	}
	e := edit("subaccountamount", "abc").child("error")
	assert.Contains(t, e.values("param"), "abc")
	assert.Equal(t, "Amount", e.child("param").attr("msg"))

	// Accepted shapes.
	assert.Equal(t, "", errOf(edit("createdate", "2024-05-07")))
	assert.Equal(t, "", errOf(edit("createdate", "2024-05-07 10:00:00", "restrictrefund", "on", "paymethod", "3")))
}

func TestPaymentEditCredits(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	ann := itoa(srv.AccountID(annEmail))
	pid := itoa(create(t, srv, "func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "7"))
	mustOK(t, srv, "func", "payment.edit", "plid", ann, "elid", pid, "sok", "ok", "status", "2", "subaccountamount", "8")
	mustFail(t, srv, "value", "status", "func", "payment.edit", "plid", ann, "elid", pid, "sok", "ok", "status", "6")
	mustOK(t, srv, "func", "payment.edit", "plid", ann, "elid", pid, "sok", "ok", "status", "4")
	assert.Equal(t, "8", srv.Balance(srv.AccountID(annEmail)).String(), "status 4 credits as setpaid does")
	cancelled := itoa(create(t, srv, "func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "7"))
	mustOK(t, srv, "func", "payment.edit", "plid", ann, "elid", cancelled, "sok", "ok", "status", "9")
	mustFail(t, srv, "value", "status", "func", "payment.setpaid", "elid", cancelled)
	mustFail(t, srv, "value", "status", "func", "payment.edit", "plid", ann, "elid", cancelled, "sok", "ok", "status", "4")
}

func TestRestrictRefund(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	ann := itoa(srv.AccountID(annEmail))
	pid := itoa(create(t, srv, "func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "7", "restrictrefund", "on"))
	mustOK(t, srv, "func", "payment.setpaid", "elid", pid)
	mustFail(t, srv, "value", "restrictrefund", "func", "payment.refund", "plid", ann, "elid", pid, "sok", "ok", "amount", "1")
	mustFail(t, srv, "value", "amount", "func", "payment.refund", "plid", ann, "elid", pid, "sok", "ok")
	assert.Equal(t, "7", srv.Balance(srv.AccountID(annEmail)).String())
}

func TestPaymentFilters(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2024, 5, d, 12, 0, 0, 0, time.UTC) }
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Payments: []SeedPayment{
		{Amount: decimal.NewFromInt(1), Number: "A-1", Created: day(1)},
		{Amount: decimal.NewFromInt(2), Number: "A-2", Created: day(5), Status: 4, Paymethod: 2},
		{Amount: decimal.NewFromInt(3), Number: "B-3", Created: day(9), Status: 9},
	}}, {Email: "bob@example.com"}}}))
	ann, bob := itoa(srv.AccountID(annEmail)), itoa(srv.AccountID("bob@example.com"))
	numbers := func(kv ...string) []string {
		return mustOK(t, srv, append([]string{"func", "account.payment", "elid", ann, "p_order", "asc"}, kv...)...).column("number")
	}
	assert.Equal(t, []string{"A-1", "A-2", "B-3"}, numbers())
	assert.Equal(t, []string{"A-1", "A-2"}, numbers("filter", "on", "number", "a-"))
	assert.Equal(t, []string{"A-1", "A-2", "B-3"}, numbers("number", "a-"), "no filter=on, no filter")
	assert.Equal(t, []string{"A-2", "B-3"}, numbers("filter", "on", "status", "4, 9"))
	assert.Equal(t, []string{"A-2"}, numbers("filter", "on", "paymethod", "2"))
	assert.Equal(t, []string{"A-2", "B-3"}, numbers("filter", "on", "createdate", "other", "createdatestart", "2024-05-05"))
	assert.Equal(t, []string{"A-1", "A-2"}, numbers("filter", "on", "createdate", "other", "createdateend", "2024-05-05"))
	assert.Equal(t, []string{"A-1", "A-2", "B-3"}, numbers("filter", "on", "createdate", "nodate", "createdateend", "2024-05-05"))
	assert.Equal(t, []string{"A-2"}, numbers("filter", "on", "payfromdate", "2024-05-05"), "only a paid payment has a pay date")
	assert.Equal(t, []string{"A-2"}, numbers("filter", "on", "paytodate", "2024-05-05"))
	assert.Empty(t, numbers("filter", "on", "payfromdate", "2024-05-06", "paytodate", "2024-05-09"))
	mustFail(t, srv, "value", "payfromdate", "func", "account.payment", "elid", ann, "filter", "on", "payfromdate", "5 May")
	mustFail(t, srv, "value", "createdatestart", "func", "account.payment", "elid", ann, "filter", "on", "createdate", "other", "createdatestart", "5 May")
	mustFail(t, srv, "value", "createdateend", "func", "account.payment", "elid", ann, "filter", "on", "createdate", "other",
		"createdatestart", "2024-05-05", "createdateend", "2024-05-01")
	mustFail(t, srv, "value", "paytodate", "func", "account.payment", "elid", ann, "filter", "on",
		"payfromdate", "2024-05-05", "paytodate", "2024-05-01")
	mustFail(t, srv, "value", "paytodate", "func", "account.payment.filter", "elid", ann, "sok", "ok",
		"payfromdate", "2024-05-05", "paytodate", "2024-05-01")
	mustFail(t, srv, "value", "paytodate", "func", "payment.filter", "sok", "ok", "payfromdate", "2024-05-05", "paytodate", "2024-05-01")
	assert.Equal(t, []string{"A-2"}, numbers("filter", "on", "payfromdate", "2024-05-05", "paytodate", "2024-05-05"), "one day")
	mustFail(t, srv, "value", "status", "func", "account.payment", "elid", ann, "filter", "on", "status", "4, 77")

	// A saved filter applies to every later list, together with the inline one, until reset.
	mustOK(t, srv, "func", "account.payment.filter", "elid", ann, "sok", "ok", "status", "1, 4", "createdate", "nodate")
	form := mustOK(t, srv, "func", "account.payment.filter", "elid", ann)
	assert.Equal(t, "1, 4", form.get("status"))
	assert.Equal(t, "nodate", form.get("createdate"))
	assert.Equal(t, []string{"A-1", "A-2"}, numbers())
	assert.Equal(t, []string{"A-2"}, numbers("filter", "on", "number", "2"))
	mustOK(t, srv, "func", "account.payment.filter", "elid", ann, "sok", "ok", "number", "", "status", "", "createdate", "nodate")
	assert.Equal(t, []string{"A-1", "A-2", "B-3"}, numbers())
	mustFail(t, srv, "missed", "elid", "func", "account.payment.filter", "elid", "999999")

	// Saved filters belong to the user who saved them.
	mustOK(t, srv, "func", "account.payment.filter", "elid", ann, "sok", "ok", "number", "B")
	assert.Equal(t, []string{"B-3"}, numbers())
	sid := mustOK(t, srv, "func", "auth", "authinfo", "-", "username", srv.AdminUser, "password", srv.AdminPassword).child("auth").attr("id")
	assert.Equal(t, []string{"B-3"}, numbers("authinfo", "-", "auth", sid), "same user, other session")
	mustOK(t, srv, "func", "account.payment.filter", "elid", ann, "sok", "ok", "createdate", "nodate")

	// account.setfilter keeps payment lists to one client until lifted.
	mustOK(t, srv, "func", "account.setfilter", "elid", bob)
	assert.Empty(t, numbers())
	mustOK(t, srv, "func", "account.setfilter", "elid", ann)
	assert.Equal(t, []string{"A-1", "A-2", "B-3"}, numbers())
	mustOK(t, srv, "func", "account.setfilter", "elid", bob)
	mustOK(t, srv, "func", "account.setfilter")
	assert.Len(t, numbers(), 3)
	mustOK(t, srv, "func", "account.setfilter", "elid", bob)
	mustOK(t, srv, "func", "account.payment.filter", "elid", ann, "sok", "ok", "createdate", "nodate") // a reset lifts it too
	assert.Len(t, numbers(), 3)
	mustFail(t, srv, "missed", "elid", "func", "account.setfilter", "elid", "999999")
}

func TestPaymentAddForm(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	d := mustOK(t, srv, "func", "payment.add", "su", annEmail)
	assert.Equal(t, "126", d.get("payment_currency"))
	assert.Len(t, d.child("slist").all("val"), 3, "payment methods")
	mustFail(t, srv, "value", "amount", "func", "payment.add", "su", annEmail, "sok", "ok", "amount", "ten")
	mustFail(t, srv, "value", "paymethod", "func", "payment.add", "su", annEmail, "sok", "ok", "amount", "1", "paymethod", "9")
	mustFail(t, srv, "value", "payment_currency", "func", "payment.add", "su", annEmail, "sok", "ok", "amount", "1", "payment_currency", "46")
}

func TestPrint(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Name: "Анна <A&B>",
		Payments: []SeedPayment{{Amount: decimal.NewFromInt(42), Number: "INV-(1)"}}}}}))
	pid := mustOK(t, srv, "func", "account.payment", "elid", itoa(srv.AccountID(annEmail))).elems()[0].get("id")

	resp, body := post(t, srv, params(srv, "func", "payment.print", "elid", pid, "lang", "ru"))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=UTF-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, string(body), "<title>Счет INV-(1)</title>")
	assert.Contains(t, string(body), "Анна &lt;A&amp;B&gt;")
	assert.Contains(t, string(body), "42.00 RUB")

	resp, body = post(t, srv, params(srv, "func", "payment.print.pdf", "elid", pid))
	assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(body, []byte("%PDF-1.4\n")))
	assert.True(t, bytes.HasSuffix(body, []byte("%%EOF\n")))
	assert.Contains(t, string(body), `(Invoice INV-\(1\)) '`)
	assert.Contains(t, string(body), "(Amount: 42.00 RUB) '")

	// Errors are still documents.
	mustFail(t, srv, "missed", "elid", "func", "payment.print", "elid", "999999")
	mustFail(t, srv, "missed", "elid", "func", "payment.print.pdf", "elid", "999999")
}

func TestInvoiceLinesAndAllocations(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{
		{Email: annEmail, Balance: decimal.NewFromInt(100), Expenses: []SeedExpense{
			{Name: "Hosting", Amount: decimal.NewFromInt(30)}, {Name: "Domain", Amount: decimal.NewFromInt(15)}}},
		{Email: "bob@example.com", Expenses: []SeedExpense{{Name: "Bob's", Amount: decimal.NewFromInt(1)}}},
	}}))
	ann := itoa(srv.AccountID(annEmail))
	pid := itoa(create(t, srv, "func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "40"))

	lines := mustOK(t, srv, "func", "payment.orderinfo", "elid", pid)
	require.Len(t, lines.elems(), 1)
	line := lines.elems()[0]
	assert.Equal(t, "Top-up of the personal account", line.get("info"))
	assert.Equal(t, "40.00 RUB", line.get("cost"))
	assert.Equal(t, "Пополнение лицевого счета", mustOK(t, srv, "func", "payment.orderinfo", "elid", pid, "lang", "ru").elems()[0].get("info"))
	mustOK(t, srv, "func", "payment.orderinfo.edit", "plid", pid, "elid", line.get("id"), "sok", "ok", "name", "Hosting for May")
	assert.Equal(t, "Hosting for May", mustOK(t, srv, "func", "payment.orderinfo.edit", "plid", pid, "elid", line.get("id")).get("name"))
	assert.Equal(t, "Hosting for May", mustOK(t, srv, "func", "payment.orderinfo", "elid", pid).elems()[0].get("info"))
	mustFail(t, srv, "missed", "elid", "func", "payment.orderinfo.edit", "plid", pid, "elid", pid)
	mustFail(t, srv, "value", "elid", "func", "payment.orderinfo.edit", "plid", pid, "sok", "ok", "name", "x")

	expenses := mustOK(t, srv, "func", "subaccount.expense", "elid", ann)
	hosting := expenses.row(t, "locale_name", "Hosting").get("id")
	domain := expenses.row(t, "locale_name", "Domain").get("id")
	bobs := mustOK(t, srv, "func", "subaccount.expense", "elid", itoa(srv.AccountID("bob@example.com"))).elems()[0].get("id")
	allocate := func(expense, amount string) string {
		return errOf(request(t, srv, "func", "payment.expense.edit", "plid", pid, "sok", "ok", "expense", expense, "amount", amount))
	}
	assert.Equal(t, "", allocate(hosting, "25"))
	assert.Equal(t, "exists(expense)", allocate(hosting, "1"))
	assert.Equal(t, "value(expense)", allocate(bobs, "1"))
	assert.Equal(t, "value(expense)", allocate("999999", "1"))
	assert.Equal(t, "value(amount)", allocate(domain, "15.01"), "more than the expense")
	assert.Equal(t, "value(amount)", allocate(domain, "-1"))
	assert.Equal(t, "", allocate(domain, "15"))
	assert.Equal(t, "value(amount)", errOf(request(t, srv, "func", "payment.expense.edit", "plid", pid, "elid", hosting,
		"sok", "ok", "amount", "26")), "more than the payment")
	mustOK(t, srv, "func", "payment.expense.edit", "plid", pid, "elid", hosting, "sok", "ok", "amount", "25.00")

	d := mustOK(t, srv, "func", "payment.expense", "elid", pid)
	assert.Equal(t, "expense", d.child("metadata").attr("key"))
	assert.Equal(t, []string{hosting, domain}, d.column("expense"))
	assert.Equal(t, []string{"Hosting", "Domain"}, d.column("expense_locale_name"))
	assert.Equal(t, []string{"25.00 RUB", "15.00 RUB"}, d.column("amount_iso"))
	assert.Equal(t, "25.00", mustOK(t, srv, "func", "payment.expense.edit", "plid", pid, "elid", hosting).get("amount"))

	row := mustOK(t, srv, "func", "subaccount.expense", "elid", ann).row(t, "id", hosting)
	assert.Equal(t, "25.00 RUB", row.get("payments"))
	assert.Equal(t, "5.00 RUB", row.get("notpayd"))

	mustFail(t, srv, "missed", "elid", "func", "payment.expense.delete", "plid", pid, "elid", hosting+", "+bobs)
	mustOK(t, srv, "func", "payment.expense.delete", "plid", pid, "elid", hosting)
	assert.Equal(t, []string{domain}, mustOK(t, srv, "func", "payment.expense", "elid", pid).column("expense"))
	assert.Equal(t, "100", srv.Balance(srv.AccountID(annEmail)).String(), "allocations move no money")
}

func TestPaymentTicketsAndInvoices(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	annID := srv.AccountID(annEmail)
	pid := create(t, srv, "func", "payment.edit", "plid", itoa(annID), "sok", "ok", "subaccountamount", "5")
	form := mustOK(t, srv, "func", "ticket.write.payment", "elid", itoa(pid))
	assert.True(t, form.has("subject"))
	tid := create(t, srv, "func", "ticket.write.payment", "elid", itoa(pid), "sok", "ok", "subject", "Your payment", "message", "Thanks")
	mustFail(t, srv, "value", "message", "func", "ticket.write.payment", "elid", itoa(pid), "sok", "ok", "subject", "s")
	mustOK(t, srv, "func", "payment.send", "elid", itoa(pid))
	assert.Equal(t, []Message{
		{Kind: "ticket", ID: tid, AccountID: annID, PaymentID: pid, Subject: "Your payment", Text: "Thanks"},
		{Kind: "invoice", AccountID: annID, PaymentID: pid, Subject: "Invoice pfx/" + itoa(pid)},
	}, srv.Outbox(annID))
}

// TestClientPaymentLifecycle follows the recorded flow of a client's own payment:
// payment.add makes it new and at once initiated and sends the client to the payment
// page; the client's list hides it until payment.setinpay; payment.setpaid credits it.
func TestClientPaymentLifecycle(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()), WithClock(newClock().Now))
	ann := itoa(srv.AccountID(annEmail))
	own := func(kv ...string) *xnode {
		return mustOK(t, srv, append([]string{"authinfo", annEmail + ":" + annPassword, "func", "payment"}, kv...)...)
	}

	add := mustOK(t, srv, "func", "payment.add", "authinfo", annEmail+":"+annPassword, "sok", "ok", "amount", "10", "paymethod", "2")
	id := add.get("payment_id")
	assert.Equal(t, "/mancgi/tinkoffpayment?elid="+id, add.get("ok"))
	assert.Equal(t, "url", add.child("ok").attr("type"))
	row := mustOK(t, srv, "func", "account.payment", "elid", ann).row(t, "id", id)
	assert.Equal(t, "8", row.child("status").attr("orig"), "initiated")
	assert.Equal(t, "pfx/"+id, row.get("number"))
	assert.Equal(t, []string{"Payment created"}, mustOK(t, srv, "func", "payment.history", "elid", id).column("desc"))
	assert.Empty(t, own().elems(), "the client's list hides initiated payments")
	assert.Empty(t, mustOK(t, srv, "func", "payment", "su", annEmail).elems())
	assert.Len(t, mustOK(t, srv, "func", "payment").elems(), 1, "the administrator's list does not")

	mustFail(t, srv, "access", "payment.setinpay", "func", "payment.setinpay", "authinfo", annEmail+":"+annPassword, "elid", id)
	mustOK(t, srv, "func", "payment.setinpay", "elid", id, "externalid", "4373191790", "info", `{"Status": "NEW"}`)
	mustOK(t, srv, "func", "payment.setinpay", "elid", id) // the callback again changes nothing
	row = own("lang", "ru").row(t, "id", id)
	assert.Equal(t, "Оплачивается", row.get("status"))
	assert.Equal(t, "cyan", row.child("status").attr("color"))
	assert.False(t, row.has("pay_date"), "an unpaid payment has no pay_date")
	assert.False(t, row.has("pay_date_l"))
	assert.Equal(t, " - ", row.get("sender_name"))
	assert.Equal(t, "7 мая 2024 г.", row.get("create_date_l"))
	assert.Equal(t, "7 май 2024 г.", row.get("create_date_s"))
	assert.Equal(t, `{"Status": "NEW"}`, mustOK(t, srv, "func", "payment.edit", "plid", ann, "elid", id).get("info"))
	assert.Equal(t, []string{"Payment created", "Payment in progress"}, mustOK(t, srv, "func", "payment.history", "elid", id).column("desc"))

	mustOK(t, srv, "func", "payment.setpaid", "elid", id)
	row = own().row(t, "id", id)
	assert.Equal(t, "2024-05-07", row.get("pay_date"))
	assert.Equal(t, "May 7, 2024", row.get("pay_date_l"))
	assert.Equal(t, "10.00", srv.Balance(srv.AccountID(annEmail)).StringFixed(2))
	mustFail(t, srv, "value", "status", "func", "payment.setinpay", "elid", id)
	mustFail(t, srv, "missed", "elid", "func", "payment.setinpay", "elid", "999999")
}

// TestOwnPaymentFilter saves and resets a client's filter of its own payments
// (payment.filter, the recorded form), as a connector does before it lists them.
func TestOwnPaymentFilter(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Password: annPassword,
		Payments: []SeedPayment{{Amount: decimal.NewFromInt(1), Status: 4}, {Amount: decimal.NewFromInt(2)}}}}}))
	ann := authinfo(annEmail, annPassword)
	own := func() []string {
		return mustOK(t, srv, "func", "payment", "authinfo", ann).column("subaccountamount_iso")
	}
	assert.Equal(t, []string{"2.00 RUB", "1.00 RUB"}, own())

	form := mustOK(t, srv, "func", "payment.filter", "authinfo", ann, "lang", "ru")
	assert.Contains(t, form.child("messages").values("msg"), "Фильтр списка платежей", "the recorded title")
	mustOK(t, srv, "func", "payment.filter", "authinfo", ann, "sok", "ok", "status", "4")
	assert.Equal(t, []string{"1.00 RUB"}, own())
	assert.Len(t, mustOK(t, srv, "func", "payment").elems(), 2, "the administrator's list keeps its own filter")
	mustOK(t, srv, "func", "payment.filter", "authinfo", ann, "sok", "ok", "number", "", "status", "", "paymethod", "",
		"createdate", "nodate", "restrictrefund", "null") // the recorded reset
	assert.Equal(t, []string{"2.00 RUB", "1.00 RUB"}, own())
}

func TestWhoami(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Password: annPassword, Name: "Ann",
		Balance: decimal.RequireFromString("12.5")}}}), WithClock(newClock().Now))

	d := mustOK(t, srv, "func", "whoami", "su", annEmail)
	u := d.child("user")
	assert.Equal(t, "16", u.attr("level"))
	assert.Equal(t, annEmail, u.attr("name"))
	assert.Equal(t, itoa(srv.AccountID(annEmail)), u.attr("account"))
	assert.Equal(t, "12.50", u.attr("balance"))
	assert.Equal(t, "RUB", u.attr("currency"))
	assert.Equal(t, "126", u.attr("currency_id"))
	assert.Equal(t, "2024-05-07 14:12:03", u.attr("account_regdate"))
	assert.Equal(t, []string{"29", "16"}, d.values("path@level"), "the administrator, then the client")
	assert.Equal(t, []string{srv.AdminUser, annEmail}, d.values("path@name"))

	own := mustOK(t, srv, "func", "whoami", "authinfo", annEmail+":"+annPassword)
	assert.Equal(t, []string{"16"}, own.values("path@level"))
	admin := mustOK(t, srv, "func", "whoami").child("user")
	assert.Equal(t, "29", admin.attr("level"))
	assert.Empty(t, admin.attr("account"))
	assert.Empty(t, admin.attr("balance"))
	mustFail(t, srv, "auth", "", "func", "whoami", "authinfo", "-")
}

func TestListOrderAndLimit(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()), WithListLimit(5))
	ann := srv.AccountID(annEmail)
	ids := srv.AddPayments(ann, 7, decimal.NewFromInt(1))
	list := func(kv ...string) *xnode {
		return mustOK(t, srv, append([]string{"func", "account.payment", "elid", itoa(ann)}, kv...)...)
	}
	d := list()
	assert.Equal(t, []string{itoa(ids[6]), itoa(ids[5]), itoa(ids[4]), itoa(ids[3]), itoa(ids[2])}, d.column("id"),
		"newest first, and no further than the limit")
	assert.Equal(t, "6", d.get("p_elems"), "a cut list: the limit and one")
	assert.Equal(t, []string{"-1"}, d.child("metadata").values("coldata/col@sorted"))
	assert.Equal(t, itoa(ids[6])+" - "+itoa(ids[2]), d.get("page"))
	d = list("p_order", "asc", "p_cnt", "2", "p_num", "9")
	assert.Equal(t, []string{itoa(ids[4])}, d.column("id"), "the last page of the cut list")
	assert.Equal(t, "3", d.get("p_num"))
	assert.Equal(t, "asc", d.get("p_order"))
	assert.Equal(t, "id", list("p_sort", "real_status").get("p_sort"), "not a column: ignored")
	assert.Equal(t, "number", list("p_sort", "number").get("p_sort"))
	assert.Equal(t, "asc", list("p_sort", "number").get("p_order"))

	accounts := mustOK(t, srv, "func", "account")
	assert.Equal(t, "asc", accounts.get("p_order"), "the fake's choice for lists without a recorded order")
	assert.Equal(t, []string{"+1"}, accounts.child("metadata").values("coldata/col@sorted"))
}

func TestSeedCurrencies(t *testing.T) {
	t.Parallel()
	assert.NoError(t, Seed{Currencies: []SeedCurrency{{ISO: "rub", Symbol: "₽"}, {ISO: "USD", Symbol: ""}}}.Validate())
	for _, bad := range []Seed{
		{Currencies: []SeedCurrency{{ISO: "GBP", Symbol: "£"}}},
		{Currencies: []SeedCurrency{{ISO: "USD", Symbol: "$"}, {ISO: "usd", Symbol: "US$"}}},
		{Currencies: []SeedCurrency{{ISO: "RUB", Symbol: "руб 1"}}},
	} {
		assert.Error(t, bad.Validate(), "%+v", bad)
	}
	srv := newFake(t, WithSeed(Seed{Currencies: []SeedCurrency{{ISO: "RUB", Symbol: "₽"}},
		Accounts: []SeedAccount{{Email: annEmail, Balance: decimal.RequireFromString("0.0125")}}}))
	sub := mustOK(t, srv, "func", "subaccount", "elid", itoa(srv.AccountID(annEmail))).elems()[0]
	assert.Equal(t, "0.0125 ₽", sub.get("balance"))
	assert.Equal(t, "RUB", sub.get("currency"))
}
