package xmlscan

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errTooLarge stands for the error a caller of NewBounds gives.
var errTooLarge = errors.New("too large")

func TestBoundsReadTheLimitAndNoMore(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte("x"), 1000)
	for _, tt := range []struct {
		limit int64
		ok    bool
	}{{1000, true}, {1001, true}, {999, false}} {
		b := NewBounds(bytes.NewReader(body), tt.limit, errTooLarge)
		got, err := io.ReadAll(&b)
		if tt.ok {
			require.NoError(t, err, "limit %d", tt.limit)
			assert.Equal(t, body, got)
			continue
		}
		require.ErrorIs(t, err, errTooLarge, "limit %d", tt.limit)
		assert.ErrorContains(t, err, "more than 999 bytes")
		assert.Len(t, got, 999)
	}
}

func TestBudgetChargesWhatGrows(t *testing.T) {
	t.Parallel()
	b := NewBounds(nil, 1000, errTooLarge).Memory
	assert.Equal(t, int64(memoryPerByte*1000+memorySlack), b.left)
	s, err := Grow(&b, []int64(nil), 1)
	require.NoError(t, err)
	assert.Equal(t, 16, cap(s), "at least 16 elements")
	assert.Equal(t, int64(memoryPerByte*1000+memorySlack-16*8), b.left, "charged for the array")
	s, err = Grow(&b, s[:16], 1)
	require.NoError(t, err)
	assert.Equal(t, 32, cap(s), "doubled")
	require.NoError(t, b.Spend(int(b.left)))
	err = b.Spend(1)
	require.ErrorIs(t, err, errTooLarge)
	assert.ErrorContains(t, err, "more than 68536 bytes of memory")
	_, err = Grow(&b, s[:32], 1)
	assert.ErrorIs(t, err, errTooLarge)

	var unbounded *Budget
	assert.NoError(t, unbounded.Spend(1<<40))
	assert.True(t, unbounded.allows(1<<40))
}
