package billmgr

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"strconv"

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
	AllowPostpaid Flag            `xml:"allowpostpaid"`
	CreditLimit   decimal.Decimal `xml:"creditlimit"`
	Referer       string          `xml:"referer"`
	Active        Flag            `xml:"active"`
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
	AllowPostpaid *Flag `url:"allowpostpaid,omitempty"`
	// CreditLimit is how far the client may go into debt.
	CreditLimit *Decimal `url:"creditlimit,omitempty"`
	// Referer is the code of the client who brought this one through the referral program.
	Referer *string `url:"referer,omitempty"`
	// Active marks the account the client uses; a client has one active account per provider.
	Active *Flag `url:"active,omitempty"`
	// IncidentLimit is the all-time limit on the client's support requests.
	IncidentLimit *int64 `url:"incident_limit,omitempty"`
}

// SubaccountRefundParams withdraw funds from a personal account.
type SubaccountRefundParams struct {
	// Amount is withdrawn from the balance; it must be positive and at most the balance.
	Amount *Decimal `url:"amount,omitempty"`
	// Description says why, for the account's history.
	Description string `url:"description,omitempty"`
}

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
// zero or negative amount is refused before anything is sent.
//
// API: subaccount.refund
func (s *SubaccountsService) Refund(ctx context.Context, accountID, subaccountID int64, p *SubaccountRefundParams) error {
	if p != nil && (p.Amount == nil || !p.Amount.IsPositive()) {
		return wrapFunc(subaccountRefund.fn, errWithdrawAmount)
	}
	return subaccountRefund.update(ctx, s.client, accountID, subaccountID, p)
}

var errWithdrawAmount = errors.New("the amount to withdraw must be set and positive")

// Shared by the lists, forms and group actions inside a client's card (personal accounts,
// discounts, expenses, tax rules, currency rates): the client id goes as elid to a list and
// as plid to the forms and group actions of its rows.

// subList is a list inside a client's card: func=fn&elid=<client id>. finish, when
// set, completes the encoded options with what their url tags cannot express.
type subList[T any] struct {
	fn     string
	id     func(*T) int64
	finish func(url.Values)
}

func (l subList[T]) params(accountID int64, opts any) (url.Values, error) {
	if err := checkID(l.fn, "account", accountID); err != nil {
		return nil, err
	}
	params, err := listParams(l.fn, opts)
	if err != nil {
		return nil, err
	}
	if l.finish != nil {
		l.finish(params)
	}
	return withIDs(params, 0, strconv.FormatInt(accountID, 10)), nil
}

func (l subList[T]) page(ctx context.Context, c *Client, accountID int64, opts any) (*Page[T], error) {
	params, err := l.params(accountID, opts)
	if err != nil {
		return nil, err
	}
	return listPage[T](ctx, c, l.fn, params)
}

func (l subList[T]) all(ctx context.Context, c *Client, accountID int64, opts any) iter.Seq2[T, error] {
	params, err := l.params(accountID, opts)
	if err != nil {
		return func(yield func(T, error) bool) {
			var zero T
			yield(zero, err)
		}
	}
	return listAll(ctx, c, l.fn, params, func(row *T) string { return strconv.FormatInt(l.id(row), 10) })
}

// subForm is a form inside a client's card: func=fn&plid=<client id>, plus
// elid=<object id> to view or change an object.
type subForm struct {
	fn     string
	object string // what elid names, for error messages
}

func (f subForm) ids(accountID, id int64) (url.Values, error) {
	if err := checkID(f.fn, "account", accountID); err != nil {
		return nil, err
	}
	if err := checkID(f.fn, f.object, id); err != nil {
		return nil, err
	}
	return withIDs(nil, accountID, strconv.FormatInt(id, 10)), nil
}

// subGet reads the form of object id of client accountID.
func subGet[T any](ctx context.Context, c *Client, f subForm, accountID, id int64) (*T, error) {
	params, err := f.ids(accountID, id)
	if err != nil {
		return nil, err
	}
	return viewForm[T](ctx, c, f.fn, params)
}

// create submits p without elid and returns the new object's id.
func (f subForm) create(ctx context.Context, c *Client, accountID int64, p any) (int64, error) {
	if err := checkID(f.fn, "account", accountID); err != nil {
		return 0, err
	}
	params, err := encodeParams(f.fn, p)
	if err != nil {
		return 0, err
	}
	return c.create(ctx, f.fn, withIDs(params, accountID, ""))
}

// update submits p for object id.
func (f subForm) update(ctx context.Context, c *Client, accountID, id int64, p any) error {
	ids, err := f.ids(accountID, id)
	if err != nil {
		return err
	}
	params, err := encodeParams(f.fn, p)
	if err != nil {
		return err
	}
	for k, v := range ids {
		params[k] = v
	}
	_, err = c.submit(ctx, f.fn, params)
	return err
}

// subAct runs the group action fn on rows ids of client accountID (plid).
func subAct(ctx context.Context, c *Client, fn string, accountID int64, ids []int64) error {
	if err := checkID(fn, "account", accountID); err != nil {
		return err
	}
	return c.act(ctx, fn, accountID, ids)
}

// subFilter is the saved filter of a list inside a client's card: func=fn&elid=<client
// id> shows it, and with sok=ok stores it for the user until it is saved again.
type subFilter struct{ fn string }

// filterGet reads the saved filter f of client accountID's list.
func filterGet[T any](ctx context.Context, c *Client, f subFilter, accountID int64) (*T, error) {
	if err := checkID(f.fn, "account", accountID); err != nil {
		return nil, err
	}
	return viewForm[T](ctx, c, f.fn, withIDs(nil, 0, strconv.FormatInt(accountID, 10)))
}

// save stores the filter fields in params.
func (f subFilter) save(ctx context.Context, c *Client, accountID int64, params url.Values) error {
	if err := checkID(f.fn, "account", accountID); err != nil {
		return err
	}
	_, err := c.submit(ctx, f.fn, withIDs(params, 0, strconv.FormatInt(accountID, 10)))
	return err
}

// viewForm reads the form fn into a new T.
func viewForm[T any](ctx context.Context, c *Client, fn string, params url.Values) (*T, error) {
	v := new(T)
	if err := c.view(ctx, fn, params, v); err != nil {
		return nil, err
	}
	return v, nil
}
