package billmgr

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Version is the SDK's version, sent in the User-Agent.
const Version = "0.1.0"

const (
	defaultLang             = "en"
	defaultMaxResponseBytes = 64 << 20
	defaultUserAgent        = "billmgr-go/" + Version

	// The time limits of the SDK's own transport (not of a transport given with
	// WithHTTPClient). A reply must start (its headers) within defaultHeaderTimeout of the
	// request going out, and each later read of it must bring a byte within
	// defaultIdleTimeout. Connecting is bounded by net/http's defaults: 30 s to dial and
	// 10 s for the TLS handshake.
	defaultHeaderTimeout = time.Minute
	defaultIdleTimeout   = 30 * time.Second
)

// Client calls the BILLmanager API. It is safe for concurrent use; make one per server and
// user and share it.
type Client struct {
	baseURL  string
	hc       *http.Client
	lang     string
	loc      *time.Location
	log      *slog.Logger
	retry    RetryPolicy
	ua       string
	maxBytes int64
	idle     time.Duration // the idle-read timeout of a reply; 0 with WithHTTPClient
	su       string
	creds    *credentials
	dryRun   func(fn string, params url.Values)
	trace    func(context.Context, Trace)

	tls tlsOptions

	Accounts      *AccountsService
	Payments      *PaymentsService
	Subaccounts   *SubaccountsService
	Discounts     *DiscountsService
	Expenses      *ExpensesService
	TaxRules      *TaxRulesService
	CurrencyRates *CurrencyRatesService
}

// service is what every resource service holds: the client it calls through.
type service struct{ client *Client }

func (c *Client) initServices() {
	c.Accounts = &AccountsService{client: c}
	c.Payments = &PaymentsService{client: c}
	c.Subaccounts = &SubaccountsService{client: c}
	c.Discounts = &DiscountsService{client: c}
	c.Expenses = &ExpensesService{client: c}
	c.TaxRules = &TaxRulesService{client: c}
	c.CurrencyRates = &CurrencyRatesService{client: c}
}

// Option configures a Client. Each option checks its input; NewClient returns the first
// error.
type Option func(*Client) error

// NewClient returns a client for the BILLmanager at baseURL, such as
// "https://billing.example.com:1500/billmgr". A bare host ("https://billing.example.com")
// gets "/billmgr" appended. It validates its arguments and does no I/O.
//
// Unless WithHTTPClient gives another, the client has a transport of its own, which keeps
// up to 64 idle connections per host for reuse and limits time: 30 s to connect, 10 s for
// the TLS handshake, 1 minute for the reply to start after the request went out, and
// 30 s between two reads of a reply (a reply that stalls fails even when the context has
// no deadline). A call with no deadline is therefore bounded until its reply starts; see
// RetryPolicy for the tries. Set a deadline on the context to bound the whole call.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	base, err := normalizeBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		baseURL:  base,
		lang:     defaultLang,
		loc:      time.UTC,
		log:      slog.New(discardHandler{}),
		retry:    DefaultRetryPolicy,
		ua:       defaultUserAgent,
		maxBytes: defaultMaxResponseBytes,
		creds:    &credentials{},
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.hc == nil {
		c.hc = &http.Client{Transport: c.tls.transport()}
		c.idle = defaultIdleTimeout
	} else if c.tls.set() {
		return nil, errors.New("billmgr: the TLS options configure the SDK's own transport; with WithHTTPClient, set TLS on that client's transport instead")
	}
	// Redirects are never followed: a 3xx is the panel sending us to a login page.
	hc := *c.hc
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	hc.Transport = redirectsAsReplies{rt}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = &hc
	c.initServices()
	return c, nil
}

