package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExitCodes(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))
	credited := lines(f.run(t, "payments", "list", "--account", ann, "--status", "4", "-o", "ids").stdout)[0]

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"success", []string{"accounts", "list"}, exitOK, ""},
		{"api error: no such payment", []string{"payments", "get", "999", "--account", ann}, exitAPI, "error: missed(elid): "},
		{"api error: refund more than paid", []string{"payments", "refund", credited, "--account", ann, "--amount", "500"},
			exitAPI, "error: value(amount): "},
		{"api error: delete a credited payment", []string{"payments", "delete", credited}, exitAPI, "error: value(status): "},
		{"credentials refused", []string{"--password", "wrong", "payments", "setpaid", credited}, exitAuth,
			"error: auth(badpassword): Invalid username or password\nhint: the server refused the credentials: check the user (--user, BILLMGR_USER)"},
		{"unknown command", []string{"paymnets", "list"}, exitUsage, "unknown command \"paymnets\" for \"billmgr\"\n\nDid you mean this?\n\tpayments\nRun"},
		{"unknown subcommand", []string{"payments", "lst"}, exitUsage, "unknown command \"lst\" for \"billmgr payments\"\n\nDid you mean this?\n\tget\n\tlist\nRun"},
		{"unknown subcommand with the flags of the one meant", []string{"payments", "lst", "--account", ann, "--all"}, exitUsage,
			"unknown command \"lst\" for \"billmgr payments\"\n\nDid you mean this?\n\tget\n\tlist\n"},
		{"unknown subcommand two levels down", []string{"accounts", "grups", "list"}, exitUsage, "Did you mean this?\n\tgroups\n"},
		{"unknown subcommand, nothing like it", []string{"payments", "zzzzzz"}, exitUsage, "unknown command \"zzzzzz\" for \"billmgr payments\"\nRun"},
		{"unknown flag", []string{"accounts", "list", "--colour"}, exitUsage, "unknown flag: --colour"},
		{"missing parent", []string{"payments", "list"}, exitUsage, `required flag(s) "account" not set`},
		{"bad id", []string{"payments", "setpaid", "12x"}, exitUsage, `"12x" is not an id`},
		{"negative id", []string{"payments", "get", "-5", "--account", ann}, exitUsage, ""},
		{"no ids", []string{"payments", "setpaid"}, exitUsage, "want setpaid ID..."},
		{"bad decimal", []string{"payments", "create", "--account", ann, "--subaccountamount", "1,5"}, exitUsage, "not a decimal"},
		{"bad flag value", []string{"payments", "update", "1", "--account", ann, "--restrictrefund", "maybe"}, exitUsage, "want on or off"},
		{"bad date", []string{"payments", "update", "1", "--account", ann, "--paydate", "07.05.2024"}, exitUsage, "not a date"},
		{"update without changes", []string{"payments", "update", "1", "--account", ann}, exitUsage, "nothing to change"},
		{"required parameter", []string{"payments", "refund", credited, "--account", ann}, exitUsage, `required flag(s) "amount" not set`},
		{"bad output format", []string{"accounts", "list", "-o", "yaml"}, exitUsage, `-o "yaml"`},
		{"dry run of a read", []string{"--dry-run", "accounts", "list"}, exitUsage, "--dry-run applies to commands that write"},
		{"reserved call parameter", []string{"call", "account", "authinfo=x:y"}, exitUsage, "billmgr sets this parameter itself"},
		{"refused by the SDK before sending", []string{"payments", "refund", credited, "--account", ann, "--amount", "-1"},
			exitUsage, "invalid argument"},
		{"a parameter refused by the SDK", []string{"payments", "update", credited, "--account", ann, "--subaccountamount", "1.00001"},
			exitUsage, "error: billmgr: payment.edit: invalid argument: parameter subaccountamount: 1.00001 has 5 decimal places"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := f.run(t, tt.args...)
			assert.Equal(t, tt.code, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, tt.stderr)
			if tt.code == exitUsage {
				assert.Contains(t, r.stderr, "--help' for usage")
			}
		})
	}
}

