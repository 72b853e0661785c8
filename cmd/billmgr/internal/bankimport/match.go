package bankimport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-billmgr/billmgr"
	"github.com/shopspring/decimal"
)

// Matching ties a statement line to what it pays, the way an accountant reads a purpose:
// the invoices it names, by the provider's numbering (pfx/36) or loosely (a bare number
// after сч., №, счету..., in any case, Cyrillic letters that look like Latin ones read as
// those), or else the client who paid, from a client column or the payer's tax number. A
// line is credited only when one reading fits; otherwise it is left for a person with the
// reason and the next step, and a line that plausibly names an open invoice is never
// booked as a new payment.

// Step is the next step a person takes for a line left to them.
type Step string

// The steps.
const (
	StepNone     Step = ""
	StepSettle   Step = "settle"    // credit it by hand, then tell the import it is settled
	StepMapPayer Step = "map_payer" // map the payer's tax number to a client
	StepFix      Step = "fix"       // correct the statement, or settle the line by hand
)

// leftError is a line the matching leaves for a person.
type leftError struct {
	reason string
	step   Step
}

func (e *leftError) Error() string { return e.reason }

func left(step Step, format string, args ...any) error {
	return &leftError{reason: fmt.Sprintf(format, args...), step: step}
}

// DefaultInvoicePattern matches the payment numbers BILLmanager writes from a numbering
// template: a prefix that starts with a letter, a slash and digits, such as pfx/123 or
// СЧ/45, standing apart from the words around it.
const DefaultInvoicePattern = `\p{L}[\p{L}\p{N}_.-]*/\p{N}+`

// InvoiceRule finds the invoice numbers a purpose of payment names.
type InvoiceRule struct {
	re      *regexp.Regexp
	bounded bool // the default pattern: a match must stand apart from the words around it
}

