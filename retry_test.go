package billmgr

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBackoffIsCappedAndJittered(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxAttempts: 10, MinDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for attempt := 1; attempt <= 40; attempt++ {
		d := p.backoff(attempt, errors.New("x"))
		want := min(p.MinDelay<<min(attempt-1, 30), p.MaxDelay)
		assert.GreaterOrEqual(t, d, want/2, "attempt %d", attempt)
		assert.LessOrEqual(t, d, want, "attempt %d", attempt)
	}
}

func TestBackoffHonoursRetryAfterUpToTheCap(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxAttempts: 3, MinDelay: time.Millisecond, MaxDelay: 3 * time.Second}
	assert.Equal(t, 2*time.Second, p.backoff(1, &HTTPError{StatusCode: 429, retryAfter: "2"}))
	assert.Equal(t, 3*time.Second, p.backoff(1, &HTTPError{StatusCode: 503, retryAfter: "120"}))
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	assert.True(t, retryable(&HTTPError{StatusCode: 502}))
	assert.True(t, retryable(&HTTPError{StatusCode: 429}))
	assert.False(t, retryable(&HTTPError{StatusCode: 500}))
	assert.False(t, retryable(&HTTPError{StatusCode: 404}))
	assert.True(t, retryable(&transportError{errors.New("reset")}))
	assert.False(t, retryable(&Error{Type: "value"}))
	assert.False(t, retryable(ErrUnexpectedResponse))
}