func TestAPIErrorPrintsTypeObjectAndMessage(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))
	credited := lines(f.run(t, "payments", "list", "--account", ann, "--status", "4", "-o", "ids").stdout)[0]

	r := f.run(t, "payments", "refund", credited, "--account", ann, "--amount", "500.00")
	require.Equal(t, exitAPI, r.code)
	assert.Regexp(t, `^error: value\(amount\): .*100\.00 RUB`, r.stderr)
	assert.Empty(t, r.stdout)
}

// lookFirst is the hint after a write that may have been applied.
const lookFirst = "hint: the server may have applied the call: look the object up (list, get) before running it again"

// TestFailuresExit3WhenNothingWasWrittenAnd4WhenAWriteMayHaveBeen: a failure that wrote
// nothing exits 3 (run it again); a write that went out and got no verdict exits 4 and
// says to look the object up first.
func TestFailuresExit3WhenNothingWasWrittenAnd4WhenAWriteMayHaveBeen(t *testing.T) {
	t.Parallel()
	t.Run("bad gateway on a write", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, seedAnn())
		ann := idText(f.AccountID("ann@example.com"))
		f.FailNext(1, 502)
		r := f.run(t, "payments", "create", "--account", ann, "--subaccountamount", "10")
		assert.Equal(t, exitUnknown, r.code)
		assert.Contains(t, r.stderr, "error: billmgr: payment.edit: HTTP 502")
		assert.Contains(t, r.stderr, lookFirst)
		assert.Equal(t, 1, f.Hits("payment.edit"), "a write is sent once")
	})
	t.Run("write executed, then the connection cut", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, seedAnn())
		ann := f.AccountID("ann@example.com")
		unpaid := lines(f.run(t, "payments", "list", "--account", idText(ann), "--status", "1", "-o", "ids").stdout)[0]
		env := f.through(t, cutAfterExecuting(f.Handler(), "payment.setpaid"))
		r := runWith(t, env, "", "payments", "setpaid", unpaid)
		assert.Equal(t, exitUnknown, r.code, r.stderr)
		assert.Contains(t, r.stderr, "outcome unknown")
		assert.Contains(t, r.stderr, lookFirst)
		got, err := f.client(t).Payments.Get(context.Background(), ann, mustID(t, unpaid))
		require.NoError(t, err)
		assert.Equal(t, billmgr.PaymentCredited, got.Status, "the write was applied")
	})
	t.Run("bad gateway on every try of a read", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, seedAnn())
		f.FailNext(10, 502)
		r := f.run(t, "accounts", "list")
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "HTTP 502")
		assert.NotContains(t, r.stderr, lookFirst)
		assert.Greater(t, f.Hits("account"), 1, "a read is retried")
	})
	t.Run("closed server", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, seedAnn())
		f.Close()
		r := f.run(t, "payments", "setpaid", "1")
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "connection refused")
		assert.NotContains(t, r.stderr, lookFirst, "nothing went out")
	})
	t.Run("not a BILLmanager", func(t *testing.T) {
		t.Parallel()
		f := newFake(t)
		env := f.through(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<!DOCTYPE html><html><body>Log in</body></html>"))
		}))
		read := runWith(t, env, "", "accounts", "list")
		assert.Equal(t, exitFailure, read.code)
		assert.Contains(t, read.stderr, "unexpected response")
		write := runWith(t, env, "", "accounts", "delete", "1")
		assert.Equal(t, exitUnknown, write.code, "a page in reply to a write may follow its execution")
		assert.Contains(t, write.stderr, "unexpected response")
		assert.Contains(t, write.stderr, lookFirst)
	})
}

// cutAfterExecuting serves h, and after carrying out a call of fn cuts the connection
// without a reply.
func cutAfterExecuting(h http.Handler, fn string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil || r.Form.Get("func") != fn {
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
	})
}

