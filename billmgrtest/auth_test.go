package billmgrtest

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthInfo(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithAdmin("root", "pa:ss"), WithSeed(annSeed()))

	d := mustOK(t, srv, "func", "account")
	assert.Len(t, d.elems(), 1)

	mustFail(t, srv, "auth", "badpassword", "func", "account", "authinfo", "root:pa")
	mustFail(t, srv, "auth", "badpassword", "func", "account", "authinfo", "nobody:pa:ss")
	mustFail(t, srv, "auth", "", "func", "account", "authinfo", "-")

	// A client: the password is split at the first colon too.
	mustFail(t, srv, "access", "account", "func", "account", "authinfo", annEmail+":"+annPassword)
	mustFail(t, srv, "auth", "badpassword", "func", "account", "authinfo", annEmail+":wrong")
}

func TestSessionLogin(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))

	d := mustOK(t, srv, "func", "auth", "authinfo", "-", "username", srv.AdminUser, "password", srv.AdminPassword)
	auth := d.child("auth")
	require.NotNil(t, auth)
	sid := auth.attr("id")
	assert.Regexp(t, `^[0-9a-f]{24}$`, sid)
	assert.Equal(t, sid, auth.Text)
	assert.Equal(t, "29", auth.attr("level"))
	assert.Equal(t, srv.AdminUser, d.child("tparams").get("username"))
	assert.False(t, d.child("tparams").has("password"), "password echoed")

	d = mustOK(t, srv, "func", "account", "authinfo", "-", "auth", sid)
	assert.Equal(t, sid, d.child("tparams").get("auth"), "auth is echoed")

	d = mustOK(t, srv, "func", "auth", "authinfo", "-", "username", annEmail, "password", annPassword)
	assert.Equal(t, "16", d.child("auth").attr("level"))
	assert.NotEqual(t, sid, d.child("auth").attr("id"))

	mustFail(t, srv, "auth", "badpassword", "func", "auth", "authinfo", "-", "username", annEmail, "password", "x")
	e := mustFail(t, srv, "auth", "", "func", "account", "authinfo", "-", "auth", "0123456789abcdef01234567")
	assert.Equal(t, "Authorization required", e.get("msg"))
}

func TestSessionSlidingExpiry(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newFake(t, WithClock(clk.Now))
	sid := mustOK(t, srv, "func", "auth", "authinfo", "-", "username", srv.AdminUser, "password", srv.AdminPassword).
		child("auth").attr("id")
	use := func() *xnode { return request(t, srv, "func", "account", "authinfo", "-", "auth", sid) }

	for range 3 { // each use moves the expiry: 3 x 50 minutes is more than an hour
		clk.Add(50 * time.Minute)
		assert.False(t, use().has("error"))
	}
	clk.Add(time.Hour + time.Second)
	assert.Equal(t, "auth", use().child("error").attr("type"))
	assert.Equal(t, "auth", use().child("error").attr("type"), "an expired session stays expired")
}

// TestKeepAlive keeps a client's session alive with keepalive alone, as a panel add-on
// does between a client's page views.
func TestKeepAlive(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newFake(t, WithClock(clk.Now), WithSeed(annSeed()))
	sid := mustOK(t, srv, "func", "auth", "authinfo", "-", "username", annEmail, "password", annPassword).
		child("auth").attr("id")
	for range 3 {
		clk.Add(50 * time.Minute)
		d := mustOK(t, srv, "func", "keepalive", "authinfo", "-", "auth", sid)
		assert.True(t, d.has("ok"))
	}
	mustOK(t, srv, "func", "whoami", "authinfo", "-", "auth", sid)
	clk.Add(time.Hour + time.Second)
	mustFail(t, srv, "auth", "", "func", "keepalive", "authinfo", "-", "auth", sid)
	mustFail(t, srv, "auth", "", "func", "keepalive", "authinfo", "-")
}

func TestExpireSessions(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	sid := mustOK(t, srv, "func", "auth", "authinfo", "-", "username", srv.AdminUser, "password", srv.AdminPassword).
		child("auth").attr("id")
	mustOK(t, srv, "func", "account", "authinfo", "-", "auth", sid)
	srv.ExpireSessions()
	mustFail(t, srv, "auth", "", "func", "account", "authinfo", "-", "auth", sid)
}

