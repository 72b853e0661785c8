package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportSurvivesKills runs the import as a real process against the fake, kills it at
// more than fifty points across a 200-line statement (after the server executed a write
// and before its reply was read, before a write was executed, and at random moments),
// cuts connections after the body, answers 502 after executing, expires sessions, and
// reruns it until it reports every line done. Then each invoice named is credited once,
// each line without invoice has exactly one credited payment, every client's balance moved
// by exactly the sum of its lines, and a rerun without the journal creates nothing.
func TestImportSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it a hundred times")
	}
	t.Parallel()
	start := time.Now()
	bin, h, admin, st := startKillTest(t, 200)

	rng := rand.New(rand.NewSource(14))
	ch := newChaos(h)
	ch.plan(rng, killAfterWrite, 45, 380)
	ch.plan(rng, killBeforeWrite, 10, 380)
	ch.plan(rng, cutAfterWrite, 8, 380)
	ch.plan(rng, badGatewayAfterWrite, 8, 380)
	srv := httptest.NewServer(ch)
	t.Cleanup(srv.Close)

	env := append(os.Environ(), "BILLMGR_URL="+srv.URL, "BILLMGR_USER=admin", "BILLMGR_PASSWORD="+testPassword)
	args := []string{"--session", "payments", "import", st.path, "--clients", st.clients, "-o", "jsonl"}
	runs, timed, failedRuns, unknownRuns := 0, 0, 0, 0
	for done := false; !done; runs++ {
		require.Less(t, runs, 400, "the import never reported done")
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		require.NoError(t, cmd.Start())
		ch.setChild("", cmd.Process)
		var timer *time.Timer
		if runs%7 == 3 && timed < 12 { // a kill at a random moment, wherever the import is
			timed++
			timer = time.AfterFunc(time.Duration(5+rng.Intn(60))*time.Millisecond, func() { ch.kill("", cmd.Process) })
		}
		err := cmd.Wait()
		if timer != nil {
			timer.Stop()
		}
		ch.setChild("", nil)
		var exit *exec.ExitError
		switch {
		case err == nil:
			done = true
		case errors.As(err, &exit) && !exit.Exited():
			// Killed: run it again.
		case errors.As(err, &exit) && exit.ExitCode() == exitFailure:
			failedRuns++ // lines failed on the network: run it again
		case errors.As(err, &exit) && exit.ExitCode() == exitUnknown:
			unknownRuns++ // outcomes unknown: run it again, which looks them up
		default:
			t.Fatalf("run %d: %v\n%s", runs, err, out.String())
		}
	}
	elapsed := time.Since(start)
	kills, fired := ch.killed(), ch.firedFaults()
	t.Logf("%d runs: %d killed (%d at random moments), %d ended with lines failed on the network, %d with outcomes "+
		"unknown; %d writes: %d killed after executing, %d before, %d cut after executing, %d answered 502 after executing; %s",
		runs, kills, timed, failedRuns, unknownRuns, ch.writeCount(), fired[killAfterWrite], fired[killBeforeWrite],
		fired[cutAfterWrite], fired[badGatewayAfterWrite], elapsed.Round(time.Millisecond))
	require.Equal(t, 8, fired[cutAfterWrite], "every cut happened")
	require.Equal(t, 8, fired[badGatewayAfterWrite], "every 502 happened")
	require.GreaterOrEqual(t, kills, 50, "at least fifty kill points")
	st.check(t, admin)

	// Without the journal, every line is looked up on the server and found: nothing new.
	require.NoError(t, os.Remove(st.path+".journal"))
	writes := ch.writeCount()
	ch.calm()
	again := exec.Command(bin, args...)
	again.Env = env
	out, err := again.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, writes, ch.writeCount(), "no write without the journal")
	assert.Equal(t, 200, strings.Count(string(out), `"result":"already_present"`), "every line already present")
	st.check(t, admin)
}

