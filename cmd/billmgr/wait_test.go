package main

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hungEnv is the environment of a fake's credentials with the URL of a server that
// accepts requests and never answers them, until the test ends.
func hungEnv(t *testing.T) (env map[string]string, host string) {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	env = maps.Clone(newFake(t).env)
	env["BILLMGR_URL"] = srv.URL
	return env, strings.TrimPrefix(srv.URL, "http://")
}

// TestAHungServerSaysWhatItWaitsFor: on a terminal, a request without a reply says what
// it waits for (the function, the server, how long, when --timeout ends it), and the line
// goes before the error; off a terminal, nothing is drawn.
func TestAHungServerSaysWhatItWaitsFor(t *testing.T) {
	t.Parallel()
	env, host := hungEnv(t)
	a := onTerminal(newApp(env, ""))
	a.waitAfter = 200 * time.Millisecond
	start := time.Now()
	r := runApp(t, context.Background(), a, "--timeout", "2s", "payments", "list", "--account", "1")
	assert.GreaterOrEqual(t, time.Since(start), 2*time.Second)
	assert.Equal(t, exitFailure, r.code, r.stderr)
	assert.Regexp(t, `\rwaiting for account\.payment: no reply from `+regexp.QuoteMeta(host)+` for 1s; --timeout 2s ends the command in 1s\x1b\[K`, r.stderr)
	assert.Contains(t, r.stderr, "\r\x1b[Kerror: ", "the line is cleared before the error")
	assert.Contains(t, r.stderr, "hint: --timeout 2s ran out")

	quiet := runWith(t, env, "", "--timeout", "1s", "payments", "list", "--account", "1")
	assert.Equal(t, exitFailure, quiet.code)
	assert.NotContains(t, quiet.stderr, "waiting", "a script's stderr gets no notice")
}

// TestTheNoticeNamesWhatACommandCalls: the raw call names its function, and without a
// --timeout the notice says how to stop.
func TestTheNoticeNamesWhatACommandCalls(t *testing.T) {
	t.Parallel()
	env, _ := hungEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()

	a := onTerminal(newApp(env, ""))
	a.waitAfter = 200 * time.Millisecond
	r := runApp(t, ctx, a, "--timeout", "0", "call", "whoami")
	assert.NotEqual(t, exitOK, r.code)
	assert.Contains(t, r.stderr, "waiting for whoami: no reply from ")
	assert.Contains(t, r.stderr, "; no --timeout, Ctrl-C stops it")
}

// TestTheNoticeGoesWhenTheReplyComes: a reply in time draws nothing.
func TestTheNoticeGoesWhenTheReplyComes(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	a := onTerminal(newApp(f.env, ""))
	a.waitAfter = 200 * time.Millisecond
	r := runApp(t, context.Background(), a, "accounts", "list")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "waiting")
	u, err := url.Parse(f.URL)
	require.NoError(t, err)
	assert.NotContains(t, r.stderr, u.Host)
}

func TestHelpSaysTheDefaultDeadline(t *testing.T) {
	t.Parallel()
	help := runWith(t, nil, "", "--help")
	require.Equal(t, exitOK, help.code)
	text := strings.Join(strings.Fields(help.stdout), " ")
	assert.Contains(t, text, "gives up after --timeout (5m by default; 0 for no limit)")
	assert.Contains(t, text, "says on stderr what it waits for")
	assert.Regexp(t, `--timeout duration .*\(default 5m0s\)`, text)
}
