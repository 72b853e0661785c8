package main

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/go-billmgr/billmgr"
)

// What the command trusts with the password: the panel's URL, over https unless the user
// knowingly allows plain http to another machine, and the panel's certificate, by the
// system's CAs, --ca-file or --pin-sha256. A certificate the command does not trust is
// reported in the command's own terms: the flag, the pins, what to do.

// allowInsecureHTTPEnv opts in to credentials over plain http to another machine, as
// --allow-insecure-http does.
const allowInsecureHTTPEnv = "BILLMGR_ALLOW_INSECURE_HTTP"

// source names where a setting came from: the flag when it is set, else the variable.
func (a *app) source(flagValue, flag, env string) string {
	if flagValue != "" {
		return flag
	}
	return env
}

// checkedURL is raw, the API URL of --url or BILLMGR_URL, checked. Its errors never repeat
// the URL, which may carry a password.
func (a *app) checkedURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, usageErr("no API URL: set --url or BILLMGR_URL")
	}
	from := a.source(a.g.url, "--url", "BILLMGR_URL")
	const want = "want the panel's address, such as https://billing.example.com:1500/billmgr"
	if strings.Contains(raw, "@") || strings.Contains(strings.ToLower(raw), "%40") {
		return nil, usageErr("%s must not carry a user or a password: give the user with --user (BILLMGR_USER) "+
			"and the password with BILLMGR_PASSWORD_FILE, --password-stdin or BILLMGR_PASSWORD", from)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil, u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return nil, usageErr("%s: %s", from, want)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, usageErr("%s must not carry a query or a fragment: %s", from, want)
	}
	return u, nil
}

// checkPlainHTTP refuses the TLS flags on an http:// URL, where they would be silently
// ignored, and credentials sent in clear to another machine unless the user allows it.
func (a *app) checkPlainHTTP(u *url.URL, credentials bool) error {
	if u.Scheme != "http" {
		return nil
	}
	from := a.source(a.g.url, "--url", "BILLMGR_URL")
	if pin := a.setting(a.g.pin, "BILLMGR_PIN_SHA256"); pin != "" {
		return usageErr("%s: %s is plain http://, which has no certificate to pin: use the panel's https:// URL, or leave out the pin",
			a.source(a.g.pin, "--pin-sha256", "BILLMGR_PIN_SHA256"), from)
	}
	if a.g.caFile != "" {
		return usageErr("--ca-file: %s is plain http://, which has no certificate to check: use the panel's https:// URL, or leave out --ca-file", from)
	}
	if a.g.insecure {
		return usageErr("--insecure: %s is plain http://, which has no certificate to accept: leave out --insecure", from)
	}
	if !credentials || loopback(u.Hostname()) || a.g.allowInsecureHTTP {
		return nil
	}
	if v, _ := a.env(allowInsecureHTTPEnv); v == "1" {
		return nil
	}
	return usageErr("%s is plain http:// to %s, another machine: the password would cross the network in clear, "+
		"for anyone on the path to read. Use the panel's https:// URL ('billmgr tls pin URL' shows the certificate to trust), "+
		"or, knowingly, --allow-insecure-http (or %s=1)", from, u.Hostname(), allowInsecureHTTPEnv)
}

// loopback reports whether host is this machine: localhost or a loopback address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// pinOption is the option of --pin-sha256 or BILLMGR_PIN_SHA256, nil when neither is set.
// It takes the pin as billmgr tls pin prints it, in either case, with colons between the
// bytes or without.
func (a *app) pinOption() (billmgr.Option, error) {
	pin := a.setting(a.g.pin, "BILLMGR_PIN_SHA256")
	if pin == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(pin), ":", ""))
	if err != nil || len(b) != sha256.Size {
		return nil, usageErr("%s: want 64 hex digits (the SHA-256 of the certificate's public key, as billmgr tls pin prints it)",
			a.source(a.g.pin, "--pin-sha256", "BILLMGR_PIN_SHA256"))
	}
	return billmgr.WithPinnedCertificate(pin), nil
}

// untrusted describes a certificate the command did not trust, err wrapping
// billmgr.ErrUntrustedCertificate: the error line, then the lines that say what to do.
func (a *app) untrusted(err error) (msg string, advice []string) {
	target := "URL"
	if u, uerr := a.checkedURL(a.setting(a.g.url, "BILLMGR_URL")); uerr == nil {
		target = u.String()
	}
	var mismatch *billmgr.PinMismatchError
	if errors.As(err, &mismatch) {
		from := a.source(a.g.pin, "--pin-sha256", "BILLMGR_PIN_SHA256")
		return fmt.Sprintf("the server's certificate does not match %s\n  pinned:    %s\n  presented: %s", from, mismatch.Pinned, mismatch.Presented),
			[]string{
				"warning: a certificate that changed may be an attack: someone between this machine and the panel " +
					"presenting a certificate of their own. Trust the presented pin only once the panel's administrator " +
					"confirms it is the panel's new key (billmgr tls pin --help says how)",
				fmt.Sprintf("hint: see the certificate the server presents with 'billmgr tls pin %s'; "+
					"once its pin is confirmed, pass it with --pin-sha256 (or BILLMGR_PIN_SHA256)", target),
			}
	}
	why := certificateReason(err)
	if a.g.caFile != "" {
		why += " (trusting the CA certificates of --ca-file " + a.g.caFile + ")"
	}
	return "the server's certificate is not trusted: " + why, []string{fmt.Sprintf(
		"hint: see the certificate and its pin with 'billmgr tls pin %s', then pass the pin with --pin-sha256 PIN "+
			"(or BILLMGR_PIN_SHA256), or its CA with --ca-file FILE", target)}
}

// certificateReason is why the verification of a certificate failed, in the words of Go's
// x509 package: "x509: certificate signed by unknown authority".
func certificateReason(err error) string {
	var (
		verify    *tls.CertificateVerificationError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &authority):
		return authority.Error()
	case errors.As(err, &hostname):
		return hostname.Error()
	case errors.As(err, &invalid):
		return invalid.Error()
	case errors.As(err, &verify):
		return verify.Err.Error()
	}
	return "its verification failed"
}
