package billmgr

import (
	"context"
	"iter"

	"github.com/shopspring/decimal"
)

// TaxRulesService calls the taxrule functions of the account API.
type TaxRulesService service

// TaxRule is a row of a client's special tax rules (account.taxrule).
type TaxRule struct {
	ID       int64           `xml:"id"`
	Type     Status          `xml:"type"`
	Project  Status          `xml:"project"` // the provider
	Company  Status          `xml:"company"`
	Country  Status          `xml:"country"`  // the payer's country
	TaxRate  decimal.Decimal `xml:"taxrate"`  // percent
	ItemType string          `xml:"itemtype"` // the product types taxed
}

// TaxRuleListOptions page and sort a client's tax rules. The list has no filters.
type TaxRuleListOptions struct {
	ListOptions
}

// TaxRuleDetails is the form of a special tax rule (account.taxrule.edit).
type TaxRuleDetails struct {
	ID              int64           `xml:"elid"`
	AccountID       int64           `xml:"plid"`
	Project         int64           `xml:"project"` // provider id
	Country         int64           `xml:"country"` // country id
	TaxRate         decimal.Decimal `xml:"taxrate"`
	SpecialItemType OnOff           `xml:"specialitemtype"`
	ItemType        string          `xml:"itemtype"`
}

// TaxRuleParams create or change a special tax rule. Fields left nil are not sent, so
// Update changes only what is set.
type TaxRuleParams struct {
	// Project is the provider id.
	Project *int64 `url:"project,omitempty"`
	// Country is the id of the payer's country the rate applies to.
	Country *int64 `url:"country,omitempty"`
	// TaxRate is the rate in percent for that country.
	TaxRate *Decimal `url:"taxrate,omitempty"`
	// SpecialItemType set means only the product types in ItemType are taxed.
	SpecialItemType *OnOff `url:"specialitemtype,omitempty"`
	// ItemType lists the product types taxed.
	ItemType *string `url:"itemtype,omitempty"`
}

var (
	taxRuleList = subList[TaxRule]{fn: "account.taxrule", id: func(r *TaxRule) int64 { return r.ID }}
	taxRuleForm = subForm{fn: "account.taxrule.edit", object: "tax rule"}
)

// List returns one page of the special tax rules of client accountID.
//
// API: account.taxrule
func (s *TaxRulesService) List(ctx context.Context, accountID int64, opts *TaxRuleListOptions) (*Page[TaxRule], error) {
	return taxRuleList.page(ctx, s.client, accountID, opts)
}

// All yields every special tax rule of client accountID, page by page.
//
// API: account.taxrule
func (s *TaxRulesService) All(ctx context.Context, accountID int64, opts *TaxRuleListOptions) iter.Seq2[TaxRule, error] {
	return taxRuleList.all(ctx, s.client, accountID, opts)
}

// Get reads the form of tax rule id of client accountID.
//
// API: account.taxrule.edit
func (s *TaxRulesService) Get(ctx context.Context, accountID, id int64) (*TaxRuleDetails, error) {
	return subGet[TaxRuleDetails](ctx, s.client, taxRuleForm, accountID, id)
}

// Create adds a special tax rule for client accountID and returns its id.
//
// API: account.taxrule.edit
func (s *TaxRulesService) Create(ctx context.Context, accountID int64, p *TaxRuleParams) (int64, error) {
	return taxRuleForm.create(ctx, s.client, accountID, p)
}

// Update changes the fields set in p of tax rule id of client accountID.
//
// API: account.taxrule.edit
func (s *TaxRulesService) Update(ctx context.Context, accountID, id int64, p *TaxRuleParams) error {
	return taxRuleForm.update(ctx, s.client, accountID, id, p)
}

// Delete removes the tax rules ids of client accountID.
//
// API: account.taxrule.delete
func (s *TaxRulesService) Delete(ctx context.Context, accountID int64, ids ...int64) error {
	return subAct(ctx, s.client, "account.taxrule.delete", accountID, ids)
}
