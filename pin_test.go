package billmgr_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

func TestPublicKeyPin(t *testing.T) {
	t.Parallel()
	srv := billmgrtest.NewTLSServer()
	t.Cleanup(srv.Close)
	cert := srv.Certificate()
	require.NotNil(t, cert)

	pin := billmgr.PublicKeyPin(cert)
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	assert.Equal(t, hex.EncodeToString(sum[:]), pin)
	assert.Regexp(t, `^[0-9a-f]{64}$`, pin)

	call := func(pin string) error {
		c, err := billmgr.NewClient(srv.URL, billmgr.WithAuthInfo(srv.AdminUser, srv.AdminPassword),
			billmgr.WithPinnedCertificate(pin))
		require.NoError(t, err)
		_, err = c.Accounts.List(context.Background(), nil)
		return err
	}
	assert.NoError(t, call(pin), "the pin is the one WithPinnedCertificate takes")
	var pairs []string
	for i := 0; i < len(pin); i += 2 {
		pairs = append(pairs, strings.ToUpper(pin[i:i+2]))
	}
	assert.NoError(t, call(" "+strings.Join(pairs, ":")+"\n"), "upper case, colons between the bytes, white space around")
	other := sha256.Sum256([]byte("another key"))
	err := call(strings.ToUpper(hex.EncodeToString(other[:])))
	assert.ErrorContains(t, err, "does not match the pinned SHA-256")
	assert.ErrorIs(t, err, billmgr.ErrUntrustedCertificate)
	var mismatch *billmgr.PinMismatchError
	require.ErrorAs(t, err, &mismatch)
	assert.Equal(t, hex.EncodeToString(other[:]), mismatch.Pinned, "the pin trusted, in PublicKeyPin's form")
	assert.Equal(t, pin, mismatch.Presented, "the pin of the certificate the server presented")
	billmgr.AssertOnePrefix(t, err)
}