// TestExitCodePrecedence: the code a command gives its error wins; else a write that may
// have been applied wins over a refusal, which wins over any other failure.
func TestExitCodePrecedence(t *testing.T) {
	t.Parallel()
	refused := &billmgr.Error{Func: "payment.edit", Type: "value", Object: "amount"}
	unknown := fmt.Errorf("billmgr: payment.edit: EOF (%w)", billmgr.ErrOutcomeUnknown)
	for _, tt := range []struct {
		name string
		err  error
		code int
	}{
		{"refused", refused, exitAPI},
		{"outcome unknown", unknown, exitUnknown},
		{"the lookup after an unknown outcome refused", fmt.Errorf("%w; looking it up afterwards failed: %w", unknown, refused), exitUnknown},
		{"network", errors.New("dial tcp: connection refused"), exitFailure},
		{"the command's own code", withExitCode(exitAPI, fmt.Errorf("lines left: %w", unknown)), exitAPI},
		{"the command's own code, wrapped", fmt.Errorf("run: %w", withExitCode(exitUnknown, errors.New("lines unknown"))), exitUnknown},
	} {
		assert.Equal(t, tt.code, exitCode(tt.err), tt.name)
	}
}

func TestHelpListsTheExitCodes(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	root := f.run(t, "--help")
	for _, want := range []string{"1 the server refused the call", "2 usage", "3 network or protocol failure, nothing written",
		"4 a write may have been applied", "5 the server refused the credentials", "Where several apply: 4, then 5, then 3, then 1."} {
		assert.Contains(t, strings.Join(strings.Fields(root.stdout), " "), want)
	}
	imp := f.run(t, "payments", "import", "--help")
	assert.Contains(t, strings.Join(strings.Fields(imp.stdout), " "), "Where several apply, the run exits 4, else 3, else 1.")
}

func TestPasswordSources(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	base := map[string]string{"BILLMGR_URL": f.URL, "BILLMGR_USER": "admin"}
	with := func(kv ...string) map[string]string {
		env := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	file := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(file, []byte(testPassword+"\r\n"), 0o600))
	wrongFile := filepath.Join(t.TempDir(), "wrong")
	require.NoError(t, os.WriteFile(wrongFile, []byte("wrong\n"), 0o600))

	tests := []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
		code  int
		warn  bool
	}{
		{"environment", with("BILLMGR_PASSWORD", testPassword), "", nil, exitOK, false},
		{"file", with("BILLMGR_PASSWORD_FILE", file), "", nil, exitOK, false},
		{"stdin", base, testPassword + "\n", []string{"--password-stdin"}, exitOK, false},
		{"stdin beats the file", with("BILLMGR_PASSWORD_FILE", wrongFile), testPassword, []string{"--password-stdin"}, exitOK, false},
		{"file beats the environment", with("BILLMGR_PASSWORD_FILE", file, "BILLMGR_PASSWORD", "wrong"), "", nil, exitOK, false},
		{"argv works but warns", base, "", []string{"--password", testPassword}, exitOK, true},
		{"flags beat the environment", with("BILLMGR_URL", "http://127.0.0.1:1/x", "BILLMGR_USER", "nobody",
			"BILLMGR_PASSWORD", testPassword), "", []string{"--url", f.URL, "--user", "admin"}, exitOK, false},
		{"session", with("BILLMGR_PASSWORD_FILE", file), "", []string{"--session"}, exitOK, false},
		{"wrong password", with("BILLMGR_PASSWORD_FILE", wrongFile), "", nil, exitAuth, false},
		{"wrong password, a session", with("BILLMGR_PASSWORD_FILE", wrongFile), "", []string{"--session"}, exitAuth, false},
		{"no password", base, "", nil, exitUsage, false},
		{"empty stdin", base, "", []string{"--password-stdin"}, exitUsage, false},
		{"missing file", with("BILLMGR_PASSWORD_FILE", file+".none"), "", nil, exitUsage, false},
		{"stdin and argv", base, testPassword, []string{"--password-stdin", "--password", testPassword}, exitUsage, false},
		{"no url", map[string]string{"BILLMGR_USER": "admin", "BILLMGR_PASSWORD": testPassword}, "", nil, exitUsage, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runWith(t, tt.env, tt.stdin, append(tt.args, "accounts", "list", "-o", "ids")...)
			assert.Equal(t, tt.code, r.code, "stderr: %s", r.stderr)
			if tt.code == exitOK {
				assert.Len(t, lines(r.stdout), 2)
			}
			if tt.warn {
				assert.Contains(t, r.stderr, "warning: a password in the command line is visible")
			} else {
				assert.NotContains(t, r.stderr, "warning")
			}
		})
	}
}

