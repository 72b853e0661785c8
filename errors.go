package billmgr

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error is an <error> document: the server refused the call. BILLmanager sends it with
// HTTP 200, so every reply is checked for one.
//
// Type is the machine class (auth, access, missed, exists, value, or a module's own) and
// Object what it is about (for value errors, the parameter). Msg and Detail are localized
// texts for people: match Type and Object (or errors.Is with ErrAuth, ErrAccess,
// ErrNotFound, ErrExists, ErrInvalid), never the text.
//
// Not every error fills every field: BILLmanager 6 answers an expired session with type
// auth and no object, and a value error with no detail. Attrs keeps every attribute of
// <error> as sent, those with fields of their own included (code="1" on BILLmanager 6);
// Params["desc"] of a value error is the key of its reason.
type Error struct {
	Func   string // the function called
	Type   string
	Object string
	Value  string            // the offending value, when the server names it
	Params map[string]string // every <param name="…"> of the error
	Msg    string
	Detail string
	Lang   string
	Attrs  map[string]string // every attribute of <error>: type, object, lang, code, …
}

// Messages say "billmgr:" once, at their start. Every error a call returns reads
// "billmgr: FUNC: what went wrong"; what it wraps carries no prefix of its own: the
// sentinels (ErrAuth, ErrInvalidArgument, ErrOutcomeUnknown, …), which read as plain words
// inside a message ("billmgr: payment.edit: invalid argument: parameter amount: …") and on
// their own, and the errors of values and parameters (ParseMoney, OnOff, Date). An error
// of the package that wraps another of its errors drops the inner one's prefix
// (chainError).

// The errors.Is targets for the documented error types.
var (
	ErrAuth     = errors.New("authentication failed")
	ErrAccess   = errors.New("access denied")
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	ErrInvalid  = errors.New("invalid value")
)

// ErrUnexpectedResponse is wrapped by every reply that is not a BILLmanager document: a
// redirect, an HTML page, JSON, an empty or malformed body. Such a reply is never data.
// It is always wrapped with the function called: "billmgr: account: unexpected response: …".
var ErrUnexpectedResponse = errors.New("unexpected response")

// ErrOutcomeUnknown is wrapped by the error of a call that changes state when the request
// went out and no verdict came back, so the server may have applied it:
//
//   - the connection broke, timed out or was reset after the transport read the request
//     body (the bytes may have reached the server), or the context ended then;
//   - the reply was cut short, stalled, or exceeded WithMaxResponseBytes;
//   - the reply was not a document (HTML, JSON, empty), or a document with neither <ok/>
//     (nor, for a create, the new object's id) nor <error>: such errors wrap
//     ErrUnexpectedResponse too;
//   - an HTTP status other than 200 and 4xx: a 5xx (a proxy's 502 or 504 may come after
//     the panel ran the call, and a 500 in the middle of it), a 3xx (a web form answers a
//     POST it executed with a redirect as often as a login page does), any other 2xx.
//
// Look the object up (Get, List, History) before sending the call again: sending it
// blindly may credit, refund or charge twice.
//
// A write that fails without this sentinel was not applied, and may be corrected and sent
// again: nothing went out (bad input with ErrInvalidArgument, WithDryRun's ErrDryRun, a
// failed login, dial or TLS handshake, a context that ended before sending), or the call
// was refused as it came: an <error> document (*Error), or an HTTP 4xx (*HTTPError) from
// a proxy or a web server in front of the panel, which answers its own refusals with
// <error> and HTTP 200. Calls that change nothing (lists, views) never wrap it; Call,
// which cannot know, treats every call as one that may change state.
var ErrOutcomeUnknown = errors.New("outcome unknown: the server may have applied the call; look it up before sending it again")

