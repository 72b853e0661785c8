package billmgrtest

// Message is something the fake would have sent to a client: a ticket
// (ticket.write.account, ticket.write.payment), an SMS (account.sms) or an
// invoice e-mail (payment.send).
type Message struct {
	Kind      string // "ticket", "sms" or "invoice"
	ID        int64  // the ticket id; 0 for other kinds
	AccountID int64  // the client
	PaymentID int64  // the payment of a payment ticket or an invoice
	Subject   string // tickets
	Text      string // tickets and SMS
	Phone     string // SMS
	PhoneType string // SMS: the type parameter
}

// Outbox returns the messages sent to the client, oldest first.
func (h *Handler) Outbox(accountID int64) []Message {
	h.mu.Lock()
	defer h.mu.Unlock()
	if a := h.st.accounts[accountID]; a != nil {
		return append([]Message(nil), a.outbox...)
	}
	return nil
}

var ticketFields = []field{
	{name: "subject", required: true},
	{name: "message", required: true},
}

// ticketWriter serves a ticket.write function whose elid names what the
// ticket is about; target returns the client and the payment (or 0).
func ticketWriter(target func(*call) (*account, int64, error)) func(*call) (*reply, error) {
	return func(c *call) (*reply, error) {
		a, paymentID, err := target(c)
		if err != nil {
			return nil, err
		}
		if !c.sent() {
			return c.form(ticketFields, nil), nil
		}
		vals, err := c.read(ticketFields, true)
		if err != nil {
			return nil, err
		}
		m := Message{Kind: "ticket", ID: c.st.nextID(), AccountID: a.id, PaymentID: paymentID,
			Subject: vals["subject"], Text: vals["message"]}
		a.outbox = append(a.outbox, m)
		return created(m.ID), nil
	}
}

var (
	writeAccountTicket = ticketWriter(func(c *call) (*account, int64, error) {
		a, err := c.client("elid")
		return a, 0, err
	})
	writePaymentTicket = ticketWriter(func(c *call) (*account, int64, error) {
		p, err := lookup(c, "elid", c.st.payments, nil)
		if err != nil {
			return nil, 0, err
		}
		return c.st.accounts[p.accountID], p.id, nil
	})
)

var smsFields = []field{
	{name: "type", kind: kindSelect, options: func(c *call) []option {
		return []option{
			{key: "valid_phone", label: text{"Verified phone", "Подтвержденный телефон"}.in(c.lang), msg: true},
			{key: "try_phone", label: text{"Phone", "Телефон"}.in(c.lang), msg: true},
			{key: "other", label: text{"Another number", "Другой номер"}.in(c.lang), msg: true},
		}
	}},
	{name: "phone"},
	{name: "message", required: true},
}

func smsForm(c *call) (*reply, error) {
	a, err := c.client("elid")
	if err != nil {
		return nil, err
	}
	return c.form(smsFields, map[string]string{"type": "valid_phone", "phone": a.props["valid_phone"]}), nil
}

// sendSMS serves account.sms with sok. Without a phone it takes the client's
// phone of the chosen type.
func sendSMS(c *call) (*reply, error) {
	a, err := c.client("elid")
	if err != nil {
		return nil, err
	}
	vals, err := c.read(smsFields, true)
	if err != nil {
		return nil, err
	}
	kind := vals["type"]
	if kind == "" {
		kind = "valid_phone"
	}
	phone := vals["phone"]
	if phone == "" && kind != "other" {
		phone = a.props[kind]
	}
	if phone == "" {
		return nil, invalid("phone", "", whyRequired)
	}
	a.outbox = append(a.outbox, Message{Kind: "sms", AccountID: a.id, Phone: phone,
		PhoneType: kind, Text: vals["message"]})
	return ok(), nil
}
