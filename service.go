package billmgr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/google/go-querystring/query"
)

// This file holds what every resource service shares: checking ids, encoding params, and
// the four shapes of call (list, view, submit, group action).

// checkID refuses an id that cannot name an object before anything is sent.
func checkID(fn, what string, id int64) error {
	if id <= 0 {
		return argError(fn, "%s id %d: ids are positive", what, id)
	}
	return nil
}

// joinIDs formats ids for elid as "1, 2, 3".
func joinIDs(fn string, ids []int64) (string, error) {
	if len(ids) == 0 {
		return "", argError(fn, "no ids given")
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		if err := checkID(fn, "element", id); err != nil {
			return "", err
		}
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", "), nil
}

// encodeParams encodes a params struct with go-querystring. A nil struct is an error: a
// create or an update without fields is a mistake, not an empty request. The fields of a
// params struct are checked first (findFaults): what is refused comes back as FieldErrors,
// every field at once. (Every request is checked for valid UTF-8 in
// Client.send, the parameters that come from no field included.)
func encodeParams(fn string, p any) (url.Values, error) {
	if p == nil || (reflect.ValueOf(p).Kind() == reflect.Pointer && reflect.ValueOf(p).IsNil()) {
		return nil, argError(fn, "nil params")
	}
	if err := findFaults(fn, p).err(); err != nil {
		return nil, err
	}
	v, err := query.Values(p)
	if err != nil {
		return nil, fmt.Errorf("billmgr: %s: %w: %w", fn, ErrInvalidArgument, err)
	}
	return v, nil
}

// listParams encodes list options (nil means defaults) and adds filter=on when any field
// besides paging and sorting is set, so that inline filters apply.
func listParams(fn string, opts any) (url.Values, error) {
	if opts == nil || (reflect.ValueOf(opts).Kind() == reflect.Pointer && reflect.ValueOf(opts).IsNil()) {
		return url.Values{}, nil
	}
	v, err := encodeParams(fn, opts)
	if err != nil {
		return nil, err
	}
	for k := range v {
		if !strings.HasPrefix(k, "p_") {
			v.Set("filter", "on")
			break
		}
	}
	return v, nil
}

// withIDs returns params (never nil) with elid and, when plid is not 0, plid set.
func withIDs(params url.Values, plid int64, elid string) url.Values {
	if params == nil {
		params = url.Values{}
	}
	if plid != 0 {
		params.Set("plid", strconv.FormatInt(plid, 10))
	}
	if elid != "" {
		params.Set("elid", elid)
	}
	return params
}

// view reads a form (x.edit without sok) into v, a pointer to a struct whose fields name
// the form's fields (see rows.go). Views change nothing and are retried.
func (c *Client) view(ctx context.Context, fn string, params url.Values, v any) error {
	r := &request{fn: fn, params: params, readOnly: true}
	r.decode = func(resp *http.Response) error {
		defer resp.Body.Close()
		return decodeView(resp.Body, c.maxBytes, fn, c.loc, v)
	}
	return c.send(ctx, r)
}

// submit sends a form with sok=ok. It changes state and is sent once; the reply must say
// it was applied (<ok/>). p is the params struct params were encoded from, or nil: an
// <error> about one of its fields comes back as a *FieldError.
func (c *Client) submit(ctx context.Context, fn string, params url.Values, p any) (*Doc, error) {
	doc, err := c.sendForm(ctx, fn, params, p)
	if err != nil {
		return nil, err
	}
	if err := applied(fn, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// sendForm sends a form with sok=ok and returns the reply, whatever it says; p is the
// params struct of the form, or nil (see submit).
func (c *Client) sendForm(ctx context.Context, fn string, params url.Values, p any) (*Doc, error) {
	params = withIDs(params, 0, "")
	params.Set("sok", "ok")
	return c.document(ctx, &request{fn: fn, params: params, fields: fieldsOf(p)})
}

// create submits a form and returns the id of the new object. The reply must carry <ok/>
// or the new id. p is the params struct of the form, or nil (see submit).
func (c *Client) create(ctx context.Context, fn string, params url.Values, p any) (int64, error) {
	doc, err := c.sendForm(ctx, fn, params, p)
	if err != nil {
		return 0, err
	}
	return createdID(fn, doc)
}

// act runs a group action (delete, suspend, setpaid, …) on ids, under parent plid when it
// is not 0. It changes state and is sent once; the reply must say it was applied (<ok/>).
func (c *Client) act(ctx context.Context, fn string, plid int64, ids []int64) error {
	elid, err := joinIDs(fn, ids)
	if err != nil {
		return err
	}
	doc, err := c.document(ctx, &request{fn: fn, params: withIDs(nil, plid, elid)})
	if err != nil {
		return err
	}
	return applied(fn, doc)
}

// applied checks that the reply to a call that changes state says it was applied: <ok/>.
// A document with neither <ok/> nor <error> (which came back as *Error already) is no
// verdict: the call may or may not have been applied.
func applied(fn string, doc *Doc) error {
	if doc.OK() {
		return nil
	}
	return noVerdict(fn)
}

func noVerdict(fn string) error {
	return fmt.Errorf("billmgr: %s: %w: the reply carries neither <ok/> nor <error> (%w)", fn, ErrUnexpectedResponse, ErrOutcomeUnknown)
}

// errNoID is returned when a create succeeded but the reply names no new object.
var errNoID = errors.New("the server reported success but sent no id of the new object")

// createdID reads the id of a new object from <id>, or from an <x.id> element. A reply
// with neither an id nor <ok/> is no verdict. With <ok/> but no id (errNoID) or an id that
// is not a number, the object was created but which one is unknown: the error wraps
// ErrOutcomeUnknown too, so that the caller looks it up instead of creating another.
func createdID(fn string, doc *Doc) (int64, error) {
	raw := doc.Value("id")
	if raw == "" {
		for _, n := range doc.Children {
			if strings.HasSuffix(n.Name, ".id") {
				raw = strings.TrimSpace(n.Text)
				break
			}
		}
	}
	switch {
	case raw == "" && !doc.OK():
		return 0, noVerdict(fn)
	case raw == "":
		return 0, fmt.Errorf("billmgr: %s: %w (%w)", fn, errNoID, ErrOutcomeUnknown)
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, badID(fn, "new id", raw)
	}
	return id, nil
}

// badID is the error of a reply whose id (named what) is not a number. The call was
// applied, or may have been: which object it made is unknown.
func badID(fn, what, raw string) error {
	return fmt.Errorf("billmgr: %s: %w: %s %q is not a number (%w)", fn, ErrUnexpectedResponse, what, raw, ErrOutcomeUnknown)
}

// Ptr returns a pointer to v, for the optional fields of params structs:
// RestrictRefund: billmgr.Ptr(billmgr.OnOff(true)).
func Ptr[T any](v T) *T { return &v }
