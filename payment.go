package billmgr

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/go-billmgr/billmgr/internal/xmlscan"
)

// PaymentsService calls the payment functions of the account API.
type PaymentsService service

// Payment is a row of a client's payment list (account.payment).
type Payment struct {
	ID               int64     `xml:"id"`
	Number           string    `xml:"number"` // "pfx/6", as the numbering rules of the company or method make it
	CreateDate       time.Time `xml:"create_date"`
	PayDate          time.Time `xml:"pay_date"` // zero while unpaid
	SenderName       string    `xml:"sender_name"`
	RecipientName    string    `xml:"recipient_name"`
	Project          Status    `xml:"project"` // the provider: Code its id, Label its name
	AccountName      string    `xml:"account_name"`
	PaymethodName    string    `xml:"paymethod_name"`
	PaymethodModule  string    `xml:"paymethod_module"` // the payment module, e.g. "pmtinkoff"
	SubaccountAmount Money     `xml:"subaccountamount_iso"`
	PaymethodAmount  Money     `xml:"paymethodamount_iso"`
	// Status.Code is one of PaymentNew … PaymentBeingDeleted.
	Status Status `xml:"status"`
	// RealStatus is the status code the server writes bare beside Status: Code and Label
	// are both that code (the server sends no label for it).
	RealStatus     Status `xml:"real_status"`
	RestrictRefund OnOff  `xml:"restrictrefund"`
	AllowRefund    OnOff  `xml:"allowrefund"` // the payment method can refund this payment
	Refund         OnOff  `xml:"refund"`      // the payment is a refund
}

// PaymentListOptions page, sort and filter a client's payment list. The filter fields are
// sent inline (filter=on) and apply to this call only.
type PaymentListOptions struct {
	ListOptions
	Number    string `url:"number,omitempty"`
	Status    string `url:"status,omitempty"`    // a code: PaymentNew … PaymentBeingDeleted
	Paymethod int64  `url:"paymethod,omitempty"` // a payment method id
	// CreatedFrom and CreatedTo bound the creation date, both days included; either may be
	// left open. Setting one also sends the period createdate=other that they belong to.
	CreatedFrom *Date `url:"createdatestart,omitempty"`
	CreatedTo   *Date `url:"createdateend,omitempty"`
	// PaidFrom and PaidTo bound the pay date, both days included; either may be left open.
	// A payment not paid yet has no pay date and passes neither.
	PaidFrom *Date `url:"payfromdate,omitempty"`
	PaidTo   *Date `url:"paytodate,omitempty"`
}

var (
	paymentList    = subList[Payment]{fn: "account.payment", id: func(p *Payment) int64 { return p.ID }, finish: func(v url.Values) { setCreatePeriod(v, "") }}
	paymentForm    = subForm{fn: "payment.edit", object: "payment"}
	refundForm     = subForm{fn: "payment.refund", object: "payment"}
	paymentFilter  = subFilter{fn: "account.payment.filter"}
	allocationForm = subForm{fn: "payment.expense.edit", parent: "payment", object: "expense"}
	orderLineForm  = subForm{fn: "payment.orderinfo.edit", parent: "payment", object: "line"}
)

// setCreatePeriod sets the period createdate: period when given, else "other" when a bound
// (createdatestart, createdateend) is set, else nothing.
func setCreatePeriod(params url.Values, period string) {
	switch {
	case period != "":
		params.Set("createdate", period)
	case params.Get("createdatestart") != "" || params.Get("createdateend") != "":
		params.Set("createdate", "other")
	}
}

// List returns one page of the payments of client accountID.
//
// A filter saved for the list (SaveFilter, or in the panel) applies as well as the
// options; ResetFilter removes it.
//
// API: account.payment
func (s *PaymentsService) List(ctx context.Context, accountID int64, opts *PaymentListOptions) (*Page[Payment], error) {
	return paymentList.page(ctx, s.client, accountID, opts)
}