// normalizeBaseURL checks baseURL and appends /billmgr to a bare host. Its errors never
// repeat the URL: it may carry a password (in its user information or its query), even one
// so mangled that the URL does not parse.
func normalizeBaseURL(raw string) (string, error) {
	const want = "want an http or https URL such as https://billing.example.com:1500/billmgr"
	raw = strings.TrimSpace(raw)
	if strings.Contains(raw, "@") || strings.Contains(strings.ToLower(raw), "%40") {
		return "", errors.New("billmgr: the base URL must not carry credentials (user information); pass them with WithAuthInfo or WithSession")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", errors.New("billmgr: the base URL does not parse; " + want)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", errors.New("billmgr: the base URL is not an http or https URL; " + want)
	case u.Host == "":
		return "", errors.New("billmgr: the base URL has no host; " + want)
	case u.RawQuery != "" || u.ForceQuery:
		return "", errors.New("billmgr: the base URL must not carry a query string; pass credentials with WithAuthInfo or WithSession")
	case u.Fragment != "":
		return "", errors.New("billmgr: the base URL must not carry a fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if u.Path == "" {
		u.Path = "/billmgr"
	}
	return u.String(), nil
}

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

// dryRunParams is the form r would send, without credentials, redacted (shownParams).
func (c *Client) dryRunParams(r *request) url.Values {
	form := url.Values{}
	for k, v := range r.params {
		form[k] = v
	}
	form.Set("func", r.fn)
	if c.su != "" {
		form.Set("su", c.su)
	}
	return c.shownParams(form, secretValues(r.params))
}

// shownParams is a copy of form fit to show, as WithDryRun and WithTrace show a request:
// every secret parameter (secretParam) is [REDACTED], and the client's secrets and
// secrets (the values of the secret parameters the call sends) are redacted from the
// other values.
func (c *Client) shownParams(form url.Values, secrets []string) url.Values {
	shown := make(url.Values, len(form))
	for k, vals := range form {
		if secretParam(k) {
			shown[k] = []string{redacted}
			continue
		}
		shown[k] = make([]string, len(vals))
		for i, v := range vals {
			shown[k][i] = c.creds.redact(v, secrets...)
		}
	}
	return shown
}

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
	pin      []byte
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
		cfg.InsecureSkipVerify = true //nolint:gosec // verified below against the pin
		pin := o.pin
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the server sent no certificate")
			}
			sum := sha256.Sum256(cs.PeerCertificates[0].RawSubjectPublicKeyInfo)
			if string(sum[:]) != string(pin) {
				return &pinMismatchError{got: sum}
			}
			return nil
		}
	}
	t.TLSClientConfig = cfg
	return t
}

// pinMismatchError is a server whose certificate key is not the pinned one.
type pinMismatchError struct{ got [sha256.Size]byte }

func (e *pinMismatchError) Error() string {
	return fmt.Sprintf("the server's certificate key does not match the pinned SHA-256 (got %x)", e.got)
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
		pin       *pinMismatchError
	)
	return errors.As(err, &verify) || errors.As(err, &authority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &pin)
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
		pin, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(sha256Hex), ":", ""))
		if err != nil || len(pin) != sha256.Size {
			return errors.New("billmgr: WithPinnedCertificate: want 64 hex digits of a SHA-256")
		}
		c.tls.pin = pin
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

// As returns a copy of c whose calls run with the rights of user (su=user). It shares the
// connection pool and the session of c. An administrator may act as any client.
func (c *Client) As(user string) *Client {
	cc := *c
	cc.su = user
	cc.initServices()
	return &cc
}

// Location returns the server's time zone set with WithLocation.
func (c *Client) Location() *time.Location { return c.loc }

// BaseURL returns the normalized base URL.
func (c *Client) BaseURL() string { return c.baseURL }

// reservedParams are set by the client itself and may not come from a caller.
var reservedParams = []string{"func", "out", "auth", "authinfo", "su"}

// Call calls any function with the given parameters and returns the reply document. It is
// the escape hatch for functions the typed services do not cover. Call sends the request
// once and never retries it, because it cannot know whether fn changes state; only after
// an auth error with WithSession does it log in again and send it once more.
//
// For the same reason Call treats every call as one that may change state. A failure after
// the request went out (the connection lost, the reply cut short or not a document, an
// HTTP status other than 4xx) wraps ErrOutcomeUnknown: for a function that changes state,
// look the object up before calling again; for one that changes nothing, ignore it. A reply
// without <ok/> is not an error here: Call returns the document as it came, so after a
// call that changes state check doc.OK() (the typed services do).
//
// Before sending, Call refuses parameters that are not valid UTF-8 and an elid or plid
// list with an empty item ("1, , 2"). It cannot know whether fn takes one id or a list, so
// a list where one id is expected reaches the server, which answers value(elid).
func (c *Client) Call(ctx context.Context, fn string, params url.Values) (*Doc, error) {
	if err := checkFunc(fn); err != nil {
		return nil, err
	}
	for _, k := range reservedParams {
		if _, ok := params[k]; ok {
			return nil, argError(fn, "the parameter %q is set by the client; use the options of NewClient or As", k)
		}
	}
	for _, k := range []string{"elid", "plid"} {
		for _, v := range params[k] {
			if hasEmptyItem(v) {
				return nil, argError(fn, `parameter %s %q: an empty item in the list; separate ids with ", "`, k, v)
			}
		}
	}
	return c.document(ctx, &request{fn: fn, params: params})
}

