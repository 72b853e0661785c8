package billmgrtest

import (
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

var paymentList = listSpec{key: "id", cols: []column{
	{name: "id", num: true},
	{name: "number"},
	{name: "create_date"},
	{name: "pay_date"},
	{name: "sender_name"},
	{name: "recipient_name"},
	{name: "project", msg: true},
	{name: "account_name"},
	{name: "paymethod_name", msg: true},
	{name: "subaccountamount_iso", num: true},
	{name: "paymethodamount_iso", num: true},
	{name: "status", msg: true},
	{name: "real_status", num: true},
	{name: "restrictrefund"},
}}

var paymentStatusOptions = statusOptions(paymentStatuses, paymentStatusCodes)

var paymentFilter = filterSpec{list: "account.payment", byClient: true, period: "createdate",
	fields: append([]field{
		{name: "number"},
		{name: "status", kind: kindMulti, options: paymentStatusOptions},
		{name: "paymethod", kind: kindMulti, options: paymethodOptions},
	}, periodFields("createdate")...)}

// listPayments serves account.payment: the payments of the client in elid.
func listPayments(c *call) (*reply, error) {
	a, err := c.client("elid")
	if err != nil {
		return nil, err
	}
	filters, err := paymentFilter.active(c)
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, p := range c.st.payments {
		if p.accountID != a.id || !matchAll(filters, func(f map[string]string) bool {
			return oneOf(idString(p.accountID), f[clientFilter]) && contains(p.number, f["number"]) &&
				oneOf(strconv.Itoa(p.status), f["status"]) && oneOf(idString(p.paymethod), f["paymethod"]) &&
				c.inPeriod(f, "createdate", p.created)
		}) {
			continue
		}
		sa := c.st.subaccounts[p.subaccountID]
		rows = append(rows, row{
			idNode("id", p.id),
			el("number", p.number),
			el("create_date", c.st.formatTime(p.created, dateLayout)),
			el("pay_date", c.st.formatTime(p.paid, dateLayout)),
			el("sender_name", orDash(p.props["sender"])),
			el("recipient_name", orDash("")),
			providerNode("project", sa.project, c.lang),
			el("account_name", a.name),
			el("paymethod_name", name(paymethods, p.paymethod, c.lang)),
			el("subaccountamount_iso", money(p.amount, sa.currency.iso)),
			el("paymethodamount_iso", money(p.methodAmount, sa.currency.iso)),
			intStatusNode("status", p.status, paymentStatuses, c.lang),
			el("real_status", strconv.Itoa(p.status)),
			el("restrictrefund", onOff(p.restrictRefund)),
			// Two more fields the real server writes (not columns): whether a
			// refund is possible now, and whether the payment is a refund.
			el("allowrefund", onOff(!p.restrictRefund && p.refundable().IsPositive())),
			el("refund", onOff(p.amount.IsNegative())),
		})
	}
	return c.list(paymentList, rows)
}

// orDash writes an empty name as the real server does: " - ".
func orDash(s string) string {
	if s == "" {
		return " - "
	}
	return s
}

var paymentFields = []field{
	{name: "number"},
	{name: "createdate", kind: kindDateTime},
	{name: "paydate", kind: kindDateTime},
	{name: "documentnumber"},
	{name: "documentdate", kind: kindDate},
	{name: "description"},
	{name: "sender"},
	{name: "subaccountamount", kind: kindPositive, required: true},
	{name: "usedamount", kind: kindMoney},
	{name: "paymethodamount", kind: kindMoney},
	{name: "commissionamount", kind: kindMoney},
	{name: "taxamount_readonly", kind: kindMoney, viewOnly: true},
	{name: "status", kind: kindSelect, options: paymentStatusOptions},
	{name: "paymethod", kind: kindSelect, options: paymethodOptions},
	{name: "restrictrefund", kind: kindFlag},
	{name: "info"},
	{name: "note"},
	{name: "currency", kind: kindSelect, options: currencyOptions},
}

// viewPayment serves the payment.edit form: the payment, or the defaults of
// a new one.
func viewPayment(c *call) (*reply, error) {
	a, p, err := clientChild(c, c.st.payments)
	if err != nil {
		return nil, err
	}
	if p == nil {
		main := a.subs[0]
		return c.form(paymentFields, map[string]string{
			"createdate": c.st.formatTime(c.now, dateTimeLayout),
			"status":     "1",
			"paymethod":  idString(paymethods[0].id),
			"currency":   idString(main.currency.id),
		}), nil
	}
	return c.form(paymentFields, merge(p.props, map[string]string{
		"number":             p.number,
		"createdate":         c.st.formatTime(p.created, dateTimeLayout),
		"paydate":            c.st.formatTime(p.paid, dateTimeLayout),
		"subaccountamount":   amount(p.amount),
		"paymethodamount":    amount(p.methodAmount),
		"taxamount_readonly": amount(decimal.Zero),
		"status":             strconv.Itoa(p.status),
		"paymethod":          idString(p.paymethod),
		"restrictrefund":     onOff(p.restrictRefund),
		"currency":           idString(c.st.subaccounts[p.subaccountID].currency.id),
	})), nil
}

// savePayment serves payment.edit with sok: it creates a payment of the
// client in plid (always new, status 1) or changes the one in elid.
func savePayment(c *call) (*reply, error) {
	a, p, err := clientChild(c, c.st.payments)
	if err != nil {
		return nil, err
	}
	vals, err := c.read(paymentFields, p == nil)
	if err != nil {
		return nil, err
	}
	if p != nil {
		if err := c.updatePayment(p, vals); err != nil {
			return nil, err
		}
		c.record(p, histEdited, strings.Join(sortedKeys(vals), ", "))
		return created(p.id), nil
	}
	sa, err := c.subaccountIn(a, vals["currency"], "currency")
	if err != nil {
		return nil, err
	}
	p = c.st.createPayment(sa, dec(vals["subaccountamount"]), c.now)
	for _, k := range []string{"status", "subaccountamount", "currency"} {
		delete(vals, k)
	}
	if err := c.updatePayment(p, vals); err != nil {
		return nil, err // cannot happen: nothing left that can be refused
	}
	c.record(p, histCreated)
	return created(p.id), nil
}

// subaccountIn finds the client's personal account in the currency with id
// cur (sent as param); "" is the main one.
func (c *call) subaccountIn(a *account, cur, param string) (*subaccount, error) {
	subs := a.subs
	if cur == "" {
		return subs[0], nil
	}
	for _, sa := range subs {
		if idString(sa.currency.id) == cur {
			return sa, nil
		}
	}
	return nil, invalid(param, cur, whyNoSubaccount)
}

// settled reports whether the payment's amount went into the balance and
// stays accounted for there: credited (4) or refunded (6).
func (p *payment) settled() bool { return p.status == 4 || p.status == 6 }

// updatePayment applies payment.edit values. The amount and status of a
// settled payment are fixed; status 4 credits the payment as setpaid does;
// status 6 comes only from payment.refund.
func (c *call) updatePayment(p *payment, vals map[string]string) error {
	sa := c.st.subaccounts[p.subaccountID]
	if v, sent := vals["subaccountamount"]; sent && p.settled() && !dec(v).Equal(p.amount) {
		return invalid("subaccountamount", v, whyAmountLocked)
	}
	newStatus := p.status
	if v, sent := vals["status"]; sent && v != "" {
		newStatus, _ = strconv.Atoi(v)
	}
	switch {
	case newStatus == p.status:
	case newStatus == 4 && !creditable(p.status):
		return invalid("status", vals["status"], whyNotCreditable, paymentStatuses[p.status].label.in(c.lang))
	case p.settled() || newStatus == 6:
		return invalid("status", vals["status"], whyStatusLocked)
	}
	if v, sent := vals["currency"]; sent && v != "" && v != idString(sa.currency.id) {
		return invalid("currency", v, whyCurrencyFixed)
	}

	for k, v := range vals {
		switch k {
		case "number":
			p.number = v
		case "createdate":
			p.created = c.parseTime(v)
		case "paydate":
			p.paid = c.parseTime(v)
		case "subaccountamount":
			p.amount = dec(v)
		case "paymethodamount":
			p.methodAmount = dec(v)
		case "paymethod":
			p.paymethod = intOf(v)
		case "restrictrefund":
			p.restrictRefund = v == "on"
		case "status", "currency":
		default:
			p.props[k] = v
		}
	}
	if newStatus == 4 && p.status != 4 {
		c.st.credit(p, c.now)
		c.record(p, histCredited)
	} else {
		p.status = newStatus
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// setPaid serves payment.setpaid: each payment goes to status 4 and its
// amount into its client's balance. A payment that is not new, paid,
// promised or initiated fails the whole call with value(status).
func setPaid(c *call) (*reply, error) {
	ps, err := lookupAll(c, "elid", c.st.payments, nil)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if !creditable(p.status) {
			return nil, invalid("status", strconv.Itoa(p.status), whyNotCreditable, paymentStatuses[p.status].label.in(c.lang))
		}
	}
	for _, p := range ps {
		c.st.credit(p, c.now)
		c.record(p, histCredited)
	}
	return ok(), nil
}

// sendInvoices serves payment.send: an invoice e-mail per payment (see Outbox).
func sendInvoices(c *call) (*reply, error) {
	ps, err := lookupAll(c, "elid", c.st.payments, nil)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		a := c.st.accounts[p.accountID]
		a.outbox = append(a.outbox, Message{Kind: "invoice", AccountID: a.id, PaymentID: p.id,
			Subject: text{"Invoice %s", "Счет %s"}.in(c.lang, p.number)})
	}
	return ok(), nil
}

// deletePayments serves payment.delete. Settled payments (credited or
// refunded) fail the whole call with value(status).
func deletePayments(c *call) (*reply, error) {
	ps, err := lookupAll(c, "elid", c.st.payments, nil)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.settled() {
			return nil, invalid("status", strconv.Itoa(p.status), whyNotDeletable)
		}
	}
	for _, p := range ps {
		delete(c.st.payments, p.id)
	}
	return ok(), nil
}

