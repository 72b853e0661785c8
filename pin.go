package billmgr

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
)

// PublicKeyPin returns the pin of a certificate as WithPinnedCertificate and the
// command's --pin-sha256 take it: the SHA-256 of its public key (the DER of its
// SubjectPublicKeyInfo), in 64 lowercase hex digits. The key survives a renewal of the
// certificate that keeps it. From a PEM file the same pin is
//
//	openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | sha256sum
func PublicKeyPin(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(sum[:])
}