// hasEmptyItem reports whether an elid or plid list has an empty item ("1, , 2", "1,",
// ",1"): the server skips the empty item and acts on the rest, which is never what was
// meant, so Call refuses it. Call cannot know whether a function takes one id or a list, so
// "1, 2" passes; a function that takes one id answers it with value(elid). The typed
// services build ids from int64 values and cannot send either.
func hasEmptyItem(v string) bool {
	if strings.TrimSpace(v) == "" || !strings.Contains(v, ",") {
		return false
	}
	for _, item := range strings.Split(v, ",") {
		if strings.TrimSpace(item) == "" {
			return true
		}
	}
	return false
}

// checkUTF8 refuses a parameter that is not valid UTF-8 (the encoding BILLmanager stores)
// before anything is sent.
func checkUTF8(fn string, params url.Values, su string) error {
	if !utf8.ValidString(su) {
		return argError(fn, "the user of As is not valid UTF-8")
	}
	for k, vals := range params {
		if !utf8.ValidString(k) {
			return argError(fn, "a parameter name is not valid UTF-8")
		}
		for _, v := range vals {
			if !utf8.ValidString(v) {
				return argError(fn, "parameter %s is not valid UTF-8", k)
			}
		}
	}
	return nil
}

func checkFunc(fn string) error {
	if fn == "" || strings.ContainsAny(fn, "&=?# \t\r\n") {
		return fmt.Errorf("billmgr: %w: invalid function name %q", ErrInvalidArgument, fn)
	}
	return nil
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

// discardHandler is a slog handler that drops everything (slog.DiscardHandler is Go 1.24+).
type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }

// credentials hold the authentication of a client and everything that must be redacted.
type credentials struct {
	user, password string
	sessionID      string        // WithSessionID
	session        *sessionState // WithSession

	mu      sync.Mutex
	secrets []string // values to redact besides the password: session ids, login keys
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

// maxRememberedSecrets bounds the session ids and keys kept for redaction.
const maxRememberedSecrets = 32

func (cr *credentials) addSecret(s string) {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	cr.secrets = append(cr.secrets, s)
	if len(cr.secrets) > maxRememberedSecrets {
		cr.secrets = cr.secrets[len(cr.secrets)-maxRememberedSecrets:]
	}
}

// redact removes from s every configured secret and every value of extra (the passwords a
// call sends), as they are and in any encoding redactValue knows.
func (cr *credentials) redact(s string, extra ...string) string {
	for _, v := range cr.values(extra...) {
		s = redactValue(s, v)
	}
	return s
}

// values are the secrets redact removes: the configured ones, and extra.
func (cr *credentials) values(extra ...string) []string {
	cr.mu.Lock()
	values := append([]string{cr.password, cr.sessionID}, cr.secrets...)
	cr.mu.Unlock()
	if cr.password != "" {
		values = append(values, cr.user+":"+cr.password)
	}
	return append(values, extra...)
}

// redactValue replaces every occurrence of secret in s with [REDACTED]: as it is,
// URL-encoded in any form, with each byte literal or percent-encoded in upper or lower
// hex, and a space as "+" or "%20", and XML-escaped, with each ASCII character literal or
// a character reference (&amp;, &#38;, &#x26;) as a reply document writes it.
func redactValue(s, secret string) string {
	if secret == "" {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		end, _ := encodedMatch(s, i, secret)
		if end < 0 {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(redacted)
		last, i = end, end-1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// encodedMatch returns where secret, in any encoding redactValue knows, ends in s if it
// starts at i, or -1; and whether s ends inside it (s[i:] is the start of secret in some
// encoding, a character reference or a percent escape cut short included). A '%' of
// secret may match itself or "%25", and a '&' itself or "&amp;", so several ends may be
// alive at once; the longest one wins.
func encodedMatch(s string, i int, secret string) (end int, partial bool) {
	if c := s[i]; c != secret[0] && c != '%' && c != '+' && c != '&' {
		return -1, false // the common case, without allocating
	}
	ends := []int{i}
	for k := 0; k < len(secret) && len(ends) > 0; k++ {
		c := secret[k]
		var next []int
		for _, p := range ends {
			rest := s[p:]
			if rest == "" {
				partial = true
				continue
			}
			if rest[0] == c || c == ' ' && rest[0] == '+' {
				next = appendOnce(next, p+1)
			}
			switch rest[0] {
			case '%':
				if len(rest) >= 3 && unhex(rest[1])<<4|unhex(rest[2]) == int(c) {
					next = appendOnce(next, p+3)
				}
				partial = partial || len(rest) == 1 || len(rest) == 2 && unhex(rest[1]) == int(c>>4)
			case '&':
				v, n, cut := charRef(rest)
				if n > 0 && v == int(c) {
					next = appendOnce(next, p+n)
				}
				partial = partial || cut
			}
		}
		ends = next
	}
	if len(ends) == 0 {
		return -1, partial
	}
	return slices.Max(ends), partial
}

// maxCharRef is the longest character reference charRef reads ("&#x0000026;").
const maxCharRef = 12

// charRef reads the XML character reference that starts s: &amp;, &lt;, &gt;, &quot;,
// &apos;, or a numeric one (&#38;, &#x26;) of an ASCII character. It returns the
// character and the reference's length, or n = 0 when s starts with none; cut reports
// that s ends inside what may be one.
func charRef(s string) (v, n int, cut bool) {
	end := strings.IndexByte(s[:min(len(s), maxCharRef)], ';')
	if end < 0 {
		return 0, 0, len(s) < maxCharRef && strings.Trim(s[1:], "#0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
	}
	name := s[1:end]
	switch {
	case name == "amp":
		return '&', end + 1, false
	case name == "lt":
		return '<', end + 1, false
	case name == "gt":
		return '>', end + 1, false
	case name == "quot":
		return '"', end + 1, false
	case name == "apos":
		return '\'', end + 1, false
	case strings.HasPrefix(name, "#x"):
		code, err := strconv.ParseUint(name[2:], 16, 7)
		if err == nil {
			return int(code), end + 1, false
		}
	case strings.HasPrefix(name, "#"):
		code, err := strconv.ParseUint(name[1:], 10, 7)
		if err == nil {
			return int(code), end + 1, false
		}
	}
	return 0, 0, false
}

func appendOnce(list []int, v int) []int {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// unhex is the value of a hex digit, or a value that matches no byte.
func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return 1 << 10
}

// redactError returns err with the secrets (and extra) removed from its text; errors.Is
// and errors.As still reach the original.
func (cr *credentials) redactError(err error, extra ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := cr.redact(msg, extra...); clean != msg {
		return &secretError{msg: clean, err: err}
	}
	return err
}

// redactAPIError removes the secrets (and extra) from the texts of an <error> the server
// sent (it may echo a password or the session id in a param or the message), so that a
// caller who unwraps it with errors.As and logs its fields leaks nothing. Type and Func
// stay as they are: errors.Is matches on Type.
func (cr *credentials) redactAPIError(e *Error, extra ...string) {
	e.Object, e.Value = cr.redact(e.Object, extra...), cr.redact(e.Value, extra...)
	e.Msg, e.Detail = cr.redact(e.Msg, extra...), cr.redact(e.Detail, extra...)
	for k, v := range e.Params {
		e.Params[k] = cr.redact(v, extra...)
	}
	for k, v := range e.Attrs {
		e.Attrs[k] = cr.redact(v, extra...)
	}
}

// secretParam reports whether a parameter carries a secret by its name: the credentials,
// a login key, and any parameter whose name says password (passwd, confirm, new_password,
// old_pwd, …). Their values are redacted wherever the server echoes them.
func secretParam(name string) bool {
	if echoedSecrets[name] {
		return true
	}
	name = strings.ToLower(name)
	return strings.Contains(name, "passw") || strings.Contains(name, "pwd") || strings.Contains(name, "secret")
}

// secretValues returns the values of the secret parameters of params.
func secretValues(params url.Values) []string {
	var out []string
	for k, vals := range params {
		if !secretParam(k) {
			continue
		}
		for _, v := range vals {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	return out
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

// request is one API call.
type request struct {
	fn     string
	params url.Values
	// readOnly calls change nothing on the server (lists, views, history) and may be
	// retried; every other call is sent once.
	readOnly bool
	login    bool // func=auth itself: no credentials, no renewal, one try
	// decode reads the reply; it owns resp.Body and must close it. Nil means a whole
	// document, kept in doc.
	decode func(resp *http.Response) error
	doc    *Doc
	// handsOver says that decode may hand resp.Body to the caller (a PDF, streamed): the
	// request then lives until the caller closes the body, not only until the attempt ends.
	handsOver bool
	// secrets are the values of the secret parameters the call sends (see secretParam),
	// redacted with the client's own from everything the call returns and logs.
	secrets []string
}

// mayBeApplied marks err, a failure after r went out, with ErrOutcomeUnknown when r may
// change state: every call but reads and logins (Call included, since it cannot know).
func (r *request) mayBeApplied(err error) error {
	if r.readOnly || r.login || errors.Is(err, ErrOutcomeUnknown) {
		return err
	}
	return fmt.Errorf("%w (%w)", err, ErrOutcomeUnknown)
}

// document sends r and returns the reply document, or its <error> as *Error.
func (c *Client) document(ctx context.Context, r *request) (*Doc, error) {
	r.decode = c.decodeDocument(r)
	if err := c.send(ctx, r); err != nil {
		return nil, err
	}
	return r.doc, nil
}

// decodeDocument is the decode of a request whose reply is a whole document, kept in
// r.doc; its <error> is returned as *Error.
func (c *Client) decodeDocument(r *request) func(*http.Response) error {
	return func(resp *http.Response) error {
		defer resp.Body.Close()
		doc, err := decodeDoc(resp.Body, c.maxBytes)
		if err != nil {
			return err
		}
		if e := doc.Child("error"); e != nil {
			return errorFromNode(r.fn, e)
		}
		r.doc = doc
		return nil
	}
}

// send runs r: reads are retried under the retry policy, writes are sent once, and a call
// refused with an auth error on a renewable session is sent once more after a new login.
func (c *Client) send(ctx context.Context, r *request) error {
	if err := checkUTF8(r.fn, r.params, c.su); err != nil {
		return err
	}
	if c.dryRun != nil && !r.readOnly {
		c.dryRun(r.fn, c.dryRunParams(r))
		return fmt.Errorf("billmgr: %s: %w", r.fn, ErrDryRun)
	}
	r.secrets = secretValues(r.params)
	return c.sendChecked(ctx, r)
}

// sendChecked is send for a request whose parameters are valid. The retry policy bounds
// the tries of the call, logins included: a try is the request, preceded by a login when
// there is no session, and a failed login is a failed try.
func (c *Client) sendChecked(ctx context.Context, r *request) error {
	renewed := false
	for attempt := 1; ; attempt++ {
		gen, err := c.attempt(ctx, r, attempt)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return c.contextError(ctx, r, err)
		}
		var apiErr *Error
		if errors.As(err, &apiErr) && apiErr.Type == "auth" && gen > 0 && !renewed {
			// The server refused the call unexecuted: log in again and send it once more.
			renewed = true
			c.creds.invalidate(gen)
			c.log.LogAttrs(ctx, slog.LevelInfo, "billmgr: session expired, logging in again", slog.String("func", r.fn))
			attempt--
			continue
		}
		if !c.retries(r, err, attempt) {
			return c.creds.redactError(err, r.secrets...)
		}
		wait := c.retry.backoff(attempt, err)
		c.log.LogAttrs(ctx, slog.LevelWarn, "billmgr: retrying",
			slog.String("func", r.fn), slog.Int("attempt", attempt), slog.Duration("wait", wait),
			slog.String("error", c.creds.redact(err.Error(), r.secrets...)))
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return c.contextError(ctx, r, err)
		case <-timer.C:
		}
	}
}

// errLoginFailed is wrapped by the error of a call whose login failed: nothing of the
// call itself went out.
var errLoginFailed = errors.New("not sent, the login failed")

// retries reports whether r is tried again after its try attempt failed with err, within
// the policy, after a transient failure: a call that changes nothing, and a call that
// changes state whose login failed (nothing of it went out). A login itself is tried
// once: the call waiting for it tries again, so the policy bounds the logins of a call.
func (c *Client) retries(r *request, err error, attempt int) bool {
	if r.login || attempt >= c.retry.MaxAttempts || !retryable(err) {
		return false
	}
	return r.readOnly || errors.Is(err, errLoginFailed)
}

// contextError is the error of r once ctx is done: ctx.Err() wins, marked with
// ErrOutcomeUnknown when the failed try err may have been applied.
func (c *Client) contextError(ctx context.Context, r *request, err error) error {
	cerr := fmt.Errorf("billmgr: %s: %w", r.fn, ctx.Err())
	if errors.Is(err, ErrOutcomeUnknown) {
		return r.mayBeApplied(cerr)
	}
	return cerr
}

// attempt makes one HTTP exchange and returns the session generation it used.
//
// Its error says whether the request may have been applied (see ErrOutcomeUnknown): not
// when the login or the connection failed before the transport read the request body,
// nor when the server or a proxy refused it (an <error> document, an HTTP 4xx); else,
// once the transport read the body, whatever went wrong may have happened after the
// server applied the call.
func (c *Client) attempt(ctx context.Context, r *request, n int) (int, error) {
	start := time.Now()
	form := url.Values{}
	for k, v := range r.params {
		form[k] = v
	}
	form.Set("func", r.fn)
	form.Set("out", "xml")
	if form.Get("lang") == "" {
		form.Set("lang", c.lang)
	}
	if c.su != "" && !r.login {
		form.Set("su", c.su)
	}
	gen := 0
	if !r.login {
		var err error
		if gen, err = c.authenticate(ctx, form); err != nil {
			return 0, &chainError{
				msg:  fmt.Sprintf("billmgr: %s: %v: %s", r.fn, errLoginFailed, unprefixed(err)),
				errs: []error{errLoginFailed, err},
			}
		}
	}
	reqCtx, cancel := context.WithCancel(ctx)
	release := cancel // what ends the request when the attempt returns
	defer func() { release() }()
	body := &onceBody{data: form.Encode()}
	req, err := c.newRequest(reqCtx, body)
	if err != nil {
		return gen, fmt.Errorf("billmgr: %s: %w", r.fn, err)
	}
	x := c.startExchange(ctx, r, n, form)
	resp, err := c.hc.Do(req)
	if err != nil {
		err = transportFailure(r.fn, err)
		if body.sent() {
			err = r.mayBeApplied(err)
		}
		c.logCall(ctx, r, n, 0, start, err)
		x.end(err)
		return gen, err
	}
	if r.handsOver {
		resp.Body = &closeCancels{ReadCloser: resp.Body, cancel: cancel}
		release = func() {}
	}
	if c.idle > 0 {
		resp.Body = newIdleBody(resp.Body, c.idle, cancel)
	}
	resp.Body = x.watch(resp)
	err = c.checkStatus(r, resp)
	if err == nil {
		err = r.decode(resp)
		if err != nil && !isAPIError(err) {
			err = fmt.Errorf("billmgr: %s: %w", r.fn, err)
		}
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		c.creds.redactAPIError(apiErr, r.secrets...)
	}
	if err != nil && !refused(err) {
		err = r.mayBeApplied(err)
	}
	c.logCall(ctx, r, n, resp.StatusCode, start, err)
	x.end(err)
	return gen, err
}

// newRequest is the POST of the encoded form in body.
func (c *Client) newRequest(ctx context.Context, body *onceBody) (*http.Request, error) {
	first, err := body.reader()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL, first)
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(body.data))
	req.GetBody = body.reader
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Accept", "application/xml, text/xml")
	req.Header.Set("User-Agent", c.ua)
	return req, nil
}

// transportFailure wraps an error of the HTTP client: a failure of the connection, which
// a read may retry, or a certificate that failed verification, which no retry can fix.
func transportFailure(fn string, err error) error {
	if certificateError(err) {
		return fmt.Errorf("billmgr: %s: %w (%w: trust it with WithRootCAs or WithPinnedCertificate, or, with WithHTTPClient, in that client's TLS configuration)",
			fn, err, ErrUntrustedCertificate)
	}
	return &transportError{fmt.Errorf("billmgr: %s: %w", fn, err)}
}

func isAPIError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// refused reports whether err is a refusal of the call as it came, which applied nothing:
// an <error> document, or an HTTP 4xx from the server or a proxy in front of it.
func refused(err error) bool {
	var he *HTTPError
	return isAPIError(err) || errors.As(err, &he) && he.StatusCode >= 400 && he.StatusCode < 500
}

// The bounds of HTTPError.Body: the start of the reply is read up to httpErrorRead bytes,
// redacted, and then cut to httpErrorKeep bytes, so that no cut falls inside a secret.
const (
	httpErrorRead = 64 << 10
	httpErrorKeep = 512
)

// checkStatus refuses every status but 200, closing the body of a refused reply.
func (c *Client) checkStatus(r *request, resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return fmt.Errorf("billmgr: %s: %w: HTTP %s redirect to %s (a login page or a proxy); check the base URL and credentials",
			r.fn, ErrUnexpectedResponse, resp.Status, c.creds.redact(showLocation(resp.Header.Get(locationHeader)), r.secrets...))
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, httpErrorRead))
	body := c.creds.redact(strings.ToValidUTF8(string(head), "?"), r.secrets...)
	return &HTTPError{Func: r.fn, StatusCode: resp.StatusCode, Status: resp.Status, Body: cutUTF8(body, httpErrorKeep),
		retryAfter: resp.Header.Get("Retry-After")}
}

// redirectsAsReplies wraps the transport of the SDK's copy of the HTTP client: it hides the
// Location of a redirect from http.Client, which would otherwise try to follow it, and quote
// it whole, user information included, in its error when it does not parse. checkStatus
// reports the redirect instead, without the secrets.
type redirectsAsReplies struct{ rt http.RoundTripper }

// locationHeader holds the Location of a redirect, out of http.Client's sight.
const locationHeader = "X-Billmgr-Location"

func (t redirectsAsReplies) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err == nil && resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if loc := resp.Header.Values("Location"); loc != nil {
			resp.Header[locationHeader] = loc
			resp.Header.Del("Location")
		}
	}
	return resp, err
}

