package billmgrtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"
)

// Seed is the initial data of a fake (WithSeed). Its JSON form is what
// billmgr-fake and billmgr fake read with --seed:
//
//	{"currencies": [{"iso": "RUB", "symbol": "₽"}],
//	 "accounts": [{"email": "ann@example.com", "password": "pw", "name": "Ann",
//	  "currency": "RUB", "balance": "100.00", "credit_limit": "0",
//	  "payments": [{"amount": "100.00", "status": 4}],
//	  "expenses": [{"name": "Hosting", "operation": "prolong", "amount": "10.00"}]}]}
type Seed struct {
	Currencies []SeedCurrency `json:"currencies,omitempty"`
	Accounts   []SeedAccount  `json:"accounts"`
}

// SeedCurrency sets the symbol of a currency of the directory, as an administrator does
// in the panel. Amounts in a currency with a symbol read "10.00 ₽"; in one without,
// "10.00 RUB" (the server writes IFNULL(symbol, iso)). Without a seed entry a currency
// has no symbol, as in the recorded installation (its rubles read "10.00 RUB" and its
// currency directory has an empty <symbol/>; the recorded euros read "20.00 EUR"). Seed
// the symbols your installation has, so that your tests read amounts as it prints them.
type SeedCurrency struct {
	ISO    string `json:"iso"`    // RUB, USD or EUR
	Symbol string `json:"symbol"` // "" for none; no spaces or digits
}

// SeedAccount is a client with one personal account. Its balance is
// Balance as given: the seeded payments and expenses are history and do not
// change it.
type SeedAccount struct {
	Email       string          `json:"email"`              // login; unique, ignoring case
	Password    string          `json:"password,omitempty"` // "" cannot log in
	Name        string          `json:"name,omitempty"`     // default Email
	Currency    string          `json:"currency,omitempty"` // ISO code: RUB (default), USD or EUR
	Balance     decimal.Decimal `json:"balance"`
	CreditLimit decimal.Decimal `json:"credit_limit"` // >= 0
	Payments    []SeedPayment   `json:"payments,omitempty"`
	Expenses    []SeedExpense   `json:"expenses,omitempty"`
}

// SeedPayment is a payment of a seeded client.
type SeedPayment struct {
	Amount      decimal.Decimal `json:"amount"`              // > 0
	Status      int             `json:"status,omitempty"`    // payment status code; default 1 (new)
	Number      string          `json:"number,omitempty"`    // default "pfx/ID"
	Paymethod   int64           `json:"paymethod,omitempty"` // 1 bank transfer (default), 2 bank card, 3 test payment
	Description string          `json:"description,omitempty"`
	Created     time.Time       `json:"created"` // default the clock's now; also the pay date of a credited one; left out of JSON when zero
}

// MarshalJSON writes the payment in the form --seed reads, without a zero Created.
func (p SeedPayment) MarshalJSON() ([]byte, error) {
	type plain SeedPayment
	return json.Marshal(struct {
		plain
		Created *time.Time `json:"created,omitempty"`
	}{plain(p), nonZero(p.Created)})
}

// SeedExpense is an expense of a seeded client.
type SeedExpense struct {
	Name      string          `json:"name,omitempty"`
	Operation string          `json:"operation,omitempty"`
	Amount    decimal.Decimal `json:"amount"` // > 0
	Date      time.Time       `json:"date"`   // realdate; default the clock's now; left out of JSON when zero
}

// MarshalJSON writes the expense in the form --seed reads, without a zero Date.
func (e SeedExpense) MarshalJSON() ([]byte, error) {
	type plain SeedExpense
	return json.Marshal(struct {
		plain
		Date *time.Time `json:"date,omitempty"`
	}{plain(e), nonZero(e.Date)})
}

