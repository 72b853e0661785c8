package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

// importSeed is the seed of the import's tests and of the README's session (billmgr fake
// --seed testdata/import-seed.json): Ann with an unpaid invoice pfx/101 of 1500.00, Bob
// with nothing yet, both in rubles. It is read as the fake command reads it.
func importSeed(t *testing.T) billmgrtest.Option {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "import-seed.json"))
	require.NoError(t, err)
	var seed billmgrtest.Seed
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&seed))
	require.NoError(t, seed.Validate())
	return billmgrtest.WithSeed(seed)
}

// statements holds the statements of the tests, beside the package that reads them.
var statements = filepath.Join("internal", "bankimport", "testdata")

// statementCopy copies a testdata file into a temporary directory, where the journal
// goes beside it.
func statementCopy(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(statements, name))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

// reportLine is a line of the -o json report.
type reportLine struct {
	Line, Result, Document, Date, Amount, Payer, INN, Account, Invoice, Payment, Reason string
}

func parseReport(t *testing.T, stdout string) []reportLine {
	t.Helper()
	var lines []reportLine
	require.NoError(t, json.Unmarshal([]byte(stdout), &lines), stdout)
	return lines
}

func results(lines []reportLine) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Result
	}
	return out
}

// importFunctions are the functions an import may call.
var importFunctions = []string{"account", "account.payment", "account.payment.filter", "payment.edit", "payment.setpaid", "payment.delete",
	"subaccount", "subaccount.edit"}

// hits counts the requests that reached the fake.
func hits(f *fake) int {
	n := 0
	for _, fn := range importFunctions {
		n += f.Hits(fn)
	}
	return n
}

// TestImportNamesTheFunctionsItCalls: the command names every function an import calls (for
// the notice of a slow reply).
func TestImportNamesTheFunctionsItCalls(t *testing.T) {
	t.Parallel()
	f := newFake(t, importSeed(t))
	path := statementCopy(t, "statement-1c-windows.txt")
	r := f.run(t, "payments", "import", path, "--clients", clientsMap, "-o", "json")
	require.Equal(t, exitAPI, r.code, r.stderr)
	cmd, _, err := newTestApp().rootCommand().Find([]string{"payments", "import"})
	require.NoError(t, err)
	named := strings.Split(cmd.Annotations[funcAnnotation], ", ")
	for _, fn := range importFunctions {
		if f.Hits(fn) > 0 {
			assert.Contains(t, named, fn, "called %d times", f.Hits(fn))
		}
	}
}

var clientsMap = filepath.Join("testdata", "clients.map")