// TestRunReadsTheProcessEnvironment runs main's entry point itself, with the process
// environment; it cannot run in parallel with anything.
func TestRunReadsTheProcessEnvironment(t *testing.T) {
	f := newFake(t, seedAnn())
	for k, v := range f.env {
		t.Setenv(k, v)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"accounts", "list", "-o", "csv"}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	assert.True(t, strings.HasPrefix(stdout.String(), "id,name,email,"))
	assert.NotContains(t, stdout.String()+stderr.String(), testPassword)
}

func TestPasswordNeverPrinted(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))
	argv := []string{"--password", testPassword}
	// Every run below fails the test if the password shows on stdout or stderr (runWith).
	runs := []struct {
		stdin string
		args  []string
	}{
		{"", []string{"--debug", "accounts", "list"}},
		{"", []string{"--debug", "--session", "payments", "list", "--account", ann, "--all"}},
		{"", append(argv, "--debug", "payments", "get", "999", "--account", ann)},
		{"", append(argv, "--debug", "call", "account.payment", "elid="+ann)},
		{"", append(argv, "--debug", "call", "account.payment", "elid="+ann, "-o", "json")},
		{"", []string{"--debug", "--user", "nobody", "accounts", "list"}},
		{"", []string{"--debug", "--url", "http://127.0.0.1:1/billmgr", "accounts", "list"}},
		{"", append(argv, "--debug", "--dry-run", "payments", "create", "--account", ann, "--subaccountamount", "1")},
		{testPassword + "\n", []string{"accounts", "create", "--email", "x@example.com", "--passwd", "-", "--dry-run"}},
		{"", []string{"accounts", "update", ann, "--passwd", testPassword, "--confirm", testPassword, "--dry-run", "-o", "table"}},
		{"", []string{"--debug", "accounts", "update", ann, "--passwd", testPassword, "--confirm", testPassword}},
		{"", []string{"--debug", "call", "account.edit", "elid=" + ann, "sok=ok", "passwd=" + testPassword, "--dry-run"}},
	}
	for _, tt := range runs {
		r := runWith(t, f.env, tt.stdin, tt.args...)
		assert.NotEqual(t, exitUsage, r.code, "%q: %s", tt.args, r.stderr)
	}

	debug := f.run(t, "--debug", "accounts", "list")
	assert.Contains(t, debug.stderr, `level=DEBUG msg="billmgr: call" func=account`, "--debug logs each call")
}

func TestDryRunSendsNothing(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))

	r := f.run(t, "payments", "update", "6", "--account", ann, "--restrictrefund", "on", "--note", "checked by support",
		"--paydate", "2024-05-07 14:12:03", "--subaccountamount", "100.5", "--dry-run", "-o", "table")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, `func=payment.edit
elid=6
note=checked by support
paydate=2024-05-07 14:12:03
plid=`+ann+`
restrictrefund=on
sok=ok
subaccountamount=100.50
`, r.stdout, "only the flags given, encoded as the SDK sends them")

	group := f.run(t, "payments", "setpaid", "6", "8", "--dry-run", "-o", "json")
	assert.JSONEq(t, `{"func":"payment.setpaid","params":{"elid":"6, 8"}}`, group.stdout)

	as := f.run(t, "--as", "ann@example.com", "payments", "send", "6", "--dry-run", "-o", "json")
	assert.JSONEq(t, `{"func":"payment.send","params":{"elid":"6","su":"ann@example.com"}}`, as.stdout)

	secret := runWith(t, f.env, testPassword+"\n", "accounts", "register", "--email", "new@example.com", "--passwd", "-", "--dry-run", "-o", "json")
	require.Equal(t, exitOK, secret.code, secret.stderr)
	assert.JSONEq(t, `{"func":"register","params":{"email":"new@example.com","passwd":"[REDACTED]","sok":"ok"}}`, secret.stdout)

	reset := f.run(t, "payments", "filter", "reset", "--account", ann, "--dry-run", "-o", "json")
	assert.JSONEq(t, `{"func":"account.payment.filter","params":{"elid":"`+ann+`","number":"","status":"","paymethod":"",
		"createdate":"nodate","createdatestart":"","createdateend":"","payfromdate":"","paytodate":"","sok":"ok"}}`, reset.stdout)

	for _, out := range []string{r.stdout, group.stdout, secret.stdout, reset.stdout} {
		assert.NotContains(t, out, "authinfo", "a dry run builds the request before any credentials")
		assert.NotContains(t, out, "auth=")
	}
	for _, fn := range []string{"auth", "payment.edit", "payment.setpaid", "register", "account.payment.filter"} {
		assert.Zero(t, f.Hits(fn), "%s was sent", fn)
	}
}

