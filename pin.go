package billmgr

// The pin of a certificate: the SHA-256 of its public key, which PublicKeyPin prints,
// WithPinnedCertificate reads and the SDK's own transport checks.

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// pin is the SHA-256 of the DER of a certificate's SubjectPublicKeyInfo.
type pin [sha256.Size]byte

// pinOf is the pin of cert.
func pinOf(cert *x509.Certificate) pin { return sha256.Sum256(cert.RawSubjectPublicKeyInfo) }

// PublicKeyPin returns the pin of a certificate as WithPinnedCertificate and the
// command's --pin-sha256 take it: the SHA-256 of its public key (the DER of its
// SubjectPublicKeyInfo), in 64 lowercase hex digits. The key survives a renewal of the
// certificate that keeps it. From a PEM file the same pin is
//
//	openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | sha256sum
func PublicKeyPin(cert *x509.Certificate) string {
	p := pinOf(cert)
	return hex.EncodeToString(p[:])
}

// parsePin reads a pin written in hex, in either case, with or without colons between
// the bytes.
func parsePin(s string) (*pin, error) {
	b, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(s), ":", ""))
	if err != nil || len(b) != sha256.Size {
		return nil, errors.New("want 64 hex digits of a SHA-256")
	}
	p := pin(b)
	return &p, nil
}

// verify accepts exactly the server whose certificate has the pin p: it is the
// VerifyConnection of a transport that replaces chain verification with the pin.
func (p pin) verify(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the server sent no certificate")
	}
	if got := pinOf(cs.PeerCertificates[0]); got != p {
		return &PinMismatchError{Pinned: hex.EncodeToString(p[:]), Presented: hex.EncodeToString(got[:])}
	}
	return nil
}

// PinMismatchError is a server whose certificate key is not the pinned one: the error of a
// call under WithPinnedCertificate wraps it (find it with errors.As) beside
// ErrUntrustedCertificate. Both pins are in PublicKeyPin's form. A key that changed may be
// a renewal with a new key, or someone between the client and the panel: confirm the new
// pin with the panel's administrator before trusting it.
type PinMismatchError struct {
	Pinned    string // the pin the client trusts
	Presented string // the pin of the certificate the server presented
}

func (e *PinMismatchError) Error() string {
	return fmt.Sprintf("the server's certificate key does not match the pinned SHA-256 (pinned %s, presented %s)", e.Pinned, e.Presented)
}
