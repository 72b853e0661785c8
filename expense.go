package billmgr

import (
	"context"
	"iter"
	"net/url"
	"time"

	"github.com/shopspring/decimal"
)

// ExpensesService calls the expense functions of the account API.
type ExpensesService service

// Expense is a row of a client's expenses (subaccount.expense): a charge to a personal
// account.
type Expense struct {
	ID             int64     `xml:"id"`
	Name           string    `xml:"locale_name"`
	RealDate       time.Time `xml:"realdate"` // when the amount was debited
	CDate          time.Time `xml:"cdate"`    // when the service starts
	Amount         Money     `xml:"amount"`
	NotPaid        Money     `xml:"notpayd"` // the part no payment covers yet
	DiscountAmount Money     `xml:"discountamount"`
	// Payments is the column "Paid by payments" as the server writes it. No real list
	// shows its content, so it is kept as text: the fake writes the amount paid
	// ("30.30 RUB"), the fixtures of this package payment numbers ("pfx/6").
	Payments  string `xml:"payments"`
	Discount  string `xml:"discount"` // the discount code applied
	TaxAmount Money  `xml:"taxamount"`
}

// Expense filter periods (ExpenseFilter.Period). The server also knows named periods such
// as "currentmonth" or "lastweek", which the field takes as they are.
const (
	ExpensePeriodAll   = "nodate" // no restriction on the date
	ExpensePeriodRange = "other"  // from RealDateFrom to RealDateTo
)

// ExpenseFilter selects expenses by debit date and operation: inline in
// ExpenseListOptions, or saved for the user with SaveFilter.
//
// Setting RealDateFrom or RealDateTo (either end may stay open) sends realdate=other, the
// server's custom range, unless Period names another period.
type ExpenseFilter struct {
	Period       string `url:"realdate,omitempty"`
	RealDateFrom *Date  `url:"realdatestart,omitempty"`
	RealDateTo   *Date  `url:"realdateend,omitempty"`
	// Operation is the operation the expenses are based on: prolong, billdaily, changeaddon…
	Operation string `url:"operation,omitempty"`
}

// ExpenseListOptions page, sort and filter a client's expenses. Any filter field set
// sends filter=on with the fields.
type ExpenseListOptions struct {
	ListOptions
	ExpenseFilter
}

// ExpenseFilterDetails is the filter saved for the user (subaccount.expense.filter).
// Period is ExpensePeriodAll when no filter is saved.
type ExpenseFilterDetails struct {
	Period       string    `xml:"realdate"`
	RealDateFrom time.Time `xml:"realdatestart"`
	RealDateTo   time.Time `xml:"realdateend"`
	Operation    string    `xml:"operation"`
}

// ExpenseDetails is the form of an expense (subaccount.expense.edit).
type ExpenseDetails struct {
	ID         int64           `xml:"elid"`
	AccountID  int64           `xml:"plid"`
	Subaccount int64           `xml:"subaccount"` // the personal account (payer) id
	Item       int64           `xml:"item"`       // the service id
	Operation  string          `xml:"operation"`
	Amount     decimal.Decimal `xml:"amount"`
	TaxRate    decimal.Decimal `xml:"taxrate"`
	Postpaid   OnOff           `xml:"postpaid"`
	Name       string          `xml:"name"`
	RealDate   time.Time       `xml:"realdate"`
	CDate      time.Time       `xml:"cdate"`
}

// ExpenseParams create or change an expense. Fields left nil are not sent, so Update
// changes only what is set.
type ExpenseParams struct {
	// Subaccount is the id of the personal account charged (the payer).
	Subaccount *int64 `url:"subaccount,omitempty"`
	// Item is the id of the service the expense is for.
	Item *int64 `url:"item,omitempty"`
	// Operation is what the expense is for: prolong, billdaily, changeaddon…
	Operation *string `url:"operation,omitempty"`
	// Amount is charged to the personal account. Past the balance plus the credit limit
	// the server refuses it with value(amount), unless Postpaid is set.
	Amount *Decimal `url:"amount,omitempty"`
	// TaxRate is the tax rate in percent. The tax is included in Amount, so the server
	// computes the tax as Amount − Amount / ((100 + TaxRate) / 100): 20 on 120.00 is 20.00.
	TaxRate *Decimal `url:"taxrate,omitempty"`
	// Postpaid creates the expense on credit, as a debt, when the balance does not cover it.
	Postpaid *OnOff `url:"postpaid,omitempty"`
	// Name is the expense's own name; without it the server names it after the operation.
	Name *string `url:"name,omitempty"`
	// RealDate is the day the amount is debited.
	RealDate *Date `url:"realdate,omitempty"`
	// CDate is the day the service starts.
	CDate *Date `url:"cdate,omitempty"`
}

