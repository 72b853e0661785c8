package main

import (
	"encoding/json"
	"maps"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
)

// TestTLSPinShowsTheCertificateToTrust walks the way to a panel with a self-signed
// certificate: the first call fails and names billmgr tls pin, which shows the
// certificate and its pin, and the pin makes the next call work.
func TestTLSPinShowsTheCertificateToTrust(t *testing.T) {
	t.Parallel()
	f := newTLSFake(t)
	want := f.Certificate()

	refused := f.run(t, "accounts", "list")
	assert.Equal(t, exitFailure, refused.code)
	assert.Contains(t, refused.stderr, "'billmgr tls pin "+f.URL+"'")

	r := f.run(t, "tls", "pin", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
	u, err := url.Parse(f.URL)
	require.NoError(t, err)
	assert.Equal(t, u.Host, got["address"])
	assert.Equal(t, billmgr.PublicKeyPin(want), got["pin_sha256"])
	assert.Equal(t, want.Subject.String(), got["subject"])
	assert.Contains(t, got["issuer"], want.Issuer.String())
	assert.Equal(t, want.NotBefore.UTC().Format(isoLayout), got["not_before"])
	assert.Equal(t, want.NotAfter.UTC().Format(isoLayout), got["not_after"])
	assert.Contains(t, got["names"], "127.0.0.1")
	assert.Contains(t, got["trusted"], "no: ", "no CA of the system vouches for it")
	assert.Contains(t, r.stderr, "hint: compare the pin with the panel's")

	table := f.run(t, "tls", "pin", u.Host, "-o", "table")
	require.Equal(t, exitOK, table.code, table.stderr)
	assert.Regexp(t, `(?m)^pin_sha256\s+`+billmgr.PublicKeyPin(want)+`$`, table.stdout, "host:port works as the URL")

	pinned := f.run(t, "--pin-sha256", billmgr.PublicKeyPin(want), "accounts", "list")
	assert.Equal(t, exitOK, pinned.code, pinned.stderr)
	env := maps.Clone(f.env)
	env["BILLMGR_PIN_SHA256"] = billmgr.PublicKeyPin(want)
	fromEnv := runWith(t, env, "", "accounts", "list")
	assert.Equal(t, exitOK, fromEnv.code, fromEnv.stderr)
}

// TestTLSPinFailsWithoutACertificate: nothing listening, a server without TLS, an http URL.
func TestTLSPinFailsWithoutACertificate(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	require.NoError(t, ln.Close())
	plain := newFake(t)

	for _, tt := range []struct {
		url  string
		code int
		says string
	}{
		{"https://" + closed + "/billmgr", exitFailure, "connection refused"},
		{strings.Replace(plain.URL, "http://", "https://", 1), exitFailure, "tls pin: "},
		{plain.URL, exitUsage, "serves no certificate: give an https URL"},
		{"", exitUsage, "no URL: give one, or set --url or BILLMGR_URL"},
	} {
		args := []string{"--timeout", "10s", "tls", "pin"}
		if tt.url != "" {
			args = append(args, tt.url)
		}
		start := time.Now()
		r := runWith(t, nil, "", args...)
		assert.Equal(t, tt.code, r.code, "%s: %s", tt.url, r.stderr)
		assert.Contains(t, r.stderr, tt.says, tt.url)
		assert.Empty(t, r.stdout, tt.url)
		assert.Less(t, time.Since(start), 5*time.Second, tt.url)
	}
}