func TestUpdateChangesOnlyTheFlagsGiven(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))
	id := strings.TrimSpace(f.run(t, "payments", "create", "--account", ann, "--subaccountamount", "12.34",
		"--description", "first", "--note", "keep me", "-o", "ids").stdout)

	r := f.run(t, "payments", "update", id, "--account", ann, "--description", "second")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stdout)

	var got map[string]any
	view := f.run(t, "payments", "get", id, "--account", ann, "-o", "json")
	require.NoError(t, json.Unmarshal([]byte(view.stdout), &got))
	assert.Equal(t, "second", got["description"])
	assert.Equal(t, "keep me", got["note"])
	assert.Equal(t, "12.34", got["subaccountamount"])
}

func TestTimeoutBoundsTheWholeCommand(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	f.SetDelay(3 * time.Second)
	start := time.Now()
	r := f.run(t, "--timeout", "200ms", "accounts", "list")
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "context deadline exceeded")
	assert.Contains(t, r.stderr, "hint: --timeout 200ms ran out; raise it, or --timeout 0 for no limit")

	w := f.run(t, "--timeout", "200ms", "payments", "setpaid", "1")
	assert.Equal(t, exitUnknown, w.code, "the write went out before the time ran out")
	assert.Contains(t, w.stderr, lookFirst)

	f.SetDelay(300 * time.Millisecond)
	ok := f.run(t, "--timeout", "0", "accounts", "list", "-o", "ids")
	assert.Equal(t, exitOK, ok.code, ok.stderr)

	bad := f.run(t, "--timeout", "-1s", "accounts", "list")
	assert.Equal(t, exitUsage, bad.code)
	assert.Contains(t, bad.stderr, "--timeout -1s")

	help := f.run(t, "--help")
	assert.Contains(t, help.stdout, "--timeout duration")
	assert.Contains(t, help.stdout, "(default 5m0s)")
}

// TestTimeoutDoesNotStopTheFake: billmgr fake serves until it is stopped, whatever
// --timeout says.
func TestTimeoutDoesNotStopTheFake(t *testing.T) {
	t.Parallel()
	ctx, stop := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer stop()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := execute(ctx, func(string) (string, bool) { return "", false }, []string{"--timeout", "50ms", "fake", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &stdout, &stderr)
	assert.GreaterOrEqual(t, time.Since(start), 450*time.Millisecond, stderr.String())
	assert.Contains(t, stdout.String(), "BILLmanager fake, serving until interrupted")
	assert.Equal(t, exitOK, code, stderr.String())
}

func TestUntrustedCertificateSaysWhichFlagsTrustIt(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	env := maps.Clone(f.env)
	env["BILLMGR_URL"] = srv.URL
	r := runWith(t, env, "", "accounts", "list")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "certificate signed by unknown authority")
	assert.Contains(t, r.stderr, "error: the server's certificate is not trusted: x509: certificate signed by unknown authority\n")
	assert.Contains(t, r.stderr, "hint: see the certificate and its pin with 'billmgr tls pin "+srv.URL+"', "+
		"then pass the pin with --pin-sha256 PIN (or BILLMGR_PIN_SHA256), or its CA with --ca-file FILE")
}