// TestImport1C imports the 1C statement, in Windows-1251 and in CP866, in both languages:
// the invoice is credited with the bank document on it, the payment without invoice is
// created for the client the tax number maps to and credited, the outgoing transfer is
// skipped, the malformed document and the unknown payer are left for a person (exit 1).
// A rerun asks the server nothing.
func TestImport1C(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ file, lang string }{
		{"statement-1c-windows.txt", "en"}, {"statement-1c-dos.txt", "ru"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, importSeed(t))
			ann, bob := f.AccountID("ann@example.com"), f.AccountID("bob@example.com")
			path := statementCopy(t, tt.file)
			r := f.run(t, "--lang", tt.lang, "payments", "import", path, "--clients", clientsMap, "-o", "json")
			require.Equal(t, exitAPI, r.code, r.stderr)
			report := parseReport(t, r.stdout)
			assert.Equal(t, []string{"credited", "created", "skipped", "failed", "unmatched"}, results(report))
			assert.Equal(t, reportLine{Line: "21", Result: "credited", Document: "318", Date: "2024-05-06T00:00:00+00:00",
				Amount: "1500.00 RUB", Payer: `ООО "Ромашка"`, INN: "7701234567", Account: idText(ann), Invoice: "pfx/101",
				Payment: report[0].Payment}, report[0])
			assert.Equal(t, idText(bob), report[1].Account)
			assert.Contains(t, r.stderr, "5 lines: created 1, credited 1, already present 0, settled by hand 0, skipped 1, unmatched 1, failed 1")
			assert.Contains(t, r.stderr, `line 103, document 319: failed: malformed: Сумма: "15OO.00" is not an amount`)
			assert.Contains(t, r.stderr, "line 130, document 7: unmatched: no invoice named, and the payer's tax number 7709999999 is mapped to no client: "+
				"add `7709999999 = CLIENT` to testdata/clients.map (CLIENT an id or a login), or credit it by hand, then run again with --settled 130")
			assert.Contains(t, r.stderr, "error: 2 lines are left for a person (see the report)")

			c := f.client(t)
			inv, err := c.Payments.Get(context.Background(), ann, mustID(t, report[0].Payment))
			require.NoError(t, err)
			assert.Equal(t, billmgr.PaymentCredited, inv.Status)
			assert.Equal(t, "318", inv.DocumentNumber)
			assert.Equal(t, "2024-05-06", inv.DocumentDate.Format(time.DateOnly))
			assert.Equal(t, "Хостинг, май", inv.Description, "the invoice keeps its purpose")
			created, err := c.Payments.Get(context.Background(), bob, mustID(t, report[1].Payment))
			require.NoError(t, err)
			assert.Equal(t, billmgr.PaymentCredited, created.Status)
			assert.Equal(t, "52", created.DocumentNumber)
			assert.Equal(t, "Пополнение лицевого счета по договору 17/2023 НДС не облагается", created.Description)
			assert.Equal(t, "1500.00", f.Balance(ann).StringFixed(2))
			assert.Equal(t, "4000.50", f.Balance(bob).StringFixed(2))

			before := hits(f)
			again := f.run(t, "--lang", tt.lang, "payments", "import", path, "--clients", clientsMap, "-o", "json")
			assert.Equal(t, exitAPI, again.code)
			assert.Equal(t, []string{"already_present", "already_present", "skipped", "failed", "unmatched"}, results(parseReport(t, again.stdout)))
			assert.Equal(t, before, hits(f), "finished lines are skipped without a request")
		})
	}
}

func (f *fake) client(t *testing.T) *billmgr.Client {
	t.Helper()
	c, err := billmgr.NewClient(f.URL, billmgr.WithAuthInfo(f.AdminUser, testPassword))
	require.NoError(t, err)
	return c
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := parseID(s)
	require.NoError(t, err)
	return id
}

// TestImportWithoutJournalCreatesNothingNew: the server's payments carry the bank
// documents, so a run without the journal finds every line there.
func TestImportWithoutJournalCreatesNothingNew(t *testing.T) {
	t.Parallel()
	f := newFake(t, importSeed(t))
	path := statementCopy(t, "statement-1c-windows.txt")
	first := f.run(t, "payments", "import", path, "--clients", clientsMap, "-o", "json")
	require.Equal(t, exitAPI, first.code)
	require.NoError(t, os.Remove(path+".journal"))
	submits, credits := f.Hits("payment.setpaid"), len(f.listPayments(t))
	again := f.run(t, "payments", "import", path, "--clients", clientsMap, "-o", "json")
	assert.Equal(t, exitAPI, again.code)
	report := parseReport(t, again.stdout)
	assert.Equal(t, []string{"already_present", "already_present", "skipped", "failed", "unmatched"}, results(report))
	assert.Empty(t, report[0].Reason, "found on the server, not in the journal")
	assert.Equal(t, submits, f.Hits("payment.setpaid"))
	assert.Equal(t, credits, len(f.listPayments(t)))
	assert.Equal(t, "1500.00", f.Balance(f.AccountID("ann@example.com")).StringFixed(2))
}

// listPayments returns every payment of every client.
func (f *fake) listPayments(t *testing.T) []billmgr.Payment {
	t.Helper()
	c := f.client(t)
	var out []billmgr.Payment
	for _, email := range []string{"ann@example.com", "bob@example.com"} {
		for p, err := range c.Payments.All(context.Background(), f.AccountID(email), nil) {
			require.NoError(t, err)
			out = append(out, p)
		}
	}
	return out
}

