package billmgr

// The bodies of an exchange: the request body that no transport can send twice
// (onceBody), and the wrappers of a reply's body that end its request when it is closed
// (closeCancels) or when it stalls (idleBody).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// onceBody is the body of one request, which the transport can read once. GetBody (reader)
// rewinds it only while none of it was read, so no transport sends a request twice:
// neither net/http nor HTTP/2 after a stream reset or a GOAWAY, on the SDK's transport or
// a caller's. A rewind before any byte was read is safe and allowed. That the transport
// read the body is how the SDK knows the request may have reached the server.
//
// On HTTP/1 a read means bytes of the request went out: net/http writes the headers of a
// body it does not know to be in memory (this one) to the connection before it reads the
// body. A kept-alive connection that the server closed while it was idle therefore fails
// the write at the headers, before the body is read, and net/http rewinds the body and
// sends the request on a new connection.
type onceBody struct {
	data string

	mu      sync.Mutex
	current *onceReader // the one reader that may read; the others are spent
	read    bool        // the transport read some of the body
}

// errReplay is what a transport gets when it asks for a body it already read.
var errReplay = errors.New("the transport asked to send the request again after reading its body (an HTTP/2 stream reset or GOAWAY, a dead connection); a request is never sent twice")

// reader returns a reader of the whole body, while none of it was read.
func (b *onceBody) reader() (io.ReadCloser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.read {
		return nil, errReplay
	}
	b.current = &onceReader{b: b}
	return b.current, nil
}

// sent reports whether the transport read any of the body: the request may have gone out.
func (b *onceBody) sent() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.read
}

type onceReader struct {
	b   *onceBody
	off int
}

func (r *onceReader) Read(p []byte) (int, error) {
	b := r.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.current != r {
		return 0, errReplay
	}
	b.read = true
	if r.off >= len(b.data) {
		return 0, io.EOF
	}
	n := copy(p, b.data[r.off:])
	r.off += n
	return n, nil
}

func (r *onceReader) Close() error { return nil }

// closeCancels ends the request of a reply when the reply is closed: the body of a
// request that hands it over (request.handsOver) outlives the attempt that received it.
type closeCancels struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *closeCancels) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// errStalled is the failure of a reply that stopped coming (see NewClient).
var errStalled = errors.New("the reply stalled")

// idleBody fails a reply when a read brings no byte within timeout, by cancelling its
// request. The time the caller spends between reads (the loop body over All) is not
// counted.
type idleBody struct {
	io.ReadCloser
	timeout time.Duration
	timer   *time.Timer
	expired atomic.Bool
}

func newIdleBody(body io.ReadCloser, timeout time.Duration, cancel context.CancelFunc) *idleBody {
	b := &idleBody{ReadCloser: body, timeout: timeout}
	b.timer = time.AfterFunc(timeout, func() {
		b.expired.Store(true)
		cancel()
	})
	b.timer.Stop()
	return b
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.timeout)
	n, err := b.ReadCloser.Read(p)
	b.timer.Stop()
	if err != nil && b.expired.Load() {
		err = fmt.Errorf("%w: no byte came for %v (the idle-read timeout of the SDK's transport)", errStalled, b.timeout)
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	return b.ReadCloser.Close()
}
