package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-billmgr/billmgr"
)

// Matching ties a statement line to what it pays: an invoice its purpose names by the
// provider's numbering, or else a client, from an explicit column or from the payer's tax
// number through a map. A line that matches nothing, or more than one thing, is not
// guessed: it is left for a person with the reason.

// unmatchedError is a line the matching left for a person.
type unmatchedError struct{ reason string }

func (e *unmatchedError) Error() string { return e.reason }

func unmatched(format string, args ...any) error {
	return &unmatchedError{fmt.Sprintf(format, args...)}
}

// defaultInvoicePattern matches the payment numbers BILLmanager writes from a numbering
// template: a prefix that starts with a letter, a slash and digits, such as pfx/123 or
// СЧ/45, standing apart from the words around it.
const defaultInvoicePattern = `\p{L}[\p{L}\p{N}_.-]*/\p{N}+`

// invoiceRule finds invoice numbers in a purpose of payment.
type invoiceRule struct {
	re      *regexp.Regexp
	bounded bool // the default pattern: a match must stand apart from the words around it
}

// newInvoiceRule compiles a user's pattern, or the default when pattern is empty. When the
// pattern has a group, the first group is the number.
func newInvoiceRule(pattern string) (invoiceRule, error) {
	if pattern == "" {
		return invoiceRule{re: regexp.MustCompile(defaultInvoicePattern), bounded: true}, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return invoiceRule{}, usageErr("--invoice-pattern: %v", err)
	}
	return invoiceRule{re: re}, nil
}

// numbers returns the distinct invoice numbers the purpose names, in order.
func (r invoiceRule) numbers(purpose string) []string {
	var out []string
	for _, m := range r.re.FindAllStringSubmatchIndex(purpose, -1) {
		start, end := m[0], m[1]
		if len(m) >= 4 && m[2] >= 0 {
			start, end = m[2], m[3]
		}
		if start == end || (r.bounded && !standsApart(purpose, start, end)) {
			continue
		}
		if n := purpose[start:end]; !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, n) }) {
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

// pair is a KEY = VALUE line of a mapping file.
type pair struct {
	line       int
	key, value string
}

// readPairs reads a mapping file: KEY = VALUE lines; blank lines and lines starting with
// # are ignored.
func readPairs(path string) ([]pair, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	var pairs []pair
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if k, v = strings.TrimSpace(k), strings.TrimSpace(v); !ok || k == "" || v == "" {
			return nil, usageErr("%s line %d: want KEY = VALUE, got %q", path, n, line)
		}
		pairs = append(pairs, pair{n, k, v})
	}
	return pairs, sc.Err()
}

// readColumns reads the CSV column mapping: FIELD = HEADER lines of a file, then the
// --column FIELD=HEADER flags, which win.
func readColumns(file string, flags []string) (map[string]string, error) {
	var pairs []pair
	if file != "" {
		var err error
		if pairs, err = readPairs(file); err != nil {
			return nil, err
		}
	}
	for _, f := range flags {
		k, v, ok := strings.Cut(f, "=")
		if !ok || strings.TrimSpace(v) == "" {
			return nil, usageErr("--column %q: want FIELD=HEADER", f)
		}
		pairs = append(pairs, pair{key: strings.TrimSpace(k), value: strings.TrimSpace(v)})
	}
	columns := map[string]string{}
	for _, p := range pairs {
		if !slices.Contains(csvFields, p.key) {
			return nil, usageErr("column mapping: unknown field %q; the fields are %s", p.key, strings.Join(csvFields, ", "))
		}
		columns[p.key] = p.value
	}
	return columns, nil
}

// readClientMap reads the payers' map: TAX_NUMBER = CLIENT lines, the client an id or a
// login. A tax number may be listed for several clients: its lines are then left for a
// person.
func readClientMap(path string) (map[string][]string, error) {
	m := map[string][]string{}
	if path == "" {
		return m, nil
	}
	pairs, err := readPairs(path)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		if !slices.Contains(m[p.key], p.value) {
			m[p.key] = append(m[p.key], p.value)
		}
	}
	return m, nil
}

// invoiceRef is an invoice found by its number.
type invoiceRef struct {
	account, payment int64
	number           string
}

// plan is what a line will credit: an invoice, or a new payment of a client.
type plan struct {
	account int64
	invoice *invoiceRef // nil for a payment without invoice
	receipt billmgr.Receipt
}

// resolver matches lines on the server, remembering what it found for the run.
type resolver struct {
	c         *billmgr.Client
	rule      invoiceRule
	byTaxNo   map[string][]string
	paymethod int64

	logins     map[string]int64 // login → client id
	currencies map[string]int64 // client id and ISO code → currency id
	invoices   map[string][]invoiceRef
}