var (
	expenseList   = subList[Expense]{fn: "subaccount.expense", id: func(e *Expense) int64 { return e.ID }, finish: completePeriod}
	expenseForm   = subForm{fn: "subaccount.expense.edit", object: "expense"}
	expenseFilter = subFilter{fn: "subaccount.expense.filter"}
)

// List returns one page of the expenses of client accountID. A filter saved with
// SaveFilter applies on the server on top of the filter in opts.
//
// API: subaccount.expense
func (s *ExpensesService) List(ctx context.Context, accountID int64, opts *ExpenseListOptions) (*Page[Expense], error) {
	return expenseList.page(ctx, s.client, accountID, opts)
}

// All yields every expense of client accountID, page by page.
//
// API: subaccount.expense
func (s *ExpensesService) All(ctx context.Context, accountID int64, opts *ExpenseListOptions) iter.Seq2[Expense, error] {
	return expenseList.all(ctx, s.client, accountID, opts)
}

// GetFilter reads the expense filter saved for the user.
//
// API: subaccount.expense.filter
func (s *ExpensesService) GetFilter(ctx context.Context, accountID int64) (*ExpenseFilterDetails, error) {
	return filterGet[ExpenseFilterDetails](ctx, s.client, expenseFilter, accountID)
}

// SaveFilter stores f for the user, replacing the whole previous filter (the fields f
// leaves empty are saved empty): every later expense list, in the panel and through the
// API, keeps to it until ResetFilter.
//
// API: subaccount.expense.filter
func (s *ExpensesService) SaveFilter(ctx context.Context, accountID int64, f *ExpenseFilter) error {
	set, err := encodeParams(expenseFilter.fn, f)
	if err != nil {
		return err
	}
	completePeriod(set)
	params := emptyExpenseFilter()
	for k, v := range set {
		params[k] = v
	}
	return expenseFilter.save(ctx, s.client, accountID, params, f)
}

// ResetFilter clears the saved expense filter: it saves every field empty and the period
// ExpensePeriodAll.
//
// API: subaccount.expense.filter
func (s *ExpensesService) ResetFilter(ctx context.Context, accountID int64) error {
	return expenseFilter.save(ctx, s.client, accountID, emptyExpenseFilter(), nil)
}

// emptyExpenseFilter is the saved filter that restricts nothing.
func emptyExpenseFilter() url.Values {
	return url.Values{"realdate": {ExpensePeriodAll}, "realdatestart": {""}, "realdateend": {""}, "operation": {""}}
}

// Get reads the form of expense id of client accountID.
//
// API: subaccount.expense.edit
func (s *ExpensesService) Get(ctx context.Context, accountID, id int64) (*ExpenseDetails, error) {
	return subGet[ExpenseDetails](ctx, s.client, expenseForm, accountID, id)
}

// Create charges an expense to a personal account of client accountID and returns its
// id; the balance goes down by the amount. After an error that wraps ErrOutcomeUnknown the
// expense may exist: look for it (List) before charging again.
//
// API: subaccount.expense.edit
func (s *ExpensesService) Create(ctx context.Context, accountID int64, p *ExpenseParams) (int64, error) {
	return expenseForm.create(ctx, s.client, accountID, p)
}

// Update changes the fields set in p of expense id of client accountID.
//
// API: subaccount.expense.edit
func (s *ExpensesService) Update(ctx context.Context, accountID, id int64, p *ExpenseParams) error {
	return expenseForm.update(ctx, s.client, accountID, id, p)
}

// Delete removes the expenses ids of client accountID; their amounts return to the
// balance.
//
// API: subaccount.expense.delete
func (s *ExpensesService) Delete(ctx context.Context, accountID int64, ids ...int64) error {
	return subAct(ctx, s.client, "subaccount.expense.delete", accountID, ids)
}

// completePeriod selects the custom range (realdate=other) when a start or an end date is
// set and no period is named.
func completePeriod(params url.Values) {
	if params.Get("realdate") == "" && (params.Has("realdatestart") || params.Has("realdateend")) {
		params.Set("realdate", ExpensePeriodRange)
	}
}