// NewInvoiceRule compiles pattern, or the default when it is empty. When the pattern has
// a group, the first group is the number.
func NewInvoiceRule(pattern string) (*InvoiceRule, error) {
	if pattern == "" {
		return &InvoiceRule{re: regexp.MustCompile(DefaultInvoicePattern), bounded: true}, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	return &InvoiceRule{re: re}, nil
}

// numbers returns the distinct invoice numbers the pattern finds in the purpose, in order.
func (r *InvoiceRule) numbers(purpose string) []string {
	var out []string
	for _, m := range r.re.FindAllStringSubmatchIndex(purpose, -1) {
		start, end := m[0], m[1]
		if len(m) >= 4 && m[2] >= 0 {
			start, end = m[2], m[3]
		}
		if start == end || (r.bounded && !standsApart(purpose, start, end)) {
			continue
		}
		if n := purpose[start:end]; !slices.ContainsFunc(out, func(s string) bool { return normalize(s) == normalize(n) }) {
			out = append(out, n)
		}
	}
	return out
}

// standsApart reports whether s[start:end] is not glued to a letter, a digit or a slash.
func standsApart(s string, start, end int) bool {
	glued := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/' }
	before, after := []rune(s[:start]), []rune(s[end:])
	return (len(before) == 0 || !glued(before[len(before)-1])) && (len(after) == 0 || !glued(after[0]))
}

// lookAlikes are the Cyrillic letters that look like Latin ones, lower case, and the
// Latin letters they look like: a number typed with them (рfх/50) is the same number.
var lookAlikes = strings.NewReplacer("а", "a", "в", "b", "е", "e", "к", "k", "м", "m", "н", "h", "о", "o", "р", "p",
	"с", "c", "т", "t", "у", "y", "х", "x")

// normalize is an invoice number as numbers are compared: lower case, Cyrillic look-alikes
// as the Latin letters, without the spaces around it.
func normalize(s string) string { return lookAlikes.Replace(strings.ToLower(strings.TrimSpace(s))) }

// markers are the words (lower case) after which a number names an invoice: №, N, No,
// сч., счет, счету, invoice...
var markers = map[string]bool{
	"№": true, "#": true, "n": true, "no": true, "nr": true, "inv": true, "invoice": true, "invoices": true,
	"сч": true, "счет": true, "счёт": true, "счета": true, "счёта": true, "счету": true, "счёту": true,
	"счетам": true, "счётам": true, "счетов": true, "счётов": true,
}

// reference is an invoice a purpose names.
type reference struct {
	text string // as the purpose writes it
	norm string // normalized
	bare bool   // digits after a marker: the invoice whose number is or ends in /N
}

// token is a word of a purpose: letters, digits, and the / - _ of numbers; № and # are
// tokens of their own.
type token struct {
	text       string
	start, end int
}

func tokenize(s string) []token {
	var toks []token
	start := -1
	for i, r := range s {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/' || r == '-' || r == '_'
		if start >= 0 && !inWord {
			toks = append(toks, token{s[start:i], start, i})
			start = -1
		}
		switch {
		case r == '№' || r == '#':
			toks = append(toks, token{string(r), i, i + len(string(r))})
		case inWord && start < 0:
			start = i
		}
	}
	if start >= 0 {
		toks = append(toks, token{s[start:], start, len(s)})
	}
	return toks
}

// references returns the invoices the purpose names: the numbers of the pattern, and the
// bare numbers after a marker (сч. 36, счета 36, 37, № 36 и 37).
func (r *InvoiceRule) references(purpose string) []reference {
	var refs []reference
	add := func(text string, bare bool) {
		ref := reference{text: text, norm: normalize(text), bare: bare}
		if !slices.ContainsFunc(refs, func(o reference) bool { return o.norm == ref.norm }) {
			refs = append(refs, ref)
		}
	}
	for _, n := range r.numbers(purpose) {
		add(n, false)
	}
	lower := strings.ToLower(purpose)
	toks := tokenize(lower)
	for i := 0; i < len(toks); i++ {
		if markers[toks[i].text] {
			i = r.listAfter(lower, toks, i, func(n string) { add(n, true) })
		}
	}
	return refs
}

// listAfter reads the numbers after the marker toks[i] (сч. 36, 37 и 38), handing each bare
// one to add, and returns the index of the last token it read.
func (r *InvoiceRule) listAfter(text string, toks []token, i int, add func(string)) int {
	sep := func(i int) string { return text[toks[i].end:toks[i+1].start] } // between token i and i+1
	j := i + 1
	for j < len(toks) && markers[toks[j].text] && joins(sep(j-1)) { // сч.№, счету №
		j++
	}
	if j >= len(toks) || !joins(sep(j-1)) {
		return j - 1
	}
	for ; j < len(toks); j++ {
		t := toks[j].text
		switch {
		case isDigits(t) && !(j+1 < len(toks) && sep(j) == "." && isDigits(toks[j+1].text)): // not a date or a decimal
			add(t)
		case !r.isNumber(t):
			return j - 1
		}
		if j+1 >= len(toks) {
			return j
		}
		if s := strings.TrimSpace(sep(j)); s == "," || s == ";" || s == "+" || s == "&" {
			continue
		}
		if w := toks[j+1].text; strings.TrimSpace(sep(j)) == "" && (w == "и" || w == "and") && j+2 < len(toks) {
			j++
			continue
		}
		return j
	}
	return j
}

// joins reports whether the text between a marker and a number joins them: spaces, dots,
// colons.
func joins(sep string) bool {
	return strings.Trim(sep, " \t.:") == ""
}

func isDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// isNumber reports whether the whole of s is an invoice number of the pattern.
func (r *InvoiceRule) isNumber(s string) bool {
	loc := r.re.FindStringIndex(s)
	return loc != nil && loc[0] == 0 && loc[1] == len(s)
}

// invoice is a payment of a client as the payment list shows it: an invoice when it is
// open (not credited yet).
type invoice struct {
	id, account  int64
	number, norm string
	amount       decimal.Decimal
	status       string
}

// open reports whether payment.setpaid can credit the invoice.
func (inv *invoice) open() bool { return billmgr.PaymentCreditable(inv.status) }

// plan is what a line will credit: invoices, or a new payment of a client.
type plan struct {
	account  int64
	invoices []invoice // none for a payment without invoice
	receipt  billmgr.Receipt
}

// Matcher matches lines on the server, remembering what it read for the run.
type Matcher struct {
	c         *billmgr.Client
	rule      *InvoiceRule
	clients   Clients
	paymethod int64

	logins     map[string]login // login (lower case) → its client, or why there is none
	currencies map[string]int64 // client id and ISO code → currency id
	payments   map[int64][]invoice
	everyone   bool // payments holds every client's
}

// NewMatcher matches lines with client c: invoices by rule, payers without invoice by
// clients. The payments it creates have the payment method paymethod (0: the server's
// default).
func NewMatcher(c *billmgr.Client, rule *InvoiceRule, clients Clients, paymethod int64) *Matcher {
	return &Matcher{c: c, rule: rule, clients: clients, paymethod: paymethod,
		logins: map[string]login{}, currencies: map[string]int64{}, payments: map[int64][]invoice{}}
}

// match finds what line l pays: its invoices, or its client.
func (m *Matcher) match(ctx context.Context, l *Line) (*plan, error) {
	account, err := m.client(ctx, l)
	if err != nil {
		return nil, err
	}
	refs := m.rule.references(l.Purpose)
	if len(refs) == 0 && account != 0 {
		if refs, err = m.numbersOf(ctx, l.Purpose, account); err != nil {
			return nil, err
		}
	}
	invoices, err := m.named(ctx, l, refs, account)
	if err != nil {
		return nil, err
	}
	p := &plan{account: account, invoices: invoices}
	switch {
	case len(invoices) > 0:
		p.account = invoices[0].account
	case account == 0 && l.INN != "":
		return nil, left(StepMapPayer, "no invoice named, and the payer's tax number %s is mapped to no client", l.INN)
	case account == 0:
		return nil, left(StepSettle, "no invoice named and no client: the line has neither a client nor the payer's tax number")
	}
	currency, err := m.currency(ctx, p.account, l.Currency)
	if err != nil {
		return nil, err
	}
	p.receipt = billmgr.Receipt{Document: l.Document(), Amount: l.Amount, Currency: currency, Description: l.Purpose, Paymethod: m.paymethod}
	return p, nil
}

// numbersOf returns the words of the purpose that are the numbers of open invoices of
// client account: numbering that the pattern does not know still names an invoice.
func (m *Matcher) numbersOf(ctx context.Context, purpose string, account int64) ([]reference, error) {
	invoices, err := m.paymentsOf(ctx, account)
	if err != nil {
		return nil, err
	}
	var refs []reference
	for _, t := range tokenize(purpose) {
		n := normalize(t.text)
		if slices.ContainsFunc(invoices, func(inv invoice) bool { return inv.open() && inv.norm == n }) &&
			!slices.ContainsFunc(refs, func(r reference) bool { return r.norm == n }) {
			refs = append(refs, reference{text: t.text, norm: n})
		}
	}
	return refs, nil
}

// named resolves the references to the invoices they name, each to one or none.
func (m *Matcher) named(ctx context.Context, l *Line, refs []reference, account int64) ([]invoice, error) {
	var found []invoice
	for _, ref := range refs {
		inv, err := m.resolve(ctx, l, ref, account, len(refs) == 1)
		if err != nil {
			return nil, err
		}
		if inv != nil && !slices.ContainsFunc(found, func(f invoice) bool { return f.id == inv.id }) {
			found = append(found, *inv)
		}
	}
	for _, inv := range found[min(1, len(found)):] {
		if inv.account != found[0].account {
			return nil, left(StepSettle, "the purpose names invoices of two clients: %s of client %d, %s of client %d",
				found[0].number, found[0].account, inv.number, inv.account)
		}
	}
	return found, nil
}

// resolve finds the invoice ref names: nil for a bare number that names no open invoice.
// alone says whether it is the only invoice the purpose names, whose amount must then be
// the transfer's.
func (m *Matcher) resolve(ctx context.Context, l *Line, ref reference, account int64, alone bool) (*invoice, error) {
	cands, err := m.candidates(ctx, ref, account)
	if err != nil {
		return nil, err
	}
	if !ref.bare {
		return m.resolveNumber(ctx, l, ref, account, cands, alone)
	}
	carrying, err := m.carrying(ctx, l, cands)
	if err != nil || carrying != nil {
		return carrying, err
	}
	var open, paid []invoice
	for _, inv := range cands {
		switch {
		case inv.open():
			open = append(open, inv)
		case inv.status == billmgr.PaymentCredited && inv.amount.Equal(l.Amount):
			paid = append(paid, inv)
		}
	}
	if len(open) == 0 {
		if alone && len(paid) > 0 {
			return nil, left(StepSettle, "%q may name invoice %s, which is credited already, without this document: if this "+
				"transfer paid it, it is settled; if not, credit the transfer by hand", ref.text, describe(paid))
		}
		return nil, nil
	}
	fit := open
	if alone {
		fit = slices.DeleteFunc(slices.Clone(open), func(inv invoice) bool { return !inv.amount.Equal(l.Amount) })
	}
	switch {
	case len(fit) == 1:
		return &fit[0], nil
	case len(fit) == 0:
		return nil, left(StepSettle, "%q may name invoice %s, but the transfer is for %s", ref.text, describe(open), l.Amount.StringFixed(2))
	}
	return nil, left(StepSettle, "%q may name any of the invoices %s", ref.text, describe(fit))
}

// resolveNumber finds the invoice numbered as ref: the one payment with that number,
// whatever its state (CreditInvoices refuses one it cannot credit, with the reason).
func (m *Matcher) resolveNumber(ctx context.Context, l *Line, ref reference, account int64, cands []invoice, alone bool) (*invoice, error) {
	switch {
	case len(cands) == 0:
		return nil, left(StepSettle, "no invoice numbered %s", ref.text)
	case account != 0 && cands[0].account != account:
		return nil, left(StepSettle, "invoice %s belongs to client %d, but the payer is client %d", cands[0].number, cands[0].account, account)
	case len(cands) == 1:
		return &cands[0], nil
	}
	carrying, err := m.carrying(ctx, l, cands)
	if err != nil || carrying != nil {
		return carrying, err
	}
	fit := slices.DeleteFunc(slices.Clone(cands), func(inv invoice) bool { return !inv.open() || (alone && !inv.amount.Equal(l.Amount)) })
	if len(fit) == 1 {
		return &fit[0], nil
	}
	return nil, left(StepSettle, "several payments are numbered %s: %s", ref.text, describe(cands))
}

// carrying returns the one invoice of cands that carries the line's document already
// (credited by an earlier run, another import, or a person who recorded the document), or
// nil when none does.
func (m *Matcher) carrying(ctx context.Context, l *Line, cands []invoice) (*invoice, error) {
	doc := l.Document()
	for i, inv := range cands {
		if inv.open() || inv.status != billmgr.PaymentCredited {
			continue
		}
		p, err := m.c.Payments.Get(ctx, inv.account, inv.id)
		if err != nil {
			return nil, err
		}
		if p.Carries(doc) {
			return &cands[i], nil
		}
	}
	return nil, nil
}

// describe lists invoices as "pfx/36 (client 12, 1500.00)".
func describe(invoices []invoice) string {
	s := make([]string, len(invoices))
	for i, inv := range invoices {
		s[i] = fmt.Sprintf("%s (client %d, %s)", inv.number, inv.account, inv.amount.StringFixed(2))
	}
	return strings.Join(s, ", ")
}

// candidates are the payments ref may name: for a number, those numbered so (the payer's
// first, else any client's); for a bare number N, those numbered N or .../N of the payer,
// or of any client when the payer is not known.
func (m *Matcher) candidates(ctx context.Context, ref reference, account int64) ([]invoice, error) {
	fits := func(inv invoice) bool {
		return inv.norm == ref.norm || (ref.bare && strings.HasSuffix(inv.norm, "/"+ref.norm))
	}
	if account != 0 {
		own, err := m.paymentsOf(ctx, account)
		if err != nil {
			return nil, err
		}
		own = slices.DeleteFunc(slices.Clone(own), func(inv invoice) bool { return !fits(inv) })
		if len(own) > 0 || ref.bare {
			return own, nil
		}
	}
	if err := m.readEveryone(ctx); err != nil {
		return nil, err
	}
	var all []invoice
	for _, list := range m.payments {
		for _, inv := range list {
			if fits(inv) {
				all = append(all, inv)
			}
		}
	}
	slices.SortFunc(all, func(a, b invoice) int { return cmp.Compare(a.id, b.id) })
	return all, nil
}

// paymentsOf reads the payments of client account, once per run.
func (m *Matcher) paymentsOf(ctx context.Context, account int64) ([]invoice, error) {
	if list, ok := m.payments[account]; ok {
		return list, nil
	}
	list := []invoice{}
	for p, err := range m.c.Payments.All(ctx, account, nil) {
		if err != nil {
			return nil, err
		}
		list = append(list, invoice{id: p.ID, account: account, number: p.Number, norm: normalize(p.Number),
			amount: p.SubaccountAmount.Amount, status: p.Status.Code})
	}
	m.payments[account] = list
	return list, nil
}

// readEveryone reads every client's payments, once per run.
func (m *Matcher) readEveryone(ctx context.Context) error {
	if m.everyone {
		return nil
	}
	for a, err := range m.c.Accounts.All(ctx, nil) {
		if err != nil {
			return err
		}
		if _, err := m.paymentsOf(ctx, a.ID); err != nil {
			return err
		}
	}
	m.everyone = true
	return nil
}

// client is the client a line names by a column or through the payers' map; 0 when none.
func (m *Matcher) client(ctx context.Context, l *Line) (int64, error) {
	if l.Client != "" {
		return m.clientRef(ctx, l.Client)
	}
	refs := m.clients[l.INN]
	switch {
	case l.INN == "" || len(refs) == 0:
		return 0, nil
	case len(refs) > 1:
		return 0, left(StepSettle, "the payer's tax number %s is mapped to several clients: %s", l.INN, strings.Join(refs, ", "))
	}
	return m.clientRef(ctx, refs[0])
}

// clientRef is the client of an id or a login (compared exactly, ignoring case).
func (m *Matcher) clientRef(ctx context.Context, ref string) (int64, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if id <= 0 {
			return 0, left(StepSettle, "client %q is not an id", ref)
		}
		return id, nil
	}
	key := strings.ToLower(ref)
	l, ok := m.logins[key]
	if !ok {
		a, err := m.c.Accounts.FindByEmail(ctx, ref)
		var lookup *billmgr.EmailLookupError
		switch {
		case errors.As(err, &lookup):
			l.none = left(StepSettle, "%s", strings.TrimPrefix(err.Error(), "billmgr: account: "))
		case err != nil:
			return 0, err
		default:
			l.id = a.ID
		}
		m.logins[key] = l
	}
	return l.id, l.none
}

// login is the client of a login, or why no one client has it (a line left for a person).
type login struct {
	id   int64
	none error
}

// currency is the id of the currency code of a personal account of client account, read
// the first time it is needed.
func (m *Matcher) currency(ctx context.Context, account int64, code string) (int64, error) {
	key := strconv.FormatInt(account, 10) + " " + code
	if id, ok := m.currencies[key]; ok {
		return id, nil
	}
	for sa, err := range m.c.Subaccounts.All(ctx, account, nil) {
		if err != nil {
			return 0, err
		}
		if strings.EqualFold(sa.Currency, code) {
			d, err := m.c.Subaccounts.Get(ctx, account, sa.ID)
			if err != nil {
				return 0, err
			}
			m.currencies[key] = d.Currency
			return d.Currency, nil
		}
	}
	return 0, left(StepSettle, "client %d has no personal account in %s", account, code)
}