// TestConcurrentImportsSurviveKills runs three imports of one statement at once, as two
// accountants and a cron job would, each with a journal of its own, and kills them at
// random moments and after the server executed their writes, answers 502 after executing,
// expires sessions, and removes the first import's journal while it runs (after the server
// carried out some of its writes, before the reply went out), which stops that run at its
// next record; each is rerun until it reports every line done. Then each invoice named is
// credited once, each line without invoice has exactly one credited payment, and every
// balance moved by exactly the sum of its lines.
func TestConcurrentImportsSurviveKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it a hundred times")
	}
	t.Parallel()
	start := time.Now()
	bin, h, admin, st := startKillTest(t, 120)

	ch := newChaos(h)
	rng := rand.New(rand.NewSource(20))
	ch.plan(rng, killAfterWrite, 30, 200)
	ch.plan(rng, killBeforeWrite, 6, 200)
	ch.plan(rng, badGatewayAfterWrite, 6, 200)
	journalOf := func(w int) string { return fmt.Sprintf("%s.%d.journal", st.path, w+1) }
	ch.removeJournal("/w1", journalOf(0), 5, 20, 35)
	srv := httptest.NewServer(ch)
	t.Cleanup(srv.Close)

	const imports = 3
	type tally struct{ runs, timed, stopped, failed, unknown int }
	tallies := make([]tally, imports)
	errs := make(chan error, imports)
	for w := range imports {
		go func() {
			errs <- func() error {
				from := fmt.Sprintf("/w%d", w+1)
				journal := journalOf(w)
				env := append(os.Environ(), "BILLMGR_URL="+srv.URL+from+"/billmgr", "BILLMGR_USER=admin", "BILLMGR_PASSWORD="+testPassword)
				rng := rand.New(rand.NewSource(int64(w)))
				tl := &tallies[w]
				for ; tl.runs < 300; tl.runs++ {
					cmd := exec.Command(bin, "--session", "payments", "import", st.path, "--clients", st.clients, "--journal", journal, "-o", "jsonl")
					cmd.Env = env
					var out bytes.Buffer
					cmd.Stdout, cmd.Stderr = &out, &out
					if err := cmd.Start(); err != nil {
						return err
					}
					ch.setChild(from, cmd.Process)
					var timer *time.Timer
					if tl.runs%3 == 1 { // a kill at a random moment, wherever the import is
						tl.timed++
						timer = time.AfterFunc(time.Duration(5+rng.Intn(80))*time.Millisecond, func() { ch.kill(from, cmd.Process) })
					}
					err := cmd.Wait()
					if timer != nil {
						timer.Stop()
					}
					ch.setChild(from, nil)
					var exit *exec.ExitError
					switch {
					case err == nil:
						return nil
					case errors.As(err, &exit) && !exit.Exited():
						// Killed: run it again.
					case errors.As(err, &exit) && exit.ExitCode() == exitFailure && strings.Contains(out.String(), "was removed or replaced"):
						tl.stopped++ // its journal went: run it again
					case errors.As(err, &exit) && exit.ExitCode() == exitFailure:
						tl.failed++
					case errors.As(err, &exit) && exit.ExitCode() == exitUnknown:
						tl.unknown++
					default:
						return fmt.Errorf("import %d, run %d: %v\n%s", w+1, tl.runs, err, out.String())
					}
				}
				return fmt.Errorf("import %d never reported done", w+1)
			}()
		}()
	}
	for range imports {
		require.NoError(t, <-errs)
	}
	fired := ch.firedFaults()
	t.Logf("%d imports at once: runs %+v; %d killed; the first import's journal removed %d times while it ran; %d writes: "+
		"%d killed after executing, %d before, %d answered 502 after executing; %s",
		imports, tallies, ch.killed(), ch.journalsRemoved(), ch.writeCount(), fired[killAfterWrite], fired[killBeforeWrite],
		fired[badGatewayAfterWrite], time.Since(start).Round(time.Millisecond))
	require.Equal(t, 30, fired[killAfterWrite], "every kill after a write happened")
	require.Equal(t, 6, fired[badGatewayAfterWrite], "every 502 happened")
	require.GreaterOrEqual(t, ch.journalsRemoved(), 1, "the first import's journal was removed while it ran")
	require.Equal(t, ch.journalsRemoved(), tallies[0].stopped, "each run of the first import whose journal was removed stopped")
	st.check(t, admin)
}

// fault is what the chaos server does to a write.
type fault int

const (
	noFault              fault = iota
	killAfterWrite             // execute it, kill the import before it reads the reply
	killBeforeWrite            // kill the import, do not execute it
	cutAfterWrite              // execute it, close the connection without a reply
	badGatewayAfterWrite       // execute it, answer 502 as a proxy would
)

// chaos serves the fake and injects the planned faults into the writes, counted across
// runs, and expires the sessions every 41st request. Several imports may run at once,
// each under a path of its own (/w1/billmgr): a fault that kills kills the import that sent
// the write. It removes an import's journal at planned points (removeJournal).
type chaos struct {
	h *billmgrtest.Handler

	mu       sync.Mutex
	faults   map[int]fault
	fired    map[fault]int
	requests int
	writes   int
	kills    int
	children map[string]*os.Process // the import running now under each path
	served   map[string]int         // the writes of the imports under each path carried out without a fault
	removal  journalRemoval
	removed  int         // the journals removed
	spared   *os.Process // the import whose journal was removed last: not killed, it reaches its next record
}

