package billmgr

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sessionServer is a BILLmanager stand-in that issues sessions and counts logins.
type sessionServer struct {
	*httptest.Server
	logins  atomic.Int32
	calls   sync.Map // func → *atomic.Int32
	mu      sync.Mutex
	valid   map[string]bool
	counter int
}

func newSessionServer(t *testing.T) *sessionServer {
	s := &sessionServer{valid: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *sessionServer) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	fn := r.PostForm.Get("func")
	n, _ := s.calls.LoadOrStore(fn, new(atomic.Int32))
	n.(*atomic.Int32).Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn == "auth" {
		s.logins.Add(1)
		time.Sleep(20 * time.Millisecond) // let concurrent callers pile up
		if r.PostForm.Get("password") != testPassword {
			fmt.Fprint(w, `<doc><error type="auth" object="badpassword"><msg>Invalid username or password</msg></error></doc>`)
			return
		}
		s.counter++
		id := fmt.Sprintf("sess%04d", s.counter)
		s.valid[id] = true
		fmt.Fprintf(w, `<doc func="auth"><auth id=%q level="29">%s</auth></doc>`, id, id)
		return
	}
	if !s.valid[r.PostForm.Get("auth")] {
		fmt.Fprint(w, `<doc><error type="auth" object="session"><msg>Session expired</msg></error></doc>`)
		return
	}
	fmt.Fprintf(w, `<doc func=%q><ok/><tparams><auth>%s</auth></tparams></doc>`, fn, r.PostForm.Get("auth"))
}

func (s *sessionServer) expireAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.valid)
}

func (s *sessionServer) hits(fn string) int {
	n, ok := s.calls.Load(fn)
	if !ok {
		return 0
	}
	return int(n.(*atomic.Int32).Load())
}

// sessionClient is a client of url with a session login and quick retries, attempts tries.
func sessionClient(t *testing.T, url string, attempts int) *Client {
	c, err := NewClient(url, WithSession(testUser, testPassword),
		WithRetry(RetryPolicy{MaxAttempts: attempts, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	return c
}

func TestSessionConcurrentCallersShareOneLogin(t *testing.T) {
	t.Parallel()
	s := newSessionServer(t)
	c, err := NewClient(s.URL, WithSession(testUser, testPassword))
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Call(context.Background(), "whoami", nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, s.logins.Load())
	assert.Equal(t, 50, s.hits("whoami"))
}

func TestSessionExpiredIsRenewedOnce(t *testing.T) {
	t.Parallel()
	s := newSessionServer(t)
	c, err := NewClient(s.URL, WithSession(testUser, testPassword))
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "whoami", nil)
	require.NoError(t, err)
	s.expireAll()

	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Call(context.Background(), "whoami", nil)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 2, s.logins.Load(), "one login, one renewal")
}

func TestAuthErrorOnAWriteLogsInOnceAndSendsOnceMore(t *testing.T) {
	t.Parallel()
	s := newSessionServer(t)
	c, err := NewClient(s.URL, WithSession(testUser, testPassword))
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "whoami", nil)
	require.NoError(t, err)
	s.expireAll()

	require.NoError(t, c.act(context.Background(), "payment.setpaid", 0, []int64{5}))
	assert.EqualValues(t, 2, s.logins.Load())
	assert.Equal(t, 2, s.hits("payment.setpaid"), "refused unexecuted once, then sent once more")
}

func TestAuthErrorAfterRenewalIsReturned(t *testing.T) {
	t.Parallel()
	srv, logins, sends := countingServer(t, replyWith(http.StatusOK, sessionReply),
		replyWith(http.StatusOK, `<doc><error type="auth" object="session"><msg>no</msg></error></doc>`))
	c, err := NewClient(srv.URL, WithSession(testUser, testPassword))
	require.NoError(t, err)
	err = c.act(context.Background(), "payment.setpaid", 0, []int64{5})
	require.ErrorIs(t, err, ErrAuth)
	assert.EqualValues(t, 2, logins.Load())
	assert.EqualValues(t, 2, sends.Load())
}

func TestBadPasswordLoginFails(t *testing.T) {
	t.Parallel()
	s := newSessionServer(t)
	c, err := NewClient(s.URL, WithSession(testUser, "wrong-"+testPassword))
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "whoami", nil)
	require.ErrorIs(t, err, ErrAuth)
	assert.Equal(t, 0, s.hits("whoami"))
	assertNoSecret(t, err.Error(), "wrong-"+testPassword)
}

func TestNewLoginKey(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(okDoc))})
	link, err := c.NewLoginKey(context.Background(), "client@example.com")
	require.NoError(t, err)
	form := s.last(t)
	key := form.Get("key")
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), key)
	assert.Equal(t, "session.newkey", form.Get("func"))
	assert.Equal(t, "client@example.com", form.Get("username"))
	u, err := url.Parse(link)
	require.NoError(t, err)
	assert.Equal(t, "/billmgr", u.Path)
	assert.Equal(t, url.Values{"func": {"auth"}, "username": {"client@example.com"}, "key": {key}, "checkcookie": {"no"}}, u.Query())

	other, err := c.NewLoginKey(context.Background(), "client@example.com")
	require.NoError(t, err)
	assert.NotEqual(t, link, other)
	assert.Empty(t, s.requests()[0].RawQuery)
}
