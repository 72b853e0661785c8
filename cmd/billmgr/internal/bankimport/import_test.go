package bankimport

import (
	"context"
	"encoding/csv"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var now = time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC)

// wordingSeed: Ann's open invoices pfx/36 (1500.00), pfx/37 (500.00), pfx/50 (700.00),
// pfx/70 (300.00), and pfx/20 (1000.00) she paid by card; Bob's open inv/70 (300.00).
func wordingSeed() billmgrtest.Option {
	d := decimal.RequireFromString
	return billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{
		{Email: "ann@example.com", Payments: []billmgrtest.SeedPayment{
			{Amount: d("1500.00"), Number: "pfx/36"}, {Amount: d("500.00"), Number: "pfx/37"},
			{Amount: d("700.00"), Number: "pfx/50"}, {Amount: d("300.00"), Number: "pfx/70"},
			{Amount: d("1000.00"), Number: "pfx/20", Status: 4, Paymethod: 2},
		}},
		{Email: "bob@example.com", Payments: []billmgrtest.SeedPayment{{Amount: d("300.00"), Number: "inv/70"}}},
	}})
}

// run imports a CSV statement of rows (number, date, amount, client, inn, purpose) on
// the server, and returns the report of each line.
type run struct {
	t       *testing.T
	srv     *billmgrtest.Server
	path    string
	clients Clients
}

func newRun(t *testing.T, srv *billmgrtest.Server, rows ...[]string) *run {
	t.Helper()
	path := filepath.Join(t.TempDir(), "statement.csv")
	f, err := os.Create(path)
	require.NoError(t, err)
	w := csv.NewWriter(f)
	require.NoError(t, w.Write([]string{"number", "date", "amount", "client", "inn", "purpose"}))
	require.NoError(t, w.WriteAll(rows))
	require.NoError(t, f.Close())
	return &run{t: t, srv: srv, path: path, clients: Clients{}}
}

func (r *run) client(opts ...billmgr.Option) *billmgr.Client {
	c, err := billmgr.NewClient(r.srv.URL, append([]billmgr.Option{billmgr.WithAuthInfo(r.srv.AdminUser, r.srv.AdminPassword)}, opts...)...)
	require.NoError(r.t, err)
	return c
}

// results runs the statement, as a dry run when dry, with the lines settled by hand.
func (r *run) results(dry bool, settled ...int) []Result {
	r.t.Helper()
	var c *billmgr.Client
	var j *Journal
	var err error
	owner := Owner{Panel: r.srv.URL, User: r.srv.AdminUser}
	if dry {
		c = r.client(billmgr.WithDryRun(func(string, url.Values) {}))
		j, err = ReadJournal(r.path+".journal", owner)
	} else {
		c = r.client()
		j, err = OpenJournal(r.path+".journal", owner)
	}
	require.NoError(r.t, err)
	defer j.Close()
	st := &Statement{Path: r.path, Options: defaultOptions}
	idx, err := NewIndex(st, settled)
	require.NoError(r.t, err)
	rule, err := NewInvoiceRule("")
	require.NoError(r.t, err)
	im := &Importer{Client: c, Matcher: NewMatcher(c, rule, r.clients, 0), Journal: j, DryRun: dry}
	var out []Result
	require.NoError(r.t, im.Run(context.Background(), st, idx, func(res Result) error {
		out = append(out, res)
		return nil
	}))
	return out
}

