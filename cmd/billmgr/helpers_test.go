package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-billmgr/billmgr/billmgrtest"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testPassword is the administrator's password of the fakes: every test that prints
// anything checks that it never appears.
const testPassword = "pa55-Wörd&secret"

// fixedNow is the fakes' clock, so that dates in output are the same every run.
var fixedNow = time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC)

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// fake is a fake server and the environment that reaches it, the password in a file.
type fake struct {
	*billmgrtest.Server
	env map[string]string
}

func newFake(t *testing.T, opts ...billmgrtest.Option) *fake {
	t.Helper()
	return fakeOf(t, billmgrtest.NewServer, opts...)
}

// newTLSFake is newFake over HTTPS, with a certificate of its own as a panel's on port 1500.
func newTLSFake(t *testing.T, opts ...billmgrtest.Option) *fake {
	t.Helper()
	return fakeOf(t, billmgrtest.NewTLSServer, opts...)
}

func fakeOf(t *testing.T, start func(...billmgrtest.Option) *billmgrtest.Server, opts ...billmgrtest.Option) *fake {
	t.Helper()
	opts = append([]billmgrtest.Option{
		billmgrtest.WithAdmin("admin", testPassword),
		billmgrtest.WithClock(func() time.Time { return fixedNow }),
	}, opts...)
	srv := start(opts...)
	t.Cleanup(srv.Close)
	file := filepath.Join(t.TempDir(), "password")
	require.NoError(t, os.WriteFile(file, []byte(testPassword+"\n"), 0o600))
	return &fake{Server: srv, env: map[string]string{
		"BILLMGR_URL":           srv.URL,
		"BILLMGR_USER":          srv.AdminUser,
		"BILLMGR_PASSWORD_FILE": file,
	}}
}

// run runs the command against the fake with no stdin.
func (f *fake) run(t *testing.T, args ...string) result {
	t.Helper()
	return runWith(t, f.env, "", args...)
}

// runWith runs the command in process with the environment env and stdin, and checks that
// the password shows up in no output.
func runWith(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	return runContext(t, context.Background(), env, stdin, args...)
}

// runOnTerminal is run with stdout and stderr taken for a terminal's, as in an engineer's
// shell.
func (f *fake) runOnTerminal(t *testing.T, args ...string) result {
	t.Helper()
	return runApp(t, context.Background(), onTerminal(newApp(f.env, "")), args...)
}

// runContext is runWith with the context ctx, which a test may cancel as Ctrl-C does.
func runContext(t *testing.T, ctx context.Context, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	return runApp(t, ctx, newApp(env, stdin), args...)
}

// newApp is a run of the command with the environment env and stdin, whose stdout and
// stderr are no terminal.
func newApp(env map[string]string, stdin string) *app {
	lookup := func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
	return &app{env: lookup, stdin: bufio.NewReader(strings.NewReader(stdin)), terminal: isTerminal}
}

// onTerminal makes a's stdout and stderr terminals.
func onTerminal(a *app) *app {
	a.terminal = func(any) bool { return true }
	return a
}

// runApp runs the command a in process, its output in buffers, and checks that the
// password shows up in no output and that every error line says billmgr: once at most.
func runApp(t *testing.T, ctx context.Context, a *app, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a.stdout, a.stderr = &stdout, &stderr
	code := a.execute(ctx, args)
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	for _, out := range []string{r.stdout, r.stderr} {
		require.NotContains(t, out, testPassword, "the password leaked in the output of %q", args)
	}
	for _, l := range lines(r.stderr) {
		if strings.HasPrefix(l, "error: ") {
			assert.LessOrEqual(t, strings.Count(l, "billmgr:"), 1, "one billmgr: prefix per message, in %q", args)
		}
	}
	return r
}

// seedAnn is a client with payments of every kind the tests need, on the fixed clock.
func seedAnn() billmgrtest.Option {
	d := decimal.RequireFromString
	day := func(n int) time.Time { return fixedNow.AddDate(0, 0, -n) }
	return billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{{
		Email: "ann@example.com", Password: "ann-secret", Name: "Ann Lee", Balance: d("10.00"),
		Payments: []billmgrtest.SeedPayment{
			{Amount: d("100.00"), Status: 4, Created: day(30), Description: "top-up"},
			{Amount: d("250.50"), Status: 1, Created: day(2), Number: "INV-2"},
			{Amount: d("40.25"), Status: 1, Created: day(1), Paymethod: 2},
			{Amount: d("5.00"), Status: 9, Created: day(1)},
		},
		Expenses: []billmgrtest.SeedExpense{{Name: "Hosting", Operation: "prolong", Amount: d("10.00"), Date: day(3)}},
	}, {
		Email: "bob@example.com", Password: "bob-secret", Name: "Bob", Currency: "USD",
		Payments: []billmgrtest.SeedPayment{{Amount: d("20.00"), Created: day(1)}},
	}}})
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }

// lines splits output into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// golden compares got with testdata/name.golden, or rewrites the file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden files")
	require.Equal(t, string(want), got, "output differs from %s (go test -update rewrites it)", path)
}

// newTestApp is a run of the command with no environment and no input, for tests that
// look at its command tree.
func newTestApp() *app {
	return &app{
		env:   func(string) (string, bool) { return "", false },
		stdin: bufio.NewReader(strings.NewReader("")), stdout: io.Discard, stderr: io.Discard,
		out: bufio.NewWriter(io.Discard),
	}
}

// walk calls visit for cmd and every command below it.
func walk(cmd *cobra.Command, visit func(*cobra.Command)) {
	visit(cmd)
	for _, sub := range cmd.Commands() {
		walk(sub, visit)
	}
}

// commandPath is the command that args run, without billmgr: "payments list" of
// "payments list --account 1".
func commandPath(args []string) string {
	var words []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") || strings.IndexFunc(a, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			break
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}