// All yields every payment of client accountID, page after page, each payment once. It
// asks for pages of opts.PerPage rows (1000 when unset) starting at opts.Page, and stops at
// the first error, which it yields. A saved filter applies as with List.
//
// API: account.payment
func (s *PaymentsService) All(ctx context.Context, accountID int64, opts *PaymentListOptions) iter.Seq2[Payment, error] {
	return paymentList.all(ctx, s.client, accountID, opts)
}

// PaymentDetails is the payment form (payment.edit).
type PaymentDetails struct {
	ID               int64           `xml:"elid"`
	AccountID        int64           `xml:"plid"`
	Number           string          `xml:"number"`
	CreateDate       time.Time       `xml:"createdate"`
	PayDate          time.Time       `xml:"paydate"`
	DocumentNumber   string          `xml:"documentnumber"`
	DocumentDate     time.Time       `xml:"documentdate"`
	Description      string          `xml:"description"` // the purpose of the payment
	Sender           int64           `xml:"sender"`      // the client's payer id
	SubaccountAmount decimal.Decimal `xml:"subaccountamount"`
	UsedAmount       decimal.Decimal `xml:"usedamount"`
	PaymethodAmount  decimal.Decimal `xml:"paymethodamount"`
	CommissionAmount decimal.Decimal `xml:"commissionamount"`
	TaxAmount        decimal.Decimal `xml:"taxamount_readonly"` // read-only
	Status           string          `xml:"status"`             // a code: PaymentNew … PaymentBeingDeleted
	Paymethod        int64           `xml:"paymethod"`
	RestrictRefund   OnOff           `xml:"restrictrefund"`
	Info             string          `xml:"info"` // what the payment system reported
	Note             string          `xml:"note"` // the staff's comment
	Currency         int64           `xml:"currency"`
}

// PaymentParams are the fields of a payment to create or change. Nil fields are not sent:
// Update changes only what is set.
type PaymentParams struct {
	Number           *string   `url:"number,omitempty"`
	CreateDate       *DateTime `url:"createdate,omitempty"`
	PayDate          *DateTime `url:"paydate,omitempty"`
	DocumentNumber   *string   `url:"documentnumber,omitempty"`
	DocumentDate     *Date     `url:"documentdate,omitempty"`
	Description      *string   `url:"description,omitempty"`
	Sender           *int64    `url:"sender,omitempty"`
	SubaccountAmount *Decimal  `url:"subaccountamount,omitempty"` // credited to the client's account
	UsedAmount       *Decimal  `url:"usedamount,omitempty"`
	PaymethodAmount  *Decimal  `url:"paymethodamount,omitempty"` // in the payment method's currency
	CommissionAmount *Decimal  `url:"commissionamount,omitempty"`
	Status           *string   `url:"status,omitempty"` // a code: PaymentNew … PaymentBeingDeleted
	Paymethod        *int64    `url:"paymethod,omitempty"`
	RestrictRefund   *OnOff    `url:"restrictrefund,omitempty"`
	Info             *string   `url:"info,omitempty"`
	Note             *string   `url:"note,omitempty"`
	Currency         *int64    `url:"currency,omitempty"`
}

// Get reads payment paymentID of client accountID.
//
// API: payment.edit
func (s *PaymentsService) Get(ctx context.Context, accountID, paymentID int64) (*PaymentDetails, error) {
	return subGet[PaymentDetails](ctx, s.client, paymentForm, accountID, paymentID)
}

// Create adds a payment to client accountID and returns its id. The server gives a new
// payment the status PaymentNew; SetPaid credits it. After an error that wraps
// ErrOutcomeUnknown the payment may exist: look for it (List) before creating another.
//
// API: payment.edit
func (s *PaymentsService) Create(ctx context.Context, accountID int64, p *PaymentParams) (int64, error) {
	return paymentForm.create(ctx, s.client, accountID, p)
}

// Update changes the fields set in p of payment paymentID of client accountID.
//
// API: payment.edit
func (s *PaymentsService) Update(ctx context.Context, accountID, paymentID int64, p *PaymentParams) error {
	return paymentForm.update(ctx, s.client, accountID, paymentID, p)
}

