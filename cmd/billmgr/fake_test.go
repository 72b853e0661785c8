package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a buffer that one goroutine writes while another reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startFake runs billmgr fake with args until the test ends, and returns its banner.
func startFake(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- execute(ctx, func(string) (string, bool) { return "", false }, append([]string{"fake"}, args...),
			strings.NewReader(""), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code, "stderr: %s", stderr.String())
		case <-time.After(5 * time.Second):
			t.Error("the fake did not stop when interrupted")
		}
	})
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "accounts register") }, 5*time.Second,
		10*time.Millisecond, "stderr: %s", stderr.String())
	return stdout.String()
}

// shellWords splits a line as the shell does for the banner's lines: words separated by
// spaces, 'single quotes' kept together, $name replaced by vars[name].
func shellWords(line string, vars map[string]string) []string {
	var words []string
	var word strings.Builder
	inWord, quoted := false, false
	flush := func() {
		if inWord {
			w := word.String()
			if strings.HasPrefix(w, "$") {
				w = vars[w[1:]]
			}
			words = append(words, w)
		}
		word.Reset()
		inWord = false
	}
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			flush()
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return words
}

// TestFakeSuggestionsWorkAsPrinted starts billmgr fake as a user would, and runs every line
// its banner suggests, in order, through the command: over HTTPS with the pin on the demo
// data, and over plain HTTP on no data.
func TestFakeSuggestionsWorkAsPrinted(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--demo", "--addr", "127.0.0.1:0"}, {"--http", "--addr", "127.0.0.1:0"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			banner := startFake(t, args...)
			_, try, ok := strings.Cut(banner, "\nTry")
			require.True(t, ok, banner)
			env, vars := map[string]string{}, map[string]string{}
			var ran []string
			for _, line := range strings.Split(try, "\n") {
				line, ok := strings.CutPrefix(line, "  ")
				if !ok {
					continue
				}
				if rest, ok := strings.CutPrefix(line, "export "); ok {
					for _, kv := range shellWords(rest, vars) {
						k, v, _ := strings.Cut(kv, "=")
						env[k] = v
					}
					continue
				}
				if k, v, ok := strings.Cut(line, "="); ok && !strings.Contains(k, " ") {
					vars[k] = v
					continue
				}
				stdin := ""
				if rest, ok := strings.CutPrefix(line, "printf '"); ok {
					input, cmd, ok := strings.Cut(rest, "' | ")
					require.True(t, ok, line)
					stdin, line = strings.ReplaceAll(input, `\n`, "\n"), cmd
				}
				words := shellWords(line, vars)
				require.Equal(t, "billmgr", words[0], line)
				r := runWith(t, env, stdin, words[1:]...)
				assert.Equal(t, exitOK, r.code, "%s\nstdout: %s\nstderr: %s", line, r.stdout, r.stderr)
				ran = append(ran, line)
			}
			assert.NotEmpty(t, env["BILLMGR_URL"])
			if args[0] == "--demo" {
				assert.Regexp(t, `^https://127\.0\.0\.1:\d+/billmgr$`, env["BILLMGR_URL"])
				assert.Regexp(t, `^[0-9a-f]{64}$`, vars["pin"])
				assert.Contains(t, banner, "pin-sha256: "+vars["pin"])
				assert.Contains(t, banner, "ann@example.com / ann-secret")
				assert.Len(t, ran, 5, "list, payments, setpaid, add, register")
				r := runWith(t, env, "", "accounts", "list", "-o", "csv")
				assert.Equal(t, exitFailure, r.code, "without the pin the certificate is not trusted: %s", r.stderr)
			} else {
				assert.Regexp(t, `^http://127\.0\.0\.1:\d+/billmgr$`, env["BILLMGR_URL"])
				assert.NotContains(t, banner, "pin-sha256")
				assert.Len(t, ran, 2, "list, register")
			}
		})
	}
}

func TestFakeHelp(t *testing.T) {
	t.Parallel()
	r := runWith(t, nil, "", "fake", "--help")
	assert.Equal(t, exitOK, r.code)
	for _, flag := range []string{"--addr", "--seed", "--demo", "--http", "--cert", "--key"} {
		assert.Contains(t, r.stdout, flag)
	}
	r = runWith(t, nil, "", "fake", "--cert", "x.pem")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--cert and --key go together")
}