func newServer(t *testing.T, opts ...billmgrtest.Option) *billmgrtest.Server {
	srv := billmgrtest.NewServer(append([]billmgrtest.Option{billmgrtest.WithClock(func() time.Time { return now })}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// TestPurposeWordings runs each row of the README's table of purposes: the real wordings
// of Russian payment orders, matched, left for a person, or booked as a new payment, in a
// dry run and in the real run alike.
func TestPurposeWordings(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../../../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n### How a purpose of payment is read\n")
	require.True(t, ok)
	rows := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| ([0-9.]+) \\| (the client|unknown) \\| ([^|]+) \\| [^|]+ \\|$").FindAllStringSubmatch(section, -1)
	require.GreaterOrEqual(t, len(rows), 15)
	for i, row := range rows {
		purpose, amount, payer, want := row[1], row[2], row[3], strings.TrimSpace(row[4])
		t.Run(purpose+" "+amount+" "+payer, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, wordingSeed())
			client, inn := "", "7709999999"
			if payer == "the client" {
				client = "ann@example.com"
			}
			r := newRun(t, srv, []string{idText(int64(100 + i)), "06.05.2024", amount, client, inn, purpose})
			dry, real := r.results(true)[0], r.results(false)[0]
			ann, bob := srv.Handler().AccountID("ann@example.com"), srv.Handler().AccountID("bob@example.com")
			switch {
			case strings.HasPrefix(want, "credits "):
				assert.Equal(t, WouldCredit, dry.Outcome, dry.Reason)
				assert.Equal(t, Credited, real.Outcome, real.Reason)
				assert.Equal(t, strings.TrimPrefix(want, "credits "), real.Invoices)
				assert.Equal(t, strings.TrimPrefix(want, "credits "), dry.Invoices)
				assert.Equal(t, amount, srv.Handler().Balance(ann).StringFixed(2))
			case want == "a new payment":
				assert.Equal(t, WouldCreate, dry.Outcome, dry.Reason)
				assert.Equal(t, Created, real.Outcome, real.Reason)
				assert.Empty(t, real.Invoices)
				assert.Equal(t, amount, srv.Handler().Balance(ann).StringFixed(2))
			case want == "left for a person":
				assert.Equal(t, Unmatched, dry.Outcome, dry.Reason)
				assert.Equal(t, Unmatched, real.Outcome, real.Reason)
				assert.Equal(t, dry.Reason, real.Reason)
				assert.Equal(t, ForPerson, real.Care)
				assert.NotEqual(t, StepNone, real.Next, "the next step is said")
				assert.True(t, srv.Handler().Balance(ann).IsZero(), "nothing credited: %s", srv.Handler().Balance(ann))
				assert.True(t, srv.Handler().Balance(bob).IsZero())
				assert.Len(t, srv.Handler().PaymentIDs(ann), 5, "nothing created")
				t.Log(real.Reason)
			default:
				t.Fatalf("the README's table says %q", want)
			}
		})
	}
}

func outcomes(results []Result) []Outcome {
	out := make([]Outcome, len(results))
	for i, r := range results {
		out[i] = r.Outcome
	}
	return out
}

// TestDocumentKeyHasThePayer: two payers' orders No. 1 of one day and amount are two
// transfers, both credited; one payer's order given twice is one transfer, and with two
// amounts a conflict for a person, on every line, in a dry run as in the real run.
func TestDocumentKeyHasThePayer(t *testing.T) {
	t.Parallel()
	srv := newServer(t, wordingSeed())
	ann := srv.Handler().AccountID("ann@example.com")
	r := newRun(t, srv,
		[]string{"1", "06.05.2024", "100.00", "ann@example.com", "7701111111", "Аванс"},
		[]string{"1", "06.05.2024", "100.00", "ann@example.com", "7702222222", "Аванс"},
		[]string{"1", "06.05.2024", "100.00", "ann@example.com", "7701111111", "Аванс"},
		[]string{"2", "06.05.2024", "100.00", "ann@example.com", "7701111111", "Аванс"},
		[]string{"2", "06.05.2024", "100000.00", "ann@example.com", "7701111111", "Аванс"},
	)
	want := []Outcome{Created, Created, Skipped, Unmatched, Unmatched}
	dry := r.results(true)
	assert.Equal(t, []Outcome{WouldCreate, WouldCreate, Skipped, Unmatched, Unmatched}, outcomes(dry))
	real := r.results(false)
	assert.Equal(t, want, outcomes(real))
	assert.Equal(t, "the same transfer as line 2", real[2].Reason)
	assert.Equal(t, "document No. 2 of 2024-05-06 from 7701111111 is given again on line 6 with another amount: none of its lines is credited", real[3].Reason)
	assert.Equal(t, "document No. 2 of 2024-05-06 from 7701111111 is given again on line 5 with another amount: none of its lines is credited", real[4].Reason)
	assert.Equal(t, StepFix, real[4].Next)
	for i := range dry[2:] {
		assert.Equal(t, dry[2+i].Reason, real[2+i].Reason, "line %d", real[2+i].Line)
	}
	assert.Equal(t, "200.00", srv.Handler().Balance(ann).StringFixed(2))
	assert.Equal(t, []Outcome{AlreadyPresent, AlreadyPresent, Skipped, Unmatched, Unmatched}, outcomes(r.results(false)))
}

// TestSettledByHand: a line a person settled is recorded in the journal when named, and
// skipped by every later run; a dry run reports it without recording it.
func TestSettledByHand(t *testing.T) {
	t.Parallel()
	srv := newServer(t, wordingSeed())
	r := newRun(t, srv,
		[]string{"7", "06.05.2024", "4000.00", "", "7709999999", "Оплата услуг"},
		[]string{"8", "06.05.2024", "1400.00", "ann@example.com", "", "Оплата сч. 36"},
	)
	first := r.results(false)
	assert.Equal(t, []Outcome{Unmatched, Unmatched}, outcomes(first))
	assert.Equal(t, StepMapPayer, first[0].Next)
	assert.Equal(t, StepSettle, first[1].Next)

	assert.Equal(t, []Outcome{SettledByHand, Unmatched}, outcomes(r.results(true, 2)))
	assert.Equal(t, []Outcome{Unmatched, Unmatched}, outcomes(r.results(false)), "the dry run recorded nothing")
	assert.Equal(t, []Outcome{SettledByHand, SettledByHand}, outcomes(r.results(false, 2, 3)))
	again := r.results(false)
	assert.Equal(t, []Outcome{SettledByHand, SettledByHand}, outcomes(again), "the journal keeps it")
	assert.Equal(t, Settled, again[0].Care)
	journal, err := os.ReadFile(r.path + ".journal")
	require.NoError(t, err)
	assert.Contains(t, string(journal), `{"event":"settled","key":"2024-05-06 | 7 | 7709999999 | 4000.00 RUB","line":2,`)
}

// TestInvoiceCreditedByHandWithTheDocument: an invoice a person credited, recording the
// bank document on it, is the line's: already present, however loosely the purpose names
// it. Credited without the document, it is a conflict for a person.
func TestInvoiceCreditedByHandWithTheDocument(t *testing.T) {
	t.Parallel()
	srv := newServer(t, wordingSeed())
	ann := srv.Handler().AccountID("ann@example.com")
	r := newRun(t, srv,
		[]string{"318", "06.05.2024", "1500.00", "", "7701234567", "Оплата сч. 36"},
		[]string{"319", "06.05.2024", "500.00", "", "7701234567", "Оплата по счету pfx/37"},
	)
	r.clients = Clients{"7701234567": {"ann@example.com"}}
	c := r.client()
	ctx := context.Background()
	invoices := map[string]int64{}
	for p, err := range c.Payments.All(ctx, ann, nil) {
		require.NoError(t, err)
		invoices[p.Number] = p.ID
	}
	require.NoError(t, c.Payments.Update(ctx, ann, invoices["pfx/36"], &billmgr.PaymentParams{
		DocumentNumber: billmgr.Ptr("318"), DocumentDate: billmgr.DateOf(time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC))}))
	require.NoError(t, c.Payments.SetPaid(ctx, invoices["pfx/36"], invoices["pfx/37"]))

	for _, dry := range []bool{true, false} {
		res := r.results(dry)
		assert.Equal(t, []Outcome{AlreadyPresent, Unmatched}, outcomes(res))
		assert.Equal(t, "pfx/36", res[0].Invoices)
		assert.Equal(t, "the invoice is credited already, without this document (credited)", res[1].Reason)
	}
}

