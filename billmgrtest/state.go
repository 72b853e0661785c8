package billmgrtest

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// state is everything the fake remembers. All ids come from one sequence, so
// an id of one kind never names an object of another: a payment id sent
// where a client id belongs is answered with missed, not with someone else's
// data.
type state struct {
	cfg         *config
	seq         int64
	accounts    map[int64]*account
	subaccounts map[int64]*subaccount
	payments    map[int64]*payment
	expenses    map[int64]*expense
	sessions    map[string]*session
	keys        map[string]*loginKey
	filters     map[string]map[string]string // saved filters by user and list
	symbols     map[string]string            // currency symbols by ISO code
	refusals    []*refusal                   // the calls to refuse (Handler.Refuse), oldest first
}

func newState(cfg *config) *state {
	return &state{
		cfg:         cfg,
		accounts:    make(map[int64]*account),
		subaccounts: make(map[int64]*subaccount),
		payments:    make(map[int64]*payment),
		expenses:    make(map[int64]*expense),
		sessions:    make(map[string]*session),
		keys:        make(map[string]*loginKey),
		filters:     make(map[string]map[string]string),
		symbols:     make(map[string]string),
	}
}

func (s *state) nextID() int64 {
	s.seq++
	return s.seq
}

// account is a client: the login (user) and its money.
type account struct {
	id, userID int64
	email      string
	password   string // "" cannot log in
	name       string
	project    int64
	status     int
	registered time.Time
	props      map[string]string // the other account.edit and register fields
	groups     map[int64]bool
	projects   map[int64]bool
	subs       []*subaccount                // oldest first; subs[0] is the main one
	records    map[string]map[int64]*record // discounts, tax rules, currency rates
	outbox     []Message
}

// subaccount is a personal account of a client in one currency.
type subaccount struct {
	id, accountID int64
	project       int64
	currency      currency
	balance       decimal.Decimal
	creditLimit   decimal.Decimal
	allowPostpaid bool
	status        int
	props         map[string]string // referer, active, incident_limit
}

// payment is a payment of a client into one of its subaccounts.
type payment struct {
	id, accountID, subaccountID int64
	lineID                      int64 // the one line of the invoice (payment.orderinfo)
	lineName                    string
	number                      string
	created, paid               time.Time
	amount                      decimal.Decimal // subaccountamount; negative for a refund
	methodAmount                decimal.Decimal // paymethodamount
	refunded                    decimal.Decimal
	status                      int
	paymethod                   int64
	restrictRefund              bool
	props                       map[string]string // the other payment.edit fields
	history                     []change
	spent                       []*allocation // payment.expense
}

// allocation is the part of a payment that pays an expense.
type allocation struct {
	expenseID int64
	amount    decimal.Decimal
}

// change is one entry of payment.history.
type change struct {
	at               time.Time
	what             text
	args             []any
	user, ip, action string
}

// expense is a charge to a subaccount.
type expense struct {
	id, accountID, subaccountID int64
	amount                      decimal.Decimal
	taxRate                     decimal.Decimal
	postpaid                    bool
	realDate                    time.Time
	props                       map[string]string // item, operation, name, cdate
}

// record is a discount, tax rule or currency rate: kept as it was set.
type record struct {
	id   int64
	vals map[string]string
}

// currency is an entry of the currency directory; id is what requests send.
type currency struct {
	id   int64
	iso  string
	name text
}

var currencies = []currency{
	{126, "RUB", text{"Russian ruble", "Российский рубль"}},
	{153, "USD", text{"US dollar", "Доллар США"}},
	{46, "EUR", text{"Euro", "Евро"}},
}

// currencySign is what amounts in cur end with: its symbol, or its ISO code when it has
// none (IFNULL(currency.symbol, currency.iso)).
func (s *state) currencySign(cur currency) string {
	if sym := s.symbols[cur.iso]; sym != "" {
		return sym
	}
	return cur.iso
}

func currencyByISO(iso string) (currency, bool) {
	for _, cur := range currencies {
		if strings.EqualFold(cur.iso, iso) {
			return cur, true
		}
	}
	return currency{}, false
}

