package billmgr

import (
	"cmp"
	"context"
	"iter"
	"net/url"
	"strconv"
)

// The lists, forms and group actions inside a parent object: a client's personal accounts,
// payments, discounts, expenses, tax rules and currency rates, a payment's distribution and
// invoice lines. The parent id goes as elid to a list and as plid to the forms and group
// actions of its rows.

// subList is a list inside a client's card: func=fn&elid=<client id>. finish, when
// set, completes the encoded options with what their url tags cannot express.
type subList[T any] struct {
	fn     string
	parent string // what elid names, for error messages; "account" when empty
	id     func(*T) int64
	finish func(url.Values)
}

func (l subList[T]) params(accountID int64, opts any) (url.Values, error) {
	if err := checkID(l.fn, cmp.Or(l.parent, "account"), accountID); err != nil {
		return nil, err
	}
	params, err := listParams(l.fn, opts)
	if err != nil {
		return nil, err
	}
	if l.finish != nil {
		l.finish(params)
	}
	return withIDs(params, 0, idText(accountID)), nil
}

func (l subList[T]) page(ctx context.Context, c *Client, accountID int64, opts any) (*Page[T], error) {
	params, err := l.params(accountID, opts)
	if err != nil {
		return nil, err
	}
	return listPage[T](ctx, c, l.fn, params, opts)
}

func (l subList[T]) all(ctx context.Context, c *Client, accountID int64, opts any) iter.Seq2[T, error] {
	params, err := l.params(accountID, opts)
	if err != nil {
		return func(yield func(T, error) bool) {
			var zero T
			yield(zero, err)
		}
	}
	return listAll(ctx, c, l.fn, inIDOrder(params), opts, l.id)
}

// subForm is a form inside a client's card: func=fn&plid=<client id>, plus
// elid=<object id> to view or change an object.
type subForm struct {
	fn     string
	parent string // what plid names, for error messages; "account" when empty
	object string // what elid names
}

func (f subForm) parentName() string { return cmp.Or(f.parent, "account") }

func (f subForm) ids(accountID, id int64) (url.Values, error) {
	if err := checkID(f.fn, f.parentName(), accountID); err != nil {
		return nil, err
	}
	if err := checkID(f.fn, f.object, id); err != nil {
		return nil, err
	}
	return withIDs(nil, accountID, idText(id)), nil
}

// subGet reads the form of object id of client accountID.
func subGet[T any](ctx context.Context, c *Client, f subForm, accountID, id int64) (*T, error) {
	params, err := f.ids(accountID, id)
	if err != nil {
		return nil, err
	}
	return viewForm[T](ctx, c, f.fn, params)
}

// create submits p without elid and returns the new object's id.
func (f subForm) create(ctx context.Context, c *Client, accountID int64, p any) (int64, error) {
	if err := checkID(f.fn, f.parentName(), accountID); err != nil {
		return 0, err
	}
	params, err := encodeParams(f.fn, p)
	if err != nil {
		return 0, err
	}
	return c.create(ctx, f.fn, withIDs(params, accountID, ""), p)
}

// update submits p for object id.
func (f subForm) update(ctx context.Context, c *Client, accountID, id int64, p any) error {
	_, err := f.submit(ctx, c, accountID, id, p)
	return err
}

// submit submits p for object id and returns the reply.
func (f subForm) submit(ctx context.Context, c *Client, accountID, id int64, p any) (*Doc, error) {
	ids, err := f.ids(accountID, id)
	if err != nil {
		return nil, err
	}
	params, err := encodeParams(f.fn, p)
	if err != nil {
		return nil, err
	}
	for k, v := range ids {
		params[k] = v
	}
	return c.submit(ctx, f.fn, params, p)
}

// subAct runs the group action fn on rows ids of client accountID (plid).
func subAct(ctx context.Context, c *Client, fn string, accountID int64, ids []int64) error {
	if err := checkID(fn, "account", accountID); err != nil {
		return err
	}
	return c.act(ctx, fn, accountID, ids)
}

// subFilter is the saved filter of a list inside a client's card: func=fn&elid=<client
// id> shows it, and with sok=ok stores it for the user until it is saved again.
type subFilter struct{ fn string }

// filterGet reads the saved filter f of client accountID's list.
func filterGet[T any](ctx context.Context, c *Client, f subFilter, accountID int64) (*T, error) {
	if err := checkID(f.fn, "account", accountID); err != nil {
		return nil, err
	}
	return viewForm[T](ctx, c, f.fn, withIDs(nil, 0, idText(accountID)))
}

// save stores the filter fields in params, encoded from the filter struct p (nil when
// none).
func (f subFilter) save(ctx context.Context, c *Client, accountID int64, params url.Values, p any) error {
	if err := checkID(f.fn, "account", accountID); err != nil {
		return err
	}
	_, err := c.submit(ctx, f.fn, withIDs(params, 0, idText(accountID)), p)
	return err
}

// viewForm reads the form fn into a new T.
func viewForm[T any](ctx context.Context, c *Client, fn string, params url.Values) (*T, error) {
	v := new(T)
	if err := c.view(ctx, fn, params, v); err != nil {
		return nil, err
	}
	return v, nil
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }
