package billmgrtest

// Every payment has one invoice line (payment.orderinfo): its subject, which
// payment.orderinfo.edit renames, and the payment's amount as its cost.

// orderLineList is the contents of an invoice: the reference page's columns and Russian
// labels.
var orderLineList = listSpec{key: "id",
	cols: []column{
		{name: "id", num: true},
		{name: "info"},
		{name: "cost", num: true, stat: true},
	},
	toolbar: []toolgrp{{name: "edit", btns: []toolbtn{btn("payment.orderinfo.edit", "edit", "t-edit", "edit", attr{"default", "yes"})}}},
	messages: []message{
		msg("title", "Invoice contents", "Содержание счета"),
		msg("info", "Subject", "Предмет счета"),
		msg("cost", "Cost", "Стоимость"),
	},
}

var orderLineFields = []field{{name: "name"}}

// lineText is the subject of the payment's invoice line.
func (p *payment) lineText(lang string) string {
	if p.lineName != "" {
		return p.lineName
	}
	return defaultOrderLine.in(lang)
}

// listOrderLines serves payment.orderinfo: the invoice lines of the payment in elid.
func listOrderLines(c *call) (*reply, error) {
	p, err := lookup(c, "elid", c.st.payments, nil)
	if err != nil {
		return nil, err
	}
	cur := c.st.subaccounts[p.subaccountID].currency
	return c.list(orderLineList, []row{{
		idNode("id", p.lineID),
		el("info", p.lineText(c.lang)),
		el("cost", c.st.money(p.amount, cur)),
	}})
}

// orderLine finds the payment (plid) whose line is elid.
func (c *call) orderLine() (*payment, error) {
	p, err := lookup(c, "plid", c.st.payments, nil)
	if err != nil {
		return nil, err
	}
	id, err := c.id("elid")
	if err != nil {
		return nil, err
	}
	if id != p.lineID {
		return nil, notFound("elid", idString(id))
	}
	return p, nil
}

func viewOrderLine(c *call) (*reply, error) {
	p, err := c.orderLine()
	if err != nil {
		return nil, err
	}
	return c.form(orderLineFields, map[string]string{"name": p.lineText(c.lang)}), nil
}

// saveOrderLine serves payment.orderinfo.edit with sok: it renames the line.
func saveOrderLine(c *call) (*reply, error) {
	p, err := c.orderLine()
	if err != nil {
		return nil, err
	}
	vals, err := c.read(orderLineFields, false)
	if err != nil {
		return nil, err
	}
	if v, sent := vals["name"]; sent {
		p.lineName = v
	}
	return ok(), nil
}