var refundFields = []field{
	{name: "amount", kind: kindPositive, required: true},
	{name: "description"},
}

// refundable is what payment.refund may still return from p.
func (p *payment) refundable() decimal.Decimal {
	if !p.settled() {
		return decimal.Zero
	}
	return decimal.Max(p.amount.Sub(p.refunded), decimal.Zero)
}

func refundForm(c *call) (*reply, error) {
	_, p, err := clientChild(c, c.st.payments)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, invalid("elid", "", whyRequired)
	}
	return c.form(refundFields, map[string]string{"amount": amount(p.refundable())}), nil
}

// refund serves payment.refund with sok: the amount leaves the balance as a
// new (negative, credited) refund payment; a payment refunded in full gets
// status 6.
func refund(c *call) (*reply, error) {
	_, p, err := clientChild(c, c.st.payments)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, invalid("elid", "", whyRequired)
	}
	vals, err := c.read(refundFields, true)
	if err != nil {
		return nil, err
	}
	sum := dec(vals["amount"])
	sa := c.st.subaccounts[p.subaccountID]
	if p.restrictRefund {
		return nil, invalid("restrictrefund", "on", whyRestricted)
	}
	if avail := p.refundable(); sum.GreaterThan(avail) {
		return nil, invalid("amount", vals["amount"], whyRefundTooMuch, money(avail, sa.currency.iso))
	}
	sa.balance = sa.balance.Sub(sum)
	p.refunded = p.refunded.Add(sum)
	if p.refunded.Equal(p.amount) {
		p.status = 6
	}
	c.record(p, histRefunded, money(sum, sa.currency.iso))

	r := c.st.createPayment(sa, sum.Neg(), c.now)
	r.status, r.paid, r.paymethod = 4, c.now, p.paymethod
	r.props["description"] = vals["description"]
	c.record(r, histCreated)
	return created(r.id), nil
}

