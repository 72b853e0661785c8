package billmgr_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// The integration suite runs every typed method of the SDK against the in-memory
// BILLmanager of package billmgrtest, once per language, and checks the rules of its state:
// money to the kopeck, status codes, errors by type and object. Each test starts its own
// fake, so the tests run in parallel and share nothing.

// fixedNow is the fake's clock: create dates, pay dates and history entries read it.
var fixedNow = time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC)

// unknownID names no object on a fresh fake (its ids are small and sequential).
const unknownID int64 = 987654

// env is one fake and an administrator's client for it, speaking lang.
type env struct {
	lang string
	srv  *billmgrtest.Server
	c    *billmgr.Client
	ctx  context.Context
}

func newEnv(t *testing.T, lang string, opts ...billmgrtest.Option) *env {
	t.Helper()
	opts = append([]billmgrtest.Option{billmgrtest.WithClock(func() time.Time { return fixedNow })}, opts...)
	srv := billmgrtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	e := &env{lang: lang, srv: srv, ctx: context.Background()}
	e.c = e.client(t, billmgr.WithAuthInfo(srv.AdminUser, srv.AdminPassword))
	return e
}

// client returns a new client of the fake in the env's language with the given
// credentials and options.
func (e *env) client(t *testing.T, auth billmgr.Option, opts ...billmgr.Option) *billmgr.Client {
	t.Helper()
	opts = append([]billmgr.Option{auth, billmgr.WithLang(e.lang), billmgr.WithHTTPClient(e.srv.Client())}, opts...)
	c, err := billmgr.NewClient(e.srv.URL, opts...)
	require.NoError(t, err)
	return c
}

// tr picks the label of the env's language.
func (e *env) tr(en, ru string) string {
	if e.lang == "ru" {
		return ru
	}
	return en
}

// register signs up a client with the password "pw-"+email and returns its id.
func (e *env) register(t *testing.T, email string) int64 {
	t.Helper()
	reg, err := e.c.Accounts.Register(e.ctx, &billmgr.RegisterParams{Email: email, Password: "pw-" + email, RealName: "Client " + email})
	require.NoError(t, err)
	return reg.AccountID
}

// newPayment creates a new payment of amount for the client.
func (e *env) newPayment(t *testing.T, accountID int64, amount string) int64 {
	t.Helper()
	id, err := e.c.Payments.Create(e.ctx, accountID, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal(amount)})
	require.NoError(t, err)
	require.Positive(t, id)
	return id
}

// credit creates a payment of amount for the client and credits it.
func (e *env) credit(t *testing.T, accountID int64, amount string) int64 {
	t.Helper()
	id := e.newPayment(t, accountID, amount)
	require.NoError(t, e.c.Payments.SetPaid(e.ctx, id))
	return id
}

// mainSubaccount returns the first personal account of the client.
func (e *env) mainSubaccount(t *testing.T, accountID int64) billmgr.Subaccount {
	t.Helper()
	page, err := e.c.Subaccounts.List(e.ctx, accountID, nil)
	require.NoError(t, err)
	require.NotEmpty(t, page.Items)
	return page.Items[0]
}

// assertBalance checks the balance of the client's main personal account as the SDK reads
// it and as the fake holds it, exactly.
func (e *env) assertBalance(t *testing.T, accountID int64, want string) {
	t.Helper()
	sub := e.mainSubaccount(t, accountID)
	assertAmount(t, want, sub.Balance.Amount)
	assert.Equal(t, "RUB", sub.Balance.Currency)
	assertAmount(t, want, e.srv.Balance(accountID))
}

// payment returns the row of the payment in the client's payment list.
func (e *env) payment(t *testing.T, accountID, id int64) billmgr.Payment {
	t.Helper()
	for p, err := range e.c.Payments.All(e.ctx, accountID, nil) {
		require.NoError(t, err)
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("payment %d is not in the list of client %d", id, accountID)
	return billmgr.Payment{}
}

// assertAmount checks an amount to the kopeck: the same number, not merely the same text.
func assertAmount(t *testing.T, want string, got decimal.Decimal) {
	t.Helper()
	w := decimal.RequireFromString(want)
	assert.Truef(t, w.Equal(got), "amount: want %s, got %s", w.StringFixed(2), got.String())
	assert.Equal(t, w.StringFixed(2), got.StringFixed(2))
}

// assertAPIError checks that err is an *billmgr.Error matching target about object.
func assertAPIError(t *testing.T, err error, target error, object string) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, target)
	var apiErr *billmgr.Error
	if assert.ErrorAs(t, err, &apiErr) {
		assert.Equal(t, object, apiErr.Object, "object of %v", err)
	}
}

// collect drains an iterator, failing on the first error.
func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// integrationCases are run against a fresh fake in every language.
var integrationCases = []struct {
	name string
	run  func(t *testing.T, e *env)
}{
	{"Register", testRegister},
	{"PaymentCredit", testPaymentCredit},
	{"CreditOnce", testCreditOnce},
	{"PaymentLifecycle", testPaymentLifecycle},
	{"PaymentDocuments", testPaymentDocuments},
	{"PaymentAllocations", testPaymentAllocations},
	{"Refund", testRefund},
	{"Expenses", testExpenses},
	{"ExpenseFilter", testExpenseFilter},
	{"Subaccounts", testSubaccounts},
	{"Discounts", testDiscounts},
	{"TaxRules", testTaxRules},
	{"CurrencyRates", testCurrencyRates},
	{"GroupsAndProviders", testGroupsAndProviders},
	{"AccountAdmin", testAccountAdmin},
	{"AccountMessages", testAccountMessages},
	{"AccountFilter", testAccountFilter},
	{"PaymentFilter", testPaymentFilter},
	{"ClientFilter", testClientFilter},
	{"Access", testAccess},
	{"ClientPayment", testClientPayment},
	{"Whoami", testWhoami},
	{"PaymentOrder", testPaymentOrder},
	{"CurrencySymbols", testCurrencySymbols},
	{"Placeholders", testPlaceholders},
	{"ListLimit", testListLimit},
	{"NotFound", testNotFound},
	{"AllPayments", testAllPayments},
	{"Session", testSession},
	{"RawCall", testRawCall},
	{"LoginKey", testLoginKey},
	{"Faults", testFaults},
	{"Location", testLocation},
	{"Concurrent", testConcurrent},
}

func TestIntegration(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			for _, tc := range integrationCases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, newEnv(t, lang))
				})
			}
		})
	}
}

// testCreditOnce: a bank document credits a new payment and an invoice once each, however
// often it is sent; the credit-once API is tested in depth in credit_test.go.
func testCreditOnce(t *testing.T, e *env) {
	account := e.register(t, "ann@example.com")
	invoice := e.newPayment(t, account, "1500.00")
	day := fixedNow.AddDate(0, 0, -1)
	topUp := &billmgr.Receipt{Document: billmgr.PaymentDocument{Number: "52", Date: day}, Amount: decimal.RequireFromString("400.50")}
	paid := &billmgr.Receipt{Document: billmgr.PaymentDocument{Number: "318", Date: day}, Amount: decimal.RequireFromString("1500")}
	for range 2 {
		_, err := e.c.Payments.CreditReceipt(e.ctx, account, topUp)
		require.NoError(t, err)
		res, err := e.c.Payments.CreditInvoice(e.ctx, account, invoice, paid)
		require.NoError(t, err)
		assert.Equal(t, invoice, res.PaymentID)
	}
	// One transfer paying two invoices.
	first, second := e.newPayment(t, account, "100.00"), e.newPayment(t, account, "20.25")
	both := &billmgr.Receipt{Document: billmgr.PaymentDocument{Number: "319", Date: day, Payer: "7701234567"}, Amount: decimal.RequireFromString("120.25")}
	results, err := e.c.Payments.CreditInvoices(e.ctx, account, []int64{first, second}, both)
	require.NoError(t, err)
	assert.Equal(t, []billmgr.CreditResult{{PaymentID: first, Outcome: billmgr.CreditCredited}, {PaymentID: second, Outcome: billmgr.CreditCredited}}, results)
	e.assertBalance(t, account, "2020.75")
	found, err := e.c.Payments.FindByDocument(e.ctx, account, paid.Document, paid.Amount)
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, invoice, found[0].ID)
	assert.Equal(t, billmgr.PaymentCredited, found[0].Status)
}

