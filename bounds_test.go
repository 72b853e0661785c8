package billmgr

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr/internal/xmlscan"
)

// The bounds of WithMaxResponseBytes (internal/xmlscan/budget.go, charged by the decoder
// as it builds): every reply is read to at most the limit, rows and what lies between
// them included, and what one call builds from a reply stays within a few times the limit
// whatever the reply holds. These tests measure the heap by runtime.MemStats.TotalAlloc:
// everything allocated while the call ran, garbage included, which is at least the growth
// of the heap. They are not parallel, so that no other test allocates meanwhile.

// allocatedBy returns the bytes allocated while f ran.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC() // the second collection frees what the pools kept through the first
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// boundedClient is a client of a server that answers every request with body, limited to
// limit bytes a reply.
func boundedClient(t *testing.T, body []byte, limit int64) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword), WithMaxResponseBytes(limit),
		WithRetry(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	return c
}

// repeatTo is head, then unit repeated, then tail: size bytes in all, or a little less.
func repeatTo(size int, head, unit, tail string) []byte {
	n := (size - len(head) - len(tail)) / len(unit)
	return []byte(head + strings.Repeat(unit, n) + tail)
}

// numberedTo is head, then unit with %d for 1, 2, 3, ..., then tail: size bytes at most.
func numberedTo(size int, head, unit, tail string) []byte {
	b := []byte(head)
	for i := 1; ; i++ {
		next := fmt.Appendf(nil, unit, i)
		if len(b)+len(next)+len(tail) > size {
			return append(b, tail...)
		}
		b = append(b, next...)
	}
}

