package billmgr

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-billmgr/billmgr/internal/secret"
)

// traceBodyLimit bounds the reply a Trace shows, and what the SDK holds of it for the
// trace: its first 64 KiB.
const traceBodyLimit = 64 << 10

// Trace is one HTTP exchange of a call, as WithTrace hands it over: the request as sent
// and the reply as received, with every secret redacted. Params and Body are redacted as
// errors and logs are: the credentials, the session ids the server issued, login keys and
// the passwords the call sent, as they are and in any URL or XML encoding.
type Trace struct {
	Func    string // the function called; "auth" for the login of WithSession
	Attempt int    // the try of the call: 1, then 2 for its first retry, …

	// Method and URL are where the request went: POST to the client's base URL. The URL
	// never carries a secret: NewClient refuses one with user information or a query,
	// and every parameter travels in the body (Params).
	Method, URL string

	// Params is the form as sent, func, out, lang and su included. The credentials
	// (authinfo, auth) and every parameter whose name says password are [REDACTED], as
	// WithDryRun shows them.
	Params url.Values

	Status      int    // the HTTP status; 0 when no reply came
	ContentType string // the Content-Type of the reply
	// Duration runs from sending the request until its reply was read and closed: for a
	// page of All, the caller's loop over its rows included.
	Duration time.Duration

	// Size is the bytes of the reply that were read (by the call, or by the reader of a
	// PDF): all of it, unless the reading stopped early (a failure, a walk the caller left).
	Size int64
	// Body is the start of what the SDK read of the reply: its first 64 KiB, redacted
	// before it was cut (a secret on the cut is cut off whole). Omitted says how many bytes
	// of the reply it does not show. A reply that is not text (a PDF) is not shown: Body is
	// empty and Binary is set.
	Body    string
	Omitted int64
	Binary  bool

	// Err is why the exchange failed or stopped short, its text redacted: the error of this
	// try of the call, the caller leaving a walk ("iteration stopped by the caller"), or
	// the failure of reading a reply handed over to the caller. It is nil when the reply
	// was read and taken.
	Err error
}

// String shows the exchange for people: the request's method and URL, its parameters,
// then the reply's status and the start of its body as received:
//
//	> POST https://billing.example.com:1500/billmgr
//	> func=payment.setpaid
//	> authinfo=[REDACTED]
//	> elid=7
//	> lang=en
//	> out=xml
//	< HTTP 200 text/xml; charset=UTF-8 (361 B, 4.2 ms)
//	<?xml version="1.0" encoding="UTF-8"?>
//	<doc …><ok/>…</doc>
func (t Trace) String() string {
	var b strings.Builder
	b.WriteString("> " + t.Method + " " + t.URL + "\n")
	b.WriteString("> func=" + t.Func)
	if t.Attempt > 1 {
		fmt.Fprintf(&b, "  (attempt %d)", t.Attempt)
	}
	b.WriteByte('\n')
	for _, k := range slices.Sorted(maps.Keys(t.Params)) {
		for _, v := range t.Params[k] {
			if k != "func" {
				b.WriteString("> " + k + "=" + showValue(v) + "\n")
			}
		}
	}
	switch {
	case t.Status == 0:
		fmt.Fprintf(&b, "< no reply (%s)\n", showDuration(t.Duration))
	case t.ContentType == "":
		fmt.Fprintf(&b, "< HTTP %d (%s, %s)\n", t.Status, showSize(t.Size), showDuration(t.Duration))
	default:
		fmt.Fprintf(&b, "< HTTP %d %s (%s, %s)\n", t.Status, t.ContentType, showSize(t.Size), showDuration(t.Duration))
	}
	switch {
	case t.Binary:
		fmt.Fprintf(&b, "< %d bytes of %s, not shown\n", t.Size, t.ContentType)
	case t.Body != "":
		b.WriteString(strings.ToValidUTF8(t.Body, "\uFFFD"))
		if !strings.HasSuffix(t.Body, "\n") {
			b.WriteByte('\n')
		}
		if t.Omitted > 0 {
			fmt.Fprintf(&b, "< … %s more not shown\n", showSize(t.Omitted))
		}
	}
	if t.Err != nil {
		b.WriteString("< error: " + t.Err.Error() + "\n")
	}
	return b.String()
}

// showValue is a parameter's value on one line: quoted when it holds a line break or
// another control character.
func showValue(v string) string {
	if strings.IndexFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
		return strconv.Quote(v)
	}
	return v
}

func showSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