// SetPaid credits the payments to their clients' accounts: each gets the status
// PaymentCredited and its amount is added to the balance. After an error that wraps
// ErrOutcomeUnknown they may be credited: check their status (List, History) first.
//
// API: payment.setpaid
func (s *PaymentsService) SetPaid(ctx context.Context, ids ...int64) error {
	return s.client.act(ctx, "payment.setpaid", 0, ids)
}

// Send e-mails the invoices of the payments to their clients.
//
// API: payment.send
func (s *PaymentsService) Send(ctx context.Context, ids ...int64) error {
	return s.client.act(ctx, "payment.send", 0, ids)
}

// Delete deletes the payments. Only unpaid payments can be deleted: the server refuses a
// credited one with a value error on status (ErrInvalid). After an error that wraps
// ErrOutcomeUnknown they may be gone: list them before trying again.
//
// API: payment.delete
func (s *PaymentsService) Delete(ctx context.Context, ids ...int64) error {
	return s.client.act(ctx, "payment.delete", 0, ids)
}

// PaymentFilter is the saved filter of the payment list (account.payment.filter). Once
// saved, the server applies it to every later payment list of the user, API calls
// included, until it is changed or reset.
type PaymentFilter struct {
	Number    string `xml:"number"`
	Status    string `xml:"status"`    // a code: PaymentNew … PaymentBeingDeleted; "" for any
	Paymethod int64  `xml:"paymethod"` // 0 for any
	// CreateDate is the creation period: "nodate" (any date), "other" (CreatedFrom to
	// CreatedTo) or one the panel names, such as "currentmonth". Empty means "other" when
	// a bound is set and "nodate" otherwise.
	CreateDate  string    `xml:"createdate"`
	CreatedFrom time.Time `xml:"createdatestart"` // zero for open
	CreatedTo   time.Time `xml:"createdateend"`   // zero for open
	// PaidFrom and PaidTo bound the pay date, both days included (zero for open); a
	// payment not paid yet passes neither.
	PaidFrom time.Time `xml:"payfromdate"`
	PaidTo   time.Time `xml:"paytodate"`
}

// Active reports whether the filter restricts the list.
func (f *PaymentFilter) Active() bool {
	return *f != PaymentFilter{} && *f != PaymentFilter{CreateDate: "nodate"}
}

// values encodes every field of the filter for fn, the empty ones too: saving replaces the
// whole previous filter. A field it cannot send is a FieldError.
func (f *PaymentFilter) values(fn string) (url.Values, error) {
	faults := findFaults(fn, f)
	v := url.Values{"number": {f.Number}, "status": {f.Status}, "paymethod": {""}}
	if f.Paymethod != 0 {
		v.Set("paymethod", idText(f.Paymethod))
	}
	for _, d := range []struct {
		field string
		t     time.Time
	}{{"CreatedFrom", f.CreatedFrom}, {"CreatedTo", f.CreatedTo}, {"PaidFrom", f.PaidFrom}, {"PaidTo", f.PaidTo}} {
		key := faults.fields.param(d.field)
		v.Set(key, "")
		if !d.t.IsZero() {
			if err := DateOf(d.t).EncodeValues(key, &v); err != nil {
				faults.add(d.field, "%v", err)
			}
		}
	}
	if err := faults.err(); err != nil {
		return nil, err
	}
	v.Set("createdate", "nodate")
	setCreatePeriod(v, f.CreateDate)
	return v, nil
}

// GetFilter reads the payment list filter saved for the user, as shown for client
// accountID.
//
// API: account.payment.filter
func (s *PaymentsService) GetFilter(ctx context.Context, accountID int64) (*PaymentFilter, error) {
	return filterGet[PaymentFilter](ctx, s.client, paymentFilter, accountID)
}