// plan matches line l.
func (r *resolver) plan(ctx context.Context, l *statementLine) (*plan, error) {
	numbers := r.rule.numbers(l.purpose)
	if len(numbers) > 1 {
		return nil, unmatched("the purpose names several invoices: %s", strings.Join(numbers, ", "))
	}
	account, err := r.client(ctx, l)
	if err != nil {
		return nil, err
	}
	p := &plan{account: account}
	if len(numbers) == 1 {
		inv, err := r.invoice(ctx, numbers[0], account)
		if err != nil {
			return nil, err
		}
		if account != 0 && inv.account != account {
			return nil, unmatched("invoice %s belongs to client %d, but the payer is client %d", inv.number, inv.account, account)
		}
		p.account, p.invoice = inv.account, inv
	} else if account == 0 {
		return nil, unmatched("no invoice named and no client: give a client column, or map the payer's tax number %q with --clients", l.inn)
	}
	currency, err := r.currency(ctx, p.account, l.currency)
	if err != nil {
		return nil, err
	}
	p.receipt = billmgr.Receipt{
		Document: billmgr.PaymentDocument{Number: l.number, Date: l.date},
		Amount:   l.amount, Currency: currency, Description: l.purpose, Paymethod: r.paymethod,
	}
	return p, nil
}

// client is the client a line names by a column or through the payers' map; 0 when none.
func (r *resolver) client(ctx context.Context, l *statementLine) (int64, error) {
	if l.client != "" {
		return r.clientRef(ctx, l.client)
	}
	refs := r.byTaxNo[l.inn]
	switch {
	case l.inn == "" || len(refs) == 0:
		return 0, nil
	case len(refs) > 1:
		return 0, unmatched("the payer's tax number %s is mapped to several clients: %s", l.inn, strings.Join(refs, ", "))
	}
	return r.clientRef(ctx, refs[0])
}

// clientRef is the client of an id or a login (compared exactly, ignoring case).
func (r *resolver) clientRef(ctx context.Context, ref string) (int64, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if id <= 0 {
			return 0, unmatched("client %q is not an id", ref)
		}
		return id, nil
	}
	if id, ok := r.logins[strings.ToLower(ref)]; ok {
		return id, nil
	}
	var ids []int64
	for a, err := range r.c.Accounts.All(ctx, &billmgr.AccountListOptions{Email: ref}) {
		if err != nil {
			return 0, err
		}
		if strings.EqualFold(strings.TrimSpace(a.Email), ref) {
			ids = append(ids, a.ID)
		}
	}
	switch len(ids) {
	case 0:
		return 0, unmatched("no client with the login %s", ref)
	case 1:
		r.logins[strings.ToLower(ref)] = ids[0]
		return ids[0], nil
	}
	return 0, unmatched("several clients have the login %s", ref)
}

// invoice finds the payment numbered number: among the payments of client account when
// it is known, else among every client's (an index built once per run).
func (r *resolver) invoice(ctx context.Context, number string, account int64) (*invoiceRef, error) {
	var found []invoiceRef
	if account != 0 {
		for p, err := range r.c.Payments.All(ctx, account, &billmgr.PaymentListOptions{Number: number}) {
			if err != nil {
				return nil, err
			}
			if strings.EqualFold(strings.TrimSpace(p.Number), number) {
				found = append(found, invoiceRef{account, p.ID, p.Number})
			}
		}
	}
	if len(found) == 0 {
		if err := r.indexInvoices(ctx); err != nil {
			return nil, err
		}
		found = r.invoices[strings.ToLower(number)]
	}
	switch len(found) {
	case 0:
		return nil, unmatched("no invoice numbered %s", number)
	case 1:
		return &found[0], nil
	}
	return nil, unmatched("several payments are numbered %s", number)
}

// indexInvoices reads the numbers of every client's payments, once per run.
func (r *resolver) indexInvoices(ctx context.Context) error {
	if r.invoices != nil {
		return nil
	}
	index := map[string][]invoiceRef{}
	for a, err := range r.c.Accounts.All(ctx, nil) {
		if err != nil {
			return err
		}
		for p, err := range r.c.Payments.All(ctx, a.ID, nil) {
			if err != nil {
				return err
			}
			n := strings.ToLower(strings.TrimSpace(p.Number))
			index[n] = append(index[n], invoiceRef{a.ID, p.ID, p.Number})
		}
	}
	r.invoices = index
	return nil
}

// currency is the id of the currency code of a personal account of client account, read
// the first time it is needed.
func (r *resolver) currency(ctx context.Context, account int64, code string) (int64, error) {
	key := strconv.FormatInt(account, 10) + " " + code
	if id, ok := r.currencies[key]; ok {
		return id, nil
	}
	for sa, err := range r.c.Subaccounts.All(ctx, account, nil) {
		if err != nil {
			return 0, err
		}
		if strings.EqualFold(sa.Currency, code) {
			d, err := r.c.Subaccounts.Get(ctx, account, sa.ID)
			if err != nil {
				return 0, err
			}
			r.currencies[key] = d.Currency
			return d.Currency, nil
		}
	}
	return 0, unmatched("client %d has no personal account in %s", account, code)
}