// CloseIdleConnections closes the idle connections of the transport, if it keeps any.
func (t redirectsAsReplies) CloseIdleConnections() {
	if ci, ok := t.rt.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// cutUTF8 cuts s to at most n bytes, at the start of a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// showLocation quotes where a redirect points, without anything that may be secret: the
// user information, however it is encoded, the query and the fragment. A location that
// does not parse is not shown.
func showLocation(loc string) string {
	loc = strings.TrimSpace(loc)
	u, err := url.Parse(loc)
	switch {
	case loc == "":
		return "nowhere (no Location)"
	case err != nil || u.Opaque != "":
		return "a location that is not a URL"
	}
	// url.Parse refuses an encoded '@' in the host; in the path it is taken as it comes.
	segments := strings.Split(u.EscapedPath(), "/")
	for i, seg := range segments {
		if unescaped, err := url.PathUnescape(seg); err != nil || strings.Contains(unescaped, "@") {
			segments[i] = "…"
		}
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme + ":")
	}
	if u.Host != "" {
		b.WriteString("//" + u.Host)
	}
	b.WriteString(strings.Join(segments, "/"))
	return strconv.Quote(b.String())
}

func (c *Client) logCall(ctx context.Context, r *request, attempt, status int, start time.Time, err error) {
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("func", r.fn), slog.Int("attempt", attempt), slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.creds.redact(err.Error(), r.secrets...)))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "billmgr: call", attrs...)
}

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

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("billmgr: reading random bytes: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// String describes the client without its secrets: the base URL, the user and how it
// authenticates.
func (c *Client) String() string {
	s := fmt.Sprintf("billmgr.Client{%s, %s", c.baseURL, c.creds.mode())
	if c.su != "" {
		s += ", as " + c.su
	}
	return s + "}"
}

// GoString is String, so that %#v prints no secret either.
func (c *Client) GoString() string { return c.String() }

// LogValue logs String.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// mode names the authentication without revealing a secret.
func (cr *credentials) mode() string {
	switch {
	case cr.session != nil:
		return "session of " + cr.user
	case cr.sessionID != "":
		return "session " + redacted
	case cr.password != "":
		return "authinfo of " + cr.user
	}
	return "no credentials"
}

// String hides every secret (credentials are reachable from a Client value).
func (cr *credentials) String() string { return cr.mode() }

// GoString is String.
func (cr *credentials) GoString() string { return cr.mode() }