// SaveFilter saves f as the payment list filter, replacing the previous one. It then
// applies to every later List and All until changed: prefer the inline filters of
// PaymentListOptions, which apply to one call.
//
// API: account.payment.filter
func (s *PaymentsService) SaveFilter(ctx context.Context, accountID int64, f *PaymentFilter) error {
	const fn = "account.payment.filter"
	if err := checkID(fn, "account", accountID); err != nil {
		return err
	}
	if f == nil {
		return argError(fn, "nil filter; ResetFilter removes the filter")
	}
	params, err := f.values(fn)
	if err != nil {
		return err
	}
	_, err = s.client.submit(ctx, fn, withIDs(params, 0, idText(accountID)), f)
	return err
}

// ResetFilter removes the saved payment list filter by saving the empty one (all fields
// blank, createdate=nodate), so that lists show every payment again.
//
// API: account.payment.filter
func (s *PaymentsService) ResetFilter(ctx context.Context, accountID int64) error {
	return s.SaveFilter(ctx, accountID, &PaymentFilter{})
}

// RefundParams describe a refund of a payment.
type RefundParams struct {
	// Amount is returned to the client, in the payment method's currency; required and
	// positive, at most the amount paid minus earlier refunds.
	Amount      *Decimal `url:"amount"`
	Description string   `url:"description,omitempty"` // the reason, passed to the payment system
}

// checkFields refuses a refund without a positive amount before it is sent.
func (p RefundParams) checkFields(f *fieldFaults) { f.requirePositive("Amount", p.Amount) }

// Refund returns p.Amount of payment paymentID of client accountID through its payment
// method and lowers the client's balance by it; a payment refunded in full gets the status
// PaymentRefunded. It returns the id of the refund payment when the reply names one, and 0
// otherwise.
//
// A refund moves money: it is sent exactly once and never retried. When it fails with an
// error that wraps ErrOutcomeUnknown (a timeout, a cut connection, a reply without a
// verdict), the refund may or may not have happened: check List or History before trying
// again.
//
// API: payment.refund
func (s *PaymentsService) Refund(ctx context.Context, accountID, paymentID int64, p *RefundParams) (int64, error) {
	const fn = "payment.refund"
	doc, err := refundForm.submit(ctx, s.client, accountID, paymentID, p)
	if err != nil {
		return 0, err
	}
	id, err := createdID(fn, doc)
	if errors.Is(err, errNoID) {
		return 0, nil
	}
	return id, err
}

// PaymentChange is an entry of a payment's change history (payment.history).
type PaymentChange struct {
	ChangeDate time.Time `xml:"changedate"`
	Desc       string    `xml:"desc"` // what changed
	User       string    `xml:"user"`
	IP         string    `xml:"ip"`
	Action     string    `xml:"action"` // the function that made the change
}

