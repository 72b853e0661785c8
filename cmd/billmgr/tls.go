package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// tlsCommand: billmgr tls pin [URL].
func (a *app) tlsCommand() *cobra.Command {
	return group("tls", "The certificate a panel serves: see it, and the pin to trust it by", a.pinCommand())
}

// pinCommand shows the certificate a server presents and its pin, as ssh-keyscan shows a
// host's key: a panel on port 1500 usually serves a self-signed certificate, which no CA
// vouches for, and the pin is how the command and the SDK trust it.
func (a *app) pinCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "pin [URL]",
		Short: "Show the certificate a panel serves and the pin to pass to --pin-sha256",
		Long: `Connect to URL (default --url or BILLMGR_URL) without verifying its certificate, send
nothing, and show the certificate the server presents: its subject, issuer, validity, the
names it is valid for, whether the system's CAs (or --ca-file) trust it, and its pin: the
SHA-256 of its public key, the value --pin-sha256 and billmgr.WithPinnedCertificate take.

A connection that anyone can intercept shows their certificate just as well: compare the
pin with the one of the panel's certificate file, read on the panel's host,

  openssl x509 -in CERT.pem -pubkey -noout | openssl pkey -pubin -outform der | sha256sum

before trusting it. Exits 3 when it cannot connect or the server speaks no TLS.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := a.setting(a.g.url, "BILLMGR_URL")
			if len(args) > 0 {
				target = args[0]
			}
			host, addr, err := tlsAddress(target)
			if err != nil {
				return err
			}
			dialer := &tls.Dialer{Config: &tls.Config{ServerName: host, InsecureSkipVerify: true}} //nolint:gosec // shown, not trusted
			conn, err := dialer.DialContext(cmd.Context(), "tcp", addr)
			if err != nil {
				return fmt.Errorf("tls pin: %w", err)
			}
			state := conn.(*tls.Conn).ConnectionState()
			conn.Close()
			trust, err := a.trustedBy(state, host)
			if err != nil {
				return err
			}
			if err := printOne(a, describeCertificate(addr, state.PeerCertificates, trust)); err != nil {
				return err
			}
			fmt.Fprintln(a.stderr, "hint: compare the pin with the panel's (see --help), then trust it: "+
				"billmgr --pin-sha256 PIN …, or export BILLMGR_PIN_SHA256=PIN")
			return nil
		},
	}
}

// tlsAddress is the host and the host:port of target: a URL (https://host:1500/billmgr),
// host:port or a host (port 443).
func tlsAddress(target string) (host, addr string, err error) {
	if target == "" {
		return "", "", usageErr("tls pin: no URL: give one, or set --url or BILLMGR_URL")
	}
	if !strings.Contains(target, "://") {
		target = "https://" + target
	}
	u, err := url.Parse(target)
	if err != nil || u.Hostname() == "" {
		return "", "", usageErr("tls pin: %q is not a URL such as https://billing.example.com:1500/billmgr", target)
	}
	if u.Scheme != "https" {
		return "", "", usageErr("tls pin: %s serves no certificate: give an https URL", target)
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	return u.Hostname(), net.JoinHostPort(u.Hostname(), port), nil
}

// trustedBy says whether the certificates of state verify for host against the roots the
// command trusts (--ca-file, else the system's), or why not. A pin is not consulted: the
// command shows what to pin.
func (a *app) trustedBy(state tls.ConnectionState, host string) (string, error) {
	certs := state.PeerCertificates
	if len(certs) == 0 {
		return "", fmt.Errorf("tls pin: the server presented no certificate")
	}
	roots, err := a.rootCAs()
	if err != nil {
		return "", err
	}
	intermediates := x509.NewCertPool()
	for _, c := range certs[1:] {
		intermediates.AddCert(c)
	}
	if _, err := certs[0].Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: intermediates}); err != nil {
		return "no: " + err.Error(), nil
	}
	return "yes", nil
}

// certificate is what tls pin shows of a server's certificate.
type certificate struct {
	Address   string    `xml:"address"`
	Subject   string    `xml:"subject"`
	Issuer    string    `xml:"issuer"`
	NotBefore time.Time `xml:"not_before"`
	NotAfter  time.Time `xml:"not_after"`
	Names     string    `xml:"names"`   // the names it is valid for: DNS names and IP addresses
	Trusted   string    `xml:"trusted"` // "yes", or "no: " and why
	Chain     int       `xml:"chain"`   // the certificates the server sent, this one included
	PinSHA256 string    `xml:"pin_sha256"`
}

// describeCertificate is the first of the certificates a server at addr sent.
func describeCertificate(addr string, certs []*x509.Certificate, trusted string) *certificate {
	leaf := certs[0]
	var names []string
	names = append(names, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		names = append(names, ip.String())
	}
	issuer := leaf.Issuer.String()
	if issuer == leaf.Subject.String() {
		issuer += " (self-signed)"
	}
	return &certificate{
		Address:   addr,
		Subject:   leaf.Subject.String(),
		Issuer:    issuer,
		NotBefore: leaf.NotBefore.UTC(),
		NotAfter:  leaf.NotAfter.UTC(),
		Names:     strings.Join(names, ", "),
		Trusted:   trusted,
		Chain:     len(certs),
		PinSHA256: billmgr.PublicKeyPin(leaf),
	}
}