// journalRemoval removes the journal at path of the import under from after the server
// carried out the given counts of its writes without a fault, before the reply goes out:
// the import finds its journal gone when it records the line's outcome. That import is
// not killed afterwards (a fault that would kill it cuts its connection instead), so that
// it reaches the record and stops there.
type journalRemoval struct {
	from, path string
	after      []int
}

func newChaos(h *billmgrtest.Handler) *chaos {
	return &chaos{h: h, faults: map[int]fault{}, fired: map[fault]int{}, children: map[string]*os.Process{}, served: map[string]int{}}
}

// removeJournal plans the removal of the journal at path of the import under from, after
// the writes of it the server carries out without a fault numbered after.
func (c *chaos) removeJournal(from, path string, after ...int) {
	c.removal = journalRemoval{from: from, path: path, after: after}
}

// plan places n faults of kind at random among the first writes.
func (c *chaos) plan(rng *rand.Rand, kind fault, n, writes int) {
	for placed := 0; placed < n; {
		if w := 1 + rng.Intn(writes); c.faults[w] == noFault {
			c.faults[w] = kind
			placed++
		}
	}
}

// worker is the path an import sends its requests to: "" for the server's own, "/w1" for
// the first of several.
func worker(r *http.Request) string {
	w, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if !strings.HasPrefix(w, "w") {
		return ""
	}
	r.URL.Path = strings.TrimPrefix(r.URL.Path, "/"+w)
	return "/" + w
}

func (c *chaos) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	from := worker(r)
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fn := r.Form.Get("func")
	write := (fn == "payment.edit" && r.Form.Get("sok") != "") || fn == "payment.setpaid"
	c.mu.Lock()
	c.requests++
	if c.requests%41 == 0 {
		c.h.ExpireSessions()
	}
	f, remove := noFault, false
	if write {
		c.writes++
		f = c.faults[c.writes]
		c.fired[f]++
	}
	if write && f == noFault {
		c.served[from]++
		remove = from == c.removal.from && slices.Contains(c.removal.after, c.served[from])
	}
	c.mu.Unlock()
	switch {
	case remove:
		rec := httptest.NewRecorder()
		c.h.ServeHTTP(rec, r)
		c.mu.Lock()
		if os.Remove(c.removal.path) == nil {
			c.removed++
			c.spared = c.children[from]
		}
		c.mu.Unlock()
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	case f == noFault:
		c.h.ServeHTTP(w, r)
		return
	case f == badGatewayAfterWrite:
		c.h.ServeHTTP(httptest.NewRecorder(), r)
		badGateway(w)
		return
	case f == killAfterWrite, f == cutAfterWrite:
		c.h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if f != cutAfterWrite {
		c.mu.Lock()
		c.killLocked(from, c.children[from])
		c.mu.Unlock()
	}
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

// badGateway answers as nginx does when the panel behind it took too long.
func badGateway(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusBadGateway)
	fmt.Fprint(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
}

// setChild records p as the import running under path from (nil when none runs).
func (c *chaos) setChild(from string, p *os.Process) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.children[from] = p
}

// kill kills p when it still runs under from.
func (c *chaos) kill(from string, p *os.Process) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.children[from] == p {
		c.killLocked(from, p)
	}
}

func (c *chaos) killLocked(from string, p *os.Process) {
	if p != nil && p != c.spared && p.Kill() == nil {
		c.kills++
		c.children[from] = nil
	}
}

// calm stops every fault.
func (c *chaos) calm() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.faults)
}

func (c *chaos) killed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.kills
}

// firedFaults counts the faults that happened, by kind.
func (c *chaos) firedFaults() map[fault]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.fired)
}

func (c *chaos) journalsRemoved() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.removed
}

func (c *chaos) writeCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

// killStatement is a CSV statement of n lines: half pay invoices (half of them with a
// client column, half found by the invoice's number alone), half pay without invoice (half
// with a client column, half by the payer's tax number).
type killStatement struct {
	path, clients string
	invoices      map[int64]string // invoice id → the document number paying it
	payments      map[int64]map[string]decimal.Decimal
	sums          map[int64]decimal.Decimal // client → the sum of its lines
}

