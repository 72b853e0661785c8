package billmgr

// The options of NewClient, each checking its input: the credentials, the transport and
// its TLS settings for the self-signed certificates of port 1500, and the rest of the
// client's configuration.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Option configures a Client. Each option checks its input; NewClient returns the first
// error.
type Option func(*Client) error

// WithAuthInfo sends user:password with every call (authinfo). Nothing is kept on the
// server; each call authenticates anew.
func WithAuthInfo(user, password string) Option {
	return func(c *Client) error {
		if err := checkUserPassword(user, password); err != nil {
			return err
		}
		c.creds = &credentials{user: user, password: password}
		return nil
	}
}

// WithSession logs in with func=auth on the first call, keeps the session id, and logs in
// again when the server answers with an auth error (sessions expire after an hour idle).
// Concurrent calls that find no session share one login.
func WithSession(user, password string) Option {
	return func(c *Client) error {
		if err := checkUserPassword(user, password); err != nil {
			return err
		}
		c.creds = &credentials{user: user, password: password, session: &sessionState{}}
		return nil
	}
}

// WithSessionID uses a session id obtained elsewhere (auth=). It cannot be renewed: when it
// expires, calls fail with ErrAuth.
func WithSessionID(id string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(id) == "" {
			return errors.New("billmgr: WithSessionID: empty session id")
		}
		c.creds = &credentials{sessionID: id}
		return nil
	}
}

func checkUserPassword(user, password string) error {
	switch {
	case user == "":
		return errors.New("billmgr: empty user name")
	case strings.Contains(user, ":"):
		return errors.New("billmgr: the user name must not contain a colon")
	case password == "":
		return errors.New("billmgr: empty password")
	}
	return nil
}

// WithHTTPClient sends requests through hc. The client is used as given and never
// modified; the SDK only refuses to follow redirects on its own copy (whose transport wraps
// hc's to keep a redirect's Location, which may carry credentials, out of http.Client's
// errors). The time limits of hc's transport apply instead of the SDK's (see NewClient):
// set a deadline on the context, or ResponseHeaderTimeout and the like on the transport.
// Whatever the transport, a request body cannot be sent twice: its GetBody refuses once any
// of it was read, so neither net/http nor HTTP/2 replays a call after a stream reset or a
// GOAWAY.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("billmgr: WithHTTPClient: nil client")
		}
		c.hc = hc
		return nil
	}
}

// WithLang sets the language of messages and localized columns ("en" by default, "ru", …).
func WithLang(lang string) Option {
	return func(c *Client) error {
		if lang == "" || strings.ContainsAny(lang, "&=? /") {
			return fmt.Errorf("billmgr: WithLang: invalid language %q", lang)
		}
		c.lang = lang
		return nil
	}
}

// WithLocation sets the server's time zone: dates in replies carry no zone and are read as
// wall-clock time there. The default is UTC.
func WithLocation(loc *time.Location) Option {
	return func(c *Client) error {
		if loc == nil {
			return errors.New("billmgr: WithLocation: nil location")
		}
		c.loc = loc
		return nil
	}
}

// WithLogger logs each call (function, attempt, HTTP status, duration, redacted error) at
// debug level and retries at warn level. The SDK is silent by default.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("billmgr: WithLogger: nil logger")
		}
		c.log = l
		return nil
	}
}

// WithTrace hands each HTTP exchange to trace when it ends: the request as sent and the
// reply as received, with every secret redacted (see Trace). Every try of a call is an
// exchange of its own, and so is the login of WithSession. It is for seeing what a
// misbehaving integration sends and gets; LogTrace logs the exchanges with slog instead.
// Without it, the SDK records nothing.
//
// ctx is the context of the call (for a login, the login's own). trace runs on the
// goroutine that made the exchange, before the call returns, so the calls of a client
// shared by several goroutines may run it at the same time; it must not call the client.
// A reply handed over to be read (PDF) is traced when the caller closes it.
func WithTrace(trace func(ctx context.Context, t Trace)) Option {
	return func(c *Client) error {
		if trace == nil {
			return errors.New("billmgr: WithTrace: nil function")
		}
		c.trace = trace
		return nil
	}
}

// WithRetry replaces DefaultRetryPolicy.
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n") {
			return fmt.Errorf("billmgr: WithUserAgent: invalid user agent %q", ua)
		}
		c.ua = ua
		return nil
	}
}

