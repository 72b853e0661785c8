package billmgr

// Credentials, sessions and logins: how a call authenticates (authinfo, a session id, or
// the session of WithSession, logged in once for all concurrent callers and again after
// an auth error), and the one-time login keys of NewLoginKey.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-billmgr/billmgr/internal/secret"
)

// credentials hold the authentication of a client and everything that must be redacted.
type credentials struct {
	user, password string
	sessionID      string        // WithSessionID
	session        *sessionState // WithSession

	mu      sync.Mutex
	secrets []string // values to redact besides the password: session ids, login keys (redact.go)
}

// sessionState is the shared session of WithSession: one login at a time, and a
// generation number so that many callers failing on the same stale session renew it once.
type sessionState struct {
	mu         sync.Mutex
	id         string
	generation int
	login      *loginCall
}

type loginCall struct {
	done chan struct{}
	id   string
	err  error
}

// authenticate adds the credentials to form and returns the session generation used
// (0 when no renewable session is involved).
func (c *Client) authenticate(ctx context.Context, form url.Values) (int, error) {
	cr := c.creds
	switch {
	case cr.session != nil:
		id, gen, err := c.sessionID(ctx)
		if err != nil {
			return 0, err
		}
		form.Set("auth", id)
		return gen, nil
	case cr.sessionID != "":
		form.Set("auth", cr.sessionID)
	case cr.password != "":
		form.Set("authinfo", cr.user+":"+cr.password)
	}
	return 0, nil
}

// sessionID returns the current session, logging in first when there is none. Callers
// arriving while a login is under way wait for it instead of starting their own.
func (c *Client) sessionID(ctx context.Context) (string, int, error) {
	st := c.creds.session
	st.mu.Lock()
	if st.id != "" {
		id, gen := st.id, st.generation
		st.mu.Unlock()
		return id, gen, nil
	}
	call := st.login
	if call == nil {
		call = &loginCall{done: make(chan struct{})}
		st.login = call
		go c.runLogin(call)
	}
	st.mu.Unlock()
	select {
	case <-call.done:
	case <-ctx.Done():
		return "", 0, ctx.Err()
	}
	if call.err != nil {
		return "", 0, call.err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return call.id, st.generation, nil
}

// runLogin performs the shared login. It does not use any caller's context, so that one
// caller giving up does not fail the others; the HTTP client's timeouts bound it.
func (c *Client) runLogin(call *loginCall) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	call.id, call.err = c.login(ctx)
	st := c.creds.session
	st.mu.Lock()
	if call.err == nil {
		st.id = call.id
		st.generation++
	}
	st.login = nil
	st.mu.Unlock()
	close(call.done)
}

// login sends func=auth with the user name and password and returns the session id. The
// id is a secret from the moment it is read, so that even the trace of the login's own
// reply shows it redacted.
func (c *Client) login(ctx context.Context) (string, error) {
	cr := c.creds
	params := url.Values{"username": {cr.user}, "password": {cr.password}}
	r := &request{fn: "auth", params: params, readOnly: true, login: true}
	var id string
	decode := c.decodeDocument(r)
	r.decode = func(resp *http.Response) error {
		if err := decode(resp); err != nil {
			return err
		}
		auth := r.doc.Child("auth")
		if id = firstNonEmpty(auth.Attr("id"), strings.TrimSpace(auth.text())); id == "" {
			return fmt.Errorf("%w: the reply carries no session id", ErrUnexpectedResponse)
		}
		cr.addSecret(id)
		return nil
	}
	if err := c.send(ctx, r); err != nil {
		return "", err
	}
	return id, nil
}

// invalidate forgets the session of generation gen, unless a newer one replaced it.
func (cr *credentials) invalidate(gen int) {
	st := cr.session
	st.mu.Lock()
	if st.generation == gen {
		st.id = ""
	}
	st.mu.Unlock()
}

// NewLoginKey registers a one-time login key for user (session.newkey, admin only) and
// returns the URL that logs a browser into the panel as that user, without their password.
// The key is 32 random hex digits from crypto/rand; the URL works once and expires after an
// hour unused. Hand it to the browser as a redirect; do not log it.
//
// API: session.newkey
func (c *Client) NewLoginKey(ctx context.Context, user string) (string, error) {
	if user == "" {
		return "", errors.New("billmgr: session.newkey: empty user name")
	}
	key, err := randomHex(16)
	if err != nil {
		return "", err
	}
	c.creds.addSecret(key)
	const fn = "session.newkey"
	doc, err := c.document(ctx, &request{fn: fn, params: url.Values{"username": {user}, "key": {key}}})
	if err != nil {
		return "", err
	}
	if err := applied(fn, doc); err != nil {
		return "", err
	}
	q := url.Values{"func": {"auth"}, "username": {user}, "key": {key}, "checkcookie": {"no"}}
	return c.baseURL + "?" + q.Encode(), nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("billmgr: reading random bytes: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// mode names the authentication without revealing a secret.
func (cr *credentials) mode() string {
	switch {
	case cr.session != nil:
		return "session of " + cr.user
	case cr.sessionID != "":
		return "session " + secret.Redacted
	case cr.password != "":
		return "authinfo of " + cr.user
	}
	return "no credentials"
}

// String hides every secret (credentials are reachable from a Client value).
func (cr *credentials) String() string { return cr.mode() }

// GoString is String.
func (cr *credentials) GoString() string { return cr.mode() }