func TestSu(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	ann := srv.AccountID(annEmail)

	d := mustOK(t, srv, "func", "payment.add", "su", annEmail, "sok", "ok", "amount", "10.00")
	id := d.get("payment_id")
	assert.Equal(t, d.get("id"), id)
	list := mustOK(t, srv, "func", "account.payment", "elid", itoa(ann))
	assert.Equal(t, []string{id}, list.column("id"))

	// History records who acted: the client, through su.
	h := mustOK(t, srv, "func", "payment.history", "elid", id)
	assert.Equal(t, []string{annEmail}, h.column("user"))
	assert.Equal(t, []string{"payment.add"}, h.column("action"))

	mustFail(t, srv, "missed", "su", "func", "payment.add", "su", "bob@example.com", "sok", "ok", "amount", "1")
	mustFail(t, srv, "access", "account.payment", "func", "account.payment", "su", annEmail, "elid", itoa(ann))
	mustFail(t, srv, "access", "su", "func", "payment.add", "authinfo", annEmail+":"+annPassword, "su", annEmail)
	mustFail(t, srv, "value", "su", "func", "payment.add", "sok", "ok", "amount", "1")

	// A client may add its own payments without su.
	mustOK(t, srv, "func", "payment.add", "authinfo", annEmail+":"+annPassword, "sok", "ok", "amount", "5")
	assert.Len(t, mustOK(t, srv, "func", "account.payment", "elid", itoa(ann)).elems(), 2)
}

func TestLoginKeys(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newFake(t, WithSeed(annSeed()), WithClock(clk.Now))
	keyLogin := func(key string) *xnode {
		return request(t, srv, "func", "auth", "authinfo", "-", "username", annEmail, "key", key, "checkcookie", "no", "out", "-")
	}

	d := mustOK(t, srv, "func", "session.newkey", "username", annEmail, "key", "0123456789abcdef")
	assert.True(t, d.has("ok"))
	assert.False(t, d.child("tparams").has("key"), "key echoed")
	d = keyLogin("0123456789abcdef")
	assert.Equal(t, "16", d.child("auth").attr("level"))
	assert.Equal(t, "badpassword", keyLogin("0123456789abcdef").child("error").attr("object"), "a key works once")

	mustFail(t, srv, "missed", "username", "func", "session.newkey", "username", "bob@example.com", "key", "k")
	mustFail(t, srv, "value", "key", "func", "session.newkey", "username", annEmail)
	mustFail(t, srv, "access", "session.newkey", "func", "session.newkey", "authinfo", annEmail+":"+annPassword,
		"username", annEmail, "key", "k")

	// account.su makes the key itself and answers the link.
	ok := mustOK(t, srv, "func", "account.su", "elid", itoa(srv.AccountID(annEmail))).child("ok")
	assert.Equal(t, "url", ok.attr("type"))
	link, err := url.Parse(ok.Text)
	require.NoError(t, err)
	assert.Equal(t, "/billmgr", link.Path)
	q := link.Query()
	assert.Equal(t, "auth", q.Get("func"))
	assert.Equal(t, annEmail, q.Get("username"))
	assert.Equal(t, "no", q.Get("checkcookie"))
	assert.Len(t, q.Get("key"), 32)
	assert.Equal(t, "16", keyLogin(q.Get("key")).child("auth").attr("level"))

	// An unused key dies after an hour.
	mustOK(t, srv, "func", "session.newkey", "username", annEmail, "key", "late")
	clk.Add(time.Hour + time.Second)
	assert.Equal(t, "badpassword", keyLogin("late").child("error").attr("object"))
}

func TestSecretsNeverEchoed(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	for _, kv := range [][]string{
		{"func", "register", "sok", "ok", "email", "x@example.com", "passwd", "secret-1"},
		{"func", "account.edit", "sok", "ok", "email", "y@example.com", "passwd", "secret-2", "confirm", "secret-2"},
		{"func", "account", "password", "secret-3"},
		{"func", "auth", "username", "admin", "password", "secret-4"},
	} {
		_, body := post(t, srv, params(srv, kv...))
		for _, secret := range []string{srv.AdminPassword, "secret-1", "secret-2", "secret-3", "secret-4"} {
			assert.NotContains(t, string(body), secret, kv[1])
		}
		assert.NotContains(t, string(body), "authinfo", kv[1])
	}
}