func testRegister(t *testing.T, e *env) {
	reg, err := e.c.Accounts.Register(e.ctx, &billmgr.RegisterParams{
		Email:           "ann@example.com",
		Password:        "correct horse",
		RealName:        "Ann Smith",
		Phone:           billmgr.Ptr("+7 900 000-00-00"),
		ConditionsAgree: billmgr.Ptr(billmgr.OnOff(true)),
		Offers:          billmgr.Offers{1: true},
		Country:         billmgr.Ptr(int64(182)),
		Project:         billmgr.Ptr(int64(1)),
	})
	require.NoError(t, err)
	assert.Positive(t, reg.AccountID)
	assert.Positive(t, reg.UserID)
	assert.NotEqual(t, reg.AccountID, reg.UserID)
	assert.Equal(t, "ann@example.com", reg.Email)
	assert.Equal(t, reg.AccountID, e.srv.AccountID("ann@example.com"))

	// A new client has one personal account, in rubles, empty.
	subs, err := e.c.Subaccounts.List(e.ctx, reg.AccountID, nil)
	require.NoError(t, err)
	require.Len(t, subs.Items, 1)
	sub := subs.Items[0]
	assert.Equal(t, "RUB", sub.Currency)
	assertAmount(t, "0.00", sub.Balance.Amount)
	assertAmount(t, "0.00", sub.CreditLimit.Amount)
	assert.Equal(t, billmgr.Status{Code: billmgr.SubaccountActive, Label: e.tr("Active", "Активен")}, sub.Status)
	assert.Equal(t, billmgr.Status{Code: "1", Label: e.tr("Main provider", "Основной провайдер")}, sub.Project)

	d, err := e.c.Accounts.Get(e.ctx, reg.AccountID)
	require.NoError(t, err)
	assert.Equal(t, reg.AccountID, d.ID)
	assert.Equal(t, "ann@example.com", d.Email)
	assert.Equal(t, "Ann Smith", d.RealName)
	assert.Equal(t, int64(182), d.Country)
	assert.Equal(t, int64(1), d.Project)
	assert.True(t, fixedNow.Equal(d.RegistrationDate), "registration date %v", d.RegistrationDate)
	assert.Equal(t, "127.0.0.1", d.RegistrationIP)

	page, err := e.c.Accounts.List(e.ctx, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	row := page.Items[0]
	assert.Equal(t, reg.AccountID, row.ID)
	assert.Equal(t, "ann@example.com", row.Email)
	assert.Equal(t, "Ann Smith", row.Name)
	assert.Equal(t, billmgr.Status{Code: billmgr.AccountActive, Label: e.tr("Active", "Активен")}, row.AccountStatus)
	assert.Equal(t, "0.00 RUB", row.Balance.String())
	assert.True(t, fixedNow.Equal(row.RegistrationDate))

	found, err := e.c.Accounts.FindByEmail(e.ctx, "ANN@example.com")
	require.NoError(t, err)
	assert.Equal(t, reg.AccountID, found.ID, "the client of the e-mail, whatever its case")
	_, err = e.c.Accounts.FindByEmail(e.ctx, "nn@example.com")
	assert.ErrorIs(t, err, billmgr.ErrNotFound, "a part of an e-mail is not the e-mail")

	// The e-mail is taken, whatever its case; a malformed one is refused.
	_, err = e.c.Accounts.Register(e.ctx, &billmgr.RegisterParams{Email: "ANN@example.com", Password: "ann-secret"})
	assertAPIError(t, err, billmgr.ErrExists, "email")
	_, err = e.c.Accounts.Register(e.ctx, &billmgr.RegisterParams{Email: "not-an-e-mail", Password: "x"})
	assertAPIError(t, err, billmgr.ErrInvalid, "email")

	// A registration without a password never reaches the server.
	hits := e.srv.Hits("register")
	_, err = e.c.Accounts.Register(e.ctx, &billmgr.RegisterParams{Email: "bob@example.com"})
	require.Error(t, err)
	assert.Equal(t, hits, e.srv.Hits("register"))

	all := collect(t, e.c.Accounts.All(e.ctx, nil))
	assert.Len(t, all, 1, "failed registrations make no client")
}

func testPaymentCredit(t *testing.T, e *env) {
	acc := e.register(t, "bob@example.com")
	first := e.newPayment(t, acc, "100.10")

	d, err := e.c.Payments.Get(e.ctx, acc, first)
	require.NoError(t, err)
	assert.Equal(t, first, d.ID)
	assert.Equal(t, acc, d.AccountID)
	assert.Equal(t, billmgr.PaymentNew, d.Status)
	assertAmount(t, "100.10", d.SubaccountAmount)
	assert.Equal(t, int64(126), d.Currency)
	assert.True(t, fixedNow.Equal(d.CreateDate))
	assert.True(t, d.PayDate.IsZero())

	row := e.payment(t, acc, first)
	assert.Equal(t, billmgr.Status{Code: billmgr.PaymentNew, Label: e.tr("New", "Новый")}, row.Status)
	assert.Equal(t, billmgr.Money{Amount: decimal.RequireFromString("100.10"), Currency: "RUB"}.String(), row.SubaccountAmount.String())
	assert.Equal(t, e.tr("Bank transfer", "Безналичный расчет"), row.PaymethodName)
	assert.True(t, row.PayDate.IsZero())
	e.assertBalance(t, acc, "0")

	// Crediting adds the amounts exactly: 100.10 + 0.20 + 0.10 is 100.40, not 100.39999….
	require.NoError(t, e.c.Payments.SetPaid(e.ctx, first))
	e.assertBalance(t, acc, "100.10")
	second, third := e.newPayment(t, acc, "0.20"), e.newPayment(t, acc, "0.10")
	require.NoError(t, e.c.Payments.SetPaid(e.ctx, second, third))
	e.assertBalance(t, acc, "100.40")

	d, err = e.c.Payments.Get(e.ctx, acc, first)
	require.NoError(t, err)
	assert.Equal(t, billmgr.PaymentCredited, d.Status)
	assert.True(t, fixedNow.Equal(d.PayDate))
	row = e.payment(t, acc, second)
	assert.Equal(t, billmgr.Status{Code: billmgr.PaymentCredited, Label: e.tr("Credited", "Зачислен")}, row.Status)
	assert.Equal(t, billmgr.Status{Code: billmgr.PaymentCredited, Label: billmgr.PaymentCredited}, row.RealStatus)
	assert.Equal(t, day(2024, 5, 7), row.PayDate)

	// A credited payment is neither credited twice nor deleted.
	assertAPIError(t, e.c.Payments.SetPaid(e.ctx, first), billmgr.ErrInvalid, "status")
	assertAPIError(t, e.c.Payments.Delete(e.ctx, first), billmgr.ErrInvalid, "status")
	e.assertBalance(t, acc, "100.40")
	assert.Len(t, collect(t, e.c.Payments.All(e.ctx, acc, nil)), 3)
}

func testPaymentLifecycle(t *testing.T, e *env) {
	acc := e.register(t, "carol@example.com")
	id, err := e.c.Payments.Create(e.ctx, acc, &billmgr.PaymentParams{
		SubaccountAmount: billmgr.MustDecimal("50.05"),
		Number:           billmgr.Ptr("INV-1"),
		Description:      billmgr.Ptr("Top-up"),
		Paymethod:        billmgr.Ptr(int64(2)),
		DocumentNumber:   billmgr.Ptr("PP-77"),
		DocumentDate:     billmgr.DateOf(day(2024, 5, 6)),
		RestrictRefund:   billmgr.Ptr(billmgr.OnOff(true)),
	})
	require.NoError(t, err)

	// Update sends only what is set: the note changes, nothing else does.
	require.NoError(t, e.c.Payments.Update(e.ctx, acc, id, &billmgr.PaymentParams{Note: billmgr.Ptr("checked")}))
	d, err := e.c.Payments.Get(e.ctx, acc, id)
	require.NoError(t, err)
	assert.Equal(t, "checked", d.Note)
	assert.Equal(t, "INV-1", d.Number)
	assert.Equal(t, "Top-up", d.Description)
	assert.Equal(t, int64(2), d.Paymethod)
	assert.Equal(t, "PP-77", d.DocumentNumber)
	assert.Equal(t, day(2024, 5, 6), d.DocumentDate)
	assert.True(t, bool(d.RestrictRefund))
	assertAmount(t, "50.05", d.SubaccountAmount)

	// A new payment's amount may change; the status to credited credits it.
	require.NoError(t, e.c.Payments.Update(e.ctx, acc, id, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("50.15")}))
	require.NoError(t, e.c.Payments.Update(e.ctx, acc, id, &billmgr.PaymentParams{Status: billmgr.Ptr(billmgr.PaymentCredited)}))
	e.assertBalance(t, acc, "50.15")
	err = e.c.Payments.Update(e.ctx, acc, id, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("1.00")})
	assertAPIError(t, err, billmgr.ErrInvalid, "subaccountamount")

	history, err := e.c.Payments.History(e.ctx, id)
	require.NoError(t, err)
	var descs []string
	for _, h := range history {
		descs = append(descs, h.Desc)
		assert.Equal(t, "admin", h.User)
		assert.Equal(t, "payment.edit", h.Action)
		assert.True(t, fixedNow.Equal(h.ChangeDate))
	}
	assert.Contains(t, descs, e.tr("Payment created", "Платеж создан"))
	assert.Contains(t, descs, e.tr("Payment credited", "Платеж зачислен"))

	// An unpaid payment can be deleted: it is gone from the list and the form.
	gone := e.newPayment(t, acc, "9.99")
	require.NoError(t, e.c.Payments.Delete(e.ctx, gone))
	_, err = e.c.Payments.Get(e.ctx, acc, gone)
	assertAPIError(t, err, billmgr.ErrNotFound, "elid")
	page, err := e.c.Payments.List(e.ctx, acc, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, id, page.Items[0].ID)
	assert.Equal(t, 1, page.Total)
}

func testPaymentDocuments(t *testing.T, e *env) {
	acc := e.register(t, "dan@example.com")
	id := e.newPayment(t, acc, "100.10")

	require.NoError(t, e.c.Payments.Send(e.ctx, id))
	ticket, err := e.c.Payments.WriteTicket(e.ctx, id, &billmgr.TicketParams{Subject: "Your payment", Message: "Thank you"})
	require.NoError(t, err)
	assert.Positive(t, ticket)
	outbox := e.srv.Outbox(acc)
	require.Len(t, outbox, 2)
	number := e.payment(t, acc, id).Number
	assert.Equal(t, billmgrtest.Message{Kind: "invoice", AccountID: acc, PaymentID: id,
		Subject: e.tr("Invoice ", "Счет ") + number}, outbox[0])
	assert.Equal(t, billmgrtest.Message{Kind: "ticket", ID: ticket, AccountID: acc, PaymentID: id,
		Subject: "Your payment", Text: "Thank you"}, outbox[1])

	page, err := e.c.Payments.Print(e.ctx, id)
	require.NoError(t, err)
	assert.Contains(t, page, "<html")
	assert.Contains(t, page, e.tr("Invoice ", "Счет ")+number)
	assert.Contains(t, page, "100.10 RUB")

	pdf, err := e.c.Payments.PDF(e.ctx, id)
	require.NoError(t, err)
	body, err := io.ReadAll(pdf)
	require.NoError(t, pdf.Close())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(body), "%PDF-"))
	assert.Contains(t, string(body), "100.10 RUB")

	lines, err := e.c.Payments.OrderInfo(e.ctx, id)
	require.NoError(t, err)
	require.Len(t, lines, 1)
	assert.Equal(t, e.tr("Top-up of the personal account", "Пополнение лицевого счета"), lines[0].Info)
	assert.Equal(t, "100.10 RUB", lines[0].Cost.String())
	line, err := e.c.Payments.GetOrderLine(e.ctx, id, lines[0].ID)
	require.NoError(t, err)
	assert.Equal(t, billmgr.OrderLineDetails{ID: lines[0].ID, PaymentID: id, Name: lines[0].Info}, *line)

	require.NoError(t, e.c.Payments.UpdateOrderLine(e.ctx, id, lines[0].ID, "Hosting, May"))
	lines, err = e.c.Payments.OrderInfo(e.ctx, id)
	require.NoError(t, err)
	require.Len(t, lines, 1)
	assert.Equal(t, "Hosting, May", lines[0].Info)
	_, err = e.c.Payments.GetOrderLine(e.ctx, id, unknownID)
	assertAPIError(t, err, billmgr.ErrNotFound, "elid")
}

// testPaymentAllocations books parts of a payment against expenses (payment.expense*).
func testPaymentAllocations(t *testing.T, e *env) {
	acc := e.register(t, "erin@example.com")
	pay := e.credit(t, acc, "100.10")
	exp, err := e.c.Expenses.Create(e.ctx, acc, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("30.30"), Name: billmgr.Ptr("VPS")})
	require.NoError(t, err)

	require.NoError(t, e.c.Payments.AddExpense(e.ctx, pay, exp, billmgr.MustDecimal("10.10")))
	assertAPIError(t, e.c.Payments.AddExpense(e.ctx, pay, exp, billmgr.MustDecimal("1.00")), billmgr.ErrExists, "expense")
	other := e.register(t, "other@example.com")
	otherExp, err := e.c.Expenses.Create(e.ctx, other, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("1.00"), Postpaid: billmgr.Ptr(billmgr.OnOff(true))})
	require.NoError(t, err)
	assertAPIError(t, e.c.Payments.AddExpense(e.ctx, pay, otherExp, billmgr.MustDecimal("1.00")), billmgr.ErrInvalid, "expense")

	rows, err := e.c.Payments.Expenses(e.ctx, pay)
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, exp, rows[0].ID)
	assert.Equal(t, "VPS", rows[0].LocaleName)
	assert.Equal(t, "10.10 RUB", rows[0].Amount.String())

	d, err := e.c.Payments.GetExpense(e.ctx, pay, exp)
	require.NoError(t, err)
	assert.Equal(t, exp, d.ID)
	assert.Equal(t, pay, d.PaymentID)
	assertAmount(t, "10.10", d.Amount)

	require.NoError(t, e.c.Payments.UpdateExpense(e.ctx, pay, exp, billmgr.MustDecimal("30.30")))
	d, err = e.c.Payments.GetExpense(e.ctx, pay, exp)
	require.NoError(t, err)
	assertAmount(t, "30.30", d.Amount)
	// Not more than the expense's amount.
	err = e.c.Payments.UpdateExpense(e.ctx, pay, exp, billmgr.MustDecimal("30.31"))
	assertAPIError(t, err, billmgr.ErrInvalid, "amount")

	expenses := collect(t, e.c.Expenses.All(e.ctx, acc, nil))
	require.Len(t, expenses, 1)
	assert.Equal(t, "30.30 RUB", expenses[0].Payments, "paid by allocations")
	assert.Equal(t, "0.00 RUB", expenses[0].NotPaid.String())

	require.NoError(t, e.c.Payments.DeleteExpenses(e.ctx, pay, exp))
	rows, err = e.c.Payments.Expenses(e.ctx, pay)
	require.NoError(t, err)
	assert.Empty(t, rows)
	assertAPIError(t, e.c.Payments.DeleteExpenses(e.ctx, pay, exp), billmgr.ErrNotFound, "elid")
	e.assertBalance(t, acc, "69.80") // allocations book money; only the expense moved it
}

