package billmgr

import (
	"cmp"
	"context"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"unsafe"

	"github.com/go-billmgr/billmgr/internal/xmlscan"
)

// ListOptions page and sort a list. The zero value asks for the server's first page in
// its default order.
type ListOptions struct {
	Page    int    `url:"p_num,omitempty"`   // 1-based
	PerPage int    `url:"p_cnt,omitempty"`   // rows per page
	Sort    string `url:"p_sort,omitempty"`  // a column name
	Order   string `url:"p_order,omitempty"` // "asc" or "desc"
}

// Page is one page of a list: its rows, its number, its size and the total number of rows
// (p_num, p_cnt, p_elems).
type Page[T any] struct {
	Items  []T
	Number int
	Size   int
	Total  int
}

// allPageSize is the page size All asks for when the options set none.
const allPageSize = 1000

// serverRowLimits are the lists BILLmanager itself cuts, and where: it builds a client's
// payment list with LIMIT 5001 in SQL, so that a longer list ends after 5,001 rows
// whatever its pages say. What p_elems says of such a list is not recorded anywhere
// public; All reports a walk that ends there (ShortListError).
var serverRowLimits = map[string]int{"account.payment": 5001}

// newRow returns the schema of T and a place for one row of it.
func newRow[T any]() (*rowSchema, *T) { return schemaOf(reflect.TypeFor[T]()), new(T) }

// listPage fetches one page of fn and decodes its rows. opts are the list options params
// were encoded from, or nil: an <error> about one of their fields is a *FieldError.
func listPage[T any](ctx context.Context, c *Client, fn string, params url.Values, opts any) (*Page[T], error) {
	schema, row := newRow[T]()
	var page *Page[T]
	r := &request{fn: fn, params: params, readOnly: true, fields: fieldsOf(opts)}
	r.decode = func(resp *http.Response) error {
		defer resp.Body.Close()
		page, *row = &Page[T]{}, *new(T) // a retried page starts over
		info, err := decodeRows(resp.Body, c.maxBytes, fn, c.loc, schema, unsafe.Pointer(row), func(mem *xmlscan.Budget) error {
			items, err := xmlscan.Grow(mem, page.Items, 1) // a row kept costs at least its struct
			if err != nil {
				return err
			}
			page.Items = append(items, *row)
			*row = *new(T)
			return nil
		})
		page.Number, page.Size, page.Total = info.number, info.size, info.total
		return err
	}
	if err := c.send(ctx, r); err != nil {
		return nil, err
	}
	return page, nil
}

// keyCost is what a key of All's set costs at least: its place in the map, with the
// map's own overhead and what its growth allocates (up to 75 bytes a key in all).
const keyCost = 80

// listAll walks every page of fn, streaming each page row by row, and yields every row
// once (key names a row). It asks for large pages (PerPage, or allPageSize) and then for
// the page size the server reports (p_cnt). It ends when the rows it has walked reach the
// total the server reports (p_elems), or when a page brings no new row (the server
// repeats the last page when asked past it); if the total was not reached then, or the
// walk stopped where the server cuts the list (serverRowLimits), it yields a
// *ShortListError last. It remembers the keys of the previous and the current page only
// (walkKeys), so memory stays at one page however long the list (the keys count against
// the reply's bound, see WithMaxResponseBytes); a row pushed onto the next page by a
// concurrent insert is still yielded once. A failed page is retried like any read, and the
// rows of it already yielded are not yielded again. opts are as for listPage.
func listAll[T any, K cmp.Ordered](ctx context.Context, c *Client, fn string, params url.Values, opts any, key func(*T) K) iter.Seq2[T, error] {
	fields := fieldsOf(opts)
	return func(yield func(T, error) bool) {
		size, _ := strconv.Atoi(params.Get("p_cnt"))
		if size <= 0 {
			size = allPageSize
		}
		number, _ := strconv.Atoi(params.Get("p_num"))
		number = max(number, 1)
		schema, row := newRow[T]()
		d := decoderPool.Get().(*decoder) // one for every page, with its buffers
		defer d.release()
		keys := walkKeys[K]{rising: true}
		var (
			covered, yielded int // the rows the pages reached, and those yielded
			zeroKey          K
			_, stringKeys    = any(zeroKey).(string)
		)
		for {
			q := url.Values{}
			for k, v := range params {
				q[k] = v
			}
			q.Set("p_num", strconv.Itoa(number))
			q.Set("p_cnt", strconv.Itoa(size))
			var info listInfo
			rows, fresh := 0, 0
			stopped := false
			r := &request{fn: fn, params: q, readOnly: true, fields: fields}
			r.decode = func(resp *http.Response) error {
				defer resp.Body.Close()
				rows, *row = 0, *new(T) // a retried page starts over; rows already yielded stay in current
				charged := false
				var err error
				info, err = d.rows(resp.Body, c.maxBytes, fn, c.loc, schema, unsafe.Pointer(row), func(mem *xmlscan.Budget) error {
					if !charged { // the keys of the page before are held through this one
						charged = true
						if err := mem.Spend(keyCost * keys.held()); err != nil {
							return err
						}
					}
					rows++
					k := key(row)
					if !keys.add(k) {
						*row = *new(T)
						return nil
					}
					cost := keyCost
					if stringKeys {
						cost += len(*(*string)(unsafe.Pointer(&k)))
					}
					if err := mem.Spend(cost); err != nil {
						keys.forget(k) // not yielded: a retried page yields it
						return err
					}
					fresh++
					more := yield(*row, nil)
					*row = *new(T)
					if !more {
						stopped = true
						return errStopped
					}
					return nil
				})
				return err
			}
			err := c.send(ctx, r)
			if stopped {
				return
			}
			if err != nil {
				yield(*new(T), err)
				return
			}
			yielded += fresh
			if info.size > 0 && info.number > 0 { // where the server says this page is
				covered = max(covered, (info.number-1)*info.size+rows)
			} else {
				covered = yielded
			}
			reached := info.total > 0 && covered >= info.total
			if reached || fresh == 0 {
				if short := shortList(fn, covered, yielded, info.total, reached); short != nil {
					yield(*new(T), short)
				}
				return
			}
			keys.turn()
			number, size = number+1, cmp.Or(info.size, size)
		}
	}
}

