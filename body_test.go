package billmgr

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stallingServer answers with the start of a document and then stalls until the client
// leaves; it counts the requests.
func stallingServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><doc lang="en" func="account"><elem><id>1</id>`)
		w.(http.Flusher).Flush()
		select { // one byte a minute: the next would come after the client gave up
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

// TestStalledReplyFailsAfterTheIdleTimeout: on the SDK's own transport, a reply whose next
// byte does not come within the idle timeout fails the call, even with no deadline: a
// write with ErrOutcomeUnknown, a read after its tries.
func TestStalledReplyFailsAfterTheIdleTimeout(t *testing.T) {
	t.Parallel()
	srv, requests := stallingServer(t)
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword),
		WithRetry(RetryPolicy{MaxAttempts: 2, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	assert.Equal(t, defaultIdleTimeout, c.idle, "the documented default")
	c.idle = 200 * time.Millisecond

	start := time.Now()
	_, err = c.Call(context.Background(), "payment.setpaid", url.Values{"elid": {"7"}})
	assert.ErrorIs(t, err, errStalled)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorContains(t, err, "no byte came for 200ms")
	assert.Less(t, time.Since(start), 5*time.Second)

	start = time.Now()
	_, err = listPage[pagedRow](context.Background(), c, "account", nil, nil)
	assert.ErrorIs(t, err, errStalled)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.EqualValues(t, 3, requests.Load(), "the write once, the read twice")
	assert.Less(t, time.Since(start), 5*time.Second)
}

// TestIdleTimeoutIsNotTheCallersTransport: with WithHTTPClient the caller's transport
// decides; the SDK adds no idle timeout, and the context's deadline ends the call.
func TestIdleTimeoutIsNotTheCallersTransport(t *testing.T) {
	t.Parallel()
	srv, _ := stallingServer(t)
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword), WithHTTPClient(srv.Client()))
	require.NoError(t, err)
	assert.Zero(t, c.idle)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = c.Call(ctx, "account", nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, errStalled)
}

// TestIdleTimeoutDoesNotCountTheLoopBody: the time the caller spends in its loop over All
// is not a stall of the reply.
func TestIdleTimeoutDoesNotCountTheLoopBody(t *testing.T) {
	t.Parallel()
	var page strings.Builder
	page.WriteString(`<?xml version="1.0" encoding="UTF-8"?><doc lang="en" func="account">`)
	for i := 1; i <= 2000; i++ {
		fmt.Fprintf(&page, "<elem><id>%d</id><name>Client number %d with a long enough name</name></elem>", i, i)
	}
	page.WriteString("<p_cnt>2000</p_cnt><p_elems>2000</p_elems><p_num>1</p_num></doc>")
	c, _ := newStub(t, []stubReply{xmlReply([]byte(page.String()))}) // the SDK's own transport
	c.idle = 100 * time.Millisecond
	n := 0
	for _, err := range listAll(context.Background(), c, "account", url.Values{"p_cnt": {"2000"}}, nil, pagedRowKey) {
		require.NoError(t, err)
		if n++; n == 1 {
			time.Sleep(3 * c.idle) // the rest of the page is read after this
		}
	}
	assert.Equal(t, 2000, n)
}

// TestOnceBodyRewindsOnlyWhileUnread: GetBody (reader) hands out the whole body again
// while none of it was read, and refuses once any was; a reader replaced by a rewind
// reads nothing more.
func TestOnceBodyRewindsOnlyWhileUnread(t *testing.T) {
	t.Parallel()
	b := &onceBody{data: "func=payment.setpaid&elid=7"}
	first, err := b.reader()
	require.NoError(t, err)
	second, err := b.reader()
	require.NoError(t, err, "a rewind before any byte was read")
	assert.False(t, b.sent())

	_, err = first.Read(make([]byte, 4))
	assert.ErrorIs(t, err, errReplay, "the reader a rewind replaced is spent")
	got, err := io.ReadAll(second)
	require.NoError(t, err)
	assert.Equal(t, b.data, string(got))
	assert.True(t, b.sent())

	_, err = b.reader()
	assert.ErrorIs(t, err, errReplay, "no rewind once the body was read")
}