func testRefund(t *testing.T, e *env) {
	acc := e.register(t, "fay@example.com")
	pay := e.credit(t, acc, "100.10")

	refundID, err := e.c.Payments.Refund(e.ctx, acc, pay, &billmgr.RefundParams{Amount: billmgr.MustDecimal("30.05"), Description: "partial"})
	require.NoError(t, err)
	assert.Positive(t, refundID)
	e.assertBalance(t, acc, "70.05")
	refund := e.payment(t, acc, refundID)
	assertAmount(t, "-30.05", refund.SubaccountAmount.Amount)
	assert.Equal(t, billmgr.PaymentCredited, refund.Status.Code)
	assert.True(t, bool(refund.Refund))
	assert.Equal(t, billmgr.PaymentCredited, e.payment(t, acc, pay).Status.Code)

	// No more than what is left: 100.10 - 30.05 = 70.05.
	_, err = e.c.Payments.Refund(e.ctx, acc, pay, &billmgr.RefundParams{Amount: billmgr.MustDecimal("70.06")})
	assertAPIError(t, err, billmgr.ErrInvalid, "amount")
	e.assertBalance(t, acc, "70.05")

	_, err = e.c.Payments.Refund(e.ctx, acc, pay, &billmgr.RefundParams{Amount: billmgr.MustDecimal("70.05")})
	require.NoError(t, err)
	e.assertBalance(t, acc, "0.00")
	row := e.payment(t, acc, pay)
	assert.Equal(t, billmgr.Status{Code: billmgr.PaymentRefunded, Label: e.tr("Refunded", "Возвращен")}, row.Status)
	assert.False(t, bool(row.AllowRefund))

	_, err = e.c.Payments.Refund(e.ctx, acc, pay, &billmgr.RefundParams{Amount: billmgr.MustDecimal("0.01")})
	assertAPIError(t, err, billmgr.ErrInvalid, "amount")
	assertAPIError(t, e.c.Payments.Delete(e.ctx, pay), billmgr.ErrInvalid, "status")

	// Nothing was paid on a new payment, so nothing can be refunded.
	unpaid := e.newPayment(t, acc, "5.00")
	_, err = e.c.Payments.Refund(e.ctx, acc, unpaid, &billmgr.RefundParams{Amount: billmgr.MustDecimal("0.01")})
	assertAPIError(t, err, billmgr.ErrInvalid, "amount")
	e.assertBalance(t, acc, "0.00")

	// A zero refund is refused before anything is sent.
	hits := e.srv.Hits("payment.refund")
	_, err = e.c.Payments.Refund(e.ctx, acc, pay, &billmgr.RefundParams{Amount: billmgr.MustDecimal("0")})
	require.Error(t, err)
	assert.Equal(t, hits, e.srv.Hits("payment.refund"))
}

func testExpenses(t *testing.T, e *env) {
	acc := e.register(t, "gus@example.com")
	sub := e.mainSubaccount(t, acc)
	e.credit(t, acc, "100.10")

	hosting, err := e.c.Expenses.Create(e.ctx, acc, &billmgr.ExpenseParams{
		Subaccount: billmgr.Ptr(sub.ID),
		Amount:     billmgr.MustDecimal("60.00"),
		TaxRate:    billmgr.MustDecimal("20"),
		Name:       billmgr.Ptr("Hosting"),
		Operation:  billmgr.Ptr("prolong"),
		Item:       billmgr.Ptr(int64(42)),
		CDate:      billmgr.DateOf(day(2024, 5, 1)),
	})
	require.NoError(t, err)
	e.assertBalance(t, acc, "40.10")

	d, err := e.c.Expenses.Get(e.ctx, acc, hosting)
	require.NoError(t, err)
	assert.Equal(t, hosting, d.ID)
	assert.Equal(t, acc, d.AccountID)
	assert.Equal(t, sub.ID, d.Subaccount)
	assert.Equal(t, int64(42), d.Item)
	assert.Equal(t, "prolong", d.Operation)
	assert.Equal(t, "Hosting", d.Name)
	assertAmount(t, "60.00", d.Amount)
	assertAmount(t, "20", d.TaxRate)
	assert.False(t, bool(d.Postpaid))
	assert.True(t, fixedNow.Equal(d.RealDate))
	assert.Equal(t, day(2024, 5, 1), d.CDate)

	// Past the balance and a zero credit limit the charge is refused and nothing moves.
	_, err = e.c.Expenses.Create(e.ctx, acc, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("40.11")})
	assertAPIError(t, err, billmgr.ErrInvalid, "amount")
	e.assertBalance(t, acc, "40.10")

	// A credit limit of 10.00 lets the balance go down to -10.00, and no further.
	require.NoError(t, e.c.Subaccounts.Update(e.ctx, acc, sub.ID, &billmgr.SubaccountParams{CreditLimit: billmgr.MustDecimal("10.00")}))
	traffic, err := e.c.Expenses.Create(e.ctx, acc, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("50.10")})
	require.NoError(t, err)
	e.assertBalance(t, acc, "-10.00")
	_, err = e.c.Expenses.Create(e.ctx, acc, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("0.01")})
	assertAPIError(t, err, billmgr.ErrInvalid, "amount")

	// Postpaid expenses go past the limit.
	late, err := e.c.Expenses.Create(e.ctx, acc, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("0.01"), Postpaid: billmgr.Ptr(billmgr.OnOff(true))})
	require.NoError(t, err)
	e.assertBalance(t, acc, "-10.01")

	// An update charges the difference and changes only what is set.
	require.NoError(t, e.c.Expenses.Update(e.ctx, acc, traffic, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("40.10")}))
	e.assertBalance(t, acc, "-0.01")
	require.NoError(t, e.c.Expenses.Update(e.ctx, acc, hosting, &billmgr.ExpenseParams{Name: billmgr.Ptr("Hosting, May")}))
	d, err = e.c.Expenses.Get(e.ctx, acc, hosting)
	require.NoError(t, err)
	assert.Equal(t, "Hosting, May", d.Name)
	assert.Equal(t, "prolong", d.Operation)
	assertAmount(t, "60.00", d.Amount)
	e.assertBalance(t, acc, "-0.01")

	rows, err := e.c.Expenses.List(e.ctx, acc, &billmgr.ExpenseListOptions{ListOptions: billmgr.ListOptions{Sort: "id"}})
	require.NoError(t, err)
	require.Len(t, rows.Items, 3)
	assert.Equal(t, 3, rows.Total)
	first := rows.Items[0]
	assert.Equal(t, hosting, first.ID)
	assert.Equal(t, "Hosting, May", first.Name)
	assert.Equal(t, "60.00 RUB", first.Amount.String())
	assert.Equal(t, "10.00 RUB", first.TaxAmount.String(), "20% included in 60.00")
	assert.Equal(t, "60.00 RUB", first.NotPaid.String())
	assert.True(t, fixedNow.Equal(first.RealDate))
	assert.Equal(t, e.tr("Expense", "Расход"), rows.Items[1].Name, "an expense without name or operation")

	// Deleting an expense gives its amount back.
	require.NoError(t, e.c.Expenses.Delete(e.ctx, acc, late))
	e.assertBalance(t, acc, "0.00")
	_, err = e.c.Expenses.Get(e.ctx, acc, late)
	assertAPIError(t, err, billmgr.ErrNotFound, "elid")
	var sum decimal.Decimal
	for _, x := range collect(t, e.c.Expenses.All(e.ctx, acc, nil)) {
		sum = sum.Add(x.Amount.Amount)
	}
	assertAmount(t, "100.10", sum)
}

func testExpenseFilter(t *testing.T, e *env) {
	acc := e.register(t, "hal@example.com")
	e.credit(t, acc, "100.00")
	for _, op := range []string{"prolong", "prolong", "open"} {
		_, err := e.c.Expenses.Create(e.ctx, acc, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("1.00"), Operation: billmgr.Ptr(op)})
		require.NoError(t, err)
	}
	count := func(opts *billmgr.ExpenseListOptions) int {
		t.Helper()
		page, err := e.c.Expenses.List(e.ctx, acc, opts)
		require.NoError(t, err)
		return len(page.Items)
	}

	f, err := e.c.Expenses.GetFilter(e.ctx, acc)
	require.NoError(t, err)
	assert.Equal(t, billmgr.ExpenseFilterDetails{Period: billmgr.ExpensePeriodAll}, *f)

	// Inline filters apply to one call.
	assert.Equal(t, 1, count(&billmgr.ExpenseListOptions{ExpenseFilter: billmgr.ExpenseFilter{Operation: "open"}}))
	assert.Equal(t, 0, count(&billmgr.ExpenseListOptions{ExpenseFilter: billmgr.ExpenseFilter{RealDateFrom: billmgr.DateOf(day(2024, 5, 8))}}))
	assert.Equal(t, 3, count(&billmgr.ExpenseListOptions{ExpenseFilter: billmgr.ExpenseFilter{
		RealDateFrom: billmgr.DateOf(day(2024, 5, 7)), RealDateTo: billmgr.DateOf(day(2024, 5, 7))}}))

	// A saved filter cuts every later list until it is reset.
	require.NoError(t, e.c.Expenses.SaveFilter(e.ctx, acc, &billmgr.ExpenseFilter{Operation: "prolong"}))
	assert.Equal(t, 2, count(nil))
	assert.Len(t, collect(t, e.c.Expenses.All(e.ctx, acc, nil)), 2)
	f, err = e.c.Expenses.GetFilter(e.ctx, acc)
	require.NoError(t, err)
	assert.Equal(t, "prolong", f.Operation)

	require.NoError(t, e.c.Expenses.SaveFilter(e.ctx, acc, &billmgr.ExpenseFilter{RealDateFrom: billmgr.DateOf(day(2024, 5, 1)), RealDateTo: billmgr.DateOf(day(2024, 5, 6))}))
	assert.Equal(t, 0, count(nil))
	f, err = e.c.Expenses.GetFilter(e.ctx, acc)
	require.NoError(t, err)
	assert.Equal(t, billmgr.ExpenseFilterDetails{Period: billmgr.ExpensePeriodRange, RealDateFrom: day(2024, 5, 1), RealDateTo: day(2024, 5, 6)}, *f)

	require.NoError(t, e.c.Expenses.ResetFilter(e.ctx, acc))
	assert.Equal(t, 3, count(nil))
	f, err = e.c.Expenses.GetFilter(e.ctx, acc)
	require.NoError(t, err)
	assert.Equal(t, billmgr.ExpenseFilterDetails{Period: billmgr.ExpensePeriodAll}, *f)
}

