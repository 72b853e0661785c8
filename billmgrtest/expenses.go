package billmgrtest

import (
	"github.com/shopspring/decimal"
)

// expenseList is a client's expenses: the reference page's columns and Russian labels.
var expenseList = listSpec{key: "id",
	cols: []column{
		{name: "id", num: true},
		{name: "locale_name"},
		{name: "realdate"},
		{name: "cdate"},
		{name: "amount", num: true, stat: true},
		{name: "notpayd", num: true},
		{name: "discountamount", num: true},
		{name: "payments", num: true},
		{name: "discount"},
		{name: "taxamount", num: true},
	},
	toolbar: append(editTools("subaccount.expense.edit", "subaccount.expense.delete"),
		toolgrp{name: "filter", btns: []toolbtn{btn("subaccount.expense.filter", "filter", "t-filter", "new")}}),
	messages: []message{
		msg("title", "Expenses", "Расходы"),
		msg("locale_name", "Name", "Наименование"),
		msg("realdate", "Date", "Дата"),
		msg("cdate", "Service start date", "Дата"),
		msg("amount", "Amount", "Сумма"),
		msg("notpayd", "Not paid", "Не оплачено"),
		msg("discountamount", "Discount amount", "Сумма скидки"),
		msg("payments", "Paid by payments", "Оплачено платежами"),
		msg("discount", "Discount code", "Код скидки"),
		msg("taxamount", "Tax", "Налог"),
	},
}

var expenseFilter = filterSpec{list: "subaccount.expense", byClient: true, period: "realdate",
	fields: append(periodFields("realdate"), field{name: "operation"})}

// label is the name of the expense: as set, else its operation.
func (e *expense) label(lang string) string {
	if n := e.props["name"]; n != "" {
		return n
	}
	if op := e.props["operation"]; op != "" {
		return op
	}
	return defaultExpense.in(lang)
}

// tax is the tax included in the amount: AMOUNT - AMOUNT/((100+RATE)/100).
func (e *expense) tax() decimal.Decimal {
	hundred := decimal.NewFromInt(100)
	return e.amount.Sub(e.amount.Mul(hundred).Div(hundred.Add(e.taxRate))).Round(2)
}

// listExpenses serves subaccount.expense: the expenses of the client in
// elid; payments is what allocations pay of each, notpayd the rest.
func listExpenses(c *call) (*reply, error) {
	a, err := c.client("elid")
	if err != nil {
		return nil, err
	}
	filters, err := expenseFilter.active(c)
	if err != nil {
		return nil, err
	}
	allocated := c.st.allocated()
	var rows []row
	for _, e := range c.st.expenses {
		if e.accountID != a.id || !matchAll(filters, func(f map[string]string) bool {
			return oneOf(idString(e.accountID), f[clientFilter]) && c.inPeriod(f, "realdate", e.realDate) &&
				(f["operation"] == "" || f["operation"] == e.props["operation"])
		}) {
			continue
		}
		cur := c.st.subaccounts[e.subaccountID].currency
		paid := allocated[e.id]
		rows = append(rows, row{
			idNode("id", e.id),
			el("locale_name", e.label(c.lang)),
			el("realdate", c.st.formatTime(e.realDate, dateTimeLayout)),
			el("cdate", e.props["cdate"]),
			el("amount", c.st.money(e.amount, cur)),
			el("notpayd", c.st.money(e.amount.Sub(paid), cur)),
			el("discountamount", c.st.money(decimal.Zero, cur)),
			el("payments", c.st.money(paid, cur)),
			el("discount", ""),
			el("taxamount", c.st.money(e.tax(), cur)),
		})
	}
	return c.list(expenseList, rows)
}

var expenseFields = []field{
	{name: "subaccount", kind: kindSelect, options: clientSubaccountOptions},
	{name: "item"},
	{name: "operation"},
	{name: "amount", kind: kindPositive, required: true},
	{name: "taxrate", kind: kindPercent},
	{name: "postpaid", kind: kindFlag},
	{name: "name"},
	{name: "realdate", kind: kindDateTime},
	{name: "cdate", kind: kindDate},
}

// clientSubaccountOptions are the personal accounts of the client in plid.
func clientSubaccountOptions(c *call) []option {
	var opts []option
	if a := c.st.accounts[intOf(c.params.Get("plid"))]; a != nil {
		for _, sa := range a.subs {
			opts = append(opts, option{key: idString(sa.id), label: idString(sa.id) + " (" + sa.currency.iso + ")"})
		}
	}
	return opts
}

func viewExpense(c *call) (*reply, error) {
	a, e, err := clientChild(c, c.st.expenses)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return c.form(expenseFields, map[string]string{
			"subaccount": idString(a.subs[0].id),
			"postpaid":   "off",
			"realdate":   c.st.formatTime(c.now, dateTimeLayout),
		}), nil
	}
	return c.form(expenseFields, merge(e.props, map[string]string{
		"subaccount": idString(e.subaccountID),
		"amount":     amount(e.amount),
		"taxrate":    e.taxRate.String(),
		"postpaid":   onOff(e.postpaid),
		"realdate":   c.st.formatTime(e.realDate, dateTimeLayout),
	})), nil
}

