package main

import (
	"bytes"
	"context"
	"regexp"
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

func TestFakeServesUntilInterrupted(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"fake", "--demo"}, {"fake", "--addr", "127.0.0.1:0"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stdout, stderr syncBuffer
			done := make(chan int, 1)
			go func() {
				done <- execute(ctx, func(string) (string, bool) { return "", false }, args, strings.NewReader(""), &stdout, &stderr)
			}()

			var url, user, password string
			re := regexp.MustCompile(`url:\s+(\S+)\nuser:\s+(\S+)\npassword:\s+(\S+)\n`)
			require.Eventually(t, func() bool {
				m := re.FindStringSubmatch(stdout.String())
				if m != nil {
					url, user, password = m[1], m[2], m[3]
				}
				return m != nil
			}, 5*time.Second, 10*time.Millisecond, "stderr: %s", stderr.String())
			assert.Contains(t, stdout.String(), "billmgr accounts list")

			env := map[string]string{"BILLMGR_URL": url, "BILLMGR_USER": user}
			r := runWith(t, env, password+"\n", "--password-stdin", "accounts", "list", "-o", "csv")
			require.Equal(t, exitOK, r.code, r.stderr)
			if args[1] == "--demo" {
				assert.Contains(t, r.stdout, "ann@example.com")
			}

			cancel()
			select {
			case code := <-done:
				assert.Equal(t, exitOK, code, stderr.String())
			case <-time.After(5 * time.Second):
				t.Fatal("the fake did not stop when interrupted")
			}
		})
	}
}