func TestImportDryRun(t *testing.T) {
	t.Parallel()
	f := newFake(t, importSeed(t))
	path := statementCopy(t, "statement-1c-windows.txt")
	r := f.run(t, "payments", "import", path, "--clients", clientsMap, "--dry-run", "-o", "json")
	require.Equal(t, exitAPI, r.code, r.stderr)
	report := parseReport(t, r.stdout)
	assert.Equal(t, []string{"would_credit", "would_create", "skipped", "failed", "unmatched"}, results(report))
	assert.Contains(t, r.stderr, "dry run, nothing written: ")
	assert.Contains(t, r.stderr, "would create 1, would credit 1, already present 0")
	assert.Zero(t, f.Hits("payment.setpaid"))
	assert.Len(t, f.listPayments(t), 1, "nothing created")
	assert.NoFileExists(t, path+".journal", "a dry run keeps no journal")

	require.Equal(t, exitAPI, f.run(t, "payments", "import", path, "--clients", clientsMap).code)
	r = f.run(t, "payments", "import", path, "--clients", clientsMap, "--dry-run", "-o", "json")
	assert.Equal(t, []string{"already_present", "already_present", "skipped", "failed", "unmatched"}, results(parseReport(t, r.stdout)))
}

// TestImportCSV: Russian headers mapped by a file and a flag, ';' as the delimiter,
// Windows-1251, decimal commas, clients by login and by id, and one run that settles
// every line: exit code 0.
func TestImportCSV(t *testing.T) {
	t.Parallel()
	f := newFake(t, importSeed(t))
	ann, bob := f.AccountID("ann@example.com"), f.AccountID("bob@example.com")
	dir := t.TempDir()
	columns := filepath.Join(dir, "columns.map")
	require.NoError(t, os.WriteFile(columns, []byte("number = Номер\ndate = Дата\namount = Сумма\nclient = Клиент\npurpose = Назначение\n"), 0o644))
	csvText := "Номер;Дата;Сумма;Клиент;Назначение;Плательщик\r\n" +
		"9001;06.05.2024;1 500,00;;Оплата по счету pfx/101;ООО Ромашка\r\n" +
		"9002;06.05.2024;250,75;bob@example.com;Аванс;ИП Петров\r\n" +
		"9003;06.05.2024;100,00;" + idText(ann) + ";Аванс;ООО Ромашка\r\n" +
		"9004;06.05.2024;-5,00;;Комиссия банка;Банк\r\n"
	path := filepath.Join(dir, "выписка.csv")
	require.NoError(t, os.WriteFile(path, mustCP1251(t, csvText), 0o644))
	r := f.run(t, "payments", "import", path, "--columns", columns, "--column", "payer=Плательщик",
		"--encoding", "windows-1251", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	report := parseReport(t, r.stdout)
	assert.Equal(t, []string{"credited", "created", "created", "skipped"}, results(report))
	assert.Equal(t, "ИП Петров", report[1].Payer)
	assert.Equal(t, "1600.00", f.Balance(ann).StringFixed(2))
	assert.Equal(t, "250.75", f.Balance(bob).StringFixed(2))
	assert.Contains(t, r.stderr, "4 lines: created 2, credited 1, already present 0, settled by hand 0, skipped 1, unmatched 0, failed 0")
}

func mustCP1251(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := charmap.Windows1251.NewEncoder().Writer(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	return b.Bytes()
}

// TestImportLeavesConflictsToAPerson: an invoice for another amount, or credited already
// by another payment, is reported with the reason and not touched.
func TestImportLeavesConflictsToAPerson(t *testing.T) {
	t.Parallel()
	d := decimal.RequireFromString
	f := newFake(t, billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{{
		Email: "ann@example.com", Payments: []billmgrtest.SeedPayment{
			{Amount: d("1500.00"), Number: "pfx/1"},
			{Amount: d("700.00"), Number: "pfx/2", Status: 4, Paymethod: 2},
		},
	}}}))
	path := filepath.Join(t.TempDir(), "s.csv")
	require.NoError(t, os.WriteFile(path, []byte("number,date,amount,purpose\n"+
		"1,2024-05-06,1400.00,Оплата по счету pfx/1\n"+
		"2,2024-05-06,700.00,Оплата по счету pfx/2\n"), 0o644))
	r := f.run(t, "payments", "import", path, "-o", "json")
	require.Equal(t, exitAPI, r.code, r.stderr)
	report := parseReport(t, r.stdout)
	assert.Equal(t, []string{"unmatched", "unmatched"}, results(report))
	assert.Equal(t, "the payment is for 1500.00, the receipt for 1400.00 (amount): credit it by hand, then run again with --settled 2", report[0].Reason)
	assert.Equal(t, "the invoice is credited already, without this document (credited): credit it by hand, then run again with --settled 3", report[1].Reason)
	assert.Equal(t, "pfx/2", report[1].Invoice)
	assert.True(t, f.Balance(f.AccountID("ann@example.com")).IsZero())
	assert.Zero(t, f.Hits("payment.setpaid"))
}