// inIDOrder returns params with the order of a walk over a list keyed by id: the caller's
// (p_sort, p_order), else ascending by id. The server may remember a user's last order of
// a list, and lists such as the payments come newest first by default; in either, rows
// inserted during a walk push the rows not yet walked onto later pages, where the walk
// would meet them again. Ascending by id, new rows land after the rows walked so far. Both
// are always sent, so that the order never depends on what the server remembers.
func inIDOrder(params url.Values) url.Values {
	params.Set("p_sort", cmp.Or(params.Get("p_sort"), "id"))
	params.Set("p_order", cmp.Or(params.Get("p_order"), "asc"))
	return params
}

// shortList is the error of a walk of fn that ended after covering covered rows and
// yielding yielded, when the server reported total (0: none) and the walk reached it or
// not: nil when the list is whole.
func shortList(fn string, covered, yielded, total int, reached bool) error {
	limit := serverRowLimits[fn]
	switch {
	case total > 0 && !reached:
		if covered != limit {
			limit = 0
		}
	case limit > 0 && covered == limit:
	default:
		return nil
	}
	return &ShortListError{Func: fn, Rows: yielded, Total: total, Limit: limit}
}

// errStopped ends a streamed page when the consumer of an iterator stops early.
var errStopped = errorString("iteration stopped by the caller")

type errorString string

func (e errorString) Error() string { return string(e) }

// walkKeys are the keys of the page before and of the current page of a walk: a row is
// yielded when its key is in neither. While the keys rise (a walk in ascending order of
// ids, as All asks for), a key above the last is new: the keys are kept in two slices, in
// order, and no key is looked up. From the first key that does not rise, they are kept in
// two sets. The slices, or the sets, take turns, each emptied when it becomes the current
// page's: a page reuses the room of the page before last.
type walkKeys[K cmp.Ordered] struct {
	rising            bool           // every key was above the one before
	previous, current []K            // while rising
	prevSet, curSet   map[K]struct{} // once not
}

// add records the key k of a row of the current page and reports whether it is new: in
// neither page.
func (w *walkKeys[K]) add(k K) bool {
	if w.rising {
		if top, ok := w.top(); !ok || k > top {
			w.current = append(w.current, k)
			return true
		}
		w.rising = false
		w.prevSet, w.curSet = setOf(w.previous), setOf(w.current)
		w.previous, w.current = nil, nil
	}
	if _, before := w.prevSet[k]; before {
		return false
	}
	// One map operation tells a new key from one the page repeats: the set grows only by
	// a new key.
	n := len(w.curSet)
	w.curSet[k] = struct{}{}
	return len(w.curSet) > n
}

// top returns the last key while they rise: the highest.
func (w *walkKeys[K]) top() (K, bool) {
	if n := len(w.current); n > 0 {
		return w.current[n-1], true
	}
	if n := len(w.previous); n > 0 {
		return w.previous[n-1], true
	}
	var none K
	return none, false
}

// forget drops k, the key add recorded last, whose row was not yielded.
func (w *walkKeys[K]) forget(k K) {
	if w.rising {
		w.current = w.current[:len(w.current)-1]
	} else {
		delete(w.curSet, k)
	}
}

// held is the number of keys kept.
func (w *walkKeys[K]) held() int {
	return len(w.previous) + len(w.current) + len(w.prevSet) + len(w.curSet)
}

// turn makes the current page the page before, and starts an empty current page.
func (w *walkKeys[K]) turn() {
	if w.rising {
		w.previous, w.current = w.current, w.previous[:0]
	} else {
		w.prevSet, w.curSet = w.curSet, w.prevSet
		clear(w.curSet)
	}
}

// setOf is the set of keys.
func setOf[K comparable](keys []K) map[K]struct{} {
	set := make(map[K]struct{}, len(keys))
	for _, k := range keys {
		set[k] = struct{}{}
	}
	return set
}