var historyList = listSpec{key: "changedate", cols: []column{
	{name: "changedate"},
	{name: "desc"},
	{name: "user"},
	{name: "ip"},
	{name: "action"},
}}

// listHistory serves payment.history: every change of the payment in elid.
func listHistory(c *call) (*reply, error) {
	p, err := lookup(c, "elid", c.st.payments, nil)
	if err != nil {
		return nil, err
	}
	rows := make([]row, len(p.history))
	for i, h := range p.history {
		rows[i] = row{
			el("changedate", c.st.formatTime(h.at, dateTimeLayout)),
			el("desc", h.what.in(c.lang, h.args...)),
			el("user", h.user),
			el("ip", h.ip),
			el("action", h.action),
		}
	}
	return c.list(historyList, rows)
}

var addPaymentFields = []field{
	{name: "amount", kind: kindPositive, required: true},
	{name: "paymethod", kind: kindSelect, options: paymethodOptions},
	{name: "payment_currency", kind: kindSelect, options: currencyOptions},
}

// payer is the client a payment.add call runs as (a client login, or su).
func (c *call) payer() (*account, error) {
	if a := c.actor().account; a != nil {
		return a, nil
	}
	return nil, invalid("su", c.params.Get("su"), whySuClient)
}

func addPaymentForm(c *call) (*reply, error) {
	a, err := c.payer()
	if err != nil {
		return nil, err
	}
	return c.form(addPaymentFields, map[string]string{
		"paymethod":        idString(paymethods[0].id),
		"payment_currency": idString(a.subs[0].currency.id),
	}), nil
}

// addPayment serves payment.add with sok: the client's own new payment.
func addPayment(c *call) (*reply, error) {
	a, err := c.payer()
	if err != nil {
		return nil, err
	}
	vals, err := c.read(addPaymentFields, true)
	if err != nil {
		return nil, err
	}
	sa, err := c.subaccountIn(a, vals["payment_currency"], "payment_currency")
	if err != nil {
		return nil, err
	}
	p := c.st.createPayment(sa, dec(vals["amount"]), c.now)
	if v := vals["paymethod"]; v != "" {
		p.paymethod = intOf(v)
	}
	c.record(p, histCreated)
	return ok(idNode("id", p.id), idNode("payment_id", p.id)), nil
}