// nonZero is t, or nil when t is zero: the JSON of a seed leaves a zero time out. (The
// omitzero tag option would say the same, but Go 1.23 ignores it.)
func nonZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Validate reports what is wrong with the seed, if anything.
func (s Seed) Validate() error {
	var errs []error
	isos := map[string]bool{}
	for i, c := range s.Currencies {
		if _, ok := currencyByISO(c.ISO); !ok || isos[strings.ToUpper(c.ISO)] {
			errs = append(errs, fmt.Errorf("seed currency %d: unknown or repeated currency %q (want RUB, USD or EUR, once each)", i, c.ISO))
		}
		isos[strings.ToUpper(c.ISO)] = true
		if strings.IndexFunc(c.Symbol, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsDigit(r) }) >= 0 {
			errs = append(errs, fmt.Errorf("seed currency %s: symbol %q has a space or a digit, which would run into the amount", c.ISO, c.Symbol))
		}
	}
	emails := map[string]bool{}
	for i, a := range s.Accounts {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("seed account %d (%s): %s", i, a.Email, fmt.Sprintf(format, args...)))
		}
		if !validEmail(a.Email) {
			bad("invalid e-mail")
		}
		if emails[strings.ToLower(a.Email)] {
			bad("duplicate e-mail")
		}
		emails[strings.ToLower(a.Email)] = true
		if _, ok := currencyByISO(a.Currency); a.Currency != "" && !ok {
			bad("unknown currency %q (want RUB, USD or EUR)", a.Currency)
		}
		if a.CreditLimit.IsNegative() {
			bad("negative credit limit")
		}
		for j, p := range a.Payments {
			if !p.Amount.IsPositive() {
				bad("payment %d: amount must be positive", j)
			}
			if _, ok := paymentStatuses[p.Status]; p.Status != 0 && !ok {
				bad("payment %d: unknown status %d", j, p.Status)
			}
			if p.Paymethod != 0 && name(paymethods, p.Paymethod, "en") == "" {
				bad("payment %d: unknown paymethod %d", j, p.Paymethod)
			}
		}
		for j, e := range a.Expenses {
			if !e.Amount.IsPositive() {
				bad("expense %d: amount must be positive", j)
			}
		}
	}
	return errors.Join(errs...)
}

// load adds a validated seed to the state.
func (s *state) load(seed Seed) {
	now := s.cfg.now()
	orNow := func(t time.Time) time.Time {
		if t.IsZero() {
			return now
		}
		return t
	}
	for _, sc := range seed.Currencies {
		cur, _ := currencyByISO(sc.ISO)
		s.symbols[cur.iso] = sc.Symbol
	}
	for _, sa := range seed.Accounts {
		cur, ok := currencyByISO(sa.Currency)
		if !ok {
			cur = currencies[0]
		}
		a := s.createAccount(sa.Email, sa.Password, sa.Name, cur, now)
		main := a.subs[0]
		main.balance, main.creditLimit = sa.Balance, sa.CreditLimit
		for _, sp := range sa.Payments {
			p := s.createPayment(s.newPaymentIDs(), main, sp.Amount, orNow(sp.Created))
			p.history = append(p.history, change{at: p.created, what: histCreated, user: s.cfg.adminUser, action: "seed"})
			if sp.Status != 0 {
				p.status = sp.Status
			}
			if p.status == 4 || p.status == 6 {
				p.paid = p.created
			}
			if p.status == 6 {
				p.refunded = p.amount
			}
			if sp.Number != "" {
				p.number = sp.Number
			}
			if sp.Paymethod != 0 {
				p.paymethod = sp.Paymethod
			}
			p.props["description"] = sp.Description
		}
		for _, se := range sa.Expenses {
			e := &expense{id: s.nextID(), accountID: a.id, subaccountID: main.id, amount: se.Amount,
				realDate: orNow(se.Date), props: map[string]string{"name": se.Name, "operation": se.Operation}}
			s.expenses[e.id] = e
		}
	}
}

// DefaultClientPassword is the password of the clients AddAccounts makes.
const DefaultClientPassword = "client-secret"

// AddAccounts adds n clients, client<ID>@example.com with the password
// DefaultClientPassword and a zero balance in rubles, and returns their ids.
func (h *Handler) AddAccounts(n int) []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	ids := make([]int64, n)
	now := h.st.cfg.now()
	for i := range ids {
		email := fmt.Sprintf("client%d@example.com", h.st.seq+1) // the id it gets
		ids[i] = h.st.createAccount(email, DefaultClientPassword, "", currencies[0], now).id
	}
	return ids
}

// AddPayments adds n new (status 1) payments of amount to the client's main
// personal account, and returns their ids. It panics if there is no such client.
func (h *Handler) AddPayments(accountID int64, n int, amount decimal.Decimal) []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.st.mustAccount(accountID, "AddPayments")
	main := a.subs[0]
	now := h.st.cfg.now()
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = h.st.createPayment(h.st.newPaymentIDs(), main, amount, now).id
	}
	return ids
}

// Balance returns the balance of the client's main (first) personal account.
// It panics if there is no such client.
func (h *Handler) Balance(accountID int64) decimal.Decimal {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.st.mustAccount(accountID, "Balance").subs[0].balance
}

// AccountID returns the id of the client with this e-mail, or 0.
func (h *Handler) AccountID(email string) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if a := h.st.accountByEmail(email); a != nil {
		return a.id
	}
	return 0
}

// PaymentIDs returns the ids of the client's payments, oldest first. It panics if there
// is no such client.
func (h *Handler) PaymentIDs(accountID int64) []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.st.mustAccount(accountID, "PaymentIDs")
	var ids []int64
	for id, p := range h.st.payments {
		if p.accountID == accountID {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func (s *state) mustAccount(id int64, caller string) *account {
	a := s.accounts[id]
	if a == nil {
		panic(fmt.Sprintf("billmgrtest: %s: no client with id %d", caller, id))
	}
	return a
}
