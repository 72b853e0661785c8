package billmgr

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
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

// listPage fetches one page of fn and decodes its rows.
func listPage[T any](ctx context.Context, c *Client, fn string, params url.Values) (*Page[T], error) {
	doc, err := c.document(ctx, &request{fn: fn, params: params, readOnly: true})
	if err != nil {
		return nil, err
	}
	page := &Page[T]{}
	page.Number, page.Size, page.Total = pageInfo(doc)
	var rows rowMapper
	for _, n := range doc.Elems() {
		var row T
		if err := rows.unmarshal(n, &row, c.loc); err != nil {
			return nil, wrapFunc(fn, err)
		}
		page.Items = append(page.Items, row)
	}
	return page, nil
}

// listAll walks every page of fn, streaming each page row by row, and yields every row
// once. It asks for large pages (PerPage, or allPageSize), and stops on a short page, on a
// page with no new row (the server repeats the last page when asked past it) or when the
// total is reached. It remembers the keys of the previous and the current page only, so
// memory stays at one page however long the list; a row pushed onto the next page by a
// concurrent insert is still yielded once. A failed page is retried like any read, and
// the rows of it already yielded are not yielded again.
func listAll[T any](ctx context.Context, c *Client, fn string, params url.Values, key func(*T) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		size, _ := strconv.Atoi(params.Get("p_cnt"))
		if size <= 0 {
			size = allPageSize
		}
		number, _ := strconv.Atoi(params.Get("p_num"))
		number = max(number, 1)
		var (
			previous  map[string]bool
			mapper    rowMapper
			row, zero T // one row value for the whole list: yield gets a copy
		)
		yielded := 0
		for {
			q := url.Values{}
			for k, v := range params {
				q[k] = v
			}
			q.Set("p_num", strconv.Itoa(number))
			q.Set("p_cnt", strconv.Itoa(size))
			current := make(map[string]bool, len(previous))
			rows, fresh, total := 0, 0, 0
			stopped := false
			r := &request{fn: fn, params: q, readOnly: true}
			r.decode = func(resp *http.Response) error {
				defer resp.Body.Close()
				rows = 0 // a retried page starts over; rows already yielded stay in current
				lr := &limitReader{r: resp.Body, limit: c.maxBytes, remaining: c.maxBytes}
				doc, err := decodeDoc(lr, func(n *Node) error {
					lr.reset()
					rows++
					row = zero
					if err := mapper.unmarshal(n, &row, c.loc); err != nil {
						return err
					}
					k := key(&row)
					if current[k] || previous[k] {
						return nil
					}
					current[k] = true
					fresh++
					if !yield(row, nil) {
						stopped = true
						return errStopped
					}
					return nil
				})
				if err != nil {
					return err
				}
				if e := doc.Child("error"); e != nil {
					return errorFromNode(fn, e)
				}
				_, _, total = pageInfo(doc)
				return nil
			}
			err := c.send(ctx, r)
			if stopped {
				return
			}
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			yielded += fresh
			if rows < size || fresh == 0 || (total > 0 && yielded >= total) {
				return
			}
			previous = current
			number++
		}
	}
}

// errStopped ends a streamed page when the consumer of an iterator stops early.
var errStopped = errorString("iteration stopped by the caller")

type errorString string

func (e errorString) Error() string { return string(e) }

func wrapFunc(fn string, err error) error { return fmt.Errorf("billmgr: %s: %w", fn, err) }
