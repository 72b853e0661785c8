package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
)

// Crediting one set of documents from several processes at once, each with several
// goroutines, through the billmgr-fake binary over HTTPS, with creates committed out of id
// order (--commit-lag): every document ends with exactly one credited payment, and exactly
// one call of all reports that it credited it.

// creditJob is what a worker process credits: the panel, and the documents.
type creditJob struct {
	URL, Pin, User, Password string
	Goroutines               int
	Docs                     []creditDoc
}

type creditDoc struct {
	Account int64
	Number  string
	Payer   string
	Amount  decimal.Decimal
}

func (d creditDoc) receipt() *billmgr.Receipt {
	return &billmgr.Receipt{Document: billmgr.PaymentDocument{Number: d.Number, Date: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), Payer: d.Payer},
		Amount: d.Amount, Description: "Оплата по счету-оферте " + d.Number}
}

// creditLine is a worker's report of one call: the document's index, and the outcome or
// the error.
type creditLine struct {
	Doc     int
	Outcome billmgr.CreditOutcome
	Err     string
}

const workerEnv = "BILLMGR_FAKE_CREDIT_WORKER"

// TestCreditWorker is the worker process of TestCreditAcrossProcesses; it does nothing in
// a run of the tests.
func TestCreditWorker(t *testing.T) {
	raw := os.Getenv(workerEnv)
	if raw == "" {
		t.Skip("the worker process of TestCreditAcrossProcesses")
	}
	var job creditJob
	require.NoError(t, json.Unmarshal([]byte(raw), &job))
	out := json.NewEncoder(os.Stdout)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range job.Goroutines {
		c, err := billmgr.NewClient(job.URL, billmgr.WithAuthInfo(job.User, job.Password), billmgr.WithPinnedCertificate(job.Pin))
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range job.Docs {
				i := (n + g*len(job.Docs)/job.Goroutines) % len(job.Docs) // collide at different points
				d := job.Docs[i]
				line := creditLine{Doc: i}
				res, err := c.Payments.CreditReceipt(context.Background(), d.Account, d.receipt())
				if err != nil {
					line.Err = err.Error()
				} else {
					line.Outcome = res.Outcome
				}
				mu.Lock()
				_ = out.Encode(line)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestCreditAcrossProcesses(t *testing.T) {
	t.Parallel()
	p := startPanel(t, "--commit-lag", "2ms")
	admin, err := billmgr.NewClient(p.banner["url"], billmgr.WithAuthInfo(p.banner["user"], p.banner["password"]),
		billmgr.WithPinnedCertificate(p.banner["pin-sha256"]))
	require.NoError(t, err)
	ctx := context.Background()
	before := map[int64]decimal.Decimal{}
	var accounts []int64
	for a, err := range admin.Accounts.All(ctx, nil) {
		require.NoError(t, err)
		accounts = append(accounts, a.ID)
		before[a.ID] = a.Balance.Amount
	}
	require.NotEmpty(t, accounts)
	job := creditJob{URL: p.banner["url"], Pin: p.banner["pin-sha256"], User: p.banner["user"], Password: p.banner["password"], Goroutines: 4}
	want := map[int64]decimal.Decimal{}
	for i := range 30 {
		d := creditDoc{Account: accounts[i%len(accounts)], Number: fmt.Sprint(500 + i/2), Payer: fmt.Sprint(7700000000 + i%2),
			Amount: decimal.New(int64(5000+311*i), -2)}
		job.Docs = append(job.Docs, d)
		want[d.Account] = want[d.Account].Add(d.Amount)
	}
	raw, err := json.Marshal(job)
	require.NoError(t, err)

	const processes = 3
	outcomes := make([][]billmgr.CreditOutcome, len(job.Docs))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range processes {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestCreditWorker$", "-test.count", "1")
		cmd.Env = append(os.Environ(), workerEnv+"="+string(raw))
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				var line creditLine
				if json.Unmarshal(sc.Bytes(), &line) != nil {
					continue // the test framework's own lines
				}
				if !assert.Empty(t, line.Err, "document %d", line.Doc) {
					continue
				}
				mu.Lock()
				outcomes[line.Doc] = append(outcomes[line.Doc], line.Outcome)
				mu.Unlock()
			}
			assert.NoError(t, cmd.Wait(), "worker: %s", stderr.String())
		}()
	}
	wg.Wait()

	for i, d := range job.Docs {
		r := d.receipt()
		found, err := admin.Payments.FindByDocument(ctx, d.Account, r.Document, r.Amount)
		require.NoError(t, err)
		if assert.Len(t, found, 1, "document %s", r.Document) {
			assert.Equal(t, billmgr.PaymentCredited, found[0].Status)
		}
		credits := 0
		for _, o := range outcomes[i] {
			if o != billmgr.CreditAlreadyCredited {
				credits++
			}
		}
		assert.Len(t, outcomes[i], processes*job.Goroutines, "document %s: every call reported", r.Document)
		assert.Equal(t, 1, credits, "document %s: one call credited it: %v", r.Document, outcomes[i])
	}
	for a, err := range admin.Accounts.All(ctx, nil) {
		require.NoError(t, err)
		assert.True(t, before[a.ID].Add(want[a.ID]).Equal(a.Balance.Amount), "client %d: balance %s, want %s + %s",
			a.ID, a.Balance.Amount, before[a.ID], want[a.ID])
	}
}
