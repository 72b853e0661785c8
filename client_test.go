package billmgr

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://billing.example.com", "https://billing.example.com/billmgr"},
		{"https://billing.example.com/", "https://billing.example.com/billmgr"},
		{"https://billing.example.com:1500/billmgr", "https://billing.example.com:1500/billmgr"},
		{"https://my.example.com/manager/billmgr/", "https://my.example.com/manager/billmgr"},
	}
	for _, tt := range tests {
		c, err := NewClient(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, c.BaseURL())
	}
	for _, bad := range []string{
		"", "billing.example.com", "ftp://billing.example.com", "https://",
		"https://billing.example.com/billmgr?authinfo=admin:pw", "https://admin:pw@billing.example.com",
	} {
		_, err := NewClient(bad)
		require.Error(t, err, bad)
		assertNoSecret(t, err.Error(), "admin:pw")
	}
}

func TestClientPrintsNoSecret(t *testing.T) {
	t.Parallel()
	for _, opt := range []Option{WithAuthInfo(testUser, testPassword), WithSession(testUser, testPassword), WithSessionID("SESSION-77aa")} {
		c, err := NewClient("https://billing.example.com", opt)
		require.NoError(t, err)
		var logs bytes.Buffer
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("client", "c", c, "as", c.As("client@example.com"))
		for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v %#v %v", c, c, *c), logs.String()} {
			assertNoSecret(t, s, "SESSION-77aa")
		}
		assert.Contains(t, c.String(), "https://billing.example.com/billmgr")
	}
}

func TestBaseURLWithCredentialsIsRefusedWithoutRepeatingIt(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"https://admin:s3cr3t@billing.example.com",
		"https://admin:s3%20cr3t@billing.example.com/billmgr",
		"https://admin:s3 cr3t@billing.example.com",
		"https://admin:s3%zzcr3t@billing.example.com",
		"https://admin%40corp:s3cr3t@billing.example.com",
		"https://admin:s3cr3t%40billing.example.com",
		"admin:s3cr3t@billing.example.com",
		"ftp://admin:s3cr3t@billing.example.com",
		"https://admin:s3/cr3t@billing.example.com",
		"https://admin:s3?cr3t@billing.example.com",
		"https://billing.example.com/billmgr?authinfo=admin:s3cr3t",
		"ftp://billing.example.com/billmgr?authinfo=admin:s3cr3t",
		"https://billing.example.com:s3cr3t/billmgr",
		"s3cr3t",
	} {
		_, err := NewClient(raw)
		require.Error(t, err, raw)
		for _, leak := range []string{"s3cr3t", "s3%20", "s3 ", "s3%zz", "s3/", "s3?", "admin"} {
			assert.NotContains(t, err.Error(), leak, raw)
		}
	}
}
