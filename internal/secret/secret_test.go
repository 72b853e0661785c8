package secret

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsParam(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"auth": true, "authinfo": true, "password": true, "passwd": true, "confirm": true, "key": true,
		"new_password": true, "old_pwd": true, "client_secret": true, "PassWord2": true, "PWD": true,
		"name": false, "elid": false, "email": false, "keyword": false, "Key": false, "author": false, "su": false,
	} {
		assert.Equal(t, want, IsParam(name), name)
	}
}

func TestValues(t *testing.T) {
	t.Parallel()
	got := Values(url.Values{"passwd": {"pw1", ""}, "confirm": {"pw1"}, "name": {"kept"}, "old_pwd": {"pw0"}})
	assert.ElementsMatch(t, []string{"pw1", "pw1", "pw0"}, got)
	assert.Empty(t, Values(url.Values{"elid": {"1"}}))
}

func TestReserved(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"func", "out", "su", "auth", "authinfo"} {
		assert.True(t, Reserved(name), name)
	}
	for _, name := range []string{"lang", "elid", "passwd", "key", "Func", ""} {
		assert.False(t, Reserved(name), name)
	}
}
