package billmgr

// The request pipeline: Call and the checks of what a caller sends, then for every call
// the request built and sent, the tries and their retries, the reply's status and
// document checked, what may have been applied marked, and each try logged.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-billmgr/billmgr/internal/secret"
)

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
	if k := reservedParam(params); k != "" {
		return nil, argError(fn, "the parameter %q is set by the client; use the options of NewClient or As", k)
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

// reservedParam is the first, in name order, of the parameters the client sets itself
// (see secret.Reserved) that params holds, or "".
func reservedParam(params url.Values) string {
	first := ""
	for k := range params {
		if secret.Reserved(k) && (first == "" || k < first) {
			first = k
		}
	}
	return first
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
	// secrets are the values of the secret parameters the call sends (secret.Values),
	// redacted with the client's own from everything the call returns and logs.
	secrets []string
	// fields are those of the params struct the call sends, if any: the server's <error>
	// about one of them comes back as a *FieldError.
	fields *paramFields
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
	r.secrets = secret.Values(r.params)
	if c.dryRun != nil && !r.readOnly {
		c.dryRun(r.fn, c.dryRunParams(r))
		return fmt.Errorf("billmgr: %s: %w", r.fn, ErrDryRun)
	}
	return c.sendChecked(ctx, r)
}

// dryRunParams is the form r would send, without credentials, redacted as WithDryRun
// shows it.
func (c *Client) dryRunParams(r *request) url.Values {
	form := url.Values{}
	for k, v := range r.params {
		form[k] = v
	}
	form.Set("func", r.fn)
	if c.su != "" {
		form.Set("su", c.su)
	}
	return c.creds.redactParams(form, r.secrets...)
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
		err = r.fields.wrap(err) // the call's own <error>, never its login's
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