// ErrUntrustedCertificate is wrapped by the error of a call to a server whose certificate
// failed verification: signed by an unknown authority (the panel's self-signed one on port
// 1500), for another name, expired, or not the one pinned. Nothing was sent, and the call
// is not retried: trust the certificate with WithRootCAs or WithPinnedCertificate.
var ErrUntrustedCertificate = errors.New("the server's certificate is not trusted")

var sentinels = map[string]error{
	"auth":   ErrAuth,
	"access": ErrAccess,
	"missed": ErrNotFound,
	"exists": ErrExists,
	"value":  ErrInvalid,
}

// Error reads like "billmgr: account.edit: value(email): Invalid e-mail".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("billmgr: ")
	if e.Func != "" {
		b.WriteString(e.Func + ": ")
	}
	b.WriteString(e.Type)
	if e.Object != "" {
		b.WriteString("(" + e.Object + ")")
	}
	if text := strings.TrimSpace(firstNonEmpty(e.Msg, e.Detail)); text != "" {
		b.WriteString(": " + text)
	}
	return b.String()
}

// Is maps the error's Type to its sentinel, so errors.Is(err, ErrNotFound) works.
func (e *Error) Is(target error) bool {
	s, ok := sentinels[e.Type]
	return ok && s == target
}

// errorFromNode builds an *Error from an <error> element.
func errorFromNode(fn string, n *Node) *Error {
	e := &Error{
		Func:   fn,
		Type:   n.Attr("type"),
		Object: n.Attr("object"),
		Value:  n.Attr("value"),
		Lang:   n.Attr("lang"),
		Msg:    strings.TrimSpace(n.Value("msg")),
		Detail: strings.TrimSpace(n.Value("detail")),
	}
	for _, a := range n.Attrs {
		if e.Attrs == nil {
			e.Attrs = make(map[string]string, len(n.Attrs))
		}
		e.Attrs[a.Name] = a.Value
	}
	for _, p := range n.All("param") {
		if e.Params == nil {
			e.Params = make(map[string]string)
		}
		e.Params[p.Attr("name")] = strings.TrimSpace(p.Text)
	}
	if e.Object == "" {
		e.Object = e.Params["object"]
	}
	if e.Value == "" {
		e.Value = e.Params["value"]
	}
	if e.Func == "" {
		e.Func = n.Child("stack").Value("action")
	}
	return e
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// HTTPError is a reply with an HTTP status other than 200 and no redirect: a proxy in
// front of the panel, a panel restart, a rate limit. Body holds the start of the reply, up
// to 512 bytes, with the client's secrets and the passwords the call sent redacted first
// (in any URL encoding), then cut. For a call that changes state, a 4xx was refused as it
// came; any other status wraps ErrOutcomeUnknown.
type HTTPError struct {
	Func       string
	StatusCode int
	Status     string
	Body       string

	retryAfter string
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("billmgr: %s: HTTP %s", e.Func, e.Status)
	if body := strings.Join(strings.Fields(e.Body), " "); body != "" {
		msg += ": " + body
	}
	return msg
}

// temporary reports whether the status is worth another try for a call that changes nothing.
func (e *HTTPError) temporary() bool {
	switch e.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusTooManyRequests:
		return true
	}
	return false
}

// transportError marks a failure of the connection (refused, reset, cut short) as opposed
// to a reply the server sent; a call that changes nothing may be retried after one.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// chainError is an error of the package that wraps others of its errors, errs: its
// message says "billmgr:" once, however many of them it quotes. errors.Is and errors.As
// see every error in errs.
type chainError struct {
	msg  string
	errs []error
}

func (e *chainError) Error() string   { return e.msg }
func (e *chainError) Unwrap() []error { return e.errs }

// unprefixed is the message of err without the "billmgr: " it starts with, for quoting it
// inside another message of the package.
func unprefixed(err error) string { return strings.TrimPrefix(err.Error(), "billmgr: ") }

