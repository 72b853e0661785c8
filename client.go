package billmgr

// The Client: its type and defaults, NewClient and the base URL, As, the accessors, the
// services that hang off it, and how it prints without its secrets. Its options are in
// options.go, its credentials and sessions in session.go, the calls it makes in
// request.go.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
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

// discardHandler is a slog handler that drops everything (slog.DiscardHandler is Go 1.24+).
type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }

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
