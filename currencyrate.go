package billmgr

import (
	"context"
	"iter"
	"time"

	"github.com/shopspring/decimal"
)

// CurrencyRatesService calls the currencyrate functions of the account API.
type CurrencyRatesService service

// CurrencyRate is a row of a client's own currency rates (account.currencyrate): Amount
// units of CurrencyBase cost Rate units of CurrencyRelate from RateDate on.
type CurrencyRate struct {
	ID             int64           `xml:"id"`
	CurrencyBase   string          `xml:"currency_base"`
	CurrencyRelate string          `xml:"currency_relate"`
	Rate           decimal.Decimal `xml:"rate"`
	Amount         decimal.Decimal `xml:"amount"`
	RateDate       time.Time       `xml:"ratedate"`
}

// CurrencyRateListOptions page and sort a client's currency rates. The list has no filters.
type CurrencyRateListOptions struct {
	ListOptions
}

// CurrencyRateDetails is the form of a currency rate (account.currencyrate.edit).
type CurrencyRateDetails struct {
	ID             int64           `xml:"elid"`
	AccountID      int64           `xml:"plid"`
	CurrencyBase   int64           `xml:"currency_base"`   // currency id
	CurrencyRelate int64           `xml:"currency_relate"` // currency id
	Rate           decimal.Decimal `xml:"rate"`
	Amount         decimal.Decimal `xml:"amount"`
	RateDate       time.Time       `xml:"ratedate"`
}

// CurrencyRateParams create or change a currency rate. Fields left nil are not sent, so
// Update changes only what is set.
type CurrencyRateParams struct {
	// CurrencyBase is the id of the base currency, the one converted into.
	CurrencyBase *int64 `url:"currency_base,omitempty"`
	// CurrencyRelate is the id of the currency converted into the base one.
	CurrencyRelate *int64 `url:"currency_relate,omitempty"`
	// Rate is the price of Amount units on RateDate.
	Rate *Decimal `url:"rate,omitempty"`
	// Amount is the number of units of the base currency the rate is quoted for.
	Amount *Decimal `url:"amount,omitempty"`
	// RateDate is the first day the rate applies.
	RateDate *Date `url:"ratedate,omitempty"`
}

var (
	currencyRateList = subList[CurrencyRate]{fn: "account.currencyrate", id: func(r *CurrencyRate) int64 { return r.ID }}
	currencyRateForm = subForm{fn: "account.currencyrate.edit", object: "currency rate"}
)

// List returns one page of the currency rates of client accountID.
//
// API: account.currencyrate
func (s *CurrencyRatesService) List(ctx context.Context, accountID int64, opts *CurrencyRateListOptions) (*Page[CurrencyRate], error) {
	return currencyRateList.page(ctx, s.client, accountID, opts)
}

// All yields every currency rate of client accountID, page by page.
//
// API: account.currencyrate
func (s *CurrencyRatesService) All(ctx context.Context, accountID int64, opts *CurrencyRateListOptions) iter.Seq2[CurrencyRate, error] {
	return currencyRateList.all(ctx, s.client, accountID, opts)
}

// Get reads the form of currency rate id of client accountID.
//
// API: account.currencyrate.edit
func (s *CurrencyRatesService) Get(ctx context.Context, accountID, id int64) (*CurrencyRateDetails, error) {
	return subGet[CurrencyRateDetails](ctx, s.client, currencyRateForm, accountID, id)
}

// Create adds a currency rate for client accountID and returns its id.
//
// API: account.currencyrate.edit
func (s *CurrencyRatesService) Create(ctx context.Context, accountID int64, p *CurrencyRateParams) (int64, error) {
	return currencyRateForm.create(ctx, s.client, accountID, p)
}

// Update changes the fields set in p of currency rate id of client accountID.
//
// API: account.currencyrate.edit
func (s *CurrencyRatesService) Update(ctx context.Context, accountID, id int64, p *CurrencyRateParams) error {
	return currencyRateForm.update(ctx, s.client, accountID, id, p)
}

// Delete removes the currency rates ids of client accountID.
//
// API: account.currencyrate.delete
func (s *CurrencyRatesService) Delete(ctx context.Context, accountID int64, ids ...int64) error {
	return subAct(ctx, s.client, "account.currencyrate.delete", accountID, ids)
}
