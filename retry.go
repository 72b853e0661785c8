package billmgr

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// RetryPolicy says how calls that change nothing (lists, views, history) are retried after
// a connection failure or an HTTP 429, 502, 503 or 504. Calls that change state are never
// sent twice, whatever the policy; only their login, when it fails, is tried again, since
// nothing of the call went out. A certificate that fails verification is never retried.
//
// The policy bounds one call as a whole, logins included: a try is one request, preceded
// by a login when the client has no session (WithSession), and a failed login is a failed
// try. With a login answering 503, a read makes MaxAttempts logins, not MaxAttempts for
// each of its tries. Concurrent calls share one login; each call counts the logins it
// waited for as its own tries. Besides its tries, a call refused with an auth error logs in
// once more and is sent once more (the server refused it unexecuted).
type RetryPolicy struct {
	// MaxAttempts is the number of tries including the first; 1 turns retries off.
	MaxAttempts int
	// MinDelay is the first wait; each further wait doubles, up to MaxDelay, and is
	// jittered down by up to half. A Retry-After header is honoured up to MaxDelay.
	MinDelay, MaxDelay time.Duration
}

// DefaultRetryPolicy makes up to four tries, waiting about 0.25 s, 0.5 s and 1 s.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, MinDelay: 250 * time.Millisecond, MaxDelay: 8 * time.Second}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 1:
		return fmt.Errorf("billmgr: RetryPolicy.MaxAttempts is %d; want at least 1", p.MaxAttempts)
	case p.MinDelay < 0 || p.MaxDelay < p.MinDelay:
		return errors.New("billmgr: RetryPolicy wants 0 <= MinDelay <= MaxDelay")
	}
	return nil
}

// backoff returns the wait before try attempt+1.
func (p RetryPolicy) backoff(attempt int, err error) time.Duration {
	var he *HTTPError
	if errors.As(err, &he) {
		if secs, perr := strconv.Atoi(he.retryAfter); perr == nil && secs >= 0 {
			return min(time.Duration(secs)*time.Second, p.MaxDelay)
		}
	}
	d := p.MinDelay << min(attempt-1, 30)
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// retryable reports whether a try that failed with err is worth another: a failure of the
// connection, or an HTTP 429, 502, 503 or 504. A failed certificate verification is not a
// transportError, and is never retried.
func retryable(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.temporary()
	}
	var te *transportError
	return errors.As(err, &te)
}
