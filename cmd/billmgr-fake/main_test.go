package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/go-billmgr/billmgr"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(int) { removeBinary() }))
}

// banner is what the command printed before its first blank line: url, pin-sha256, user,
// password and the clients, by key.
type banner map[string]string

// parseBanner reads the banner's head from r, up to its first blank line, within five
// seconds; the rest of r is read and dropped, so that the command never blocks writing.
func parseBanner(t *testing.T, r io.Reader) banner {
	t.Helper()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	defer func() {
		go func() {
			for range lines { //nolint:revive // drains the rest
			}
		}()
	}()
	b := banner{}
	timeout := time.After(5 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok || line == "" {
				require.NotEmpty(t, b["url"], "banner %v", b)
				return b
			}
			if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(k, " ") {
				b[k] = strings.TrimSpace(v)
			}
		case <-timeout:
			require.FailNow(t, "no blank line after the banner's head within 5 s", "read %v", b)
		}
	}
}

// start runs the command in process until the test ends and returns its banner.
func start(t *testing.T, args ...string) banner {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, args, w, io.Discard)
		w.Close()
		done <- code
	}()
	t.Cleanup(func() {
		cancel()
		assert.Equal(t, 0, <-done)
	})
	return parseBanner(t, out)
}

// client is an SDK client of the administrator of the fake that printed b, trusting its
// certificate by the printed pin.
func (b banner) client(t *testing.T) *billmgr.Client {
	t.Helper()
	opts := []billmgr.Option{billmgr.WithAuthInfo(b["user"], b["password"])}
	if b["pin-sha256"] != "" {
		opts = append(opts, billmgr.WithPinnedCertificate(b["pin-sha256"]))
	}
	c, err := billmgr.NewClient(b["url"], opts...)
	require.NoError(t, err)
	return c
}

// emails lists the clients' e-mails through the running command.
func (b banner) emails(t *testing.T) []string {
	t.Helper()
	page, err := b.client(t).Accounts.List(context.Background(), nil)
	require.NoError(t, err)
	var out []string
	for _, a := range page.Items {
		out = append(out, a.Email)
	}
	return out
}

func TestRunDemo(t *testing.T) {
	t.Parallel()
	b := start(t, "--addr", "127.0.0.1:0", "--demo")
	assert.Regexp(t, `^https://127\.0\.0\.1:\d+/billmgr$`, b["url"])
	assert.Regexp(t, `^[0-9a-f]{64}$`, b["pin-sha256"])
	assert.Equal(t, "admin", b["user"])
	assert.NotEmpty(t, b["password"])
	assert.Equal(t, "ann@example.com / ann-secret", b["clients"])
	assert.Equal(t, []string{"ann@example.com", "ivan@example.ru", "corp@example.com"}, b.emails(t))
}

func TestRunSeedFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "seed.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"accounts": [{"email": "x@example.com", "balance": "5"}]}`), 0o600))
	b := start(t, "-addr", "127.0.0.1:0", "-seed", path, "--http")
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/billmgr$`, b["url"])
	assert.Empty(t, b["pin-sha256"])
	assert.Equal(t, "x@example.com / (none: cannot log in)", b["clients"])
	assert.Equal(t, []string{"x@example.com"}, b.emails(t))
}

// TestRunCertificate serves a certificate given with --cert and --key, and prints its pin.
func TestRunCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "panel.example.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)

	b := start(t, "--addr", "127.0.0.1:0", "--cert", certFile, "--key", keyFile)
	assert.Equal(t, billmgr.PublicKeyPin(cert), b["pin-sha256"])
	assert.Empty(t, b.emails(t))
}

func TestRunHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--help", "-h", "-help"} {
		var stdout, stderr strings.Builder
		assert.Equal(t, 0, run(context.Background(), []string{arg}, &stdout, &stderr), arg)
		assert.Contains(t, stdout.String(), "Usage: billmgr-fake")
		for _, flag := range []string{"addr", "seed", "demo", "http", "cert", "key", "commit-lag", "password-min-length"} {
			assert.Contains(t, stdout.String(), "  --"+flag+" ", arg)
		}
		assert.Empty(t, stderr.String())
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
		return path
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-seed", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"-seed", write("typo.json", `{"acounts": []}`)}, `unknown field "acounts"`},
		{[]string{"-seed", write("bad.json", `{"accounts": [{"email": "nope"}]}`)}, "invalid e-mail"},
		{[]string{"--demo", "-seed", write("twice.json", `{"accounts": [{"email": "ann@example.com"}]}`)}, "duplicate e-mail"},
		{[]string{"-addr", "256.0.0.1:0"}, "256.0.0.1"},
		{[]string{"-addr", "nonsense"}, "--addr"},
		{[]string{"--cert", "cert.pem"}, "--cert and --key go together"},
		{[]string{"--http", "--cert", "c.pem", "--key", "k.pem"}, "--http serves no certificate"},
		{[]string{"--cert", filepath.Join(dir, "none.pem"), "--key", filepath.Join(dir, "none.key")}, "no such file"},
		{[]string{"--password-min-length", "-1"}, "--password-min-length -1: want 0 (any password) or more"},
		{[]string{"--password-min-length", "six"}, "invalid value"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-nosuchflag"}, "not defined"},
	} {
		var stderr strings.Builder
		code := run(context.Background(), c.args, io.Discard, &stderr)
		assert.Equal(t, 2, code, "%v", c.args)
		assert.Contains(t, stderr.String(), c.want, "%v", c.args)
	}
}