// TestImportResumesAnInterruptedLine: the journal says a line's writes started and never
// ended; the server holds the payment, uncredited. The run credits it, once.
func TestImportResumesAnInterruptedLine(t *testing.T) {
	t.Parallel()
	f := newFake(t, importSeed(t))
	bob := f.AccountID("bob@example.com")
	path := filepath.Join(t.TempDir(), "s.csv")
	require.NoError(t, os.WriteFile(path, []byte("number,date,amount,client\n77,2024-05-06,300.00,bob@example.com\n"), 0o644))
	_, err := f.client(t).Payments.Create(context.Background(), bob, &billmgr.PaymentParams{
		SubaccountAmount: billmgr.MustDecimal("300"), DocumentNumber: billmgr.Ptr("77"), DocumentDate: billmgr.DateOf(fixedNow.AddDate(0, 0, -1))})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path+".journal", []byte(`{"event":"owner","panel":"`+f.URL+`","user":"admin","time":"2024-05-07T10:00:00Z"}`+"\n"+
		`{"key":"2024-05-06 | 77 | bob@example.com | 300.00 RUB","event":"start","account":`+idText(bob)+`,"time":"2024-05-07T10:00:00Z"}`+"\n"), 0o644))

	r := f.run(t, "payments", "import", path, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	report := parseReport(t, r.stdout)
	assert.Equal(t, "credited", report[0].Result)
	assert.Equal(t, "resumed after an interrupted run", report[0].Reason)
	assert.Equal(t, "300.00", f.Balance(bob).StringFixed(2))
	assert.Len(t, f.listPayments(t), 2, "the invoice and the resumed payment, nothing more")
}

// TestImportExitCodes: usage errors are 2; a network failure is 3 (run it again); a
// statement whose lines are all settled is 0.
func TestImportExitCodes(t *testing.T) {
	t.Parallel()
	f := newFake(t, importSeed(t))
	path := filepath.Join(t.TempDir(), "s.csv")
	require.NoError(t, os.WriteFile(path, []byte("number,date,amount,client\n1,2024-05-06,10.00,bob@example.com\n"), 0o644))
	for _, args := range [][]string{
		{"payments", "import"},
		{"payments", "import", filepath.Join(t.TempDir(), "missing.csv")},
		{"payments", "import", path, "--format", "xlsx"},
		{"payments", "import", path, "--encoding", "koi8-r"},
		{"payments", "import", path, "--invoice-pattern", "("},
		{"payments", "import", path, "--column", "sum=Сумма"},
		{"payments", "import", path, "--delimiter", ";;"},
		{"payments", "import", path, "--clients", filepath.Join(t.TempDir(), "missing.map")},
		{"payments", "import", path, "--journal", clientsMap},
	} {
		r := f.run(t, args...)
		assert.Equal(t, exitUsage, r.code, "%q: %s", args, r.stderr)
	}

	down := map[string]string{}
	for k, v := range f.env {
		down[k] = v
	}
	down["BILLMGR_URL"] = "http://127.0.0.1:1/billmgr"
	r := runWith(t, down, "", "payments", "import", path, "-o", "json", "--journal", path+".down.journal")
	assert.Equal(t, exitFailure, r.code, r.stderr)
	assert.Equal(t, []string{"failed"}, results(parseReport(t, r.stdout)))
	assert.Contains(t, r.stderr, "run the same command again")

	// Refused credentials end the run at once: exit 5, and no line is reported as left for a
	// person.
	r = f.run(t, "--password", "wrong", "payments", "import", path, "-o", "json", "--journal", path+".wrong.journal")
	assert.Equal(t, exitAuth, r.code, r.stderr)
	assert.Contains(t, r.stderr, "hint: the server refused the credentials")
	assert.NotContains(t, r.stderr, "left for a person")

	r = f.run(t, "payments", "import", path, "-o", "json")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"created"}, results(parseReport(t, r.stdout)))
}