// WithDryRun makes the client send nothing that changes state: each call that would
// (a create, an update, a group action, Call) hands its request to record instead — the
// function and its parameters as they would go out, without credentials and with
// passwords redacted — and fails with an error wrapping ErrDryRun. Reads are sent as
// usual. The billmgr command's --dry-run is built on it.
func WithDryRun(record func(fn string, params url.Values)) Option {
	return func(c *Client) error {
		if record == nil {
			return errors.New("billmgr: WithDryRun: nil function")
		}
		c.dryRun = record
		return nil
	}
}

// ErrDryRun is wrapped by the error of every call a WithDryRun client did not send.
var ErrDryRun = errors.New("dry run: not sent")

// WithMaxResponseBytes bounds every reply (64 MiB by default), each page of a list walk
// included: at most n bytes are read from one reply, and everything counts, the rows and
// what lies between them. What the SDK builds from one reply may take at most 3n bytes of
// memory, charged as it is built: every element of the tree Call returns costs at least the
// size of a Node, every row a List page keeps at least the size of its struct, every key
// All keeps (to yield each row once) at least the size of its entry in the set, however
// few bytes each took in the reply; a buffer charges what it allocates as it grows. So one
// call holds at most about 4n, whatever the reply: a page of millions of tiny elements
// cannot make a reply of n bytes take n times more memory. Real replies build less than
// twice their size. A reply past either bound fails the call with an error that wraps
// ErrUnexpectedResponse and is not retried.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) error {
		if n < 1024 {
			return fmt.Errorf("billmgr: WithMaxResponseBytes: %d is below the 1024-byte minimum", n)
		}
		c.maxBytes = n
		return nil
	}
}

// tlsOptions configure the SDK's own transport for the self-signed certificates that
// BILLmanager's port 1500 usually serves.
type tlsOptions struct {
	roots    *x509.CertPool
	pin      *pin
	insecure bool
}

func (o tlsOptions) set() bool { return o.roots != nil || o.pin != nil || o.insecure }

func (o tlsOptions) transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// Connections are kept for reuse, 64 per host; they are not capped. A cap deadlocks:
	// each All holds its connection while the caller's loop body runs, so callers walking
	// lists that call the API inside their loops would wait for one another forever.
	t.MaxIdleConnsPerHost = 64
	t.ResponseHeaderTimeout = defaultHeaderTimeout
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: o.roots, InsecureSkipVerify: o.insecure} //nolint:gosec // opt-in, see WithInsecureSkipVerify
	if o.pin != nil {
		// The pin replaces chain verification: it names the one certificate to trust.
		cfg.InsecureSkipVerify = true //nolint:gosec // verified against the pin
		cfg.VerifyConnection = o.pin.verify
	}
	t.TLSClientConfig = cfg
	return t
}

// certificateError reports whether err is a failed verification of the server's
// certificate: an unknown authority, a wrong name, an expired certificate, a pin mismatch.
// Trying again cannot help, so such a failure is not retried.
func certificateError(err error) bool {
	var (
		verify    *tls.CertificateVerificationError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		mismatch  *PinMismatchError
	)
	return errors.As(err, &verify) || errors.As(err, &authority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &mismatch)
}

// WithRootCAs trusts the certificates in pool (for example the panel's self-signed one)
// instead of the system roots.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *Client) error {
		if pool == nil {
			return errors.New("billmgr: WithRootCAs: nil pool")
		}
		c.tls.roots = pool
		return nil
	}
}

// WithPinnedCertificate trusts exactly the server whose certificate public key (the
// SubjectPublicKeyInfo) has this SHA-256, in hex, whatever signed it:
//
//	openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | sha256sum
func WithPinnedCertificate(sha256Hex string) Option {
	return func(c *Client) error {
		p, err := parsePin(sha256Hex)
		if err != nil {
			return fmt.Errorf("billmgr: WithPinnedCertificate: %v", err)
		}
		c.tls.pin = p
		return nil
	}
}

// WithInsecureSkipVerify accepts any certificate. Anyone on the path can then read the
// credentials: prefer WithRootCAs or WithPinnedCertificate.
func WithInsecureSkipVerify() Option {
	return func(c *Client) error {
		c.tls.insecure = true
		return nil
	}
}