// startKillTest builds the command and starts the fake a kill test runs it against, with an
// administrator's client and a statement of n lines for its clients and invoices.
func startKillTest(t *testing.T, n int) (bin string, h *billmgrtest.Handler, admin *billmgr.Client, st *killStatement) {
	t.Helper()
	bin = buildCommand(t)
	h = billmgrtest.NewHandler(billmgrtest.WithAdmin("admin", testPassword),
		billmgrtest.WithClock(func() time.Time { return fixedNow }))
	setup := httptest.NewServer(h)
	t.Cleanup(setup.Close)
	admin, err := billmgr.NewClient(setup.URL, billmgr.WithAuthInfo("admin", testPassword))
	require.NoError(t, err)
	return bin, h, admin, newKillStatement(t, h, admin, n)
}

func newKillStatement(t *testing.T, h *billmgrtest.Handler, admin *billmgr.Client, n int) *killStatement {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	clients := h.AddAccounts(10)
	st := &killStatement{path: filepath.Join(dir, "statement.csv"), clients: filepath.Join(dir, "clients.map"),
		invoices: map[int64]string{}, payments: map[int64]map[string]decimal.Decimal{}, sums: map[int64]decimal.Decimal{}}
	var taxNumbers strings.Builder
	for i, id := range clients {
		fmt.Fprintf(&taxNumbers, "77000000%02d = %d\n", i, id)
		st.payments[id] = map[string]decimal.Decimal{}
	}
	require.NoError(t, os.WriteFile(st.clients, []byte(taxNumbers.String()), 0o644))

	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.Write([]string{"number", "date", "amount", "client", "inn", "payer", "purpose"}))
	for i := range n {
		k := i % len(clients)
		client := clients[k]
		amount := decimal.New(int64(1000+i*37), -2).Add(decimal.NewFromInt(int64(100 * (k + 1))))
		number := fmt.Sprintf("%d", 5000+i)
		inn, payer := fmt.Sprintf("77000000%02d", k), fmt.Sprintf("ООО Клиент %d", k)
		column, purpose := "", "Пополнение лицевого счета, НДС не облагается"
		if i%2 == 0 {
			invoiceNo := fmt.Sprintf("pfx/%d", 100+i)
			inv, err := admin.Payments.Create(ctx, client, &billmgr.PaymentParams{
				SubaccountAmount: billmgr.DecimalOf(amount), Number: billmgr.Ptr(invoiceNo)})
			require.NoError(t, err)
			st.invoices[inv] = number
			purpose = "Оплата по счету " + invoiceNo + " за хостинг, НДС не облагается"
			inn = "" // found by the invoice's number
		} else {
			st.payments[client][number] = amount
		}
		if i%4 < 2 {
			column = idText(client)
		}
		st.sums[client] = st.sums[client].Add(amount)
		require.NoError(t, w.Write([]string{number, "06.05.2024", amount.StringFixed(2), column, inn, payer, purpose}))
	}
	w.Flush()
	require.NoError(t, os.WriteFile(st.path, b.Bytes(), 0o644))
	return st
}

// check verifies the fake's state against the statement.
func (st *killStatement) check(t *testing.T, admin *billmgr.Client) {
	t.Helper()
	ctx := context.Background()
	for client, lines := range st.payments {
		found := map[string]int{}
		balance := decimal.Zero
		for p, err := range admin.Payments.All(ctx, client, nil) {
			require.NoError(t, err)
			d, err := admin.Payments.Get(ctx, client, p.ID)
			require.NoError(t, err)
			require.Equal(t, billmgr.PaymentCredited, d.Status, "payment %d of client %d", p.ID, client)
			balance = balance.Add(d.SubaccountAmount)
			if number, ok := st.invoices[p.ID]; ok {
				assert.Equal(t, number, d.DocumentNumber, "invoice %d carries its bank document", p.ID)
				history, err := admin.Payments.History(ctx, p.ID)
				require.NoError(t, err)
				credits := 0
				for _, h := range history {
					if h.Action == "payment.setpaid" {
						credits++
					}
				}
				assert.Equal(t, 1, credits, "invoice %d credited once", p.ID)
				continue
			}
			found[d.DocumentNumber]++
			assert.True(t, lines[d.DocumentNumber].Equal(d.SubaccountAmount), "payment %d: amount %s", p.ID, d.SubaccountAmount)
		}
		for number := range lines {
			assert.Equal(t, 1, found[number], "client %d: one credited payment for document %s", client, number)
		}
		assert.Len(t, found, len(lines), "client %d: no payment but the statement's", client)
		assert.True(t, st.sums[client].Equal(balance), "client %d: credited %s, the statement says %s", client, balance, st.sums[client])
	}
}

// buildCommand builds the billmgr command once into a temporary directory.
func buildCommand(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "billmgr")
	out, err := exec.Command(goTool(), "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}