// TestRefusedBeforeSending: a document number the server cannot keep as given is refused
// before anything is written, with the reason.
func TestRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	srv := newServer(t, wordingSeed())
	r := newRun(t, srv, []string{"12\x0734", "06.05.2024", "100.00", "ann@example.com", "", "Аванс"})
	for _, dry := range []bool{true, false} {
		res := r.results(dry)[0]
		assert.Equal(t, Failed, res.Outcome)
		assert.Contains(t, res.Reason, "refused before sending: ")
		assert.Contains(t, res.Reason, "control character U+0007")
		assert.Equal(t, ForPerson, res.Care)
	}
	assert.Len(t, srv.Handler().PaymentIDs(srv.Handler().AccountID("ann@example.com")), 5)
	assert.Zero(t, srv.Handler().Hits("payment.edit"))
}

// TestOneInvoiceNamedByTwoDocuments: two payers' documents quote one invoice, for its
// amount. The first pays it; the second is left for a person, in a dry run as in the real
// run, with the same reason, though a dry run credits nothing for the second to find.
func TestOneInvoiceNamedByTwoDocuments(t *testing.T) {
	t.Parallel()
	srv := newServer(t, wordingSeed())
	ann := srv.Handler().AccountID("ann@example.com")
	r := newRun(t, srv,
		[]string{"1", "06.05.2024", "1500.00", "", "7701111111", "Оплата по счету pfx/36"},
		[]string{"1", "06.05.2024", "1500.00", "", "7702222222", "Оплата по счету pfx/36"},
	)
	dry := r.results(true)
	assert.Equal(t, []Outcome{WouldCredit, Unmatched}, outcomes(dry))
	real := r.results(false)
	assert.Equal(t, []Outcome{Credited, Unmatched}, outcomes(real))
	assert.Equal(t, dry[1].Reason, real[1].Reason)
	assert.Equal(t, "line 2 of this statement pays invoice pfx/36, with document No. 1 of 2024-05-06 from 7701111111 (document)", real[1].Reason)
	assert.Equal(t, StepSettle, real[1].Next)
	assert.Equal(t, StepSettle, dry[1].Next)
	assert.Equal(t, "pfx/36", real[1].Invoices)
	assert.Equal(t, "1500.00", srv.Handler().Balance(ann).StringFixed(2))
	t.Log(real[1].Reason)

	again := r.results(false)
	assert.Equal(t, []Outcome{AlreadyPresent, Unmatched}, outcomes(again))
	assert.Equal(t, []Outcome{AlreadyPresent, Unmatched}, outcomes(r.results(true)))
	t.Log(again[1].Reason)
}