func testSubaccounts(t *testing.T, e *env) {
	acc := e.register(t, "ida@example.com")
	main := e.mainSubaccount(t, acc)

	usd, err := e.c.Subaccounts.Create(e.ctx, acc, &billmgr.SubaccountParams{
		SubaccountCurrency: billmgr.Ptr(int64(153)),
		CreditLimit:        billmgr.MustDecimal("5.50"),
		Referer:            billmgr.Ptr("partner-7"),
	})
	require.NoError(t, err)
	d, err := e.c.Subaccounts.Get(e.ctx, acc, usd)
	require.NoError(t, err)
	assert.Equal(t, usd, d.ID)
	assert.Equal(t, acc, d.AccountID)
	assert.Equal(t, int64(153), d.Currency)
	assert.Equal(t, int64(1), d.Project)
	assertAmount(t, "5.50", d.CreditLimit)
	assert.Equal(t, "partner-7", d.Referer)
	assert.True(t, bool(d.Active))
	assert.False(t, bool(d.AllowPostpaid))

	require.NoError(t, e.c.Subaccounts.Update(e.ctx, acc, usd, &billmgr.SubaccountParams{IncidentLimit: billmgr.Ptr(int64(3)), AllowPostpaid: billmgr.Ptr(billmgr.OnOff(true))}))
	d, err = e.c.Subaccounts.Get(e.ctx, acc, usd)
	require.NoError(t, err)
	assert.Equal(t, int64(3), d.IncidentLimit)
	assert.True(t, bool(d.AllowPostpaid))
	assertAmount(t, "5.50", d.CreditLimit)
	assert.Equal(t, "partner-7", d.Referer)
	err = e.c.Subaccounts.Update(e.ctx, acc, usd, &billmgr.SubaccountParams{SubaccountCurrency: billmgr.Ptr(int64(126))})
	assertAPIError(t, err, billmgr.ErrInvalid, "subaccount_currency")

	subs := collect(t, e.c.Subaccounts.All(e.ctx, acc, nil))
	require.Len(t, subs, 2)
	assert.Equal(t, main.ID, subs[0].ID)
	assert.Equal(t, usd, subs[1].ID)
	assert.Equal(t, "USD", subs[1].Currency)
	assert.Equal(t, "5.50 USD", subs[1].CreditLimit.String())
	assert.Equal(t, "0.00 USD", subs[1].Balance.String())

	status := func(id int64) billmgr.Status {
		t.Helper()
		for _, s := range collect(t, e.c.Subaccounts.All(e.ctx, acc, nil)) {
			if s.ID == id {
				return s.Status
			}
		}
		t.Fatalf("no personal account %d", id)
		return billmgr.Status{}
	}
	require.NoError(t, e.c.Subaccounts.Suspend(e.ctx, usd))
	assert.Equal(t, billmgr.Status{Code: billmgr.SubaccountSuspended, Label: e.tr("Suspended", "Остановлен")}, status(usd))
	assert.Equal(t, billmgr.SubaccountActive, status(main.ID).Code)
	require.NoError(t, e.c.Subaccounts.Resume(e.ctx, usd))
	assert.Equal(t, billmgr.Status{Code: billmgr.SubaccountActive, Label: e.tr("Active", "Активен")}, status(usd))

	// Withdrawing lowers the balance, never below zero.
	e.credit(t, acc, "100.10")
	require.NoError(t, e.c.Subaccounts.Refund(e.ctx, acc, main.ID, &billmgr.SubaccountRefundParams{Amount: billmgr.MustDecimal("0.10"), Description: "cash back"}))
	e.assertBalance(t, acc, "100.00")
	err = e.c.Subaccounts.Refund(e.ctx, acc, main.ID, &billmgr.SubaccountRefundParams{Amount: billmgr.MustDecimal("100.01")})
	assertAPIError(t, err, billmgr.ErrInvalid, "amount")
	e.assertBalance(t, acc, "100.00")
}