func TestCallDryRunRedactsEveryPassword(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	r := f.run(t, "call", "usrparam", "new_password=n3w-Secret", "old_pwd=0ld-Secret", "name=kept", "--dry-run", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.JSONEq(t, `{"func":"usrparam","params":{"new_password":"[REDACTED]","old_pwd":"[REDACTED]","name":"kept"}}`, r.stdout)
	assert.NotContains(t, r.stdout, "Secret")
}

// through returns the environment that reaches f through the middleware h (which serves
// f.Handler() in its turn).
func (f *fake) through(t *testing.T, h http.Handler) map[string]string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	env := maps.Clone(f.env)
	env["BILLMGR_URL"] = ts.URL
	return env
}

// TestTracePrintsEachRequestAndReply: --trace prints every request and reply on stderr,
// the login of --session, a list, a write, call and payments import included, in both
// languages, with no secret: the password, the session id the fake issued, a password the
// command sends, as they are, URL-encoded or XML-escaped.
func TestTracePrintsEachRequestAndReply(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, seedAnn())
			ann := idText(f.AccountID("ann@example.com"))
			var mu sync.Mutex
			sessions := map[string]bool{}
			env := f.through(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if sid := r.PostFormValue("auth"); sid != "" {
					mu.Lock()
					sessions[sid] = true
					mu.Unlock()
				}
				f.Handler().ServeHTTP(w, r)
			}))
			trace := func(args ...string) string {
				r := runWith(t, env, "", append([]string{"--trace", "--lang", lang}, args...)...)
				require.NotEqual(t, exitUsage, r.code, r.stderr)
				return r.stderr
			}
			shows := func(out, want, what string) {
				t.Helper()
				assert.True(t, strings.Contains(out, want), "%s: the trace lacks %q", what, want)
			}

			list := trace("--session", "accounts", "list")
			shows(list, "> func=auth\n> lang="+lang+"\n> out=xml\n> password=[REDACTED]\n> username=admin\n< HTTP 200 text/xml", "the login")
			shows(list, `<auth id="[REDACTED]"`, "the session the login issued")
			shows(list, "> func=account\n> auth=[REDACTED]\n", "the list's request")
			shows(list, "\n  <tparams>…</tparams> (", "the echo of the request, the session in it, folded")
			shows(list, "\n  <elem><id>"+ann+"</id><name>Ann Lee</name>", "the list's rows, one a line")
			assert.Regexp(t, `> POST http://127\.0\.0\.1:\d+/billmgr\n> func=account\n`, list, "the method and the URL")
			assert.Regexp(t, `\n< HTTP 200 text/xml; charset=UTF-8 \(\d+\.\d KiB, \d+(\.\d)? ms\)\n<\?xml version="1.0" encoding="UTF-8"\?>\n<doc lang="`+lang+`" func="account" `, list)

			update := trace("accounts", "update", ann, "--passwd", testPassword, "--confirm", testPassword)
			shows(update, "> func=account.edit\n> authinfo=[REDACTED]\n> confirm=[REDACTED]\n> elid="+ann+"\n", "a write")
			shows(update, "> passwd=[REDACTED]\n", "a write")
			shows(update, "<ok/>", "a write's reply")

			call := trace("call", "account.payment", "elid="+ann)
			shows(call, "> func=account.payment\n> authinfo=[REDACTED]\n> elid="+ann+"\n", "call")
			shows(call, "<p_elems>4</p_elems>", "call")

			imported := trace("payments", "import", statementCopy(t, "statement-1c-windows.txt"), "--clients", clientsMap, "-o", "json")
			shows(imported, "> func=account\n", "payments import")
			shows(imported, "> func=account.payment\n", "payments import")

			require.NotEmpty(t, sessions)
			for _, out := range []string{list, update, call, imported} {
				for _, leak := range []string{"pa55", "pa55-W%C3%B6rd%26secret", "pa55-Wörd&amp;secret"} {
					assert.False(t, strings.Contains(out, leak), "%q leaked", leak)
				}
				for sid := range sessions {
					assert.False(t, strings.Contains(out, sid), "the session id %q leaked", sid)
				}
			}
		})
	}
}