// ErrInvalidArgument is wrapped by every error for bad input from the caller: an id that is
// not positive, no ids, nil params, a string that is not UTF-8, an amount with more decimals
// than the server keeps, a date before 1970, a required field left empty. Nothing was sent,
// so the call can be corrected and made again safely. A fault in a field of a params struct
// is a *FieldError naming the field, and wraps ErrInvalid too.
var ErrInvalidArgument = errors.New("invalid argument")

// argError reports bad input to fn: "billmgr: payment.refund: invalid argument: …".
func argError(fn, format string, args ...any) error {
	return fmt.Errorf("billmgr: %s: %w: %s", fn, ErrInvalidArgument, fmt.Sprintf(format, args...))
}

// FieldError says which field of a params struct an error is about, so that a form can
// show it next to the field. Every call that takes a params struct (RegisterParams,
// PaymentParams, the filters and list options, …) returns one:
//
//   - when the server refuses a parameter of the struct: Err is the call's error, which
//     wraps the *Error whose Object is Param ("passwd" of value(passwd), "email" of
//     exists(email)). An Object that is no field of the struct (elid, plid, a parameter
//     the SDK adds) comes back without a FieldError.
//   - when the SDK refuses a field before sending (a required field left empty, an amount
//     with more decimals than the server keeps, a string that is not UTF-8, a date before
//     1970): Err wraps both ErrInvalidArgument (nothing was sent) and ErrInvalid (the
//     sentinel of the server's value error for the same fault). Faults in several fields
//     come back at once, as one error that wraps a FieldError for each field:
//     FieldErrors lists them.
//
// Field is the Go name of the field ("Email", "Password"); a field of an embedded struct
// goes by its own name, as Go promotes it ("Page" of ListOptions), and an entry of a map
// by the field and the key ("Offers[3]"). Param is the parameter the API names it by
// ("email", "passwd", "offer_3").
//
// Error is Err's message, unchanged, and Unwrap returns Err, so errors.Is(err,
// ErrInvalid) and errors.As(err, &apiErr) see through a FieldError.
type FieldError struct {
	Field string
	Param string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErrors returns every *FieldError in the tree of err (errors.Unwrap, errors.Join
// and the like), in order; nil when there is none.
//
//	for _, fe := range billmgr.FieldErrors(err) {
//		form.SetError(fe.Field, fe.Err)
//	}
func FieldErrors(err error) []*FieldError {
	var found []*FieldError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *FieldError:
			found = append(found, e)
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		}
	}
	walk(err)
	return found
}

// errFieldValue is what the error of a field refused before sending wraps: ErrInvalidArgument
// (nothing was sent) and ErrInvalid (the server refuses the same value with a value error).
// It reads "invalid argument", like ErrInvalidArgument.
var errFieldValue = &chainError{msg: ErrInvalidArgument.Error(), errs: []error{ErrInvalidArgument, ErrInvalid}}

// ShortListError is yielded last by an All walk that ended short of the whole list: the
// server reported Total rows (p_elems) and its pages stopped before them, or the walk
// stopped at Limit rows, where BILLmanager cuts the list itself (5,001 for a client's
// payments), so more may exist whatever the total says. The Rows before it were yielded
// and are right, but the list is not whole: walk it again, or narrow it with a filter (a
// date range) and walk each part. Find it with errors.As.
type ShortListError struct {
	Func  string
	Rows  int // the rows yielded
	Total int // the total the server reported; 0 when it reported none
	Limit int // the server's own cut of the list, when the walk stopped there; else 0
}

func (e *ShortListError) Error() string {
	msg := fmt.Sprintf("billmgr: %s: the list ended after %d rows", e.Func, e.Rows)
	if e.Total > 0 {
		msg += fmt.Sprintf(" of the %d the server reported", e.Total)
	}
	if e.Limit > 0 {
		return msg + fmt.Sprintf(", at the %d rows BILLmanager sends of this list at most: it may be longer; narrow it with a filter and walk each part", e.Limit)
	}
	return msg + ": the server sent no more; walk it again, or narrow it with a filter"
}
