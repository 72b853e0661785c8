package billmgr

import (
	"errors"
	"fmt"
	"io"
	"unsafe"
)

// The bounds of one reply (see WithMaxResponseBytes): the bytes read from its body, and
// the memory the decoder allocates for what it builds from them.

// errTooLarge is returned when a reply exceeds a bound. Such a reply is never data:
// errors.Is(err, ErrUnexpectedResponse) holds for it.
var errTooLarge = fmt.Errorf("%w: the reply exceeds the size limit (see WithMaxResponseBytes)", ErrUnexpectedResponse)

// The memory the decoder may allocate for one reply: memoryPerByte bytes per byte of
// WithMaxResponseBytes, and memorySlack for the small buffers any reply needs. With the
// buffers of the read, one call holds at most about four times the bound, whatever the
// reply.
const (
	memoryPerByte = 3
	memorySlack   = 64 << 10
)

// replyBounds bounds one reply: reads at most limit bytes from body, and budgets the memory
// its decoder allocates.
type replyBounds struct {
	body   io.Reader
	limit  int64
	read   int64
	memory budget
}

func newReplyBounds(body io.Reader, limit int64) replyBounds {
	memory := memoryPerByte*limit + memorySlack
	return replyBounds{body: body, limit: limit, memory: budget{limit: memory, left: memory}}
}

// Read reads from the body, and fails with errTooLarge once the body is longer than the
// limit (a body of exactly limit bytes is read whole).
func (b *replyBounds) Read(p []byte) (int, error) {
	if b.read >= b.limit {
		var probe [1]byte
		if n, err := io.ReadFull(b.body, probe[:]); n == 0 && err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("%w: more than %d bytes", errTooLarge, b.limit)
	}
	if int64(len(p)) > b.limit-b.read {
		p = p[:b.limit-b.read]
	}
	n, err := b.body.Read(p)
	b.read += int64(n)
	return n, err
}

// budget is the memory the decoder of one reply may still allocate. Everything it builds
// is charged as it is built: each buffer it grows (by doubling, so that a buffer grown to
// any size has allocated at most twice that size in all), each element of a tree, each row
// kept for a page and its strings, each key of All's set. A nil *budget is unbounded.
type budget struct {
	limit, left int64
}

// allows reports whether n more bytes are within the budget.
func (b *budget) allows(n int) bool { return b == nil || b.left >= int64(n) }

// spend charges n bytes, or fails with errTooLarge once the budget is used up.
func (b *budget) spend(n int) error {
	if b == nil {
		return nil
	}
	if b.left -= int64(n); b.left < 0 {
		return fmt.Errorf("%w: decoding it would take more than %d bytes of memory", errTooLarge, b.limit)
	}
	return nil
}

// grow returns s with room for n more elements, charging b for a new backing array. It
// doubles the capacity, so that the arrays a slice grown to any size allocated add up to
// at most twice its size.
func grow[T any](b *budget, s []T, n int) ([]T, error) {
	if len(s)+n <= cap(s) {
		return s, nil
	}
	var zero T
	size := max(2*cap(s), len(s)+n, 16)
	if err := b.spend(size * int(unsafe.Sizeof(zero))); err != nil {
		return s, err
	}
	grown := make([]T, len(s), size)
	copy(grown, s)
	return grown, nil
}

// isTooLarge reports whether err is a bound of WithMaxResponseBytes.
func isTooLarge(err error) bool { return errors.Is(err, errTooLarge) }