// lateCreate is a proxy in front of the fake that answers the first create
// (payment.edit submitted without elid) with 502 after its own timeout, while the panel
// carries the create out only later, when the test calls finish: the lookup of the run
// that sent it cannot see it.
type lateCreate struct {
	h http.Handler

	mu      sync.Mutex
	creates int    // the creates that arrived
	held    []byte // the body of the first
}

func (l *lateCreate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	form, _ := url.ParseQuery(string(body))
	create := form.Get("func") == "payment.edit" && form.Get("sok") != "" && form.Get("elid") == ""
	l.mu.Lock()
	if create {
		l.creates++
	}
	hold := create && l.creates == 1
	if hold {
		l.held = body
	}
	l.mu.Unlock()
	if hold {
		badGateway(w)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	l.h.ServeHTTP(w, r)
}

func (l *lateCreate) createCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.creates
}

// finish carries out the create the proxy gave up on.
func (l *lateCreate) finish(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	require.NotNil(t, l.held, "a create was held")
	req := httptest.NewRequest(http.MethodPost, "/billmgr", bytes.NewReader(l.held))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	l.h.ServeHTTP(rec, req)
	require.NotContains(t, rec.Body.String(), "<error")
}

// TestImportLeavesAnUnknownOutcomeToTheNextRun: a proxy answers 502 to a create the panel
// carries out later. The run does not create the payment again: the line fails as
// "outcome unknown", the journal keeps it unfinished, and the next run, once the panel
// has created it, finds the payment and credits it.
func TestImportLeavesAnUnknownOutcomeToTheNextRun(t *testing.T) {
	t.Parallel()
	f := newFake(t, importSeed(t))
	bob := f.AccountID("bob@example.com")
	proxy := &lateCreate{h: f.Handler()}
	env := f.through(t, proxy)
	path := filepath.Join(t.TempDir(), "s.csv")
	require.NoError(t, os.WriteFile(path, []byte("number,date,amount,client\n88,2024-05-06,300.00,bob@example.com\n"), 0o644))

	r := runWith(t, env, "", "payments", "import", path, "-o", "json")
	assert.Equal(t, exitUnknown, r.code, r.stderr)
	report := parseReport(t, r.stdout)
	assert.Equal(t, []string{"failed"}, results(report))
	assert.True(t, strings.HasPrefix(report[0].Reason, "outcome unknown, rerun later: "), report[0].Reason)
	assert.Contains(t, r.stderr, "failed: outcome unknown, rerun later")
	assert.Contains(t, r.stderr, "error: 1 line is not finished, 1 with an unknown outcome: the server may still be carrying "+
		"their writes out; run the same command again in a few minutes, and it looks them up first")
	assert.Equal(t, 1, proxy.createCount(), "the create is not sent again")
	assert.True(t, f.Balance(bob).IsZero())
	journal, err := os.ReadFile(path + ".journal")
	require.NoError(t, err)
	assert.NotContains(t, string(journal), `"event":"done"`, "the line is unfinished")

	proxy.finish(t)
	r = runWith(t, env, "", "payments", "import", path, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"credited"}, results(parseReport(t, r.stdout)), "the payment found, credited")
	assert.Equal(t, 1, proxy.createCount())
	assert.Len(t, f.listPayments(t), 2, "the invoice and the payment, nothing more")
	assert.Equal(t, "300.00", f.Balance(bob).StringFixed(2))
}

