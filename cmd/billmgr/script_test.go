package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCreditNewPaymentsScript builds the command, runs the README's example script with
// bash against a fake, and checks that every new payment of the client, and nothing
// else, was credited.
func TestCreditNewPaymentsScript(t *testing.T) {
	bash := needBash(t)
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

// needBash is the path of bash, for a test that builds the command and runs it from bash;
// it skips the test with -short or without bash.
func needBash(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	return bash
}

// goTool is the go command of the toolchain running the test.
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// TestTheREADMEWalkthrough follows "From a clone to a real panel" as a newcomer does,
// with the built command and bash: the fake as a process (on a free port), the lines it
// prints pasted in another shell, the README's script; then the real-panel steps, on the
// fake over HTTPS, its URL and its pin standing for the panel's.
func TestTheREADMEWalkthrough(t *testing.T) {
	bash := needBash(t)
	t.Parallel()
	bin := buildCommand(t)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## From a clone to a real panel\n")
	require.True(t, ok)
	section, _, _ = strings.Cut(section, "\n## ")
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1)
	require.Len(t, blocks, 3, "clone, the script against the fake, the real panel")

	fake := exec.Command(bin, "fake", "--demo", "--addr", "127.0.0.1:0")
	var banner syncBuffer
	fake.Stdout, fake.Stderr = &banner, &banner
	require.NoError(t, fake.Start())
	t.Cleanup(func() {
		_ = fake.Process.Signal(os.Interrupt)
		_ = fake.Wait()
	})
	require.Eventually(t, func() bool { return strings.Contains(banner.String(), "accounts register") }, 10*time.Second, 10*time.Millisecond)
	printed := func(label string) string {
		m := regexp.MustCompile(`(?m)^` + label + `:\s+(\S+)$`).FindStringSubmatch(banner.String())
		require.NotNil(t, m, "the banner's %s", label)
		return m[1]
	}
	var pasted []string
	for _, l := range lines(banner.String()) {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "export ") || strings.HasPrefix(l, "pin=") {
			pasted = append(pasted, l)
		}
	}
	require.Len(t, pasted, 2, "the environment and the pin")

	shell := func(script string) string {
		t.Helper()
		cmd := exec.Command(bash, "-euo", "pipefail", "-c", script)
		cmd.Dir = "../.."
		cmd.Env = []string{"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + t.TempDir()}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s\n%s", script, out)
		return string(out)
	}
	out := shell(strings.Join(pasted, "\n") + "\n" + blocks[1][1])
	assert.Contains(t, out, "ann@example.com")
	assert.Regexp(t, `credited 1 new payment\(s\) of client \d+`, out)

	password := filepath.Join(t.TempDir(), "password")
	require.NoError(t, os.WriteFile(password, []byte(printed("password")+"\n"), 0o600))
	panel := strings.NewReplacer(
		"https://billing.example.com:1500/billmgr", printed("url"),
		"~/.config/billmgr/password", password,
		"BILLMGR_PIN_SHA256=PIN", "BILLMGR_PIN_SHA256="+printed("pin-sha256"),
	).Replace(blocks[2][1])
	out = shell(panel)
	assert.Contains(t, out, `"pin_sha256":"`+printed("pin-sha256")+`"`, "tls pin shows the pin the fake printed")
	assert.Contains(t, out, "ann@example.com", "the list, over the pinned certificate")
}
