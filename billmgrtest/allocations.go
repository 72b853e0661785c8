package billmgrtest

import (
	"github.com/shopspring/decimal"
)

// An allocation says which part of a payment pays an expense
// (payment.expense). Neither a payment nor an expense can be allocated past
// its amount. Allocations only book; they move no money.

// allocationList is the distribution of a payment across expenses: the reference
// page's columns and Russian labels.
var allocationList = listSpec{key: "expense",
	cols: []column{
		{name: "expense", num: true},
		{name: "expense_locale_name"},
		{name: "amount_iso", num: true, stat: true},
		{name: "invoice"},
		{name: "invoice_number"},
	},
	toolbar: editTools("payment.expense.edit", "payment.expense.delete"),
	messages: []message{
		msg("title", "Expenses of the payment", "Расходы платежа"),
		msg("expense", "Expense code", "Код расхода"),
		msg("expense_locale_name", "Expense", "Расход"),
		msg("amount_iso", "Amount", "Сумма"),
		msg("invoice", "Act code", "Код акта"),
		msg("invoice_number", "Act", "Акт"),
	},
}

var allocationFields = []field{
	{name: "expense", kind: kindInt, required: true},
	{name: "amount", kind: kindPositive, required: true},
}

// listAllocations serves payment.expense: the allocations of the payment in elid.
func listAllocations(c *call) (*reply, error) {
	p, err := lookup(c, "elid", c.st.payments, nil)
	if err != nil {
		return nil, err
	}
	cur := c.st.subaccounts[p.subaccountID].currency
	rows := make([]row, len(p.spent))
	for i, al := range p.spent {
		rows[i] = row{
			idNode("expense", al.expenseID),
			el("expense_locale_name", c.st.expenses[al.expenseID].label(c.lang)),
			el("amount_iso", c.st.money(al.amount, cur)),
			el("invoice", ""),
			el("invoice_number", ""),
		}
	}
	return c.list(allocationList, rows)
}

func (p *payment) allocationOf(expenseID int64) *allocation {
	for _, al := range p.spent {
		if al.expenseID == expenseID {
			return al
		}
	}
	return nil
}

// allocated sums what payments pay of each expense.
func (s *state) allocated() map[int64]decimal.Decimal {
	sums := make(map[int64]decimal.Decimal)
	for _, p := range s.payments {
		for _, al := range p.spent {
			sums[al.expenseID] = sums[al.expenseID].Add(al.amount)
		}
	}
	return sums
}

// allocation finds the payment in plid and its allocation to the expense in
// elid (nil without elid).
func (c *call) allocation() (*payment, *allocation, error) {
	p, err := lookup(c, "plid", c.st.payments, nil)
	if err != nil || c.params.Get("elid") == "" {
		return p, nil, err
	}
	id, err := c.id("elid")
	if err != nil {
		return nil, nil, err
	}
	al := p.allocationOf(id)
	if al == nil {
		return nil, nil, notFound("elid", idString(id))
	}
	return p, al, nil
}

func viewAllocation(c *call) (*reply, error) {
	_, al, err := c.allocation()
	if err != nil {
		return nil, err
	}
	var vals map[string]string
	if al != nil {
		vals = map[string]string{"expense": idString(al.expenseID), "amount": amount(al.amount)}
	}
	return c.form(allocationFields, vals), nil
}

// saveAllocation serves payment.expense.edit with sok: it allocates part of
// the payment to an expense of the same client, or changes the amount of
// the allocation in elid (its expense stays).
func saveAllocation(c *call) (*reply, error) {
	p, al, err := c.allocation()
	if err != nil {
		return nil, err
	}
	vals, err := c.read(allocationFields, al == nil)
	if err != nil {
		return nil, err
	}
	creating := al == nil
	if creating {
		v := vals["expense"]
		e := c.st.expenses[intOf(v)]
		if e == nil || e.accountID != p.accountID {
			return nil, invalid("expense", v, whyChoice)
		}
		if p.allocationOf(e.id) != nil {
			return nil, clash("expense", v)
		}
		al = &allocation{expenseID: e.id}
	}
	v, sent := vals["amount"]
	if !sent {
		return ok(), nil
	}
	sum := dec(v)
	cur := c.st.subaccounts[p.subaccountID].currency
	free := p.amount
	for _, other := range p.spent {
		if other != al {
			free = free.Sub(other.amount)
		}
	}
	if sum.GreaterThan(free) {
		return nil, invalid("amount", v, whyOverPayment, c.st.money(free, cur))
	}
	e := c.st.expenses[al.expenseID]
	if unpaid := e.amount.Sub(c.st.allocated()[e.id]).Add(al.amount); sum.GreaterThan(unpaid) {
		return nil, invalid("amount", v, whyOverExpense, c.st.money(unpaid, cur))
	}
	al.amount = sum
	if creating {
		p.spent = append(p.spent, al)
	}
	return ok(), nil
}

// deleteAllocations serves payment.expense.delete: elid names expenses.
func deleteAllocations(c *call) (*reply, error) {
	p, err := lookup(c, "plid", c.st.payments, nil)
	if err != nil {
		return nil, err
	}
	ids, err := c.ids("elid")
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if p.allocationOf(id) == nil {
			return nil, notFound("elid", idString(id))
		}
	}
	for _, id := range ids {
		p.unallocate(id)
	}
	return ok(), nil
}

// unallocate removes the payment's allocation to the expense, if any.
func (p *payment) unallocate(expenseID int64) {
	for i, al := range p.spent {
		if al.expenseID == expenseID {
			p.spent = append(p.spent[:i], p.spent[i+1:]...)
			return
		}
	}
}
