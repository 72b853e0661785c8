package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCreditNewPaymentsScript builds the command, runs the README's example script with
// bash against a fake, and checks that every new payment of the client, and nothing
// else, was credited.
func TestCreditNewPaymentsScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	t.Parallel()
	bin := t.TempDir()
	build := exec.Command(goTool(), "build", "-o", filepath.Join(bin, "billmgr"), ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	f := newFake(t, seedAnn())
	ann := f.AccountID("ann@example.com")
	bob := f.AccountID("bob@example.com")
	f.AddPayments(ann, 12, decimal.RequireFromString("3.33"))
	before := f.Balance(ann)
	// The new payments of Ann: 250.50 and 40.25 seeded, and 12 × 3.33 added.
	want := before.Add(decimal.RequireFromString("290.75")).Add(decimal.RequireFromString("39.96"))

	script := exec.Command(bash, filepath.Join("testdata", "credit-new-payments.sh"), idText(ann))
	script.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	for k, v := range f.env {
		script.Env = append(script.Env, k+"="+v)
	}
	out, err = script.CombinedOutput()
	require.NoError(t, err, "script: %s", out)
	assert.Contains(t, string(out), "credited 14 new payment(s) of client "+idText(ann))
	assert.NotContains(t, string(out), testPassword)

	assert.True(t, want.Equal(f.Balance(ann)), "balance %s, want %s", f.Balance(ann), want)
	left := f.run(t, "payments", "list", "--account", idText(ann), "--status", "1", "-o", "ids")
	assert.Empty(t, left.stdout, "no new payment left")
	credited := f.run(t, "payments", "list", "--account", idText(ann), "--status", "4", "-o", "ids")
	assert.Len(t, lines(credited.stdout), 15, "the one credited before and the 14 new ones")
	cancelled := f.run(t, "payments", "list", "--account", idText(ann), "--status", "9", "-o", "ids")
	assert.Len(t, lines(cancelled.stdout), 1, "a cancelled payment stays cancelled")
	bobs := f.run(t, "payments", "list", "--account", idText(bob), "--status", "1", "-o", "ids")
	assert.Len(t, lines(bobs.stdout), 1, "another client's new payment stays new")
}

// goTool is the go command of the toolchain running the test.
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}
