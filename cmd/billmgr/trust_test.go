package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
)

// otherPin is a well-formed pin of no server.
var otherPin = func() string {
	sum := sha256.Sum256([]byte("another key"))
	return hex.EncodeToString(sum[:])
}()

// TestPinMismatchSaysBothPinsAndWarns: a server whose key is not the pinned one is named
// in the command's terms: the flag (or variable) that holds the pin, the pinned and the
// presented pins, a warning that a changed key may be an attack, and the command that
// shows the certificate. Nothing is retried or sent.
func TestPinMismatchSaysBothPinsAndWarns(t *testing.T) {
	t.Parallel()
	f := newTLSFake(t)
	presented := billmgr.PublicKeyPin(f.Certificate())

	r := f.run(t, "--pin-sha256", strings.ToUpper(otherPin), "payments", "setpaid", "1")
	assert.Equal(t, exitFailure, r.code, "nothing went out: safe to run again")
	assert.Contains(t, r.stderr, "error: the server's certificate does not match --pin-sha256\n"+
		"  pinned:    "+otherPin+"\n  presented: "+presented+"\n")
	assert.Contains(t, r.stderr, "warning: a certificate that changed may be an attack")
	assert.Contains(t, r.stderr, "hint: see the certificate the server presents with 'billmgr tls pin "+f.URL+"'")
	assert.NotContains(t, r.stderr, lookFirst)
	assert.Zero(t, f.Hits("payment.setpaid"))

	env := maps.Clone(f.env)
	env["BILLMGR_PIN_SHA256"] = otherPin
	fromEnv := runWith(t, env, "", "accounts", "list")
	assert.Equal(t, exitFailure, fromEnv.code)
	assert.Contains(t, fromEnv.stderr, "error: the server's certificate does not match BILLMGR_PIN_SHA256\n")
}

// TestMalformedPinSaysWhatAPinIs: a pin that is not 64 hex digits is refused before any
// connection, in the words of the flag or the variable that held it.
func TestMalformedPinSaysWhatAPinIs(t *testing.T) {
	t.Parallel()
	f := newTLSFake(t)
	const want = ": want 64 hex digits (the SHA-256 of the certificate's public key, as billmgr tls pin prints it)"
	for _, pin := range []string{"xyz", otherPin[:62], otherPin + "00"} {
		r := f.run(t, "--pin-sha256", pin, "accounts", "list")
		assert.Equal(t, exitUsage, r.code, pin)
		assert.Contains(t, r.stderr, "error: --pin-sha256"+want+"\n", pin)
	}
	env := maps.Clone(f.env)
	env["BILLMGR_PIN_SHA256"] = "sha256/abc"
	r := runWith(t, env, "", "accounts", "list")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "error: BILLMGR_PIN_SHA256"+want+"\n")
	assert.Zero(t, f.Hits("account"))
}

// TestPlainHTTP: the password does not cross the network in clear unless the user says
// so; this machine's fake over http needs no permission; the TLS flags on an http:// URL,
// which would do nothing, are refused.
func TestPlainHTTP(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn()) // http://127.0.0.1:PORT
	remote := map[string]string{"BILLMGR_URL": "http://192.0.2.1:1/billmgr"}
	maps.Copy(remote, map[string]string{"BILLMGR_USER": f.env["BILLMGR_USER"], "BILLMGR_PASSWORD_FILE": f.env["BILLMGR_PASSWORD_FILE"]})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	cert := newTLSFake(t).Certificate()
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600))

	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		says string
	}{
		{"this machine by address", f.env, nil, exitOK, ""},
		{"this machine by name", with(f.env, "BILLMGR_URL", strings.Replace(f.URL, "127.0.0.1", "localhost", 1)), nil, exitOK, ""},
		{"another machine", remote, nil, exitUsage,
			"error: BILLMGR_URL is plain http:// to 192.0.2.1, another machine: the password would cross the network in clear"},
		{"another machine, by flag", f.env, []string{"--url", "http://billing.example.com/billmgr"}, exitUsage,
			"error: --url is plain http:// to billing.example.com, another machine"},
		{"a pin on http", f.env, []string{"--pin-sha256", otherPin}, exitUsage,
			"error: --pin-sha256: BILLMGR_URL is plain http://, which has no certificate to pin"},
		{"a pin from the environment on http", with(f.env, "BILLMGR_PIN_SHA256", otherPin), nil, exitUsage,
			"error: BILLMGR_PIN_SHA256: BILLMGR_URL is plain http://, which has no certificate to pin"},
		{"a CA file on http", f.env, []string{"--ca-file", ca}, exitUsage,
			"error: --ca-file: BILLMGR_URL is plain http://, which has no certificate to check"},
		{"insecure on http", f.env, []string{"--insecure"}, exitUsage, "error: --insecure: BILLMGR_URL is plain http://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runWith(t, tt.env, "", append(tt.args, "accounts", "list", "-o", "ids")...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.says)
		})
	}
	assert.Equal(t, 2, f.Hits("account"), "the two runs allowed, and no other, reached the fake")

	// Allowed, the password goes out: the connection to nowhere fails (3), not the check (2).
	for _, allow := range []struct {
		env  map[string]string
		args []string
	}{
		{remote, []string{"--allow-insecure-http"}},
		{with(remote, allowInsecureHTTPEnv, "1"), nil},
	} {
		r := runWith(t, allow.env, "", append(allow.args, "--timeout", "300ms", "accounts", "list")...)
		assert.Equal(t, exitFailure, r.code, r.stderr)
		assert.NotContains(t, r.stderr, "plain http://")
	}
}

// with is env with the pairs kv added or replaced.
func with(env map[string]string, kv ...string) map[string]string {
	out := maps.Clone(env)
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// TestShellMessagesNameNoGoOption: what a shell user reads names flags and variables,
// never an option of the Go SDK (WithPinnedCertificate, WithRootCAs, …).
func TestShellMessagesNameNoGoOption(t *testing.T) {
	t.Parallel()
	tlsFake := newTLSFake(t)
	plain := newFake(t)
	runs := []struct {
		env  map[string]string
		args []string
	}{
		{tlsFake.env, []string{"accounts", "list"}},
		{tlsFake.env, []string{"--pin-sha256", otherPin, "accounts", "list"}},
		{tlsFake.env, []string{"--pin-sha256", "12:34", "accounts", "list"}},
		{tlsFake.env, []string{"--trace", "--pin-sha256", otherPin, "accounts", "list"}},
		{tlsFake.env, []string{"--trace", "accounts", "list"}},
		{plain.env, []string{"--url", "https://admin:secret@billing.example.com/billmgr", "accounts", "list"}},
		{plain.env, []string{"--url", "https://billing.example.com/billmgr?authinfo=admin:secret", "accounts", "list"}},
		{plain.env, []string{"--url", "billing.example.com", "accounts", "list"}},
		{plain.env, []string{"--user", "a:b", "accounts", "list"}},
		{plain.env, []string{"--pin-sha256", otherPin, "accounts", "list"}},
	}
	option := regexp.MustCompile(`With[A-Z]`)
	for _, run := range runs {
		r := runWith(t, run.env, "", run.args...)
		assert.NotEqual(t, exitOK, r.code, "%q", run.args)
		assert.False(t, option.MatchString(r.stderr+r.stdout), "%q names a Go option: %s", run.args, r.stderr)
		assert.NotContains(t, r.stderr, "secret", "%q repeats the URL's secret", run.args)
	}
}
