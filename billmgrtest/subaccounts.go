package billmgrtest

import "github.com/shopspring/decimal"

// subaccountList is a client's personal accounts: the reference page's columns and
// Russian labels, and the currency's ISO code.
var subaccountList = listSpec{key: "id",
	cols: []column{
		{name: "id", num: true},
		{name: "project", msg: true},
		{name: "balance", num: true},
		{name: "creditlimit", num: true},
		{name: "status", msg: true},
		{name: "currency"},
	},
	toolbar: append(editTools("subaccount.edit", ""), toolgrp{name: "suspend", btns: []toolbtn{
		btn("subaccount.suspend", "suspend", "t-suspend", "group"),
		btn("subaccount.resume", "resume", "t-resume", "group"),
		btn("subaccount.refund", "refund", "t-refund", "edit"),
	}}),
	messages: []message{
		msg("title", "Personal accounts", "Лицевые счета"),
		msg("balance", "Balance", "Баланс"),
		msg("creditlimit", "Credit limit", "Кредитный лимит"),
		msg("status", "State", "Состояние"),
		msg("currency", "Currency", "Валюта"),
		msg("short_suspend", "Suspend", "Остановить"),
		msg("short_resume", "Resume", "Включить"),
		msg("short_refund", "Withdraw", "Списать"),
	},
}

// listSubaccounts serves subaccount: the personal accounts of the client in elid.
func listSubaccounts(c *call) (*reply, error) {
	a, err := c.client("elid")
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, sa := range a.subs {
		rows = append(rows, row{
			idNode("id", sa.id),
			providerNode("project", sa.project, c.lang),
			el("balance", c.st.money(sa.balance, sa.currency)),
			el("creditlimit", c.st.money(sa.creditLimit, sa.currency)),
			intStatusNode("status", sa.status, subaccountStatuses, c.lang),
			el("currency", sa.currency.iso),
		})
	}
	return c.list(subaccountList, rows)
}

var subaccountFields = []field{
	{name: "subaccount_project", kind: kindSelect, options: providerOptions},
	{name: "subaccount_currency", kind: kindSelect, options: currencyOptions},
	{name: "allowpostpaid", kind: kindFlag},
	{name: "creditlimit", kind: kindMoney},
	{name: "referer"},
	{name: "active", kind: kindFlag},
	{name: "incident_limit", kind: kindInt},
}

func viewSubaccount(c *call) (*reply, error) {
	_, sa, err := clientChild(c, c.st.subaccounts)
	if err != nil {
		return nil, err
	}
	if sa == nil {
		rub, _ := currencyByISO("RUB")
		return c.form(subaccountFields, map[string]string{
			"subaccount_project":  idString(providers[0].id),
			"subaccount_currency": idString(rub.id),
			"allowpostpaid":       "off",
			"creditlimit":         amount(decimal.Zero),
			"active":              "on",
		}), nil
	}
	return c.form(subaccountFields, merge(sa.props, map[string]string{
		"subaccount_project":  idString(sa.project),
		"subaccount_currency": idString(sa.currency.id),
		"allowpostpaid":       onOff(sa.allowPostpaid),
		"creditlimit":         amount(sa.creditLimit),
	})), nil
}

// saveSubaccount serves subaccount.edit with sok: a new personal account of
// the client in plid (rubles unless subaccount_currency says otherwise), or
// a change of the one in elid, whose currency is fixed.
func saveSubaccount(c *call) (*reply, error) {
	a, sa, err := clientChild(c, c.st.subaccounts)
	if err != nil {
		return nil, err
	}
	vals, err := c.read(subaccountFields, false)
	if err != nil {
		return nil, err
	}
	cur := vals["subaccount_currency"]
	if sa != nil && cur != "" && cur != idString(sa.currency.id) {
		return nil, invalid("subaccount_currency", cur, whyCurrencyFixed)
	}
	if sa == nil {
		currency, _ := currencyByISO("RUB")
		if cur != "" {
			currency = currencyByID(cur)
		}
		sa = c.st.createSubaccount(a, currency)
	}
	for k, v := range vals {
		switch k {
		case "subaccount_project":
			if v != "" {
				sa.project = intOf(v)
			}
		case "subaccount_currency":
		case "allowpostpaid":
			sa.allowPostpaid = v == "on"
		case "creditlimit":
			sa.creditLimit = dec(v)
		default:
			sa.props[k] = v
		}
	}
	return created(sa.id), nil
}

// setSubaccountStatus serves subaccount.suspend (2) and subaccount.resume (1).
func setSubaccountStatus(status int) func(*call) (*reply, error) {
	return func(c *call) (*reply, error) {
		subs, err := lookupAll(c, "elid", c.st.subaccounts, nil)
		if err != nil {
			return nil, err
		}
		for _, sa := range subs {
			sa.status = status
		}
		return ok(), nil
	}
}

var withdrawFields = []field{
	{name: "amount", kind: kindPositive, required: true},
	{name: "description"},
}

// withdrawTarget finds the subaccount of subaccount.refund (plid, elid).
func (c *call) withdrawTarget() (*subaccount, error) {
	_, sa, err := clientChild(c, c.st.subaccounts)
	if err == nil && sa == nil {
		err = invalid("elid", "", whyRequired)
	}
	return sa, err
}

func withdrawForm(c *call) (*reply, error) {
	sa, err := c.withdrawTarget()
	if err != nil {
		return nil, err
	}
	return c.form(withdrawFields, map[string]string{"amount": amount(decimal.Max(sa.balance, decimal.Zero))}), nil
}

// withdraw serves subaccount.refund with sok: the amount leaves the balance,
// which it may not exceed.
func withdraw(c *call) (*reply, error) {
	sa, err := c.withdrawTarget()
	if err != nil {
		return nil, err
	}
	vals, err := c.read(withdrawFields, true)
	if err != nil {
		return nil, err
	}
	sum := dec(vals["amount"])
	if sum.GreaterThan(sa.balance) {
		return nil, invalid("amount", vals["amount"], whyOverBalance, c.st.money(sa.balance, sa.currency))
	}
	sa.balance = sa.balance.Sub(sum)
	return ok(), nil
}