func TestRepliesWithinTheLimitDoNotAmplify(t *testing.T) {
	const limit = 2 << 20
	const bound = 4*limit + 1<<20 // four times the limit, and the HTTP exchange
	head, tail := "<doc>", "</doc>"
	tests := []struct {
		name string
		body []byte
	}{
		{"tiny elements", repeatTo(limit, head, "<a/>", tail)},
		{"tiny attributes", repeatTo(limit, head+"<a", ` b=""`, "/>"+tail)},
		{"tiny elements in rows", repeatTo(limit, head+"<elem><id>1</id>", "<x/>", "</elem>"+tail)},
		{"empty rows", repeatTo(limit, head, "<elem/>", tail)},
		{"tiny rows with ids", numberedTo(limit, head, "<elem><id>%d</id></elem>", tail)},
		{"tiny rows with amounts", numberedTo(limit, head, "<elem><id>%d</id><subaccountamount_iso>1 R</subaccountamount_iso></elem>", tail)},
		{"entities", repeatTo(limit, head+"<a>", "&amp;", "</a>"+tail)},
	}
	calls := []struct {
		name string
		call func(c *Client) error
	}{
		{"Call", func(c *Client) error {
			_, err := c.Call(context.Background(), "account.payment", nil)
			return err
		}},
		{"List", func(c *Client) error {
			_, err := c.Payments.List(context.Background(), 1, nil)
			return err
		}},
		{"All", func(c *Client) error {
			for _, err := range c.Payments.All(context.Background(), 1, nil) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, tt := range tests {
		require.LessOrEqual(t, len(tt.body), limit)
		for _, call := range calls {
			t.Run(tt.name+"/"+call.name, func(t *testing.T) {
				c := boundedClient(t, tt.body, limit)
				var err error
				allocated := allocatedBy(func() { err = call.call(c) })
				if err != nil {
					assert.ErrorIs(t, err, ErrUnexpectedResponse, "only a bound refuses the reply")
					assert.ErrorContains(t, err, "size limit")
				}
				assert.LessOrEqual(t, allocated, uint64(bound), "%d bytes allocated for a reply of %d", allocated, len(tt.body))
				t.Logf("%s: %.1f MiB allocated for a reply of %.1f MiB (%.1fx); error: %v",
					call.name, float64(allocated)/(1<<20), float64(len(tt.body))/(1<<20), float64(allocated)/float64(len(tt.body)), err)
			})
		}
	}
}

// paddedList writes rows with pad bytes of white space between them, rows in all, and
// counts what it wrote.
type paddedList struct {
	rows, pad int
	written   atomic.Int64
}

func (p *paddedList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/xml")
	padding := bytes.Repeat([]byte(" \n"), p.pad/2)
	write := func(b []byte) bool {
		n, err := w.Write(b)
		p.written.Add(int64(n))
		return err == nil
	}
	if !write([]byte("<doc>")) {
		return
	}
	for i := 1; i <= p.rows; i++ {
		if !write(fmt.Appendf(nil, "<elem><id>%d</id></elem>", i)) || !write(padding) {
			return
		}
	}
	write(fmt.Appendf(nil, "<p_cnt>%d</p_cnt><p_num>1</p_num><p_elems>%d</p_elems></doc>", p.rows, p.rows))
}

func TestPaddingBetweenRowsCountsAgainstTheLimit(t *testing.T) {
	const limit = 1 << 20
	// 40 rows with 512 KiB of white space after each: 20 MiB in all, never more than half
	// the limit between two rows.
	p := &paddedList{rows: 40, pad: 512 << 10}
	srv := httptest.NewServer(p)
	defer srv.Close()
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword), WithMaxResponseBytes(limit))
	require.NoError(t, err)
	var rows int
	var last error
	allocated := allocatedBy(func() {
		for _, err := range c.Payments.All(context.Background(), 1, nil) {
			if err != nil {
				last = err
				break
			}
			rows++
		}
	})
	require.ErrorIs(t, last, ErrUnexpectedResponse)
	assert.ErrorContains(t, last, "size limit")
	assert.LessOrEqual(t, rows, 2, "the rows within the first MiB")
	assert.LessOrEqual(t, allocated, uint64(4*limit+1<<20))
	t.Logf("%d rows, then %v; %.1f MiB allocated; the server wrote %.1f MiB", rows, last,
		float64(allocated)/(1<<20), float64(p.written.Load())/(1<<20))
}

func TestListOverTheLimitFails(t *testing.T) {
	t.Parallel()
	// A body one byte over the limit fails; one of exactly the limit is read.
	body := []byte("<doc><elem><id>1</id></elem>" + strings.Repeat(" ", 1024) + "</doc>")
	for _, tt := range []struct {
		limit int64
		ok    bool
	}{{int64(len(body)), true}, {int64(len(body)) - 1, false}} {
		_, err := decodeDoc(bytes.NewReader(body), tt.limit)
		if tt.ok {
			assert.NoError(t, err, "limit %d", tt.limit)
		} else {
			assert.ErrorIs(t, err, ErrUnexpectedResponse, "limit %d", tt.limit)
		}
	}
}

// entityRows is a list of n rows whose names hold entities, as real lists do.
func entityRows(n int) []byte {
	var b bytes.Buffer
	b.WriteString("<doc>")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `<elem><id>%d</id><number>pfx/%d</number><sender_name>ИП Петров &amp; партнёры %d</sender_name>`+
			`<recipient_name>ООО &quot;Хостинг&quot;</recipient_name></elem>`+"\r\n", i, i, i)
	}
	fmt.Fprintf(&b, "<p_elems>%d</p_elems></doc>", n)
	return b.Bytes()
}

func TestADecodedPageLeavesNothingBehind(t *testing.T) {
	doc := entityRows(20000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC() // the second collection frees what the pools kept through the first
	runtime.ReadMemStats(&before)
	schema, row := newRow[Payment]()
	n := 0
	_, err := decodeRows(bytes.NewReader(doc), defaultMaxResponseBytes, "account.payment", time.UTC, schema, unsafe.Pointer(row), func(*xmlscan.Budget) error {
		n++
		*row = Payment{}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 20000, n)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(doc)
	retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	assert.Less(t, retained, int64(256<<10), "the pooled decoder keeps its first buffers only")
	t.Logf("retained after a page of %d rows (%.1f MiB): %d bytes", n, float64(len(doc))/(1<<20), retained)
}
