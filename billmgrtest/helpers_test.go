package billmgrtest

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// xnode is a parsed reply document, for assertions.
type xnode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []*xnode   `xml:",any"`
}

func parseDoc(t testing.TB, body []byte) *xnode {
	t.Helper()
	var n xnode
	require.NoError(t, xml.Unmarshal(body, &n), "body: %s", body)
	require.Equal(t, "doc", n.XMLName.Local)
	return &n
}

// child returns the first child element name, nil if there is none.
func (n *xnode) child(name string) *xnode {
	if n == nil {
		return nil
	}
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			return c
		}
	}
	return nil
}

func (n *xnode) all(name string) []*xnode {
	if n == nil {
		return nil
	}
	var out []*xnode
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

// get returns the text of the child element name ("" if none).
func (n *xnode) get(name string) string {
	if c := n.child(name); c != nil {
		return c.Text
	}
	return ""
}

func (n *xnode) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *xnode) has(name string) bool { return n.child(name) != nil }

// elems returns the rows of a list.
func (n *xnode) elems() []*xnode { return n.all("elem") }

// column returns the texts of a column over the rows of a list.
func (n *xnode) column(name string) []string {
	var out []string
	for _, e := range n.elems() {
		out = append(out, e.get(name))
	}
	return out
}

// row returns the row of a list whose col has the value v.
func (n *xnode) row(t testing.TB, col, v string) *xnode {
	t.Helper()
	for _, e := range n.elems() {
		if e.get(col) == v {
			return e
		}
	}
	require.Failf(t, "no row", "no row with %s=%s", col, v)
	return nil
}

func newFake(t testing.TB, opts ...Option) *Server {
	t.Helper()
	srv := NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// ann is the client of most tests.
const (
	annEmail    = "ann@example.com"
	annPassword = "ann-pw"
)

func annSeed() Seed {
	return Seed{Accounts: []SeedAccount{{Email: annEmail, Password: annPassword, Name: "Ann"}}}
}

// params builds a request: out=xml, lang=en and the administrator's
// authinfo, then the kv pairs; a pair with the value "-" removes the
// parameter.
func params(srv *Server, kv ...string) url.Values {
	v := url.Values{"out": {"xml"}, "lang": {"en"}, "authinfo": {srv.AdminUser + ":" + srv.AdminPassword}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "-" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

// post sends a request and returns the raw response and body.
func post(t testing.TB, srv *Server, v url.Values) (*http.Response, []byte) {
	t.Helper()
	resp, err := srv.Client().PostForm(srv.URL, v)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// request sends a request (see params) and parses the document it answers.
func request(t testing.TB, srv *Server, kv ...string) *xnode {
	t.Helper()
	resp, body := post(t, srv, params(srv, kv...))
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", body)
	require.Equal(t, "text/xml; charset=UTF-8", resp.Header.Get("Content-Type"))
	return parseDoc(t, body)
}

// mustOK sends a request and requires success (no <error>).
func mustOK(t testing.TB, srv *Server, kv ...string) *xnode {
	t.Helper()
	d := request(t, srv, kv...)
	if e := d.child("error"); e != nil {
		require.Failf(t, "error reply", "%s(%s): %s", e.attr("type"), e.attr("object"), e.get("msg"))
	}
	return d
}

// mustFail sends a request and requires the error typ(object); it returns the <error>.
func mustFail(t testing.TB, srv *Server, typ, object string, kv ...string) *xnode {
	t.Helper()
	d := request(t, srv, kv...)
	e := d.child("error")
	require.NotNil(t, e, "want %s(%s), got success", typ, object)
	require.Equal(t, typ+"("+object+")", e.attr("type")+"("+e.attr("object")+")", "msg: %s", e.get("msg"))
	return e
}

// create calls a create and returns the new id.
func create(t testing.TB, srv *Server, kv ...string) int64 {
	t.Helper()
	d := mustOK(t, srv, kv...)
	require.True(t, d.has("ok"))
	id, err := strconv.ParseInt(d.get("id"), 10, 64)
	require.NoError(t, err, "id %q", d.get("id"))
	return id
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// clock is a settable clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