// TestImportExitCodePrecedence: a run whose lines call for different exit codes exits with
// the one to act on first, 4 (look before writing again) over 3 (run it again) over 1 (a
// person acts); a run interrupted while a write is in flight exits 4.
func TestImportExitCodePrecedence(t *testing.T) {
	t.Parallel()
	const statement = "number,date,amount,client,purpose\n" +
		"1,2024-05-06,10.00,,Аванс\n" + // no client and no invoice: for a person
		"2,2024-05-06,300.00,bob@example.com,Аванс\n"
	for _, tt := range []struct {
		name string
		// reach returns the environment that reaches the server; interrupt stops the run
		// as Ctrl-C does.
		reach  func(t *testing.T, f *fake, interrupt context.CancelFunc) map[string]string
		args   []string
		code   int
		stderr string
	}{
		{"outcome unknown over a line for a person", func(t *testing.T, f *fake, _ context.CancelFunc) map[string]string {
			return f.through(t, &lateCreate{h: f.Handler()})
		}, nil, exitUnknown, "error: 2 lines are not finished, 1 with an unknown outcome"},
		{"network failure over a line for a person", func(_ *testing.T, f *fake, _ context.CancelFunc) map[string]string {
			env := maps.Clone(f.env)
			env["BILLMGR_URL"] = "http://127.0.0.1:1/billmgr"
			return env
		}, nil, exitFailure, "error: 2 lines are not finished, some for network or protocol failures"},
		{"interrupted while a write is in flight", func(t *testing.T, f *fake, interrupt context.CancelFunc) map[string]string {
			return f.through(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.ParseForm() == nil && r.Form.Get("func") == "payment.edit" && r.Form.Get("sok") != "" {
					interrupt()
					<-r.Context().Done() // no reply: the command has gone
					return
				}
				f.Handler().ServeHTTP(w, r)
			}))
		}, nil, exitUnknown, "error: interrupted at line 3, whose write may have been applied (the next run looks it up): context canceled"},
		{"interrupted before writing", func(t *testing.T, f *fake, interrupt context.CancelFunc) map[string]string {
			return f.through(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.ParseForm() == nil && r.Form.Get("func") != "auth" {
					interrupt() // at the first lookup
					<-r.Context().Done()
					return
				}
				f.Handler().ServeHTTP(w, r)
			}))
		}, nil, exitFailure, "error: interrupted at line 3: context canceled"},
		{"a line past --timeout fails alone, the run goes on", func(_ *testing.T, f *fake, _ context.CancelFunc) map[string]string {
			f.SetDelay(time.Minute)
			return f.env
		}, []string{"--timeout", "300ms"}, exitFailure, "error: 2 lines are not finished, some for network or protocol failures"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, importSeed(t))
			path := filepath.Join(t.TempDir(), "s.csv")
			require.NoError(t, os.WriteFile(path, []byte(statement), 0o644))
			ctx, interrupt := context.WithCancel(context.Background())
			defer interrupt()
			r := runContext(t, ctx, tt.reach(t, f, interrupt), "", append(tt.args, "payments", "import", path, "-o", "json")...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.stderr)
		})
	}
}

