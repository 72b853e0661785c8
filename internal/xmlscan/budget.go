package xmlscan

import (
	"fmt"
	"io"
	"unsafe"
)

// The bounds of one reply: the bytes read from its body, and the memory its decoder
// allocates for what it builds from them. A breach of either fails with an error wrapping
// the one the caller gave NewBounds, which says what its users can do about it.

// The memory the decoder may allocate for one reply: memoryPerByte bytes per byte of the
// reply's limit, and memorySlack for the small buffers any reply needs. With the buffers of
// the read, one reply holds at most about four times its limit, whatever it holds.
const (
	memoryPerByte = 3
	memorySlack   = 64 << 10
)

// Bounds bounds one reply: it reads at most a limit of bytes from the reply's body, and
// Memory budgets what its decoder allocates.
type Bounds struct {
	Memory Budget // the memory the decoder of the reply may still allocate

	body     io.Reader
	limit    int64
	read     int64
	tooLarge error
}

// NewBounds bounds a reply of at most limit bytes read from body, and its decoder to
// memoryPerByte bytes of memory per byte of limit (plus memorySlack). tooLarge is the error
// that a breach of either bound wraps.
func NewBounds(body io.Reader, limit int64, tooLarge error) Bounds {
	memory := memoryPerByte*limit + memorySlack
	return Bounds{
		Memory: Budget{limit: memory, left: memory, tooLarge: tooLarge},
		body:   body, limit: limit, tooLarge: tooLarge,
	}
}

// Read reads from the body, and fails once the body is longer than the limit (a body of
// exactly the limit is read whole).
func (b *Bounds) Read(p []byte) (int, error) {
	if b.read >= b.limit {
		var probe [1]byte
		if n, err := io.ReadFull(b.body, probe[:]); n == 0 && err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("%w: more than %d bytes", b.tooLarge, b.limit)
	}
	if int64(len(p)) > b.limit-b.read {
		p = p[:b.limit-b.read]
	}
	n, err := b.body.Read(p)
	b.read += int64(n)
	return n, err
}

// Budget is the memory the decoder of one reply may still allocate. Everything it builds
// is charged as it is built: each buffer it grows (by doubling, so that a buffer grown to
// any size has allocated at most twice that size in all), each element of a tree, each row
// kept for a page and its strings, each key of a walk's set. A nil *Budget is unbounded.
type Budget struct {
	limit, left int64
	tooLarge    error // what a breach wraps
}

// allows reports whether n more bytes are within the budget.
func (b *Budget) allows(n int) bool { return b == nil || b.left >= int64(n) }

// Spend charges n bytes, or fails once the budget is used up.
func (b *Budget) Spend(n int) error {
	if b == nil {
		return nil
	}
	if b.left -= int64(n); b.left < 0 {
		return fmt.Errorf("%w: decoding it would take more than %d bytes of memory", b.tooLarge, b.limit)
	}
	return nil
}

// Grow returns s with room for n more elements, charging b for a new backing array. It
// doubles the capacity, so that the arrays a slice grown to any size allocated add up to
// at most twice its size.
func Grow[T any](b *Budget, s []T, n int) ([]T, error) {
	if len(s)+n <= cap(s) {
		return s, nil
	}
	var zero T
	size := max(2*cap(s), len(s)+n, 16)
	if err := b.Spend(size * int(unsafe.Sizeof(zero))); err != nil {
		return s, err
	}
	grown := make([]T, len(s), size)
	copy(grown, s)
	return grown, nil
}