// paymentRows returns every row of the list fn of payment paymentID, asking for large
// pages like All; key names a row so that a page the server repeats adds nothing.
func paymentRows[T any](ctx context.Context, c *Client, fn string, paymentID int64, key func(*T) string) ([]T, error) {
	if err := checkID(fn, "payment", paymentID); err != nil {
		return nil, err
	}
	var rows []T
	for row, err := range listAll(ctx, c, fn, withIDs(nil, 0, idText(paymentID)), nil, key) {
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// History returns the change history of payment paymentID, every entry, in the server's
// order. The list has no ids: entries identical in every column are returned once.
//
// API: payment.history
func (s *PaymentsService) History(ctx context.Context, paymentID int64) ([]PaymentChange, error) {
	return paymentRows(ctx, s.client, "payment.history", paymentID, func(c *PaymentChange) string {
		return fmt.Sprintf("%q", []string{c.ChangeDate.String(), c.Desc, c.User, c.IP, c.Action})
	})
}

// fetchPrint runs fn for paymentID, a read whose reply is a page or a file rather than a
// document. When accept approves the Content-Type and the start of the body, use takes the
// body over and must close it; a <doc> reply is decoded and its <error> returned as *Error;
// any other reply is ErrUnexpectedResponse. Failures before use succeeds are retried like
// any read; once use has the body, nothing is retried.
func (s *PaymentsService) fetchPrint(ctx context.Context, fn string, paymentID int64,
	accept func(contentType string, head []byte) bool, use func(io.ReadCloser) error,
) error {
	if err := checkID(fn, "payment", paymentID); err != nil {
		return err
	}
	c := s.client
	r := &request{fn: fn, params: withIDs(nil, 0, idText(paymentID)), readOnly: true, handsOver: true}
	r.decode = func(resp *http.Response) error {
		br := bufio.NewReader(resp.Body)
		head, err := br.Peek(512)
		if err != nil && err != io.EOF {
			resp.Body.Close()
			return &transportError{err}
		}
		head = bytes.TrimLeft(head, "\ufeff \t\r\n")
		bounds := xmlscan.NewBounds(br, c.maxBytes, errTooLarge)
		body := struct {
			io.Reader
			io.Closer
		}{&bounds, resp.Body}
		isDoc := bytes.HasPrefix(head, []byte("<?xml")) || bytes.HasPrefix(head, []byte("<doc"))
		if !isDoc && len(head) > 0 && accept(resp.Header.Get("Content-Type"), head) {
			return use(body)
		}
		defer resp.Body.Close()
		doc, err := decodeDoc(body, c.maxBytes)
		if err != nil {
			return err
		}
		if e := doc.Child("error"); e != nil {
			return errorFromNode(fn, e)
		}
		return fmt.Errorf("%w: a document without an error where a printed payment was expected", ErrUnexpectedResponse)
	}
	return c.send(ctx, r)
}

// Print returns payment paymentID as the HTML page the panel prints (an invoice or a
// receipt, by the payment's status).
//
// API: payment.print
func (s *PaymentsService) Print(ctx context.Context, paymentID int64) (string, error) {
	isHTML := func(contentType string, head []byte) bool {
		mediaType, _, _ := mime.ParseMediaType(contentType)
		lower := bytes.ToLower(head)
		return mediaType == "text/html" ||
			bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html"))
	}
	var page []byte
	err := s.fetchPrint(ctx, "payment.print", paymentID, isHTML, func(body io.ReadCloser) error {
		defer body.Close()
		var err error
		if page, err = io.ReadAll(body); err != nil {
			return readError(err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return string(page), nil
}

// PDF returns payment paymentID as a PDF document, streamed: the caller reads it and must
// close it. ctx must stay alive until the reading is done. A failure before the first
// bytes arrive is retried like any read; a failure while reading is returned by Read and is
// not retried. The body is bounded by WithMaxResponseBytes.
//
// API: payment.print.pdf
func (s *PaymentsService) PDF(ctx context.Context, paymentID int64) (io.ReadCloser, error) {
	isPDF := func(_ string, head []byte) bool { return bytes.HasPrefix(head, []byte("%PDF-")) }
	var pdf io.ReadCloser
	err := s.fetchPrint(ctx, "payment.print.pdf", paymentID, isPDF, func(body io.ReadCloser) error {
		pdf = body
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pdf, nil
}

// PaymentExpense is a row of the distribution of a payment across expenses
// (payment.expense): which expense the payment paid for, and how much.
type PaymentExpense struct {
	ID            int64  `xml:"expense"` // the expense id
	LocaleName    string `xml:"expense_locale_name"`
	Amount        Money  `xml:"amount_iso"`
	Invoice       int64  `xml:"invoice"` // the id of the act (closing document), 0 when none
	InvoiceNumber string `xml:"invoice_number"`
}

// Expenses returns how payment paymentID is distributed across expenses, every row.
//
// API: payment.expense
func (s *PaymentsService) Expenses(ctx context.Context, paymentID int64) ([]PaymentExpense, error) {
	return paymentRows(ctx, s.client, "payment.expense", paymentID, func(e *PaymentExpense) string {
		return idText(e.ID)
	})
}

// PaymentExpenseDetails is the form of the part of an expense paid by a payment
// (payment.expense.edit).
type PaymentExpenseDetails struct {
	ID        int64           `xml:"elid"` // the expense id
	PaymentID int64           `xml:"plid"`
	Expense   string          `xml:"expense"` // the expense, as the form shows it
	Amount    decimal.Decimal `xml:"amount"`  // debited from the payment
}

// GetExpense reads the part of expense expenseID that payment paymentID pays.
//
// API: payment.expense.edit
func (s *PaymentsService) GetExpense(ctx context.Context, paymentID, expenseID int64) (*PaymentExpenseDetails, error) {
	return subGet[PaymentExpenseDetails](ctx, s.client, allocationForm, paymentID, expenseID)
}

// AddExpense has payment paymentID pay amount of expense expenseID: the expense joins the
// payment's distribution. The server refuses more than the payment or the expense has left.
//
// API: payment.expense.edit
func (s *PaymentsService) AddExpense(ctx context.Context, paymentID, expenseID int64, amount *Decimal) error {
	const fn = "payment.expense.edit"
	if err := checkID(fn, "expense", expenseID); err != nil {
		return err
	}
	if err := checkID(fn, "payment", paymentID); err != nil {
		return err
	}
	if amount == nil {
		return argError(fn, "nil amount")
	}
	params, err := encodeParams(fn, &struct {
		Expense int64    `url:"expense"`
		Amount  *Decimal `url:"amount"`
	}{expenseID, amount})
	if err != nil {
		return err
	}
	_, err = s.client.submit(ctx, fn, withIDs(params, paymentID, ""), nil)
	return err
}

// UpdateExpense sets the amount of expense expenseID that payment paymentID pays.
//
// API: payment.expense.edit
func (s *PaymentsService) UpdateExpense(ctx context.Context, paymentID, expenseID int64, amount *Decimal) error {
	const fn = "payment.expense.edit"
	if amount == nil {
		return argError(fn, "nil amount")
	}
	return allocationForm.update(ctx, s.client, paymentID, expenseID, &struct {
		Amount *Decimal `url:"amount"`
	}{amount})
}

// DeleteExpenses removes expenses expenseIDs from the distribution of payment paymentID:
// the payment no longer pays for them.
//
// API: payment.expense.delete
func (s *PaymentsService) DeleteExpenses(ctx context.Context, paymentID int64, expenseIDs ...int64) error {
	const fn = "payment.expense.delete"
	if err := checkID(fn, "payment", paymentID); err != nil {
		return err
	}
	return s.client.act(ctx, fn, paymentID, expenseIDs)
}

// PaymentAddParams describe a payment a client makes.
type PaymentAddParams struct {
	Amount    *Decimal `url:"amount"`                     // required, positive
	Paymethod int64    `url:"paymethod"`                  // required: the payment method id, one of those Methods lists
	Currency  *int64   `url:"payment_currency,omitempty"` // the currency id; the method's when nil
}

// checkFields refuses a payment without a positive amount or a payment method before it
// is sent.
func (p PaymentAddParams) checkFields(f *fieldFaults) {
	f.requirePositive("Amount", p.Amount)
	if p.Paymethod <= 0 {
		f.add("Paymethod", "Paymethod is required: a payment method id")
	}
}

// AddedPayment is what Add returns: the new payment, and the page where the client pays it.
type AddedPayment struct {
	ID int64
	// PaymentURL is the page of the payment method's module that the panel sends the
	// client to (<ok type="url">), made absolute against the client's base URL:
	// "https://billing.example.com:1500/mancgi/sbpayment?elid=150". A signup or checkout
	// flow redirects its user there. Empty when the reply sends the client nowhere.
	PaymentURL string
}

// Add creates a payment on behalf of the calling client, as the client's payment wizard
// does in the panel, and returns its id and the payment method's page where the client
// pays. It acts for the user the call runs as: an administrator adds a payment for a
// client through c.As(clientEmail).Payments.Add, the client's login being its e-mail.
//
// On BILLmanager 6 the new payment is at once PaymentInitiated: the client's own list
// (ListOwn) leaves it out until the payment system reports it (payment.setinpay, by the
// payment module: PaymentInPay), and the administrator's lists show it as initiated.
//
// When the payment was created but the page in the reply is not a URL, Add returns the
// payment's id with an error wrapping ErrUnexpectedResponse. After an error that wraps
// ErrOutcomeUnknown the payment may exist: look for it (List) before adding another.
//
// API: payment.add
func (s *PaymentsService) Add(ctx context.Context, p *PaymentAddParams) (*AddedPayment, error) {
	const fn = "payment.add"
	params, err := encodeParams(fn, p)
	if err != nil {
		return nil, err
	}
	doc, err := s.client.submit(ctx, fn, params, p)
	if err != nil {
		return nil, err
	}
	added := &AddedPayment{}
	if added.ID, err = replyID(fn, doc, "payment_id"); err != nil {
		return nil, err
	}
	if added.ID == 0 {
		if added.ID, err = createdID(fn, doc); err != nil {
			return nil, err
		}
	}
	if page := doc.Child("ok"); page.Attr("type") == "url" {
		if added.PaymentURL, err = s.client.absoluteURL(strings.TrimSpace(page.Text)); err != nil {
			return added, fmt.Errorf("billmgr: %s: payment %d was created, but %w", fn, added.ID, err)
		}
	}
	return added, nil
}

// PaymentMethodsParams describe the payment a client is about to make, for Methods.
type PaymentMethodsParams struct {
	Amount   *Decimal `url:"amount"`                     // required, positive: what the client tops up by
	Currency *int64   `url:"payment_currency,omitempty"` // the currency id; the client's main one when nil
}

// PaymentMethod is a payment method a client can pay with: a row of the method list of
// the client's payment wizard (payment.add.method, its list methodlist).
type PaymentMethod struct {
	ID     int64  // the payment method id (paymethod): PaymentAddParams.Paymethod
	Name   string // the method's name, as the panel shows it to the client
	Desc   string // the text the panel shows beside the name
	Image  string // the path of the method's icon on the panel ("/manimg/…")
	Amount Money  // what the client pays with this method, its commission included; zero if the panel shows none
}

func (p PaymentMethodsParams) checkFields(f *fieldFaults) { f.requirePositive("Amount", p.Amount) }

// Methods returns the payment methods the calling client can pay p.Amount with, in the
// panel's order: the list its payment wizard shows once the amount is entered (the form
// payment.add.method, not submitted), each method with what the client pays with it, its
// commission included. A client with no method to pay with gets an empty list. It
// changes nothing, and is retried like any read.
//
// Like Add it acts for the user the call runs as: c.As(clientEmail).Payments.Methods, or a
// client's own login. Pass the chosen method's ID to Add as PaymentAddParams.Paymethod,
// with the same amount.
//
// API: payment.add.method
func (s *PaymentsService) Methods(ctx context.Context, p *PaymentMethodsParams) ([]PaymentMethod, error) {
	const fn = "payment.add.method"
	params, err := encodeParams(fn, p)
	if err != nil {
		return nil, err
	}
	doc, err := s.client.document(ctx, &request{fn: fn, params: params, readOnly: true, fields: fieldsOf(p)})
	if err != nil {
		return nil, err
	}
	var methods []PaymentMethod
	for _, list := range doc.All("list") {
		if list.Attr("name") != "methodlist" {
			continue
		}
		for _, row := range list.All("elem") {
			m := PaymentMethod{Name: row.Value("name"), Desc: row.Value("desc"), Image: row.Value("image")}
			if m.ID, err = strconv.ParseInt(row.Value("paymethod"), 10, 64); err != nil {
				return nil, fmt.Errorf("billmgr: %s: %w: paymethod %q is not a number", fn, ErrUnexpectedResponse, row.Value("paymethod"))
			}
			if raw := row.Value("amount"); raw != "" {
				if m.Amount, err = ParseMoney(raw); err != nil {
					return nil, fmt.Errorf("billmgr: %s: %w: the amount of method %d: %v", fn, ErrUnexpectedResponse, m.ID, err)
				}
			}
			methods = append(methods, m)
		}
	}
	return methods, nil
}

// absoluteURL resolves a page the panel redirects to ("/mancgi/sbpayment?elid=150",
// relative to the host) against the client's base URL.
func (c *Client) absoluteURL(ref string) (string, error) {
	base, err := url.Parse(c.BaseURL())
	if err != nil {
		return "", fmt.Errorf("%w: base URL: %v", ErrUnexpectedResponse, err)
	}
	u, err := url.Parse(ref)
	if err != nil || ref == "" {
		return "", fmt.Errorf("%w: the payment page %q is not a URL", ErrUnexpectedResponse, ref)
	}
	return base.ResolveReference(u).String(), nil
}

const fnOwnPayments = "payment"

// ownPaymentParams encodes the options of the payment list of func=payment.
func ownPaymentParams(opts *PaymentListOptions) (url.Values, error) {
	params, err := listParams(fnOwnPayments, opts)
	if err != nil {
		return nil, err
	}
	setCreatePeriod(params, "")
	return params, nil
}

// ListOwn returns one page of the payment list of the user the calls run as, as the panel
// shows it: on c.As(client) or a client's own login, the client's payments, newest first,
// without the ones its payment wizard initiated and the payment system has not reported
// yet (PaymentInitiated; see Add). An administrator's own calls get every client's
// payments. The filters of opts apply as with List.
//
// API: payment
func (s *PaymentsService) ListOwn(ctx context.Context, opts *PaymentListOptions) (*Page[Payment], error) {
	params, err := ownPaymentParams(opts)
	if err != nil {
		return nil, err
	}
	return listPage[Payment](ctx, s.client, fnOwnPayments, params, opts)
}

// AllOwn yields every payment of ListOwn's list, page after page, each payment once, like
// All.
//
// API: payment
func (s *PaymentsService) AllOwn(ctx context.Context, opts *PaymentListOptions) iter.Seq2[Payment, error] {
	params, err := ownPaymentParams(opts)
	if err != nil {
		return func(yield func(Payment, error) bool) { yield(Payment{}, err) }
	}
	return listAll(ctx, s.client, fnOwnPayments, inIDOrder(params), opts, func(p *Payment) int64 { return p.ID })
}

// OrderLine is a line of the contents of an invoice (payment.orderinfo).
type OrderLine struct {
	ID   int64  `xml:"id"`
	Info string `xml:"info"` // what is paid for
	Cost Money  `xml:"cost"`
}

// OrderInfo returns the contents of the invoice of payment paymentID, every line.
//
// API: payment.orderinfo
func (s *PaymentsService) OrderInfo(ctx context.Context, paymentID int64) ([]OrderLine, error) {
	return paymentRows(ctx, s.client, "payment.orderinfo", paymentID, func(l *OrderLine) string {
		return idText(l.ID)
	})
}

// OrderLineDetails is the form of an invoice line (payment.orderinfo.edit).
type OrderLineDetails struct {
	ID        int64  `xml:"elid"`
	PaymentID int64  `xml:"plid"`
	Name      string `xml:"name"` // the description shown on the invoice
}

// GetOrderLine reads line lineID of the invoice of payment paymentID.
//
// API: payment.orderinfo.edit
func (s *PaymentsService) GetOrderLine(ctx context.Context, paymentID, lineID int64) (*OrderLineDetails, error) {
	return subGet[OrderLineDetails](ctx, s.client, orderLineForm, paymentID, lineID)
}

// UpdateOrderLine sets the description of line lineID of the invoice of payment
// paymentID.
//
// API: payment.orderinfo.edit
func (s *PaymentsService) UpdateOrderLine(ctx context.Context, paymentID, lineID int64, name string) error {
	const fn = "payment.orderinfo.edit"
	if name == "" {
		return argError(fn, "empty name")
	}
	return orderLineForm.update(ctx, s.client, paymentID, lineID, &struct {
		Name string `url:"name"`
	}{name})
}

// WriteTicket opens a support ticket to the client of payment paymentID about the payment
// and returns the ticket id.
//
// API: ticket.write.payment
func (s *PaymentsService) WriteTicket(ctx context.Context, paymentID int64, p *TicketParams) (int64, error) {
	return s.client.writeTicket(ctx, "ticket.write.payment", "payment", paymentID, p)
}