func showDuration(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// LogTrace returns a function for WithTrace that logs each exchange to l at debug level,
// as the message "billmgr: exchange" with its fields: func, attempt, status, duration,
// content_type, size, params (a group), body, omitted, binary, method, url and error.
func LogTrace(l *slog.Logger) func(context.Context, Trace) {
	return func(ctx context.Context, t Trace) {
		if !l.Enabled(ctx, slog.LevelDebug) {
			return
		}
		params := make([]slog.Attr, 0, len(t.Params))
		for _, k := range slices.Sorted(maps.Keys(t.Params)) {
			params = append(params, slog.String(k, strings.Join(t.Params[k], ",")))
		}
		attrs := []slog.Attr{
			slog.String("func", t.Func), slog.Int("attempt", t.Attempt), slog.Int("status", t.Status),
			slog.Duration("duration", t.Duration), slog.String("content_type", t.ContentType),
			slog.Int64("size", t.Size), slog.Attr{Key: "params", Value: slog.GroupValue(params...)},
			slog.String("body", t.Body), slog.Int64("omitted", t.Omitted), slog.Bool("binary", t.Binary),
			slog.String("method", t.Method), slog.String("url", t.URL),
		}
		if t.Err != nil {
			attrs = append(attrs, slog.String("error", t.Err.Error()))
		}
		l.LogAttrs(ctx, slog.LevelDebug, "billmgr: exchange", attrs...)
	}
}

// exchange records one HTTP exchange for WithTrace: the request, and the reply as the
// call reads it, teed. A nil *exchange (no WithTrace) records nothing.
type exchange struct {
	c       *Client
	ctx     context.Context
	secrets []string
	start   time.Time
	t       Trace

	body    io.ReadCloser // the reply body, which the call reads through the exchange
	kept    []byte        // the first bytes of the reply, up to traceBodyLimit
	readErr error         // the first failure of reading the body

	mu      sync.Mutex
	open    bool // the body is not closed yet
	ended   bool // the try is over, with the error in t.Err
	emitted bool
}

// startExchange starts recording the try n of r, which sends form, when WithTrace is set.
func (c *Client) startExchange(ctx context.Context, r *request, n int, form url.Values) *exchange {
	if c.trace == nil {
		return nil
	}
	return &exchange{
		c: c, ctx: ctx, secrets: r.secrets, start: time.Now(),
		t: Trace{Func: r.fn, Attempt: n, Method: http.MethodPost, URL: c.baseURL, Params: c.creds.redactParams(form, r.secrets...)},
	}
}

// watch records the reply resp and returns its body, teed.
func (x *exchange) watch(resp *http.Response) io.ReadCloser {
	if x == nil {
		return resp.Body
	}
	x.t.Status, x.t.ContentType = resp.StatusCode, resp.Header.Get("Content-Type")
	x.t.Binary = !textual(x.t.ContentType)
	x.body, x.open = resp.Body, true
	return x
}

// textual reports whether a reply of contentType is text to show: XML, HTML, JSON, plain
// text, or a reply that does not say.
func textual(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	return mediaType == "" || strings.HasPrefix(mediaType, "text/") ||
		strings.HasSuffix(mediaType, "xml") || strings.HasSuffix(mediaType, "json")
}

// Read reads the body for the call and keeps the first traceBodyLimit bytes of text.
func (x *exchange) Read(p []byte) (int, error) {
	n, err := x.body.Read(p)
	x.t.Size += int64(n)
	if keep := min(n, traceBodyLimit-len(x.kept)); keep > 0 && !x.t.Binary {
		if len(x.kept)+keep > cap(x.kept) {
			grown := make([]byte, len(x.kept), min(max(2*cap(x.kept), len(x.kept)+keep, 4<<10), traceBodyLimit))
			copy(grown, x.kept)
			x.kept = grown
		}
		x.kept = append(x.kept, p[:keep]...)
	}
	if err != nil && err != io.EOF && x.readErr == nil {
		x.readErr = err
	}
	return n, err
}

// Close closes the body, and hands the trace over if the try is over.
func (x *exchange) Close() error {
	err := x.body.Close()
	x.mu.Lock()
	x.open = false
	x.mu.Unlock()
	x.emit()
	return err
}

// end records the end of the try, with err its failure, and hands the trace over, or
// leaves it to Close when the caller reads the body.
func (x *exchange) end(err error) {
	if x == nil {
		return
	}
	x.mu.Lock()
	x.ended = true
	if err != nil {
		x.t.Err = x.c.creds.redactError(err, x.secrets...)
	}
	x.mu.Unlock()
	x.emit()
}

// emit hands the trace over once, when the try is over and its body closed.
func (x *exchange) emit() {
	x.mu.Lock()
	if x.emitted || !x.ended || x.open {
		x.mu.Unlock()
		return
	}
	x.emitted = true
	t := x.t
	if t.Err == nil && x.readErr != nil {
		t.Err = x.c.creds.redactError(x.readErr, x.secrets...)
	}
	x.mu.Unlock()
	t.Duration = time.Since(x.start)
	if !t.Binary {
		var cut int
		t.Body, cut = secret.RedactStart(string(x.kept), x.c.creds.values(x.secrets...)...)
		t.Omitted = t.Size - int64(len(x.kept)) + int64(cut)
	}
	x.kept = nil
	x.c.trace(x.ctx, t)
}