func currencyByID(id string) currency {
	for _, cur := range currencies {
		if strconv.FormatInt(cur.id, 10) == id {
			return cur
		}
	}
	return currency{}
}

// entry is an item of a directory: providers, client groups, countries, payment methods.
type entry struct {
	id   int64
	name text
}

var (
	providers = []entry{
		{1, text{"Main provider", "Основной провайдер"}},
		{2, text{"Cloud provider", "Облачный провайдер"}},
	}
	clientGroups = []entry{
		{1, text{"VIP", "VIP"}},
		{2, text{"Resellers", "Реселлеры"}},
		{3, text{"Partners", "Партнеры"}},
	}
	// countries have the ids and Russian names of the recorded country directory.
	countries = []entry{
		{182, text{"Russian Federation", "Российская Федерация"}},
		{233, text{"United States", "Соединенные Штаты Америки"}},
		{81, text{"Germany", "Германия"}},
	}
	// countryCodes are the ISO codes of the countries, whose flags the forms show.
	countryCodes = map[int64]string{182: "RU", 233: "US", 81: "DE"}
)

// directoryEntry is an item of a directory: an entry, or a type that embeds one (a
// payment method).
type directoryEntry interface{ directoryEntry() entry }

func (e entry) directoryEntry() entry { return e }

// name returns the localized name of the directory entry id ("" if none).
func name[E directoryEntry](dir []E, id int64, lang string) string {
	for _, item := range dir {
		if e := item.directoryEntry(); e.id == id {
			return e.name.in(lang)
		}
	}
	return ""
}

// directoryOptions makes the select options of a directory.
func directoryOptions[E directoryEntry](dir []E) func(*call) []option {
	return func(c *call) []option {
		opts := make([]option, len(dir))
		for i, item := range dir {
			e := item.directoryEntry()
			opts[i] = option{key: strconv.FormatInt(e.id, 10), label: e.name.in(c.lang)}
		}
		return opts
	}
}

var providerOptions = directoryOptions(providers)

// countryOptions are the countries as the recorded form lists them: a "not set" choice
// first, then each country with the image of its flag.
func countryOptions(c *call) []option {
	opts := []option{{key: unset, label: text{"-- select a country --", "-- выберите страну --"}.in(c.lang)}}
	for _, e := range countries {
		opts = append(opts, option{key: idString(e.id), label: e.name.in(c.lang),
			image: "/manimg/common/flag/" + countryCodes[e.id] + ".png"})
	}
	return opts
}

func currencyOptions(c *call) []option {
	opts := make([]option, len(currencies))
	for i, cur := range currencies {
		opts[i] = option{key: strconv.FormatInt(cur.id, 10), label: cur.name.in(c.lang) + " (" + cur.iso + ")"}
	}
	return opts
}

// providerNode renders a provider column: its name, with the id in orig.
func providerNode(col string, id int64, lang string) *node {
	return el(col, name(providers, id, lang)).attr("orig", strconv.FormatInt(id, 10))
}

// createAccount makes a client with one subaccount in cur.
func (s *state) createAccount(email, password, realname string, cur currency, now time.Time) *account {
	a := &account{
		id:         s.nextID(),
		userID:     s.nextID(),
		email:      email,
		password:   password,
		name:       realname,
		project:    providers[0].id,
		status:     1,
		registered: now,
		props:      map[string]string{"realname": realname},
		groups:     make(map[int64]bool),
		projects:   map[int64]bool{providers[0].id: true},
		records:    make(map[string]map[int64]*record),
	}
	if a.name == "" {
		a.name = email
	}
	s.accounts[a.id] = a
	s.createSubaccount(a, cur)
	return a
}

func (s *state) createSubaccount(a *account, cur currency) *subaccount {
	sa := &subaccount{id: s.nextID(), accountID: a.id, project: a.project, currency: cur, status: 1,
		props: map[string]string{"active": "on"}}
	s.subaccounts[sa.id] = sa
	a.subs = append(a.subs, sa)
	return sa
}