func testDiscounts(t *testing.T, e *env) {
	acc := e.register(t, "jon@example.com")
	id, err := e.c.Discounts.Create(e.ctx, acc, &billmgr.DiscountParams{
		Name:       billmgr.Ptr("Loyal"),
		FromDate:   billmgr.DateOf(day(2024, 5, 1)),
		ToDate:     billmgr.DateOf(day(2024, 12, 31)),
		Type:       billmgr.Ptr("personal"),
		Percentage: billmgr.MustDecimal("12.50"),
		Priority:   billmgr.Ptr(int64(2)),
		ActionType: billmgr.Ptr("prolong"),
		Period:     billmgr.Ptr("12"),
		Note:       billmgr.Ptr("since 2019"),
	})
	require.NoError(t, err)

	d, err := e.c.Discounts.Get(e.ctx, acc, id)
	require.NoError(t, err)
	assert.Equal(t, id, d.ID)
	assert.Equal(t, acc, d.AccountID)
	assert.Equal(t, "Loyal", d.Name)
	assert.Equal(t, day(2024, 5, 1), d.FromDate)
	assert.Equal(t, day(2024, 12, 31), d.ToDate)
	assert.Equal(t, "personal", d.Type)
	assertAmount(t, "12.50", d.Percentage)
	assert.Equal(t, int64(2), d.Priority)
	assert.Equal(t, "prolong", d.ActionType)
	assert.Equal(t, "12", d.Period)
	assert.Equal(t, "since 2019", d.Note)

	page, err := e.c.Discounts.List(e.ctx, acc, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	row := page.Items[0]
	assert.Equal(t, id, row.ID)
	assert.Equal(t, "Loyal", row.Name)
	assert.Equal(t, "prolong", row.ActionType.Code)
	assert.Equal(t, "personal", row.DiscountType.Code)
	assert.Equal(t, "12", row.Period.Code)
	assert.Equal(t, billmgr.Status{Code: "1", Label: e.tr("Main provider", "Основной провайдер")}, row.Project)
	assertAmount(t, "12.50", row.Percentage)

	require.NoError(t, e.c.Discounts.Update(e.ctx, acc, id, &billmgr.DiscountParams{Percentage: billmgr.MustDecimal("15")}))
	d, err = e.c.Discounts.Get(e.ctx, acc, id)
	require.NoError(t, err)
	assertAmount(t, "15", d.Percentage)
	assert.Equal(t, "Loyal", d.Name)
	assert.Equal(t, "since 2019", d.Note)
	assert.Equal(t, day(2024, 12, 31), d.ToDate)

	err = e.c.Discounts.Update(e.ctx, acc, id, &billmgr.DiscountParams{ToDate: billmgr.DateOf(day(2024, 4, 30))})
	assertAPIError(t, err, billmgr.ErrInvalid, "todate")
	err = e.c.Discounts.Update(e.ctx, acc, id, &billmgr.DiscountParams{Percentage: billmgr.MustDecimal("100.01")})
	assertAPIError(t, err, billmgr.ErrInvalid, "percentage")

	second, err := e.c.Discounts.Create(e.ctx, acc, &billmgr.DiscountParams{Name: billmgr.Ptr("Promo"), Percentage: billmgr.MustDecimal("5")})
	require.NoError(t, err)
	assert.Len(t, collect(t, e.c.Discounts.All(e.ctx, acc, nil)), 2)
	require.NoError(t, e.c.Discounts.Delete(e.ctx, acc, id))
	_, err = e.c.Discounts.Get(e.ctx, acc, id)
	assertAPIError(t, err, billmgr.ErrNotFound, "elid")
	left := collect(t, e.c.Discounts.All(e.ctx, acc, nil))
	require.Len(t, left, 1)
	assert.Equal(t, second, left[0].ID)
}

func testTaxRules(t *testing.T, e *env) {
	acc := e.register(t, "kim@example.com")
	id, err := e.c.TaxRules.Create(e.ctx, acc, &billmgr.TaxRuleParams{
		Project:         billmgr.Ptr(int64(2)),
		Country:         billmgr.Ptr(int64(233)),
		TaxRate:         billmgr.MustDecimal("7.25"),
		SpecialItemType: billmgr.Ptr(billmgr.OnOff(true)),
		ItemType:        billmgr.Ptr("vds"),
	})
	require.NoError(t, err)

	d, err := e.c.TaxRules.Get(e.ctx, acc, id)
	require.NoError(t, err)
	assert.Equal(t, billmgr.TaxRuleDetails{ID: id, AccountID: acc, Project: 2, Country: 233,
		TaxRate: d.TaxRate, SpecialItemType: true, ItemType: "vds"}, *d)
	assertAmount(t, "7.25", d.TaxRate)

	rows := collect(t, e.c.TaxRules.All(e.ctx, acc, nil))
	require.Len(t, rows, 1)
	row := rows[0]
	assert.Equal(t, id, row.ID)
	assert.Equal(t, billmgr.Status{Code: "special", Label: e.tr("Special rule", "Особое правило")}, row.Type)
	assert.Equal(t, billmgr.Status{Code: "2", Label: e.tr("Cloud provider", "Облачный провайдер")}, row.Project)
	assert.Equal(t, billmgr.Status{Code: "233", Label: e.tr("United States", "Соединенные Штаты Америки")}, row.Country)
	assertAmount(t, "7.25", row.TaxRate)
	assert.Equal(t, "vds", row.ItemType)

	require.NoError(t, e.c.TaxRules.Update(e.ctx, acc, id, &billmgr.TaxRuleParams{TaxRate: billmgr.MustDecimal("8")}))
	d, err = e.c.TaxRules.Get(e.ctx, acc, id)
	require.NoError(t, err)
	assertAmount(t, "8", d.TaxRate)
	assert.Equal(t, int64(233), d.Country)
	assert.Equal(t, "vds", d.ItemType)
	err = e.c.TaxRules.Update(e.ctx, acc, id, &billmgr.TaxRuleParams{Country: billmgr.Ptr(int64(999))})
	assertAPIError(t, err, billmgr.ErrInvalid, "country")

	require.NoError(t, e.c.TaxRules.Delete(e.ctx, acc, id))
	page, err := e.c.TaxRules.List(e.ctx, acc, nil)
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	_, err = e.c.TaxRules.Get(e.ctx, acc, id)
	assertAPIError(t, err, billmgr.ErrNotFound, "elid")
}

func testCurrencyRates(t *testing.T, e *env) {
	acc := e.register(t, "lea@example.com")
	id, err := e.c.CurrencyRates.Create(e.ctx, acc, &billmgr.CurrencyRateParams{
		CurrencyBase:   billmgr.Ptr(int64(126)),
		CurrencyRelate: billmgr.Ptr(int64(153)),
		Rate:           billmgr.MustDecimal("92.4567"),
		Amount:         billmgr.MustDecimal("1"),
		RateDate:       billmgr.DateOf(day(2024, 5, 7)),
	})
	require.NoError(t, err)

	d, err := e.c.CurrencyRates.Get(e.ctx, acc, id)
	require.NoError(t, err)
	assert.Equal(t, id, d.ID)
	assert.Equal(t, acc, d.AccountID)
	assert.Equal(t, int64(126), d.CurrencyBase)
	assert.Equal(t, int64(153), d.CurrencyRelate)
	assertAmount(t, "92.4567", d.Rate)
	assertAmount(t, "1", d.Amount)
	assert.Equal(t, day(2024, 5, 7), d.RateDate)

	page, err := e.c.CurrencyRates.List(e.ctx, acc, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	row := page.Items[0]
	assert.Equal(t, id, row.ID)
	assert.Equal(t, "RUB", row.CurrencyBase)
	assert.Equal(t, "USD", row.CurrencyRelate)
	assertAmount(t, "92.4567", row.Rate)
	assert.Equal(t, day(2024, 5, 7), row.RateDate)

	require.NoError(t, e.c.CurrencyRates.Update(e.ctx, acc, id, &billmgr.CurrencyRateParams{Rate: billmgr.MustDecimal("93.10")}))
	d, err = e.c.CurrencyRates.Get(e.ctx, acc, id)
	require.NoError(t, err)
	assertAmount(t, "93.10", d.Rate)
	assert.Equal(t, int64(153), d.CurrencyRelate)
	assert.Equal(t, day(2024, 5, 7), d.RateDate)

	err = e.c.CurrencyRates.Update(e.ctx, acc, id, &billmgr.CurrencyRateParams{CurrencyRelate: billmgr.Ptr(int64(126))})
	assertAPIError(t, err, billmgr.ErrInvalid, "currency_relate")

	require.NoError(t, e.c.CurrencyRates.Delete(e.ctx, acc, id))
	assert.Empty(t, collect(t, e.c.CurrencyRates.All(e.ctx, acc, nil)))
	assertAPIError(t, e.c.CurrencyRates.Delete(e.ctx, acc, id), billmgr.ErrNotFound, "elid")
}

func testGroupsAndProviders(t *testing.T, e *env) {
	acc := e.register(t, "max@example.com")
	on := billmgr.Status{Code: billmgr.StatusOn, Label: e.tr("Enabled", "Включен")}
	off := billmgr.Status{Code: billmgr.StatusOff, Label: e.tr("Disabled", "Выключен")}

	groups := func() map[int64]billmgr.Status {
		t.Helper()
		page, err := e.c.Accounts.Groups(e.ctx, acc, nil)
		require.NoError(t, err)
		out := map[int64]billmgr.Status{}
		for _, g := range page.Items {
			out[g.ID] = g.Status
		}
		return out
	}
	assert.Equal(t, map[int64]billmgr.Status{1: off, 2: off, 3: off}, groups())
	require.NoError(t, e.c.Accounts.ResumeGroups(e.ctx, acc, 1, 3))
	assert.Equal(t, map[int64]billmgr.Status{1: on, 2: off, 3: on}, groups())
	require.NoError(t, e.c.Accounts.SuspendGroups(e.ctx, acc, 1))
	assert.Equal(t, map[int64]billmgr.Status{1: off, 2: off, 3: on}, groups())
	assertAPIError(t, e.c.Accounts.ResumeGroups(e.ctx, acc, 4), billmgr.ErrNotFound, "elid")

	page, err := e.c.Accounts.Providers(e.ctx, acc, &billmgr.ListOptions{Sort: "id"})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	assert.Equal(t, billmgr.Provider{ID: 1, Name: e.tr("Main provider", "Основной провайдер"), Status: on}, page.Items[0])
	assert.Equal(t, billmgr.Provider{ID: 2, Name: e.tr("Cloud provider", "Облачный провайдер"), Status: off}, page.Items[1])
	require.NoError(t, e.c.Accounts.ResumeProviders(e.ctx, acc, 2))
	require.NoError(t, e.c.Accounts.SuspendProviders(e.ctx, acc, 1))
	page, err = e.c.Accounts.Providers(e.ctx, acc, &billmgr.ListOptions{Sort: "id"})
	require.NoError(t, err)
	assert.Equal(t, off, page.Items[0].Status)
	assert.Equal(t, on, page.Items[1].Status)
}

func testAccountAdmin(t *testing.T, e *env) {
	id, err := e.c.Accounts.Create(e.ctx, &billmgr.AccountParams{
		Email:      billmgr.Ptr("nia@example.com"),
		Password:   billmgr.Ptr("s3cret"),
		Confirm:    billmgr.Ptr("s3cret"),
		RealName:   billmgr.Ptr("Nia Long"),
		Country:    billmgr.Ptr(int64(81)),
		ValidPhone: billmgr.Ptr("+49 30 123456"),
		Note:       billmgr.Ptr("VIP"),
		NoCalcStat: billmgr.Ptr(billmgr.OnOff(true)),
	})
	require.NoError(t, err)
	assert.Len(t, e.subaccounts(t, id), 1, "a created client has a personal account too")

	d, err := e.c.Accounts.Get(e.ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "nia@example.com", d.Email)
	assert.Equal(t, "Nia Long", d.RealName)
	assert.Equal(t, int64(81), d.Country)
	assert.Equal(t, "+49 30 123456", d.ValidPhone)
	assert.Equal(t, "VIP", d.Note)
	assert.True(t, bool(d.NoCalcStat))

	require.NoError(t, e.c.Accounts.Update(e.ctx, id, &billmgr.AccountParams{Note: billmgr.Ptr("VIP since May"), Name: billmgr.Ptr("Nia")}))
	d, err = e.c.Accounts.Get(e.ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "VIP since May", d.Note)
	assert.Equal(t, "Nia", d.Name)
	assert.Equal(t, "Nia Long", d.RealName)
	assert.Equal(t, "+49 30 123456", d.ValidPhone)
	assert.Equal(t, int64(81), d.Country)

	// The client logs in with the password set by the administrator.
	own := e.client(t, billmgr.WithAuthInfo("nia@example.com", "s3cret"))
	_, err = own.Payments.Add(e.ctx, &billmgr.PaymentAddParams{Amount: billmgr.MustDecimal("1.00"), Paymethod: 1})
	require.NoError(t, err)

	other := e.register(t, "oli@example.com")
	err = e.c.Accounts.Update(e.ctx, other, &billmgr.AccountParams{Email: billmgr.Ptr("NIA@example.com")})
	assertAPIError(t, err, billmgr.ErrExists, "email")
	err = e.c.Accounts.Update(e.ctx, other, &billmgr.AccountParams{Password: billmgr.Ptr("s3cret-a"), Confirm: billmgr.Ptr("s3cret-b")})
	assertAPIError(t, err, billmgr.ErrInvalid, "confirm")
	_, err = e.c.Accounts.Create(e.ctx, &billmgr.AccountParams{Email: billmgr.Ptr("oli@example.com")})
	assertAPIError(t, err, billmgr.ErrExists, "email")

	link, err := e.c.Accounts.LoginURL(e.ctx, other)
	require.NoError(t, err)
	u, err := url.Parse(link)
	require.NoError(t, err)
	assert.Equal(t, e.srv.URL, u.Scheme+"://"+u.Host+u.Path)
	assert.Equal(t, "oli@example.com", u.Query().Get("username"))
	assert.Contains(t, e.open(t, link), `level="16"`, "the link logs the client in")

	require.NoError(t, e.c.Accounts.Delete(e.ctx, id, other))
	_, err = e.c.Accounts.Get(e.ctx, id)
	assertAPIError(t, err, billmgr.ErrNotFound, "elid")
	assert.Empty(t, collect(t, e.c.Accounts.All(e.ctx, nil)))
	assertAPIError(t, e.c.Accounts.Delete(e.ctx, id), billmgr.ErrNotFound, "elid")
}

// subaccounts returns every personal account of the client.
func (e *env) subaccounts(t *testing.T, accountID int64) []billmgr.Subaccount {
	t.Helper()
	return collect(t, e.c.Subaccounts.All(e.ctx, accountID, nil))
}

// open fetches a URL of the fake as a browser would and returns the body.
func (e *env) open(t *testing.T, link string) string {
	t.Helper()
	resp, err := e.srv.Client().Get(link)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}

func testAccountMessages(t *testing.T, e *env) {
	acc := e.register(t, "pat@example.com")
	ticket, err := e.c.Accounts.WriteTicket(e.ctx, acc, &billmgr.TicketParams{Subject: "Welcome", Message: "Hello!"})
	require.NoError(t, err)
	require.NoError(t, e.c.Accounts.SendSMS(e.ctx, acc, &billmgr.SMSParams{Type: billmgr.Ptr("other"), Phone: billmgr.Ptr("+7 900 111-22-33"), Message: "Code 1234"}))
	assert.Equal(t, []billmgrtest.Message{
		{Kind: "ticket", ID: ticket, AccountID: acc, Subject: "Welcome", Text: "Hello!"},
		{Kind: "sms", AccountID: acc, Phone: "+7 900 111-22-33", PhoneType: "other", Text: "Code 1234"},
	}, e.srv.Outbox(acc))

	// The client has no verified phone to send to.
	err = e.c.Accounts.SendSMS(e.ctx, acc, &billmgr.SMSParams{Message: "Code 1234"})
	assertAPIError(t, err, billmgr.ErrInvalid, "phone")
	_, err = e.c.Accounts.WriteTicket(e.ctx, acc, &billmgr.TicketParams{Subject: "No text"})
	assertAPIError(t, err, billmgr.ErrInvalid, "message")
	assert.Len(t, e.srv.Outbox(acc), 2)
}

func testAccountFilter(t *testing.T, e *env) {
	for _, email := range []string{"quinn@example.com", "ray@example.com", "rita@example.org"} {
		e.register(t, email)
	}
	count := func(opts *billmgr.AccountListOptions) int {
		t.Helper()
		page, err := e.c.Accounts.List(e.ctx, opts)
		require.NoError(t, err)
		assert.Equal(t, len(page.Items), page.Total)
		return len(page.Items)
	}
	assert.Equal(t, 3, count(nil))
	assert.Equal(t, 2, count(&billmgr.AccountListOptions{Email: "r"}), "inline filters apply to one call")
	assert.Equal(t, 3, count(&billmgr.AccountListOptions{AccountStatus: billmgr.AccountActive}))

	require.NoError(t, e.c.Accounts.SaveFilter(e.ctx, &billmgr.AccountFilter{Email: "example.com"}))
	assert.Equal(t, 2, count(nil))
	assert.Len(t, collect(t, e.c.Accounts.All(e.ctx, nil)), 2)
	assert.Equal(t, 1, count(&billmgr.AccountListOptions{Email: "ray"}), "inline filters add to the saved one")
	f, err := e.c.Accounts.GetFilter(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, billmgr.AccountFilter{Email: "example.com"}, *f)

	require.NoError(t, e.c.Accounts.ResetFilter(e.ctx))
	assert.Equal(t, 3, count(nil))
	f, err = e.c.Accounts.GetFilter(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, billmgr.AccountFilter{}, *f)
}

func testPaymentFilter(t *testing.T, e *env) {
	acc := e.register(t, "sam@example.com")
	e.credit(t, acc, "10.00")
	e.newPayment(t, acc, "20.00")
	_, err := e.c.Payments.Create(e.ctx, acc, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("30.00"), Paymethod: billmgr.Ptr(int64(2)), Number: billmgr.Ptr("CARD-1")})
	require.NoError(t, err)
	count := func(opts *billmgr.PaymentListOptions) int {
		t.Helper()
		page, err := e.c.Payments.List(e.ctx, acc, opts)
		require.NoError(t, err)
		return len(page.Items)
	}
	assert.Equal(t, 3, count(nil))
	assert.Equal(t, 2, count(&billmgr.PaymentListOptions{Status: billmgr.PaymentNew}))
	assert.Equal(t, 1, count(&billmgr.PaymentListOptions{Paymethod: 2}))
	assert.Equal(t, 1, count(&billmgr.PaymentListOptions{Number: "card"}))
	assert.Equal(t, 0, count(&billmgr.PaymentListOptions{CreatedFrom: billmgr.DateOf(day(2024, 5, 8))}))
	assert.Equal(t, 3, count(&billmgr.PaymentListOptions{CreatedTo: billmgr.DateOf(day(2024, 5, 7))}))

	f, err := e.c.Payments.GetFilter(e.ctx, acc)
	require.NoError(t, err)
	assert.False(t, f.Active())

	require.NoError(t, e.c.Payments.SaveFilter(e.ctx, acc, &billmgr.PaymentFilter{Status: billmgr.PaymentCredited}))
	assert.Equal(t, 1, count(nil))
	assert.Len(t, collect(t, e.c.Payments.All(e.ctx, acc, nil)), 1)
	assert.Equal(t, 0, count(&billmgr.PaymentListOptions{Status: billmgr.PaymentNew}))
	f, err = e.c.Payments.GetFilter(e.ctx, acc)
	require.NoError(t, err)
	assert.True(t, f.Active())
	assert.Equal(t, billmgr.PaymentCredited, f.Status)

	require.NoError(t, e.c.Payments.SaveFilter(e.ctx, acc, &billmgr.PaymentFilter{CreatedFrom: day(2024, 5, 1), CreatedTo: day(2024, 5, 6)}))
	assert.Equal(t, 0, count(nil), "saving replaces the whole filter")
	f, err = e.c.Payments.GetFilter(e.ctx, acc)
	require.NoError(t, err)
	assert.Equal(t, billmgr.PaymentFilter{CreateDate: "other", CreatedFrom: day(2024, 5, 1), CreatedTo: day(2024, 5, 6)}, *f)

	require.NoError(t, e.c.Payments.ResetFilter(e.ctx, acc))
	assert.Equal(t, 3, count(nil))
	f, err = e.c.Payments.GetFilter(e.ctx, acc)
	require.NoError(t, err)
	assert.False(t, f.Active())
}

// testClientFilter: account.setfilter narrows the payment and expense lists to one client
// until each list's filter is reset.
func testClientFilter(t *testing.T, e *env) {
	ann, bob := e.register(t, "tia@example.com"), e.register(t, "uma@example.com")
	for _, acc := range []int64{ann, bob} {
		e.credit(t, acc, "10.00")
		_, err := e.c.Expenses.Create(e.ctx, acc, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("1.00")})
		require.NoError(t, err)
	}
	payments := func(acc int64) int { return len(collect(t, e.c.Payments.All(e.ctx, acc, nil))) }
	expenses := func(acc int64) int { return len(collect(t, e.c.Expenses.All(e.ctx, acc, nil))) }

	require.NoError(t, e.c.Accounts.SetFilter(e.ctx, ann))
	assert.Equal(t, 1, payments(ann))
	assert.Equal(t, 0, payments(bob))
	assert.Equal(t, 1, expenses(ann))
	assert.Equal(t, 0, expenses(bob))

	require.NoError(t, e.c.Payments.ResetFilter(e.ctx, bob))
	assert.Equal(t, 1, payments(bob))
	assert.Equal(t, 0, expenses(bob), "the expense list keeps its own filter")
	require.NoError(t, e.c.Expenses.ResetFilter(e.ctx, bob))
	assert.Equal(t, 1, expenses(bob))
}