// saveExpense serves subaccount.expense.edit with sok: it charges a new
// expense to a personal account of the client in plid (the main one unless
// subaccount says otherwise), or changes the expense in elid, charging the
// difference. A charge that takes the balance below minus the credit limit
// is refused with value(amount), unless postpaid is on.
func saveExpense(c *call) (*reply, error) {
	a, e, err := clientChild(c, c.st.expenses)
	if err != nil {
		return nil, err
	}
	vals, err := c.read(expenseFields, e == nil)
	if err != nil {
		return nil, err
	}
	creating := e == nil
	if creating {
		e = &expense{accountID: a.id, subaccountID: a.subs[0].id, realDate: c.now,
			props: make(map[string]string)}
	}
	saID, sum, postpaid := e.subaccountID, e.amount, e.postpaid
	if v := vals["subaccount"]; v != "" {
		saID = intOf(v)
	}
	if v, sent := vals["amount"]; sent {
		sum = dec(v)
	}
	if v, sent := vals["postpaid"]; sent {
		postpaid = v == "on"
	}
	if err := c.st.charge(e, saID, sum, postpaid); err != nil {
		return nil, err
	}
	for k, v := range vals {
		switch k {
		case "subaccount", "amount", "postpaid":
		case "taxrate":
			e.taxRate = dec(v)
		case "realdate":
			e.realDate = c.parseTime(v)
		default:
			e.props[k] = v
		}
	}
	if creating {
		e.id = c.st.nextID()
		c.st.expenses[e.id] = e
	}
	return created(e.id), nil
}

// charge makes the expense cost sum on subaccount saID: it gives back what
// the expense charged before and takes sum. Unless postpaid is on, it
// changes nothing if that lowers the balance below minus the credit limit
// (lowering an expense is always allowed).
func (s *state) charge(e *expense, saID int64, sum decimal.Decimal, postpaid bool) error {
	sa := s.subaccounts[saID]
	available := sa.balance
	if saID == e.subaccountID {
		available = available.Add(e.amount)
	}
	after := available.Sub(sum)
	if !postpaid && after.LessThan(sa.creditLimit.Neg()) && after.LessThan(sa.balance) {
		return invalid("amount", amount(sum), whyNoFunds,
			s.money(available, sa.currency), s.money(sa.creditLimit, sa.currency))
	}
	if old := s.subaccounts[e.subaccountID]; old != nil {
		old.balance = old.balance.Add(e.amount)
	}
	sa.balance = sa.balance.Sub(sum)
	e.subaccountID, e.amount, e.postpaid = saID, sum, postpaid
	return nil
}

// deleteExpenses serves subaccount.expense.delete: each amount goes back to
// its balance, and the expense's allocations go too.
func deleteExpenses(c *call) (*reply, error) {
	a, err := c.client("plid")
	if err != nil {
		return nil, err
	}
	es, err := lookupAll(c, "elid", c.st.expenses, ownedBy[*expense](a))
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		sa := c.st.subaccounts[e.subaccountID]
		sa.balance = sa.balance.Add(e.amount)
		for _, p := range c.st.payments {
			p.unallocate(e.id)
		}
		delete(c.st.expenses, e.id)
	}
	return ok(), nil
}

// ownExpenseList is the expense list as a client sees it (func=expense under a client's
// login or su): the columns of the recorded (reduced) fixture, newest first as there,
// the date a date; titles, labels and toolbar are the fake's.
var ownExpenseList = listSpec{key: "id", desc: true,
	cols: []column{
		{name: "id", num: true},
		{name: "realdate"},
		{name: "locale_name"},
		{name: "amount", num: true, stat: true},
	},
	toolbar: []toolgrp{{name: "filter", btns: []toolbtn{btn("expense.filter", "filter", "t-filter", "new")}}},
	messages: []message{
		msg("title", "Expenses", "Расходы"),
		msg("realdate", "Date", "Дата"),
		msg("locale_name", "Name", "Наименование"),
		msg("amount", "Amount", "Сумма"),
	},
}

// ownExpenseFilter is the filter of func=expense: inline, or saved with the form
// expense.filter, per user.
var ownExpenseFilter = filterSpec{list: "expense", period: "realdate", fields: periodFields("realdate")}

// listOwnExpenses serves expense: under a client's login (or su) the client's own
// expenses; for the administrator, every client's.
func listOwnExpenses(c *call) (*reply, error) {
	filters, err := ownExpenseFilter.active(c)
	if err != nil {
		return nil, err
	}
	own := c.actor().account
	var rows []row
	for _, e := range c.st.expenses {
		if own != nil && e.accountID != own.id ||
			!matchAll(filters, func(f map[string]string) bool { return c.inPeriod(f, "realdate", e.realDate) }) {
			continue
		}
		rows = append(rows, row{
			idNode("id", e.id),
			el("item", e.props["item"]),
			el("amount", c.st.money(e.amount, c.st.subaccounts[e.subaccountID].currency)),
			el("realdate", c.st.formatTime(e.realDate, dateLayout)),
			el("locale_name", e.label(c.lang)),
		})
	}
	return c.list(ownExpenseList, rows)
}