func TestImportRefusesTheSameTransferTwice(t *testing.T) {
	t.Parallel()
	f := newFake(t, importSeed(t))
	path := filepath.Join(t.TempDir(), "s.csv")
	row := "5,2024-05-06,10.00,bob@example.com\n"
	require.NoError(t, os.WriteFile(path, []byte("number,date,amount,client\n"+row+row), 0o644))
	r := f.run(t, "payments", "import", path, "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	report := parseReport(t, r.stdout)
	assert.Equal(t, []string{"created", "skipped"}, results(report))
	assert.Equal(t, "the same transfer as line 2", report[1].Reason)
	assert.Equal(t, "10.00", f.Balance(f.AccountID("bob@example.com")).StringFixed(2))
}

func TestImportProgress(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	p := &importProgress{w: &b, total: 3, on: true}
	for range 3 {
		p.tick()
	}
	p.done()
	out := b.String()
	assert.Contains(t, out, "\r[##########....................] 1/3 lines")
	assert.Contains(t, out, "\r[##############################] 3/3 lines")
	assert.True(t, strings.HasSuffix(out, "\r\033[K"), "the bar is cleared")

	b.Reset()
	quiet := &importProgress{w: &b, total: 3}
	quiet.tick()
	quiet.done()
	assert.Empty(t, b.String(), "no bar off a terminal")
}

// TestImportSettledByHand: a person credits a line by hand and says so with --settled; the
// journal keeps it, and every later run skips it: exit code 0.
func TestImportSettledByHand(t *testing.T) {
	t.Parallel()
	f := newFake(t, importSeed(t))
	path := statementCopy(t, "statement-1c-windows.txt")
	first := f.run(t, "payments", "import", path, "--clients", clientsMap, "-o", "json")
	require.Equal(t, exitAPI, first.code, first.stderr)
	assert.Contains(t, first.stderr, "line 103, document 319: failed: malformed: Сумма: \"15OO.00\" is not an amount such as 1500.00: "+
		"correct the statement and run again, or settle it by hand, then run again with --settled 103")

	r := f.run(t, "payments", "import", path, "--clients", clientsMap, "--settled", "103", "--settled", "130", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"already_present", "already_present", "skipped", "settled_by_hand", "settled_by_hand"}, results(parseReport(t, r.stdout)))
	assert.Contains(t, r.stderr, "5 lines: created 0, credited 0, already present 2, settled by hand 2, skipped 1, unmatched 0, failed 0")
	again := f.run(t, "payments", "import", path, "--clients", clientsMap, "-o", "json")
	require.Equal(t, exitOK, again.code, again.stderr)
	assert.Equal(t, []string{"already_present", "already_present", "skipped", "settled_by_hand", "settled_by_hand"}, results(parseReport(t, again.stdout)))

	for _, bad := range []string{"131", "76", "x"} {
		r := f.run(t, "payments", "import", path, "--settled", bad)
		assert.Equal(t, exitUsage, r.code, bad)
		assert.Contains(t, r.stderr, "--settled", bad)
	}
}

// TestImportRefusesWhatItCannotBeSureOf: a statement, a mapping or a journal the import
// cannot use as it is ends the run before anything is written, with exit code 2 and the
// flag to change.
func TestImportRefusesWhatItCannotBeSureOf(t *testing.T) {
	t.Parallel()
	f := newFake(t, importSeed(t))
	dir := t.TempDir()
	cp1251 := filepath.Join(dir, "cp1251.csv")
	require.NoError(t, os.WriteFile(cp1251, mustCP1251(t, "number,date,amount,client\n1,06.05.2024,10.00,ИП Петров\n"), 0o644))
	ok := filepath.Join(dir, "ok.csv")
	require.NoError(t, os.WriteFile(ok, []byte("number,date,amount,client\n1,06.05.2024,10.00,bob@example.com\n"), 0o644))
	link := filepath.Join(dir, "link.journal")
	require.NoError(t, os.Symlink(ok, link))
	foreign := filepath.Join(dir, "foreign.journal")
	require.NoError(t, os.WriteFile(foreign, []byte(`{"event":"owner","panel":"https://other.example.com/billmgr","user":"admin","time":"2024-05-07T10:00:00Z"}`+"\n"), 0o644))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{cp1251}, "line 2: is not valid UTF-8: give the file's encoding with --encoding (cp866, utf-8, windows-1251)"},
		{[]string{ok, "--journal", link}, "is a symbolic link"},
		{[]string{ok, "--journal", foreign}, "refused: it belongs to admin at https://other.example.com/billmgr, and this run is admin at " +
			f.URL + "; give this run a journal of its own with --journal FILE"},
		{[]string{ok, "--column", "payer=Плательщик"}, `no column "Плательщик" (for payer) in the header row`},
		{[]string{dir}, "is not a regular file (a directory): the import reads a statement twice, to check it whole before it " +
			"writes anything, then to credit it; save it to a file first"},
	} {
		r := f.run(t, append([]string{"payments", "import"}, tt.args...)...)
		assert.Equal(t, exitUsage, r.code, "%q: %s", tt.args, r.stderr)
		assert.Contains(t, r.stderr, tt.want)
	}
	data, err := os.ReadFile(ok)
	require.NoError(t, err)
	assert.Equal(t, "number,date,amount,client\n1,06.05.2024,10.00,bob@example.com\n", string(data), "the link's target untouched")
	assert.Zero(t, f.Hits("payment.edit"), "nothing written")
}