func testAccess(t *testing.T, e *env) {
	acc := e.register(t, "vic@example.com")
	e.register(t, "wes@example.com")
	pay := e.newPayment(t, acc, "10.00")

	asClient := e.c.As("vic@example.com")
	own := e.client(t, billmgr.WithAuthInfo("vic@example.com", "pw-vic@example.com"))
	for name, c := range map[string]*billmgr.Client{"su": asClient, "own login": own} {
		adminOnly := map[string]func() error{
			"Accounts.List": func() error { _, err := c.Accounts.List(e.ctx, nil); return err },
			"Accounts.Get":  func() error { _, err := c.Accounts.Get(e.ctx, acc); return err },
			"Payments.List": func() error { _, err := c.Payments.List(e.ctx, acc, nil); return err },
			"Payments.SetPaid": func() error {
				return c.Payments.SetPaid(e.ctx, pay)
			},
			"Expenses.Create": func() error {
				_, err := c.Expenses.Create(e.ctx, acc, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("1.00")})
				return err
			},
			"Accounts.Delete": func() error { return c.Accounts.Delete(e.ctx, acc) },
		}
		for fn, call := range adminOnly {
			err := call()
			assert.ErrorIs(t, err, billmgr.ErrAccess, "%s: %s", name, fn)
		}

		// payment.add is the client's own function; the wizard leaves the payment initiated.
		added, err := c.Payments.Add(e.ctx, &billmgr.PaymentAddParams{Amount: billmgr.MustDecimal("25.50"), Paymethod: 2})
		require.NoError(t, err, name)
		row := e.payment(t, acc, added.ID)
		assert.Equal(t, billmgr.PaymentInitiated, row.Status.Code)
		assert.Equal(t, "25.50 RUB", row.SubaccountAmount.String())
		assert.Equal(t, e.tr("Bank card", "Банковская карта"), row.PaymethodName)
	}
	e.assertBalance(t, acc, "0.00")
	assert.Equal(t, billmgr.PaymentNew, e.payment(t, acc, pay).Status.Code, "the refused setpaid changed nothing")

	// A client may not act as someone else; the administrator must name a client to add a
	// payment; a wrong password is an auth error.
	_, err := own.As("wes@example.com").Accounts.List(e.ctx, nil)
	assertAPIError(t, err, billmgr.ErrAccess, "su")
	_, err = e.c.Payments.Add(e.ctx, &billmgr.PaymentAddParams{Amount: billmgr.MustDecimal("1.00"), Paymethod: 1})
	assertAPIError(t, err, billmgr.ErrInvalid, "su")
	_, err = e.c.As("nobody@example.com").Payments.Add(e.ctx, &billmgr.PaymentAddParams{Amount: billmgr.MustDecimal("1.00"), Paymethod: 1})
	assertAPIError(t, err, billmgr.ErrNotFound, "su")
	_, err = e.client(t, billmgr.WithAuthInfo("vic@example.com", "wrong")).Accounts.List(e.ctx, nil)
	assertAPIError(t, err, billmgr.ErrAuth, "badpassword")
}

// testClientPayment follows a client's own payment as the recorded BILLmanager 6 flow
// does: the client lists the methods it can pay with (payment.add.method); payment.add
// makes it initiated and sends the client to the payment method's page;
// the client's list leaves it out until the payment system reports it (payment.setinpay,
// by the payment module); payment.setpaid credits it.
func testClientPayment(t *testing.T, e *env) {
	acc := e.register(t, "pia@example.com")
	own := e.client(t, billmgr.WithSession("pia@example.com", "pw-pia@example.com"))

	// The checkout lists the methods the client can pay with, and the client picks the card.
	methods, err := own.Payments.Methods(e.ctx, &billmgr.PaymentMethodsParams{Amount: billmgr.MustDecimal("150.00")})
	require.NoError(t, err)
	require.Len(t, methods, 3)
	card := methods[1]
	assert.Equal(t, int64(2), card.ID)
	assert.Equal(t, e.tr("Bank card", "Банковская карта"), card.Name)
	assert.NotEmpty(t, card.Desc)
	assert.Equal(t, "/manimg/common/plugin-logo/billmanager-plugin-pmtinkoff.png", card.Image)
	assertAmount(t, "150.00", card.Amount.Amount)
	assert.Equal(t, "RUB", card.Amount.Currency, "the fake's methods take no commission")
	_, err = e.c.Payments.Methods(e.ctx, &billmgr.PaymentMethodsParams{Amount: billmgr.MustDecimal("150.00")})
	assertAPIError(t, err, billmgr.ErrInvalid, "su")

	added, err := own.Payments.Add(e.ctx, &billmgr.PaymentAddParams{Amount: billmgr.MustDecimal("150.00"), Paymethod: card.ID})
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSuffix(e.srv.URL, "/billmgr")+"/mancgi/tinkoffpayment?elid="+fmt.Sprint(added.ID), added.PaymentURL,
		"the page of the payment method, absolute")
	assert.Equal(t, billmgr.PaymentInitiated, e.payment(t, acc, added.ID).Status.Code, "the administrator sees it initiated")
	mine := collect(t, own.Payments.AllOwn(e.ctx, nil))
	assert.Empty(t, mine, "the client does not see an initiated payment")

	// The payment system took the order: its module reports it.
	_, err = e.c.Call(e.ctx, "payment.setinpay", url.Values{"elid": {fmt.Sprint(added.ID)}, "externalid": {"4373191790"},
		"info": {`{"Status": "NEW"}`}})
	require.NoError(t, err)
	page, err := own.Payments.ListOwn(e.ctx, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	row := page.Items[0]
	assert.Equal(t, added.ID, row.ID)
	assert.Equal(t, billmgr.Status{Code: billmgr.PaymentInPay, Label: e.tr("Payment in progress", "Оплачивается")}, row.Status)
	assert.True(t, row.PayDate.IsZero(), "not paid yet: no pay date")
	assert.Equal(t, "pmtinkoff", row.PaymethodModule)
	assert.Equal(t, "150.00 RUB", row.SubaccountAmount.String())
	d, err := e.c.Payments.Get(e.ctx, acc, added.ID)
	require.NoError(t, err)
	assert.Equal(t, `{"Status": "NEW"}`, d.Info, "what the payment system reported")

	// A client may not report payments; a credited payment is not put back in payment.
	_, err = own.Call(e.ctx, "payment.setinpay", url.Values{"elid": {fmt.Sprint(added.ID)}})
	assertAPIError(t, err, billmgr.ErrAccess, "payment.setinpay")
	require.NoError(t, e.c.Payments.SetPaid(e.ctx, added.ID))
	_, err = e.c.Call(e.ctx, "payment.setinpay", url.Values{"elid": {fmt.Sprint(added.ID)}})
	assertAPIError(t, err, billmgr.ErrInvalid, "status")

	row = collect(t, own.Payments.AllOwn(e.ctx, nil))[0]
	assert.Equal(t, billmgr.PaymentCredited, row.Status.Code)
	assert.Equal(t, fixedNow.Truncate(24*time.Hour), row.PayDate)
	e.assertBalance(t, acc, "150.00")

	// The administrator's own list (payment without su) has every client's payments.
	other := e.register(t, "quincy@example.com")
	initiated, err := e.c.As("quincy@example.com").Payments.Add(e.ctx, &billmgr.PaymentAddParams{Amount: billmgr.MustDecimal("1.00"), Paymethod: 1})
	require.NoError(t, err)
	all, err := e.c.Payments.ListOwn(e.ctx, nil)
	require.NoError(t, err)
	var accounts []string
	for _, p := range all.Items {
		accounts = append(accounts, p.AccountName)
	}
	assert.ElementsMatch(t, []string{"Client pia@example.com", "Client quincy@example.com"}, accounts)
	assert.Equal(t, initiated.ID, all.Items[0].ID, "newest first")
	assert.Equal(t, billmgr.PaymentInitiated, all.Items[0].Status.Code)
	assert.Equal(t, billmgr.PaymentInitiated, e.payment(t, other, initiated.ID).Status.Code)
}

// testWhoami reads the user the calls run as: a client through As or its own login, and
// the administrator.
func testWhoami(t *testing.T, e *env) {
	acc := e.register(t, "una@example.com")
	e.credit(t, acc, "12.34")
	for name, c := range map[string]*billmgr.Client{
		"su":        e.c.As("una@example.com"),
		"own login": e.client(t, billmgr.WithAuthInfo("una@example.com", "pw-una@example.com")),
	} {
		u, err := c.Whoami(e.ctx)
		require.NoError(t, err, name)
		assert.Equal(t, acc, u.AccountID, name)
		assert.Equal(t, "una@example.com", u.Name, name)
		assert.Equal(t, "una@example.com", u.Email, name)
		assert.Equal(t, "Client una@example.com", u.RealName, name)
		assert.Equal(t, 16, u.Level, name)
		assert.Equal(t, e.lang, u.Lang, name)
		assert.Positive(t, u.ID, name)
		assertAmount(t, "12.34", u.Balance.Amount)
		assert.Equal(t, "RUB", u.Balance.Currency, "whoami names the ISO code")
		assert.Equal(t, int64(126), u.CurrencyID, name)
		assert.Equal(t, fixedNow, u.Registered, name)
	}
	admin, err := e.c.Whoami(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, e.srv.AdminUser, admin.Name)
	assert.Equal(t, 29, admin.Level)
	assert.Zero(t, admin.AccountID)
	assert.True(t, admin.Balance.IsZero())
	assert.True(t, admin.Registered.IsZero())
}

// testPaymentOrder: payment lists come newest first, as the real server sends them;
// ListOptions.Sort and Order change the order, and a column the list does not show is
// ignored.
func testPaymentOrder(t *testing.T, e *env) {
	acc := e.register(t, "vera@example.com")
	first := e.newPayment(t, acc, "3.00")
	second := e.newPayment(t, acc, "1.00")
	third := e.newPayment(t, acc, "2.00")
	ids := func(opts billmgr.ListOptions) []int64 {
		t.Helper()
		page, err := e.c.Payments.List(e.ctx, acc, &billmgr.PaymentListOptions{ListOptions: opts})
		require.NoError(t, err)
		var out []int64
		for _, p := range page.Items {
			out = append(out, p.ID)
		}
		return out
	}
	assert.Equal(t, []int64{third, second, first}, ids(billmgr.ListOptions{}), "newest first")
	assert.Equal(t, []int64{first, second, third}, ids(billmgr.ListOptions{Order: "asc"}))
	assert.Equal(t, []int64{second, third, first}, ids(billmgr.ListOptions{Sort: "subaccountamount_iso"}))
	assert.Equal(t, []int64{first, third, second}, ids(billmgr.ListOptions{Sort: "subaccountamount_iso", Order: "desc"}))
	assert.Equal(t, []int64{third, second, first}, ids(billmgr.ListOptions{Sort: "no_such_column"}), "ignored")
	var walked []int64
	for p, err := range e.c.Payments.All(e.ctx, acc, nil) {
		require.NoError(t, err)
		walked = append(walked, p.ID)
	}
	assert.ElementsMatch(t, []int64{first, second, third}, walked)
}

