package main

import (
	"errors"
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

	"github.com/go-billmgr/billmgr/billmgrtest"
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

// readmeBlock is the first sh block of the README's section headed heading.
func readmeBlock(t *testing.T, heading string) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n"+heading+"\n")
	require.True(t, ok, "the README has %q", heading)
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(section)
	require.NotNil(t, block, "%q has an sh block", heading)
	return block[1]
}

// TestTheREADMEShellIdioms runs the README's "Shell idioms" with bash and the built command
// against a fake whose clients are ann@ and joann@: the lookup takes Ann, the payment is
// made and credited once, the second credit is told apart by its exit code, and the export
// holds May's credited payments of both clients. With a wrong password the lines stop at
// the first, with exit code 5, as the README says.
func TestTheREADMEShellIdioms(t *testing.T) {
	bash := needBash(t)
	t.Parallel()
	bin := buildCommand(t)
	idioms := readmeBlock(t, "### Shell idioms")
	d := decimal.RequireFromString
	day := func(month time.Month, day int) time.Time { return time.Date(2024, month, day, 10, 0, 0, 0, time.UTC) }
	f := newFake(t, billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{
		{Email: "joann@example.com", Payments: []billmgrtest.SeedPayment{{Amount: d("70.00"), Status: 4, Created: day(5, 3)}}},
		{Email: "ann@example.com", Payments: []billmgrtest.SeedPayment{{Amount: d("30.00"), Status: 4, Created: day(4, 20)}}},
	}}))
	ann, joann := f.AccountID("ann@example.com"), f.AccountID("joann@example.com")
	dir := t.TempDir()
	shell := func(env map[string]string, script string) (string, int) {
		t.Helper()
		cmd := exec.Command(bash, "-euo", "pipefail", "-c", script)
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + dir}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return string(out), exit.ExitCode()
		}
		require.NoError(t, err)
		return string(out), 0
	}

	out, code := shell(f.env, idioms)
	require.Equal(t, 0, code, out)
	assert.Equal(t, "refused by the server: credited already?\n", lines(out)[len(lines(out))-1]+"\n", "the second credit exits 1:\n%s", out)
	assert.NotContains(t, out, testPassword)
	assert.True(t, d("1500.00").Equal(f.Balance(ann)), "Ann's payment, credited once: balance %s", f.Balance(ann))
	assert.True(t, f.Balance(joann).IsZero(), "never Joann's")

	export, err := os.ReadFile(filepath.Join(dir, "credited-may.csv"))
	require.NoError(t, err)
	var got []string
	for _, row := range csvRecords(t, string(export)) {
		got = append(got, row["account_email"]+" "+row["amount"]+" "+row["currency"]+" "+row["status_label"]+" "+row["pay_date"][:10])
	}
	assert.ElementsMatch(t, []string{"joann@example.com 70.00 RUB Credited 2024-05-03", "ann@example.com 1500.00 RUB Credited 2024-05-07"}, got,
		"May's credited payments of every client; Ann's April one left out")

	wrong := filepath.Join(t.TempDir(), "wrong")
	require.NoError(t, os.WriteFile(wrong, []byte("wrong\n"), 0o600))
	out, code = shell(with(f.env, "BILLMGR_PASSWORD_FILE", wrong), idioms)
	assert.Equal(t, exitAuth, code, out)
	assert.Contains(t, out, "error: auth(badpassword): ")
	assert.Equal(t, 1, f.Hits("payment.edit"), "nothing after the refused lookup")

	out, code = shell(f.env, "set +e\nbillmgr --password wrong accounts list; echo $?") // as typed in a terminal
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "5", lines(out)[len(lines(out))-1], "the README's line prints 5")
}
