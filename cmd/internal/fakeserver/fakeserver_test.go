package fakeserver

import (
	"context"
	"crypto/x509"
	"flag"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSelfSignedNames checks the names of the certificate a fake makes: the loopback ones
// always, and the host it listens on.
func TestSelfSignedNames(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC)
	for _, c := range []struct {
		host string
		also []string
	}{
		{"127.0.0.1", nil},
		{"", nil},
		{"0.0.0.0", nil},
		{"::", nil},
		{"10.1.2.3", []string{"10.1.2.3"}},
		{"fe80::1", []string{"fe80::1"}},
		{"panel.test", []string{"panel.test"}},
	} {
		cert, err := selfSigned(c.host, now)
		require.NoError(t, err)
		roots := x509.NewCertPool()
		roots.AddCert(cert.Leaf)
		for _, name := range append([]string{"127.0.0.1", "::1", "localhost"}, c.also...) {
			_, err := cert.Leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: name, CurrentTime: now})
			assert.NoError(t, err, "listening on %q: %s", c.host, name)
		}
		_, err = cert.Leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: "example.com", CurrentTime: now})
		assert.Error(t, err, "listening on %q: no other name", c.host)
		assert.Equal(t, now.AddDate(1, 0, 0), cert.Leaf.NotAfter)
		assert.Equal(t, x509.ECDSA, cert.Leaf.PublicKeyAlgorithm)
	}
}

// TestEveryInterface starts a fake on every interface: its URL reaches it on loopback.
func TestEveryInterface(t *testing.T) {
	t.Parallel()
	s, err := Start(Flags{Addr: "0.0.0.0:0", HTTP: true})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		assert.NoError(t, <-done)
	}()
	assert.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"), s.URL)
	host := strings.TrimSuffix(strings.TrimPrefix(s.URL, "http://"), "/billmgr")
	conn, err := net.Dial("tcp", host)
	require.NoError(t, err)
	require.NoError(t, conn.Close())
	assert.Empty(t, s.Pin)
	assert.NotContains(t, s.Banner(), "pin")
}

// TestPasswordMinLength: the flag's default is the fake's, its value the policy of the
// server, and the suggested registration's password meets it.
func TestPasswordMinLength(t *testing.T) {
	t.Parallel()
	var f Flags
	fs := flag.NewFlagSet("fake", flag.ContinueOnError)
	f.Register(fs)
	require.NoError(t, fs.Parse([]string{"--addr", "127.0.0.1:0", "--http", "--password-min-length", "20"}))
	assert.Equal(t, strconv.Itoa(billmgrtest.DefaultPasswordMinLength), fs.Lookup("password-min-length").DefValue)
	s, err := Start(f)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		assert.NoError(t, <-done)
	}()

	c, err := billmgr.NewClient(s.URL, billmgr.WithAuthInfo(s.User, s.Password))
	require.NoError(t, err)
	_, err = c.Accounts.Register(ctx, &billmgr.RegisterParams{Email: "a@example.com", Password: strings.Repeat("p", 19)})
	var apiErr *billmgr.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "value(passwd)", apiErr.Type+"("+apiErr.Object+")")
	_, err = c.Accounts.Register(ctx, &billmgr.RegisterParams{Email: "a@example.com", Password: strings.Repeat("p", 20)})
	require.NoError(t, err)

	register := s.Suggestions()[len(s.Suggestions())-1]
	password, _, _ := strings.Cut(strings.TrimPrefix(register, "printf '"), `\n`)
	assert.Len(t, password, 20, register)

	_, err = Start(Flags{Addr: "127.0.0.1:0", HTTP: true, PasswordMinLength: -1})
	assert.EqualError(t, err, "--password-min-length -1: want 0 (any password) or more")
}