// testCurrencySymbols: an installation whose currencies have symbols prints them after
// amounts ("5.00 $"); the ISO code comes from a symbol table, here learned from the
// client's personal accounts, whose Currency column names the code.
func testCurrencySymbols(t *testing.T, e *env) {
	e = newEnv(t, e.lang, billmgrtest.WithSeed(billmgrtest.Seed{
		Currencies: []billmgrtest.SeedCurrency{{ISO: "USD", Symbol: "$"}, {ISO: "RUB", Symbol: "₽"}},
		Accounts: []billmgrtest.SeedAccount{{Email: "walt@example.com", Currency: "USD",
			Balance: decimal.RequireFromString("12.345"), Payments: []billmgrtest.SeedPayment{{Amount: decimal.RequireFromString("5"), Status: 4}}}},
	}))
	acc := e.srv.AccountID("walt@example.com")
	_, err := e.c.Subaccounts.Create(e.ctx, acc, &billmgr.SubaccountParams{SubaccountCurrency: billmgr.Ptr(int64(126))})
	require.NoError(t, err)

	subs := collect(t, e.c.Subaccounts.All(e.ctx, acc, nil))
	require.Len(t, subs, 2)
	main := subs[0]
	assertAmount(t, "12.345", main.Balance.Amount) // printed with its full scale: "12.3450 $"
	assert.Equal(t, "$", main.Balance.Currency, "the symbol, as printed")
	assert.Equal(t, "USD", main.Currency)
	payment := collect(t, e.c.Payments.All(e.ctx, acc, nil))[0]
	assert.Equal(t, "5.00 $", payment.SubaccountAmount.String())

	symbols, err := billmgr.CurrencySymbolsOf(subs)
	require.NoError(t, err)
	assert.Equal(t, billmgr.CurrencySymbols{"$": "USD", "₽": "RUB"}, symbols)
	iso, err := symbols.ISO(payment.SubaccountAmount)
	require.NoError(t, err)
	assert.Equal(t, "USD", iso)

	u, err := e.c.As("walt@example.com").Whoami(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, "USD", u.Balance.Currency, "whoami names the code, whatever the symbol")
}

// testPlaceholders: the real server writes " - " for a missing payer, recipient or
// payment method name; the raw text stays reachable through Call.
func testPlaceholders(t *testing.T, e *env) {
	acc := e.register(t, "xavi@example.com")
	e.newPayment(t, acc, "1.00")
	doc, err := e.c.Call(e.ctx, "account.payment", url.Values{"elid": {fmt.Sprint(acc)}})
	require.NoError(t, err)
	require.Len(t, doc.Elems(), 1)
	row := doc.Elems()[0]
	assert.Equal(t, " - ", row.Child("sender_name").Text)
	assert.Equal(t, " - ", row.Child("recipient_name").Text)
	assert.Nil(t, row.Child("pay_date"), "an unpaid payment has no pay_date at all")

	page, err := e.c.Payments.List(e.ctx, acc, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Empty(t, page.Items[0].SenderName, "the placeholder reads as no name")
	assert.Empty(t, page.Items[0].RecipientName)
	assert.True(t, page.Items[0].PayDate.IsZero())
}

// testListLimit: a fake that cuts lists as the real server's SQL does (LIMIT) reports the
// cut in the total: the list's rows stop short of it.
func testListLimit(t *testing.T, e *env) {
	e = newEnv(t, e.lang, billmgrtest.WithListLimit(5))
	acc := e.register(t, "yuri@example.com")
	e.srv.AddPayments(acc, 8, decimal.RequireFromString("1.00"))
	page, err := e.c.Payments.List(e.ctx, acc, &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 3, Page: 2}})
	require.NoError(t, err)
	assert.Equal(t, 6, page.Total, "more than the limit: the limit and one")
	assert.Len(t, page.Items, 2, "rows 4 and 5 of at most 5")
	page, err = e.c.Payments.List(e.ctx, acc, &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 3, Page: 3}})
	require.NoError(t, err)
	assert.Equal(t, 2, page.Number, "no page past the cut")

	var walked int
	var short *billmgr.ShortListError
	for _, err := range e.c.Payments.All(e.ctx, acc, &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 3}}) {
		if err != nil {
			require.ErrorAs(t, err, &short, "All says the list is cut")
			break
		}
		walked++
	}
	assert.Equal(t, 5, walked, "the rows up to the cut")
	require.NotNil(t, short, "a walk that ends at the cut is not passed off as the whole list")
	assert.Equal(t, 5, short.Rows)
}

func testNotFound(t *testing.T, e *env) {
	acc := e.register(t, "xena@example.com")
	pay := e.newPayment(t, acc, "1.00")
	none := unknownID
	calls := map[string]func() error{
		"Accounts.Get":               func() error { _, err := e.c.Accounts.Get(e.ctx, none); return err },
		"Accounts.Update":            func() error { return e.c.Accounts.Update(e.ctx, none, &billmgr.AccountParams{Note: billmgr.Ptr("x")}) },
		"Accounts.LoginURL":          func() error { _, err := e.c.Accounts.LoginURL(e.ctx, none); return err },
		"Accounts.SetFilter":         func() error { return e.c.Accounts.SetFilter(e.ctx, none) },
		"Accounts.Groups":            func() error { _, err := e.c.Accounts.Groups(e.ctx, none, nil); return err },
		"Accounts.Providers":         func() error { _, err := e.c.Accounts.Providers(e.ctx, none, nil); return err },
		"Payments.List":              func() error { _, err := e.c.Payments.List(e.ctx, none, nil); return err },
		"Payments.Get":               func() error { _, err := e.c.Payments.Get(e.ctx, acc, none); return err },
		"Payments.SetPaid":           func() error { return e.c.Payments.SetPaid(e.ctx, pay, none) },
		"Payments.Send":              func() error { return e.c.Payments.Send(e.ctx, none) },
		"Payments.Delete":            func() error { return e.c.Payments.Delete(e.ctx, none) },
		"Payments.History":           func() error { _, err := e.c.Payments.History(e.ctx, none); return err },
		"Payments.Print":             func() error { _, err := e.c.Payments.Print(e.ctx, none); return err },
		"Payments.PDF":               func() error { _, err := e.c.Payments.PDF(e.ctx, none); return err },
		"Payments.OrderInfo":         func() error { _, err := e.c.Payments.OrderInfo(e.ctx, none); return err },
		"Payments.Expenses":          func() error { _, err := e.c.Payments.Expenses(e.ctx, none); return err },
		"Payments.GetExpense":        func() error { _, err := e.c.Payments.GetExpense(e.ctx, pay, none); return err },
		"Subaccounts.Get":            func() error { _, err := e.c.Subaccounts.Get(e.ctx, acc, none); return err },
		"Subaccounts.Suspend":        func() error { return e.c.Subaccounts.Suspend(e.ctx, none) },
		"Discounts.Get":              func() error { _, err := e.c.Discounts.Get(e.ctx, acc, none); return err },
		"Expenses.Get":               func() error { _, err := e.c.Expenses.Get(e.ctx, acc, none); return err },
		"Expenses.Delete":            func() error { return e.c.Expenses.Delete(e.ctx, acc, none) },
		"TaxRules.Get":               func() error { _, err := e.c.TaxRules.Get(e.ctx, acc, none); return err },
		"CurrencyRates.Get":          func() error { _, err := e.c.CurrencyRates.Get(e.ctx, acc, none); return err },
		"Payments.Get other's":       func() error { _, err := e.c.Payments.Get(e.ctx, e.register(t, "yan@example.com"), pay); return err },
		"Discounts.Delete no client": func() error { return e.c.Discounts.Delete(e.ctx, none, 1) },
	}
	for name, call := range calls {
		err := call()
		assert.ErrorIs(t, err, billmgr.ErrNotFound, name)
		var apiErr *billmgr.Error
		if assert.ErrorAs(t, err, &apiErr, name) {
			assert.Contains(t, []string{"elid", "plid"}, apiErr.Object, name)
		}
	}
	e.assertBalance(t, acc, "0.00")
	assert.Equal(t, billmgr.PaymentNew, e.payment(t, acc, pay).Status.Code, "one unknown id fails the whole setpaid")
}

func testAllPayments(t *testing.T, e *env) {
	acc := e.register(t, "zoe@example.com")
	ids := e.srv.AddPayments(acc, 2500, decimal.RequireFromString("0.01"))

	hits := e.srv.Hits("account.payment")
	seen := make(map[int64]int, len(ids))
	var sum decimal.Decimal
	for p, err := range e.c.Payments.All(e.ctx, acc, nil) {
		require.NoError(t, err)
		seen[p.ID]++
		sum = sum.Add(p.SubaccountAmount.Amount)
	}
	assert.Len(t, seen, 2500)
	for _, id := range ids {
		assert.Equal(t, 1, seen[id], "payment %d", id)
	}
	assertAmount(t, "25.00", sum)
	assert.Equal(t, 3, e.srv.Hits("account.payment")-hits, "three pages of at most 1000")

	// Small pages from the middle, and a page past the end repeats the last one.
	seen = map[int64]int{}
	for p, err := range e.c.Payments.All(e.ctx, acc, &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 300, Page: 7}}) {
		require.NoError(t, err)
		seen[p.ID]++
	}
	assert.Len(t, seen, 2500-6*300)
	page, err := e.c.Payments.List(e.ctx, acc, &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 100, Page: 3, Sort: "id"}})
	require.NoError(t, err)
	assert.Equal(t, 3, page.Number)
	assert.Equal(t, 100, page.Size)
	assert.Equal(t, 2500, page.Total)
	require.Len(t, page.Items, 100)
	assert.Equal(t, ids[200], page.Items[0].ID)
	page, err = e.c.Payments.List(e.ctx, acc, &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 1000, Page: 9, Sort: "id", Order: "desc"}})
	require.NoError(t, err)
	assert.Equal(t, 3, page.Number)
	require.Len(t, page.Items, 500)
	assert.Equal(t, ids[499], page.Items[0].ID)

	// Stopping early stops the paging.
	hits = e.srv.Hits("account.payment")
	n := 0
	for _, err := range e.c.Payments.All(e.ctx, acc, nil) {
		require.NoError(t, err)
		if n++; n == 10 {
			break
		}
	}
	assert.Equal(t, 1, e.srv.Hits("account.payment")-hits)
}

func testSession(t *testing.T, e *env) {
	c := e.client(t, billmgr.WithSession(e.srv.AdminUser, e.srv.AdminPassword))
	// Concurrent first calls share one login.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Accounts.List(e.ctx, nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i := range 5 {
		_, err := c.Accounts.Register(e.ctx, &billmgr.RegisterParams{Email: fmt.Sprintf("s%d@example.com", i), Password: "s-secret"})
		require.NoError(t, err)
	}
	assert.Equal(t, 1, e.srv.Hits("auth"), "one login for many calls")

	// An expired session is renewed once; the call it refused is sent again, once.
	e.srv.ExpireSessions()
	_, err := c.Accounts.Register(e.ctx, &billmgr.RegisterParams{Email: "late@example.com", Password: "late-secret"})
	require.NoError(t, err)
	page, err := c.Accounts.List(e.ctx, nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 6)
	assert.Equal(t, 2, e.srv.Hits("auth"))
	assert.Equal(t, 7, e.srv.Hits("register"), "five, and the refused one twice")

	// A copy made with As shares the session, renewals included.
	as := c.As("late@example.com")
	_, err = as.Payments.Add(e.ctx, &billmgr.PaymentAddParams{Amount: billmgr.MustDecimal("1.00"), Paymethod: 1})
	require.NoError(t, err)
	assert.Equal(t, 2, e.srv.Hits("auth"))
	e.srv.ExpireSessions()
	_, err = as.Payments.Add(e.ctx, &billmgr.PaymentAddParams{Amount: billmgr.MustDecimal("1.00"), Paymethod: 1})
	require.NoError(t, err)
	_, err = c.Accounts.List(e.ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, e.srv.Hits("auth"), "the session renewed through the copy serves the original")

	// A client logs in with its own session, too.
	own := e.client(t, billmgr.WithSession("late@example.com", "late-secret"))
	_, err = own.Payments.Add(e.ctx, &billmgr.PaymentAddParams{Amount: billmgr.MustDecimal("1.00"), Paymethod: 1})
	require.NoError(t, err)
	assert.Equal(t, 4, e.srv.Hits("auth"))

	bad := e.client(t, billmgr.WithSession(e.srv.AdminUser, "wrong"))
	_, err = bad.Accounts.List(e.ctx, nil)
	assert.ErrorIs(t, err, billmgr.ErrAuth)
}

