package billmgr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-billmgr/billmgr/billmgrtest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type pagedRow struct {
	ID     int64 `xml:"id"`
	Amount Money `xml:"subaccountamount_iso"`
}

func pagedRowKey(r *pagedRow) int64 { return r.ID }

// pagedServer serves a list of total rows the way BILLmanager pages: p_num is clamped to
// the last page, so asking past the end repeats it. Row ids count up from 1, amounts are
// the id less one.
type pagedServer struct {
	total     int
	sendTotal bool
	// cutPage, when set, is the page whose first delivery breaks off half-way.
	cutPage int
	// maxSize, when set, is the largest page the server sends, whatever p_cnt asks; it
	// says so in p_cnt.
	maxSize int
	// limit, when set, is the server's own cut of the list: its pages hold no more rows.
	limit int
	// elems, when set, is the p_elems the server reports instead of the list's length.
	elems int
	// insert[k] rows are added at the top of the list before page k is served the first time.
	insert map[int]int

	mu       sync.Mutex
	pages    []int
	cut      bool
	ids      []int
	inserted map[int]bool
}

func (p *pagedServer) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	size, _ := strconv.Atoi(r.PostForm.Get("p_cnt"))
	if size <= 0 {
		size = 1000 // the server's own default when the request names none
	}
	if p.maxSize > 0 {
		size = min(size, p.maxSize)
	}
	num, _ := strconv.Atoi(r.PostForm.Get("p_num"))
	p.mu.Lock()
	if p.ids == nil {
		for id := 1; id <= p.total; id++ {
			p.ids = append(p.ids, id)
		}
	}
	if n := p.insert[num]; n > 0 && !p.inserted[num] {
		if p.inserted == nil {
			p.inserted = map[int]bool{}
		}
		p.inserted[num] = true
		for i := 0; i < n; i++ {
			p.ids = append([]int{len(p.ids) + 1}, p.ids...)
		}
	}
	ids, total := p.ids, len(p.ids)
	if p.limit > 0 {
		ids = ids[:min(len(ids), p.limit)]
	}
	if p.elems > 0 {
		total = p.elems
	}
	last := max(1, (len(ids)+size-1)/size)
	num = min(max(num, 1), last)
	p.pages = append(p.pages, num)
	cut := num == p.cutPage && !p.cut
	p.cut = p.cut || cut
	p.mu.Unlock()

	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><doc lang="en" func="account.payment">`)
	first := (num - 1) * size
	for i := first; i < min(first+size, len(ids)); i++ {
		if cut && i == first+size/2 {
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // the connection breaks in the middle of the page
		}
		fmt.Fprintf(w, `<elem><id>%d</id><subaccountamount_iso>%d.50 RUB</subaccountamount_iso></elem>`, ids[i], ids[i]-1)
	}
	fmt.Fprintf(w, "<p_cnt>%d</p_cnt><p_num>%d</p_num>", size, num)
	if p.sendTotal {
		fmt.Fprintf(w, "<p_elems>%d</p_elems>", total)
	}
	fmt.Fprint(w, "</doc>")
}

func (p *pagedServer) requested() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.pages...)
}

func collectAll(t *testing.T, p *pagedServer, perPage int) []pagedRow {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword), WithRetry(RetryPolicy{MaxAttempts: 3, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	params, err := listParams("account.payment", &ListOptions{PerPage: perPage})
	require.NoError(t, err)
	var rows []pagedRow
	for row, err := range listAll(context.Background(), c, "account.payment", params, nil, pagedRowKey) {
		require.NoError(t, err)
		rows = append(rows, row)
	}
	return rows
}

func assertDistinctRows(t *testing.T, rows []pagedRow, want int) {
	t.Helper()
	require.Len(t, rows, want)
	seen := map[int64]bool{}
	for _, r := range rows {
		require.False(t, seen[r.ID], "row %d yielded twice", r.ID)
		seen[r.ID] = true
	}
}

func TestAllYieldsEveryRowOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		perPage   int
		sendTotal bool
		pages     []int
	}{
		{"default large pages stop on the short page", 0, true, []int{1, 2, 3}},
		{"full pages stop at the total", 500, true, []int{1, 2, 3, 4, 5}},
		{"no total: the repeated last page stops it", 500, false, []int{1, 2, 3, 4, 5, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := &pagedServer{total: 2500, sendTotal: tt.sendTotal}
			rows := collectAll(t, p, tt.perPage)
			assertDistinctRows(t, rows, 2500)
			assert.Equal(t, "1000.50 RUB", rows[1000].Amount.String())
			assert.Equal(t, tt.pages, p.requested())
		})
	}
}

func TestAllRetriesABrokenPageWithoutRepeatingRows(t *testing.T) {
	t.Parallel()
	p := &pagedServer{total: 2500, sendTotal: true, cutPage: 2}
	rows := collectAll(t, p, 1000)
	assertDistinctRows(t, rows, 2500)
	assert.Equal(t, []int{1, 2, 2, 3}, p.requested())
}

// walk runs All over p, through the listAll of fn with pages of perPage rows (0: the
// default), and returns the rows and the error it ended with.
func walk(t *testing.T, p *pagedServer, fn string, perPage int) ([]pagedRow, error) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword))
	require.NoError(t, err)
	params, err := listParams(fn, &ListOptions{PerPage: perPage})
	require.NoError(t, err)
	var rows []pagedRow
	var last error
	for row, err := range listAll(context.Background(), c, fn, params, nil, pagedRowKey) {
		if err != nil {
			require.NoError(t, last, "one error, the last")
			last = err
			continue
		}
		require.NoError(t, last, "no row after the error")
		rows = append(rows, row)
	}
	return rows, last
}

func TestAllFollowsThePageSizeTheServerReports(t *testing.T) {
	t.Parallel()
	p := &pagedServer{total: 250, sendTotal: true, maxSize: 100}
	rows, err := walk(t, p, "account.payment", 0)
	require.NoError(t, err)
	assertDistinctRows(t, rows, 250)
	assert.Equal(t, []int{1, 2, 3}, p.requested(), "pages of the 100 rows the server sends, not of the 1,000 asked")
}

func TestAllNeverEndsSilentlyShort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fn     string
		server *pagedServer
		rows   int
		short  *ShortListError // nil: the whole list
	}{
		{"the server cuts its payment list and reports the whole total", "account.payment",
			&pagedServer{total: 6000, sendTotal: true, limit: 5001},
			5001, &ShortListError{Func: "account.payment", Rows: 5001, Total: 6000, Limit: 5001}},
		{"the server cuts its payment list and reports the cut as the total", "account.payment",
			&pagedServer{total: 6000, sendTotal: true, limit: 5001, elems: 5001},
			5001, &ShortListError{Func: "account.payment", Rows: 5001, Total: 5001, Limit: 5001}},
		{"the server cuts its payment list and reports no total", "account.payment",
			&pagedServer{total: 6000, limit: 5001},
			5001, &ShortListError{Func: "account.payment", Rows: 5001, Limit: 5001}},
		{"a payment list of 5,000 rows is whole", "account.payment",
			&pagedServer{total: 5000, sendTotal: true}, 5000, nil},
		{"the pages stop before the total", "account",
			&pagedServer{total: 2500, sendTotal: true, limit: 2400},
			2400, &ShortListError{Func: "account", Rows: 2400, Total: 2500}},
		{"the pages stop at a full page before the total", "account",
			&pagedServer{total: 2500, sendTotal: true, limit: 2000},
			2000, &ShortListError{Func: "account", Rows: 2000, Total: 2500}},
		{"no total: the repeated last page ends the list", "account",
			&pagedServer{total: 2500}, 2500, nil},
		{"rows inserted during the walk", "account",
			&pagedServer{total: 2500, sendTotal: true, insert: map[int]int{2: 10, 3: 5}}, 2500, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, err := walk(t, tt.server, tt.fn, 0)
			assertDistinctRows(t, rows, tt.rows)
			if tt.short == nil {
				require.NoError(t, err)
				return
			}
			var short *ShortListError
			require.ErrorAs(t, err, &short)
			assert.Equal(t, *tt.short, *short)
			assert.Contains(t, err.Error(), fmt.Sprintf("after %d rows", tt.rows))
		})
	}
}

func TestAllYieldsEveryRowOnceWhileRowsAreInserted(t *testing.T) {
	t.Parallel()
	p := &pagedServer{total: 2500, sendTotal: true, insert: map[int]int{2: 10, 3: 5}}
	rows, err := walk(t, p, "account", 0)
	require.NoError(t, err)
	ids := map[int64]bool{}
	for _, r := range rows {
		ids[r.ID] = true
	}
	for id := int64(1); id <= 2500; id++ {
		require.True(t, ids[id], "row %d, there when the walk began, was yielded", id)
	}
	assert.Equal(t, []int{1, 2, 3}, p.requested())
}

func TestAllStopsWhenTheCallerStops(t *testing.T) {
	t.Parallel()
	p := &pagedServer{total: 2500, sendTotal: true}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	defer srv.Close()
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword))
	require.NoError(t, err)
	n := 0
	for _, err := range listAll(context.Background(), c, "account.payment", nil, nil, pagedRowKey) {
		require.NoError(t, err)
		n++
		if n == 10 {
			break
		}
	}
	assert.Equal(t, 10, n)
	assert.Equal(t, []int{1}, p.requested())
}

func TestAllYieldsTheErrorAndStops(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(`<doc><error type="access"><msg>Access denied</msg></error></doc>`))})
	var errs []error
	for _, err := range listAll(context.Background(), c, "account.payment", nil, nil, pagedRowKey) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrAccess)
	assert.Len(t, s.requests(), 1)
}

func TestAllBoundsEveryPageNotTheWholeList(t *testing.T) {
	t.Parallel()
	p := &pagedServer{total: 3000, sendTotal: true}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	defer srv.Close()
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword), WithMaxResponseBytes(8192))
	require.NoError(t, err)
	params, err := listParams("account.payment", &ListOptions{PerPage: 50})
	require.NoError(t, err)
	n := 0
	for _, err := range listAll(context.Background(), c, "account.payment", params, nil, pagedRowKey) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 3000, n, "a list far larger than the limit, in pages within it, walks through")

	var errs []error
	for _, err := range listAll(context.Background(), c, "account.payment", nil, nil, pagedRowKey) {
		errs = append(errs, err)
	}
	require.NotEmpty(t, errs)
	assert.ErrorIs(t, errs[len(errs)-1], ErrUnexpectedResponse, "a page of 1,000 rows is over the limit")
	assert.ErrorContains(t, errs[len(errs)-1], "size limit")

	_, err = listPage[pagedRow](context.Background(), c, "account.payment", nil, nil)
	assert.ErrorContains(t, err, "size limit", "a List page is bounded")
}

func TestListPage(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(`<doc><elem><id>7</id><subaccountamount_iso>1 234,50 RUB</subaccountamount_iso></elem><p_cnt>20</p_cnt><p_num>2</p_num><p_elems>21</p_elems></doc>`))})
	params, err := listParams("account.payment", &ListOptions{Page: 2, PerPage: 20, Sort: "id", Order: "desc"})
	require.NoError(t, err)
	page, err := listPage[pagedRow](context.Background(), c, "account.payment", params, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, page.Number)
	assert.Equal(t, 20, page.Size)
	assert.Equal(t, 21, page.Total)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "1234.50 RUB", page.Items[0].Amount.String())
	form := s.last(t)
	assert.Equal(t, []string{"2", "20", "id", "desc"}, []string{form.Get("p_num"), form.Get("p_cnt"), form.Get("p_sort"), form.Get("p_order")})
	assert.Empty(t, form.Get("filter"), "paging alone is no filter")
}

func TestListPageRefusesABadColumn(t *testing.T) {
	t.Parallel()
	c, _ := newStub(t, []stubReply{xmlReply([]byte(`<doc><elem><id>x7</id></elem></doc>`))})
	_, err := listPage[pagedRow](context.Background(), c, "account.payment", nil, nil)
	require.ErrorIs(t, err, ErrUnexpectedResponse)
	assert.ErrorContains(t, err, "column id")
}

// TestAllWalksOldestFirstSoRowsInsertedMeanwhileDoNotRepeat: the payment list comes newest
// first by default. Payments created while All walks it would push the rows not yet walked
// onto later pages, where the walk meets rows it already yielded; All asks for the list in
// ascending id order, so every payment is yielded once and the new ones come last.
func TestAllWalksOldestFirstSoRowsInsertedMeanwhileDoNotRepeat(t *testing.T) {
	t.Parallel()
	srv := billmgrtest.NewServer()
	defer srv.Close()
	c, err := NewClient(srv.URL, WithAuthInfo(srv.AdminUser, srv.AdminPassword))
	require.NoError(t, err)
	account := srv.AddAccounts(1)[0]
	before := srv.AddPayments(account, 25, decimal.RequireFromString("5.00"))

	ctx := context.Background()
	seen := map[int64]int{}
	var order []int64
	for p, err := range c.Payments.All(ctx, account, &PaymentListOptions{ListOptions: ListOptions{PerPage: 10}}) {
		require.NoError(t, err)
		seen[p.ID]++
		order = append(order, p.ID)
		if len(order) <= 10 { // a payment arrives for each row of the first page
			_, err := c.Payments.Create(ctx, account, &PaymentParams{SubaccountAmount: MustDecimal("1.00")})
			require.NoError(t, err)
		}
	}
	for id, n := range seen {
		assert.Equal(t, 1, n, "payment %d yielded %d times", id, n)
	}
	for _, id := range before {
		assert.Contains(t, seen, id, "payment %d was there before the walk", id)
	}
	assert.Len(t, order, 35, "the ten new payments come after the 25 old ones")
	assert.IsIncreasing(t, order)
}

func TestWalkKeysTellNewKeysLikeTwoSets(t *testing.T) {
	t.Parallel()
	// Walks of rising keys, and walks where a key repeats, goes back or comes again
	// pages later: walkKeys answers as two sets of the keys of the page before and of
	// the current page do, and keeps no set while the keys rise.
	rnd := rand.New(rand.NewPCG(5, 6))
	for walk := 0; walk < 500; walk++ {
		keys := walkKeys[int64]{rising: true}
		previous, current := map[int64]bool{}, map[int64]bool{}
		next, steps := int64(1), 1+rnd.IntN(300)
		rises := walk%2 == 0
		for step := 0; step < steps; step++ {
			if rnd.IntN(50) == 0 {
				keys.turn()
				previous, current = current, map[int64]bool{}
				continue
			}
			k := next
			if !rises && rnd.IntN(10) == 0 {
				k -= int64(rnd.IntN(120)) // a key seen before, or not
			} else {
				next += int64(1 + rnd.IntN(3))
			}
			want := !previous[k] && !current[k]
			if !previous[k] {
				current[k] = true
			}
			require.Equal(t, want, keys.add(k), "walk %d, step %d, key %d", walk, step, k)
			if rnd.IntN(40) == 0 && want {
				keys.forget(k)
				delete(current, k)
			}
			require.Equal(t, len(previous)+len(current), keys.held())
		}
		if rises {
			assert.True(t, keys.rising, "rising keys keep no set")
			assert.Nil(t, keys.curSet)
		}
	}
}
