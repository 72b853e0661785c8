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
		return &pinMismatchError{got: got}
	}
	return nil
}

// pinMismatchError is a server whose certificate key is not the pinned one.
type pinMismatchError struct{ got pin }

func (e *pinMismatchError) Error() string {
	return fmt.Sprintf("the server's certificate key does not match the pinned SHA-256 (got %x)", e.got[:])
}