func testRawCall(t *testing.T, e *env) {
	acc := e.register(t, "raw@example.com")
	doc, err := e.c.Call(e.ctx, "payment.edit", url.Values{"plid": {fmt.Sprint(acc)}, "sok": {"ok"}, "subaccountamount": {"12.34"}})
	require.NoError(t, err)
	assert.True(t, doc.OK())
	pay := doc.Value("id")
	require.NotEmpty(t, pay)

	doc, err = e.c.Call(e.ctx, "account.payment", url.Values{"elid": {fmt.Sprint(acc)}})
	require.NoError(t, err)
	require.Len(t, doc.Elems(), 1)
	row := doc.Elems()[0]
	assert.Equal(t, pay, row.Value("id"))
	assert.Equal(t, "12.34 RUB", row.Value("subaccountamount_iso"))
	assert.Equal(t, billmgr.PaymentNew, row.Child("status").Attr("orig"))
	assert.Equal(t, e.tr("New", "Новый"), row.Value("status"))
	assert.Equal(t, e.lang, doc.Attr("lang"))
	assert.Equal(t, "1", doc.Value("p_elems"))

	_, err = e.c.Call(e.ctx, "no.such.function", nil)
	assertAPIError(t, err, billmgr.ErrNotFound, "func")
	hits := e.srv.Hits("account")
	_, err = e.c.Call(e.ctx, "account", url.Values{"su": {"raw@example.com"}})
	require.Error(t, err, "su is the client's to set")
	assert.Equal(t, hits, e.srv.Hits("account"), "and is refused before anything is sent")
}

func testLoginKey(t *testing.T, e *env) {
	e.register(t, "key@example.com")
	link, err := e.c.NewLoginKey(e.ctx, "key@example.com")
	require.NoError(t, err)
	u, err := url.Parse(link)
	require.NoError(t, err)
	assert.Equal(t, e.srv.URL, u.Scheme+"://"+u.Host+u.Path)
	assert.Equal(t, "auth", u.Query().Get("func"))
	assert.Len(t, u.Query().Get("key"), 32)

	assert.Contains(t, e.open(t, link), `level="16"`, "the key logs the client in")
	assert.Contains(t, e.open(t, link), `type="auth"`, "once")

	_, err = e.c.NewLoginKey(e.ctx, "nobody@example.com")
	assertAPIError(t, err, billmgr.ErrNotFound, "username")
	_, err = e.c.As("key@example.com").NewLoginKey(e.ctx, "admin")
	assertAPIError(t, err, billmgr.ErrAccess, "session.newkey")
}

func testFaults(t *testing.T, e *env) {
	fast := billmgr.WithRetry(billmgr.RetryPolicy{MaxAttempts: 3, MinDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})
	c := e.client(t, billmgr.WithAuthInfo(e.srv.AdminUser, e.srv.AdminPassword), fast)
	acc := e.register(t, "flaky@example.com")
	pay := e.newPayment(t, acc, "10.00")

	// A read survives two proxy failures and a dropped connection.
	hits := e.srv.Hits("account.payment")
	e.srv.FailNext(2, http.StatusBadGateway)
	page, err := c.Payments.List(e.ctx, acc, nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)
	assert.Equal(t, 3, e.srv.Hits("account.payment")-hits)
	e.srv.DropNext(1)
	_, err = c.Payments.Get(e.ctx, acc, pay)
	require.NoError(t, err)

	// A call that moves money is sent once, whatever happens to it.
	hits = e.srv.Hits("payment.setpaid")
	e.srv.FailNext(1, http.StatusBadGateway)
	err = c.Payments.SetPaid(e.ctx, pay)
	var httpErr *billmgr.HTTPError
	require.ErrorAs(t, err, &httpErr)
	assert.Equal(t, http.StatusBadGateway, httpErr.StatusCode)
	assert.Equal(t, 1, e.srv.Hits("payment.setpaid")-hits)
	e.srv.DropNext(1)
	_, err = c.Payments.Create(e.ctx, acc, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("1.00")})
	require.Error(t, err)
	assert.Len(t, collect(t, c.Payments.All(e.ctx, acc, nil)), 1, "the dropped create was not sent again")
	e.assertBalance(t, acc, "0.00")

	// A slow server meets the caller's deadline.
	e.srv.SetDelay(time.Second)
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Millisecond)
	defer cancel()
	_, err = c.Accounts.List(ctx, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	e.srv.SetDelay(0)
}

// testConcurrent shares one client between goroutines that create and credit payments
// for one client: every kopeck arrives once (run with -race).
func testConcurrent(t *testing.T, e *env) {
	acc := e.register(t, "busy@example.com")
	const workers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				id, err := e.c.Payments.Create(e.ctx, acc, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("0.01")})
				if err == nil {
					err = e.c.Payments.SetPaid(e.ctx, id)
				}
				if err == nil {
					_, err = e.c.Subaccounts.List(e.ctx, acc, nil)
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	e.assertBalance(t, acc, "0.40")
	assert.Len(t, collect(t, e.c.Payments.All(e.ctx, acc, nil)), workers*each)
}

// testLocation runs a fake in Moscow time at 22:30 UTC, already the next day there: a
// client in the same zone reads the same instants and days.
func testLocation(t *testing.T, e *env) {
	msk := time.FixedZone("MSK", 3*60*60)
	now := time.Date(2024, 5, 7, 22, 30, 0, 0, time.UTC)
	e = newEnv(t, e.lang, billmgrtest.WithLocation(msk), billmgrtest.WithClock(func() time.Time { return now }))
	e.c = e.client(t, billmgr.WithAuthInfo(e.srv.AdminUser, e.srv.AdminPassword), billmgr.WithLocation(msk))

	acc := e.register(t, "moscow@example.com")
	pay := e.newPayment(t, acc, "1.00")
	d, err := e.c.Payments.Get(e.ctx, acc, pay)
	require.NoError(t, err)
	assert.True(t, now.Equal(d.CreateDate), "create date %v", d.CreateDate)
	row := e.payment(t, acc, pay)
	assert.Equal(t, time.Date(2024, 5, 8, 0, 0, 0, 0, msk), row.CreateDate)
	page, err := e.c.Payments.List(e.ctx, acc, &billmgr.PaymentListOptions{CreatedFrom: billmgr.DateOf(time.Date(2024, 5, 8, 0, 0, 0, 0, msk))})
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)

	// A date-time set in the client's zone comes back as the same instant.
	paid := time.Date(2024, 5, 9, 10, 0, 0, 0, msk)
	require.NoError(t, e.c.Payments.Update(e.ctx, acc, pay, &billmgr.PaymentParams{PayDate: billmgr.DateTimeOf(paid)}))
	d, err = e.c.Payments.Get(e.ctx, acc, pay)
	require.NoError(t, err)
	assert.True(t, paid.Equal(d.PayDate), "pay date %v", d.PayDate)
}

// TestIntegrationLocalized reads the same state in both languages: codes and amounts are
// the same, the labels differ, and errors keep their type and object.
func TestIntegrationLocalized(t *testing.T) {
	t.Parallel()
	en := newEnv(t, "en")
	ru := &env{lang: "ru", srv: en.srv, ctx: en.ctx}
	ru.c = ru.client(t, billmgr.WithAuthInfo(en.srv.AdminUser, en.srv.AdminPassword))

	acc := en.register(t, "lang@example.com")
	pay := en.credit(t, acc, "100.10")
	en.newPayment(t, acc, "0.20")
	_, err := en.c.TaxRules.Create(en.ctx, acc, &billmgr.TaxRuleParams{Country: billmgr.Ptr(int64(81)), TaxRate: billmgr.MustDecimal("19")})
	require.NoError(t, err)
	_, err = en.c.Expenses.Create(en.ctx, acc, &billmgr.ExpenseParams{Amount: billmgr.MustDecimal("0.10")})
	require.NoError(t, err)

	type labeled struct {
		what        string
		code, label string
	}
	read := func(e *env) []labeled {
		var out []labeled
		add := func(what string, s billmgr.Status) { out = append(out, labeled{what, s.Code, s.Label}) }
		for _, p := range collect(t, e.c.Payments.All(e.ctx, acc, &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{Sort: "id"}})) {
			add(fmt.Sprintf("payment %d status", p.ID), p.Status)
			out = append(out,
				labeled{"payment provider", p.Project.Code, p.Project.Label},
				labeled{"payment method", "", p.PaymethodName},
				labeled{"amount " + p.SubaccountAmount.String(), "", ""})
		}
		for _, a := range collect(t, e.c.Accounts.All(e.ctx, nil)) {
			add("account status", a.AccountStatus)
			add("account provider", a.Project)
		}
		for _, s := range collect(t, e.c.Subaccounts.All(e.ctx, acc, nil)) {
			add("subaccount status", s.Status)
		}
		groups, err := e.c.Accounts.Groups(e.ctx, acc, nil)
		require.NoError(t, err)
		add("group status", groups.Items[1].Status)
		add("group", billmgr.Status{Label: groups.Items[1].Name})
		for _, r := range collect(t, e.c.TaxRules.All(e.ctx, acc, nil)) {
			add("tax rule type", r.Type)
			add("tax rule country", r.Country)
		}
		for _, x := range collect(t, e.c.Expenses.All(e.ctx, acc, nil)) {
			add("expense "+x.Amount.String(), billmgr.Status{Label: x.Name})
		}
		lines, err := e.c.Payments.OrderInfo(e.ctx, pay)
		require.NoError(t, err)
		add("order line", billmgr.Status{Label: lines[0].Info})
		history, err := e.c.Payments.History(e.ctx, pay)
		require.NoError(t, err)
		add("history", billmgr.Status{Label: history[0].Desc})
		_, err = e.c.Accounts.Register(e.ctx, &billmgr.RegisterParams{Email: "lang@example.com", Password: "lang-secret"})
		var apiErr *billmgr.Error
		require.ErrorAs(t, err, &apiErr)
		add("error "+apiErr.Type+"("+apiErr.Object+")", billmgr.Status{Label: apiErr.Msg})
		return out
	}

	inEnglish, inRussian := read(en), read(ru)
	require.Len(t, inRussian, len(inEnglish))
	for i, want := range inEnglish {
		got := inRussian[i]
		assert.Equal(t, want.what, got.what)
		assert.Equal(t, want.code, got.code, want.what)
		if want.label != "" {
			assert.NotEqual(t, want.label, got.label, "%s is localized", want.what)
		}
	}
	assert.Equal(t, billmgr.Status{Code: "4", Label: "Credited"}, billmgr.Status{Code: inEnglish[0].code, Label: inEnglish[0].label})
	assert.Equal(t, billmgr.Status{Code: "4", Label: "Зачислен"}, billmgr.Status{Code: inRussian[0].code, Label: inRussian[0].label})
}

// services are the fields of Client that hold the typed services.
var services = []string{"Accounts", "Payments", "Subaccounts", "Discounts", "Expenses", "TaxRules", "CurrencyRates"}

// TestIntegrationCoversEveryMethod reads this file and requires a use of every exported
// method of the seven services (as client.Service.Method) and of Client.Call, As and
// NewLoginKey, Whoami. A method added to the SDK fails this test until the suite runs it.
func TestIntegrationCoversEveryMethod(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "integration_test.go", nil, 0)
	require.NoError(t, err)
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if inner, ok := sel.X.(*ast.SelectorExpr); ok && slices.Contains(services, inner.Sel.Name) {
			used[inner.Sel.Name+"."+sel.Sel.Name] = true
		}
		used["Client."+sel.Sel.Name] = true
		return true
	})

	c, err := billmgr.NewClient("https://billing.example.com")
	require.NoError(t, err)
	want := []string{"Client.Call", "Client.As", "Client.NewLoginKey", "Client.Whoami"}
	v := reflect.ValueOf(c).Elem()
	for _, name := range services {
		field := v.FieldByName(name)
		require.True(t, field.IsValid(), "Client.%s", name)
		typ := field.Type()
		require.Positive(t, typ.NumMethod(), "Client.%s has methods", name)
		for i := range typ.NumMethod() {
			want = append(want, name+"."+typ.Method(i).Name)
		}
	}
	var missing []string
	for _, m := range want {
		if !used[m] {
			missing = append(missing, m)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "SDK methods the integration suite never calls")
	assert.GreaterOrEqual(t, len(want), 80)
}
