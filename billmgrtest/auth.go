package billmgrtest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Access levels as func=auth reports them.
const (
	levelAdmin  = 29
	levelClient = 16
)

const (
	sessionIdle = time.Hour // a session unused this long is gone
	keyLifetime = time.Hour // a login key unused this long is gone
)

// principal is an authenticated user.
type principal struct {
	name    string // the login: the admin's user name or the client's e-mail
	level   int
	account *account // nil for the administrator
}

type session struct {
	user     string
	lastUsed time.Time
}

type loginKey struct {
	user    string
	created time.Time
}

// authenticate resolves the caller from authinfo or auth, and su. A call
// without credentials is allowed only to public functions. func=auth itself
// ignores both: it is how credentials are obtained.
func (c *call) authenticate(public bool) error {
	if c.fn == "auth" {
		return nil
	}
	if info, ok := c.params["authinfo"]; ok {
		user, password, _ := strings.Cut(info[0], ":")
		if c.login = c.st.check(user, password); c.login == nil {
			return badPassword(c)
		}
	} else if sid := c.params.Get("auth"); sid != "" {
		if c.login = c.st.resume(sid, c.now); c.login == nil {
			return noSession
		}
	}
	if c.login == nil {
		if public {
			return nil
		}
		return noSession
	}
	c.user = c.login
	if su := c.params.Get("su"); su != "" {
		if c.login.account != nil {
			return forbidden("su")
		}
		if c.user = c.st.principal(su); c.user == nil {
			return notFound("su", su)
		}
	}
	return nil
}

// principal finds the user with this login.
func (s *state) principal(login string) *principal {
	if login == s.cfg.adminUser {
		return &principal{name: login, level: levelAdmin}
	}
	if a := s.accountByEmail(login); a != nil {
		return &principal{name: a.email, level: levelClient, account: a}
	}
	return nil
}

// check returns the user with these credentials, or nil.
func (s *state) check(login, password string) *principal {
	p := s.principal(login)
	if p == nil {
		return nil
	}
	want := s.cfg.adminPassword
	if p.account != nil {
		want = p.account.password
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(password)) != 1 {
		return nil
	}
	return p
}

// resume returns the user of a live session and slides its expiry.
func (s *state) resume(sid string, now time.Time) *principal {
	sess := s.sessions[sid]
	if sess == nil {
		return nil
	}
	p := s.principal(sess.user)
	if p == nil || now.Sub(sess.lastUsed) > sessionIdle {
		delete(s.sessions, sid)
		return nil
	}
	sess.lastUsed = now
	return p
}

// useKey spends a one-time login key of user.
func (s *state) useKey(user, key string, now time.Time) *principal {
	k := s.keys[key]
	if k == nil || !strings.EqualFold(k.user, user) {
		return nil
	}
	delete(s.keys, key)
	if now.Sub(k.created) > keyLifetime {
		return nil
	}
	return s.principal(k.user)
}

// secret returns n random bytes in hex, from crypto/rand.
func secret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}

// login serves func=auth: username with password, or with a one-time key.
func login(c *call) (*reply, error) {
	user := c.params.Get("username")
	var p *principal
	if key := c.params.Get("key"); key != "" {
		p = c.st.useKey(user, key, c.now)
	} else {
		p = c.st.check(user, c.params.Get("password"))
	}
	if p == nil {
		return nil, badPassword(c)
	}
	sid := secret(12)
	c.st.sessions[sid] = &session{user: p.name, lastUsed: c.now}
	return &reply{head: []*node{el("auth", sid).attr("id", sid).attr("level", strconv.Itoa(p.level))}}, nil
}

// newKey serves session.newkey: it stores a one-time login key for username.
func newKey(c *call) (*reply, error) {
	user := c.params.Get("username")
	p := c.st.principal(user)
	if p == nil {
		return nil, notFound("username", user)
	}
	key := c.params.Get("key")
	if key == "" {
		return nil, invalid("key", "", whyRequired)
	}
	c.st.keys[key] = &loginKey{user: p.name, created: c.now}
	return ok(), nil
}

// keepAlive serves keepalive, which clients call to keep a session from expiring: the
// authentication has slid the session's expiry already, and the reply is <ok/> (what the
// real server answers is not recorded).
func keepAlive(*call) (*reply, error) { return ok(), nil }

// suLink serves account.su: a one-time login link into the client's panel.
func suLink(c *call) (*reply, error) {
	a, err := c.client("elid")
	if err != nil {
		return nil, err
	}
	key := secret(16)
	c.st.keys[key] = &loginKey{user: a.email, created: c.now}
	link := "/billmgr?func=auth&username=" + url.QueryEscape(a.email) + "&key=" + key + "&checkcookie=no"
	return &reply{head: []*node{el("ok", link).attr("type", "url")}}, nil
}

// ExpireSessions ends every current session: the next call with one of
// their ids gets the auth error with object session.
func (h *Handler) ExpireSessions() {
	h.mu.Lock()
	defer h.mu.Unlock()
	clear(h.st.sessions)
}
