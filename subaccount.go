package billmgr

import (
	"context"
	"iter"

	"github.com/shopspring/decimal"
)

// SubaccountsService calls the subaccount functions of the account API.
type SubaccountsService service

// Subaccount is a row of a client's personal accounts (subaccount): one per provider and
// currency, holding the client's balance.
type Subaccount struct {
	ID          int64  `xml:"id"`
	Project     Status `xml:"project"` // the provider: Code its id when the server sends orig, Label its name
	Balance     Money  `xml:"balance"`
	CreditLimit Money  `xml:"creditlimit"`
	Status      Status `xml:"status"`   // SubaccountActive or SubaccountSuspended
	Currency    string `xml:"currency"` // ISO code, "RUB"
}

// SubaccountListOptions page and sort a client's personal accounts. The list has no filters.
type SubaccountListOptions struct {
	ListOptions
}

// SubaccountDetails is the form of a personal account (subaccount.edit).
type SubaccountDetails struct {
	ID            int64           `xml:"elid"`
	AccountID     int64           `xml:"plid"`
	Project       int64           `xml:"subaccount_project"`  // provider id
	Currency      int64           `xml:"subaccount_currency"` // currency id
	AllowPostpaid OnOff           `xml:"allowpostpaid"`
	CreditLimit   decimal.Decimal `xml:"creditlimit"`
	Referer       string          `xml:"referer"`
	Active        OnOff           `xml:"active"`
	IncidentLimit int64           `xml:"incident_limit"`
}

// SubaccountParams create or change a personal account. Fields left nil are not sent, so
// Update changes only what is set.
type SubaccountParams struct {
	// SubaccountProject is the provider id of the account being created.
	SubaccountProject *int64 `url:"subaccount_project,omitempty"`
	// SubaccountCurrency is the currency id of the account being created.
	SubaccountCurrency *int64 `url:"subaccount_currency,omitempty"`
	// AllowPostpaid lets the client pay for services on credit, after using them.
	AllowPostpaid *OnOff `url:"allowpostpaid,omitempty"`
	// CreditLimit is how far the client may go into debt.
	CreditLimit *Decimal `url:"creditlimit,omitempty"`
	// Referer is the code of the client who brought this one through the referral program.
	Referer *string `url:"referer,omitempty"`
	// Active marks the account the client uses; a client has one active account per provider.
	Active *OnOff `url:"active,omitempty"`
	// IncidentLimit is the all-time limit on the client's support requests.
	IncidentLimit *int64 `url:"incident_limit,omitempty"`
}

// SubaccountRefundParams withdraw funds from a personal account.
type SubaccountRefundParams struct {
	// Amount is withdrawn from the balance; required, positive and at most the balance.
	Amount *Decimal `url:"amount"`
	// Description says why, for the account's history.
	Description string `url:"description,omitempty"`
}

// checkFields refuses a withdrawal without a positive amount before it is sent.
func (p SubaccountRefundParams) checkFields(f *fieldFaults) { f.requirePositive("Amount", p.Amount) }

var (
	subaccountList   = subList[Subaccount]{fn: "subaccount", id: func(s *Subaccount) int64 { return s.ID }}
	subaccountForm   = subForm{fn: "subaccount.edit", object: "subaccount"}
	subaccountRefund = subForm{fn: "subaccount.refund", object: "subaccount"}
)

// List returns one page of the personal accounts of client accountID.
//
// API: subaccount
func (s *SubaccountsService) List(ctx context.Context, accountID int64, opts *SubaccountListOptions) (*Page[Subaccount], error) {
	return subaccountList.page(ctx, s.client, accountID, opts)
}

// All yields every personal account of client accountID, page by page.
//
// API: subaccount
func (s *SubaccountsService) All(ctx context.Context, accountID int64, opts *SubaccountListOptions) iter.Seq2[Subaccount, error] {
	return subaccountList.all(ctx, s.client, accountID, opts)
}

// Get reads the form of personal account id of client accountID.
//
// API: subaccount.edit
func (s *SubaccountsService) Get(ctx context.Context, accountID, id int64) (*SubaccountDetails, error) {
	return subGet[SubaccountDetails](ctx, s.client, subaccountForm, accountID, id)
}

// Create opens a personal account for client accountID and returns its id.
//
// API: subaccount.edit
func (s *SubaccountsService) Create(ctx context.Context, accountID int64, p *SubaccountParams) (int64, error) {
	return subaccountForm.create(ctx, s.client, accountID, p)
}

// Update changes the fields set in p of personal account id of client accountID.
//
// API: subaccount.edit
func (s *SubaccountsService) Update(ctx context.Context, accountID, id int64, p *SubaccountParams) error {
	return subaccountForm.update(ctx, s.client, accountID, id, p)
}

// Suspend disables the personal accounts ids (status SubaccountSuspended).
//
// API: subaccount.suspend
func (s *SubaccountsService) Suspend(ctx context.Context, ids ...int64) error {
	return s.client.act(ctx, "subaccount.suspend", 0, ids)
}

// Resume enables the personal accounts ids again (status SubaccountActive).
//
// API: subaccount.resume
func (s *SubaccountsService) Resume(ctx context.Context, ids ...int64) error {
	return s.client.act(ctx, "subaccount.resume", 0, ids)
}

// Refund withdraws p.Amount from personal account subaccountID of client accountID, lowering
// its balance. The server refuses more than the balance with a value(amount) error. A nil,
// zero or negative amount is refused before anything is sent. After an error that wraps
// ErrOutcomeUnknown the money may be gone: check the balance (List) before trying again.
//
// API: subaccount.refund
func (s *SubaccountsService) Refund(ctx context.Context, accountID, subaccountID int64, p *SubaccountRefundParams) error {
	return subaccountRefund.update(ctx, s.client, accountID, subaccountID, p)
}