// accountByEmail finds a client by login, ignoring case.
func (s *state) accountByEmail(email string) *account {
	for _, a := range s.accounts {
		if strings.EqualFold(a.email, email) {
			return a
		}
	}
	return nil
}

// paymentNumberPrefix starts the number of every payment: payments are numbered by a
// template, "pfx/7" as in the recorded installation, not by their bare id.
const paymentNumberPrefix = "pfx/"

// paymentIDs are the ids a new payment takes: its own and its invoice line's.
type paymentIDs struct{ payment, line int64 }

func (s *state) newPaymentIDs() paymentIDs { return paymentIDs{payment: s.nextID(), line: s.nextID()} }

// createPayment makes a new (status 1) payment of amount into sa, with ids.
func (s *state) createPayment(ids paymentIDs, sa *subaccount, amount decimal.Decimal, now time.Time) *payment {
	p := &payment{
		id:           ids.payment,
		accountID:    sa.accountID,
		subaccountID: sa.id,
		lineID:       ids.line,
		created:      now,
		amount:       amount,
		methodAmount: amount,
		status:       1,
		paymethod:    paymethods[0].id,
		props:        make(map[string]string),
	}
	p.number = paymentNumberPrefix + strconv.FormatInt(p.id, 10)
	s.payments[p.id] = p
	return p
}

// creditable reports whether setpaid may credit a payment in this status.
func creditable(status int) bool {
	return status == 1 || status == 2 || status == 3 || status == 8
}

// credit moves a payment to status 4 and its amount into the balance.
func (s *state) credit(p *payment, now time.Time) {
	p.status = 4
	p.paid = now
	sa := s.subaccounts[p.subaccountID]
	sa.balance = sa.balance.Add(p.amount)
}

// record adds an entry to the payment's history.
func (c *call) record(p *payment, what text, args ...any) {
	user := ""
	if a := c.actor(); a != nil {
		user = a.name
	}
	p.history = append(p.history, change{at: c.now, what: what, args: args, user: user, ip: c.ip, action: c.fn})
}

// lookup finds the object named by the single-id parameter param. An object
// that exists but fails belongs (another client's) is missed as well.
func lookup[T any](c *call, param string, m map[int64]T, belongs func(T) bool) (T, error) {
	id, err := c.id(param)
	if err != nil {
		var zero T
		return zero, err
	}
	return find(param, id, m, belongs)
}

// lookupAll finds every object of the id-list parameter param; one unknown
// id fails the whole call, before anything changes.
func lookupAll[T any](c *call, param string, m map[int64]T, belongs func(T) bool) ([]T, error) {
	ids, err := c.ids(param)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(ids))
	for i, id := range ids {
		if out[i], err = find(param, id, m, belongs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func find[T any](param string, id int64, m map[int64]T, belongs func(T) bool) (T, error) {
	obj, ok := m[id]
	if !ok || (belongs != nil && !belongs(obj)) {
		var zero T
		return zero, notFound(param, idString(id))
	}
	return obj, nil
}

// client finds the client named by param.
func (c *call) client(param string) (*account, error) {
	return lookup(c, param, c.st.accounts, nil)
}

// clientChild finds the client in plid and, when elid is sent, its object
// in elid (the zero T without elid).
func clientChild[T interface{ owner() int64 }](c *call, m map[int64]T) (*account, T, error) {
	var none T
	a, err := c.client("plid")
	if err != nil || c.params.Get("elid") == "" {
		return a, none, err
	}
	obj, err := lookup(c, "elid", m, ownedBy[T](a))
	return a, obj, err
}

// ownedBy is the belongs test of objects that carry their client's id.
func ownedBy[T interface{ owner() int64 }](a *account) func(T) bool {
	return func(obj T) bool { return obj.owner() == a.id }
}

func (p *payment) owner() int64     { return p.accountID }
func (sa *subaccount) owner() int64 { return sa.accountID }
func (e *expense) owner() int64     { return e.accountID }
