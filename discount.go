package billmgr

import (
	"context"
	"iter"
	"time"

	"github.com/shopspring/decimal"
)

// DiscountsService calls the discount functions of the account API.
type DiscountsService service

// Discount is a row of a client's personal discounts (account.discount).
type Discount struct {
	ID           int64           `xml:"id"`
	IDName       string          `xml:"idname"` // the discount's key as the server names it
	Name         string          `xml:"name"`
	ActionType   Status          `xml:"actiontype"` // what it applies to: order, renewal, …
	Project      Status          `xml:"project"`    // the provider
	DiscountType Status          `xml:"discount_type"`
	Period       Status          `xml:"period"` // the order period it covers
	Percentage   decimal.Decimal `xml:"percentage"`
}

// DiscountListOptions page and sort a client's discounts. The list has no filters.
type DiscountListOptions struct {
	ListOptions
}

// DiscountDetails is the form of a discount (account.discount.edit).
type DiscountDetails struct {
	ID         int64           `xml:"elid"`
	AccountID  int64           `xml:"plid"`
	Name       string          `xml:"name"`
	FromDate   time.Time       `xml:"fromdate"`
	ToDate     time.Time       `xml:"todate"`
	Type       string          `xml:"type"`
	Percentage decimal.Decimal `xml:"percentage"`
	Priority   int64           `xml:"priority"`
	ActionType string          `xml:"actiontype"`
	Period     string          `xml:"period"`
	Note       string          `xml:"note"`
}

// DiscountParams create or change a discount. Fields left nil are not sent, so Update
// changes only what is set.
type DiscountParams struct {
	Name *string `url:"name,omitempty"`
	// FromDate is the first day the discount is in effect.
	FromDate *Date `url:"fromdate,omitempty"`
	// ToDate is the last day the discount is in effect.
	ToDate *Date `url:"todate,omitempty"`
	// Type is how the discount is granted.
	Type *string `url:"type,omitempty"`
	// Percentage is the discount in percent of the price.
	Percentage *Decimal `url:"percentage,omitempty"`
	// Priority orders discounts: a client's own discounts come before promotions by
	// default; a negative priority applies only when no promotion discount fits.
	Priority *int64 `url:"priority,omitempty"`
	// ActionType is what the discount applies to; a renewal discount does not apply to
	// tariffs charged daily.
	ActionType *string `url:"actiontype,omitempty"`
	// Period is the order period the discount covers.
	Period *string `url:"period,omitempty"`
	Note   *string `url:"note,omitempty"`
}

var (
	discountList = subList[Discount]{fn: "account.discount", id: func(d *Discount) int64 { return d.ID }}
	discountForm = subForm{fn: "account.discount.edit", object: "discount"}
	discountAdd  = subForm{fn: "account.discount.add"}
)

// List returns one page of the discounts of client accountID.
//
// API: account.discount
func (s *DiscountsService) List(ctx context.Context, accountID int64, opts *DiscountListOptions) (*Page[Discount], error) {
	return discountList.page(ctx, s.client, accountID, opts)
}

// All yields every discount of client accountID, page by page.
//
// API: account.discount
func (s *DiscountsService) All(ctx context.Context, accountID int64, opts *DiscountListOptions) iter.Seq2[Discount, error] {
	return discountList.all(ctx, s.client, accountID, opts)
}

// Get reads the form of discount id of client accountID.
//
// API: account.discount.edit
func (s *DiscountsService) Get(ctx context.Context, accountID, id int64) (*DiscountDetails, error) {
	return subGet[DiscountDetails](ctx, s.client, discountForm, accountID, id)
}

// Create gives client accountID a discount and returns its id.
//
// API: account.discount.add
func (s *DiscountsService) Create(ctx context.Context, accountID int64, p *DiscountParams) (int64, error) {
	return discountAdd.create(ctx, s.client, accountID, p)
}

// Update changes the fields set in p of discount id of client accountID.
//
// API: account.discount.edit
func (s *DiscountsService) Update(ctx context.Context, accountID, id int64, p *DiscountParams) error {
	return discountForm.update(ctx, s.client, accountID, id, p)
}

// Delete removes the discounts ids of client accountID.
//
// API: account.discount.delete
func (s *DiscountsService) Delete(ctx context.Context, accountID int64, ids ...int64) error {
	return subAct(ctx, s.client, "account.discount.delete", accountID, ids)
}
