package main

// The conformance suite drives the billmgr-fake binary over its socket the way the
// integrations of other languages described in the project's peer survey drive a panel:
// a PHP registrar module, a PHP signup library, a Python panel add-on, a Node connector
// and a Python hosting adapter. Each test is one client: its requests (GET or POST, xml,
// json or sjson, authinfo or a session, administrator or client) and the checks its code
// makes on the replies, the JSON-decoding traps included. The binary is built once;
// BILLMGR_FAKE_BIN runs the suite against another build instead.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
)

var (
	buildOnce sync.Once
	binDir    string // the directory of the binary built for the tests
	binPath   string
	buildErr  error
)

// binary returns the path of the billmgr-fake binary, built once for the run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binPath = os.Getenv("BILLMGR_FAKE_BIN"); binPath != "" {
			return
		}
		if binDir, buildErr = os.MkdirTemp("", "billmgr-fake-test"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "billmgr-fake")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(err.Error() + ": " + string(out))
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

func removeBinary() {
	if binDir != "" {
		os.RemoveAll(binDir)
	}
}

// panel is a running billmgr-fake, as a client sees it: the printed URL, pin and
// credentials, and an HTTP client that trusts the certificate by the pin alone.
type panel struct {
	banner
	http *http.Client
}

// startPanel runs the binary with the demo data until the test ends.
func startPanel(t *testing.T, args ...string) *panel {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"--addr", "127.0.0.1:0", "--demo"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	p := &panel{}
	p.http = &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{
			// Verified by VerifyConnection, against the printed pin.
			InsecureSkipVerify: true, //nolint:gosec
			VerifyConnection: func(cs tls.ConnectionState) error {
				if got := billmgr.PublicKeyPin(cs.PeerCertificates[0]); got != p.banner["pin-sha256"] {
					return errors.New("the certificate's pin is " + got + ", not the printed one")
				}
				return nil
			},
		}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
	t.Cleanup(func() {
		p.http.CloseIdleConnections()
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			_ = cmd.Process.Kill()
		}
		assert.NoError(t, cmd.Wait(), "billmgr-fake exits 0 when interrupted; stderr: %s", stderr.String())
	})
	p.banner = parseBanner(t, stdout)
	if strings.HasPrefix(p.banner["url"], "https:") {
		require.Regexp(t, `^[0-9a-f]{64}$`, p.banner["pin-sha256"], "an HTTPS fake prints its pin")
	}
	return p
}

// values builds parameters from name, value pairs.
func values(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// admin is the administrator's authinfo.
func (p *panel) admin() string { return p.banner["user"] + ":" + p.banner["password"] }

// reply is what the panel answered: the Content-Type and the body.
type reply struct {
	contentType string
	body        []byte
}

// get sends the parameters in the query string, as most clients do.
func (p *panel) get(t *testing.T, v url.Values) reply {
	t.Helper()
	return p.do(t, http.MethodGet, p.banner["url"]+"?"+v.Encode(), "", nil)
}

// post sends the parameters as a urlencoded form.
func (p *panel) post(t *testing.T, v url.Values) reply {
	t.Helper()
	return p.do(t, http.MethodPost, p.banner["url"], "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

// do sends a request and returns the reply's Content-Type and body, requiring HTTP 200
// (the panel answers errors with 200 too) and HTTP/1.1 (a panel speaks no HTTP/2).
func (p *panel) do(t *testing.T, method, target, contentType string, content io.Reader) reply {
	t.Helper()
	req, err := http.NewRequest(method, target, content)
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := p.http.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, "HTTP/1.1", resp.Proto)
	return reply{contentType: resp.Header.Get("Content-Type"), body: body}
}

// xnode is an XML element, for the xpath-like reads the PHP clients make.
type xnode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []*xnode   `xml:",any"`
}

// xmlDoc parses an XML reply (its Content-Type must say XML).
func xmlDoc(t *testing.T, r reply) *xnode {
	t.Helper()
	require.Equal(t, "text/xml; charset=UTF-8", r.contentType, "%s", r.body)
	var d xnode
	require.NoError(t, xml.Unmarshal(r.body, &d), "%s", r.body)
	require.Equal(t, "doc", d.XMLName.Local)
	return &d
}

// find returns the elements of a path of names below n ("slist/val").
func (n *xnode) find(path string) []*xnode {
	nodes := []*xnode{n}
	for _, name := range strings.Split(path, "/") {
		var next []*xnode
		for _, m := range nodes {
			for _, c := range m.Nodes {
				if c.XMLName.Local == name {
					next = append(next, c)
				}
			}
		}
		nodes = next
	}
	return nodes
}

// get returns the text of the first element of path ("" when there is none).
func (n *xnode) get(path string) string {
	if found := n.find(path); len(found) > 0 {
		return found[0].Text
	}
	return ""
}

func (n *xnode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// errorOf returns type(object) of the <error> of d, "" when it has none.
func (n *xnode) errorOf() string {
	if e := n.find("error"); len(e) > 0 {
		return e[0].attr("type") + "(" + e[0].attr("object") + ")"
	}
	return ""
}

// jsonDoc decodes a json or sjson reply (its Content-Type must say JSON), requires every
// value in it to be a string, and returns the "doc" object.
func jsonDoc(t *testing.T, r reply) map[string]any {
	t.Helper()
	require.Equal(t, "application/json; charset=UTF-8", r.contentType, "%s", r.body)
	body := r.body
	var v struct {
		Doc map[string]any `json:"doc"`
	}
	require.NoError(t, json.Unmarshal(body, &v), "%s", body)
	require.NotNil(t, v.Doc, "%s", body)
	var strs func(v any)
	strs = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, c := range v {
				strs(c)
			}
		case []any:
			for _, c := range v {
				strs(c)
			}
		default:
			require.IsType(t, "", v, "every value is a string: %s", body)
		}
	}
	strs(v.Doc)
	return v.Doc
}

// asArray is the guard the JSON clients wrap around every node: an array as it is, an
// object as an array of one, nothing as none.
func asArray(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// field reads a value as the clients do: the code in $orig first, else the text in $.
func field(v any) string {
	m, _ := v.(map[string]any)
	if s, ok := m["$orig"].(string); ok {
		return s
	}
	s, _ := m["$"].(string)
	return s
}

// jsonError returns type(object) of the error of a json or sjson doc, "" when it has none.
func jsonError(doc map[string]any) string {
	e, ok := doc["error"].(map[string]any)
	if !ok {
		return ""
	}
	typ, _ := e["$type"].(string)
	object, _ := e["$object"].(string)
	return typ + "(" + object + ")"
}

func TestConformanceTLS(t *testing.T) {
	t.Parallel()
	p := startPanel(t)
	u, err := url.Parse(p.banner["url"])
	require.NoError(t, err)
	require.Equal(t, "https", u.Scheme, "a panel answers on HTTPS")
	assert.Equal(t, "/billmgr", u.Path)

	// The certificate is the one the pin names, for the loopback names a client uses.
	conn, err := tls.Dial("tcp", u.Host, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // inspected below
	require.NoError(t, err)
	cert := conn.ConnectionState().PeerCertificates[0]
	require.NoError(t, conn.Close())
	assert.Equal(t, p.banner["pin-sha256"], billmgr.PublicKeyPin(cert))
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	for _, name := range []string{"127.0.0.1", "::1", "localhost"} {
		_, err := cert.Verify(x509.VerifyOptions{Roots: roots, DNSName: name})
		assert.NoError(t, err, "the certificate names %s", name)
	}
	assert.True(t, cert.NotAfter.After(time.Now().AddDate(0, 6, 0)))

	// The SDK trusts it by the printed pin, and refuses another.
	_, err = p.banner.client(t).Accounts.List(context.Background(), nil)
	assert.NoError(t, err)
	c, err := billmgr.NewClient(p.banner["url"], billmgr.WithAuthInfo("admin", p.banner["password"]),
		billmgr.WithPinnedCertificate(strings.Repeat("ab", 32)))
	require.NoError(t, err)
	_, err = c.Accounts.List(context.Background(), nil)
	assert.ErrorContains(t, err, "does not match the pinned SHA-256")

	// Plain HTTP to the HTTPS port gets no document.
	resp, err := http.Get("http://" + u.Host + "/billmgr?func=whoami") //nolint:noctx
	if err == nil {
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	}

	// And with --http it serves plain HTTP, with no pin.
	plain := startPanel(t, "--http")
	assert.True(t, strings.HasPrefix(plain.banner["url"], "http://"), plain.banner["url"])
	assert.Empty(t, plain.banner["pin-sha256"])
	doc := jsonDoc(t, plain.get(t, values("func", "whoami", "out", "json", "authinfo", plain.admin())))
	assert.Equal(t, "29", doc["user"].(map[string]any)["$level"])
}

// TestConformanceRegistrarModule runs a PHP registrar module's calls (parameter sets it
// hands mgrctl, sent over HTTP as XML POSTs with authinfo): it creates a client with the
// country it finds in the account.edit form by the flag's image, pays for it as the
// client and credits the payment.
func TestConformanceRegistrarModule(t *testing.T) {
	t.Parallel()
	p := startPanel(t)
	call := func(kv ...string) *xnode {
		return xmlDoc(t, p.post(t, values(append([]string{"out", "xml", "authinfo", p.admin()}, kv...)...)))
	}
	countryOf := func(iso string) string { // /doc/slist/val[@image='/manimg/common/flag/RU.png']/@key
		for _, v := range call("func", "account.edit").find("slist/val") {
			if v.attr("image") == "/manimg/common/flag/"+iso+".png" {
				return v.attr("key")
			}
		}
		return ""
	}
	country := countryOf("RU")
	assert.Equal(t, "182", country)
	d := call("func", "account.edit", "email", "registrant@example.com", "project", "1", "country", country,
		"realname", "Registrant", "passwd", "reg-secret", "notify", "off", "employee", "null", "sok", "ok")
	require.Empty(t, d.errorOf())
	require.Len(t, d.find("ok"), 1)
	account := d.get("id")
	assert.Regexp(t, `^\d+$`, account, "the id of the new client")

	// A country the module does not find is sent empty, and refused as the panel refuses
	// an empty field: nothing is created.
	assert.Empty(t, countryOf("XX"))
	d = call("func", "account.edit", "email", "nocountry@example.com", "project", "1", "country", "",
		"realname", "No Country", "passwd", "nocountry-secret", "notify", "off", "employee", "null", "sok", "ok")
	assert.Equal(t, "value(country)", d.errorOf())
	assert.Empty(t, d.find("ok"))

	var rows []string
	for _, e := range call("func", "account").find("elem") {
		rows = append(rows, e.get("email"))
	}
	assert.Contains(t, rows, "registrant@example.com")
	assert.NotContains(t, rows, "nocountry@example.com")

	d = call("func", "payment.add", "profile", "1", "amount", "100", "payment_currency", "126", "paymethod", "1",
		"su", "registrant@example.com", "sok", "ok")
	require.Empty(t, d.errorOf())
	assert.Equal(t, "url", d.find("ok")[0].attr("type"))
	payment := d.get("payment_id")
	require.NotEmpty(t, payment)
	require.Empty(t, call("func", "payment.setpaid", "elid", payment).errorOf())
	for _, e := range call("func", "account").find("elem") {
		if e.get("id") == account {
			assert.Equal(t, "100.00 RUB", e.get("balance"))
		}
	}
	assert.Equal(t, "missed(func)", call("func", "profile.edit").errorOf(), "another module's function")
}

// TestConformanceSignupLibrary runs a PHP signup library's calls: a session, client
// registration (success is the presence of <ok>, a failure's text is error/msg), a lookup
// of another module, and reads in json.
func TestConformanceSignupLibrary(t *testing.T) {
	t.Parallel()
	p := startPanel(t)
	auth := xmlDoc(t, p.post(t, values("func", "auth", "out", "xml", "username", p.banner["user"], "password", p.banner["password"])))
	sid := auth.find("auth")[0].attr("id")
	require.NotEmpty(t, sid)
	assert.Equal(t, sid, auth.get("auth"))
	call := func(out string, kv ...string) reply {
		return p.get(t, values(append([]string{"out", out, "auth", sid}, kv...)...))
	}

	d := xmlDoc(t, call("xml", "func", "account.edit", "sok", "ok", "email", "signup@example.com", "passwd", "signup-secret",
		"realname", "Signup", "lang", "ru"))
	require.Len(t, d.find("ok"), 1, "%s", d.errorOf())
	d = xmlDoc(t, call("xml", "func", "account.edit", "sok", "ok", "email", "signup@example.com", "passwd", "signup-secret", "lang", "ru"))
	assert.Empty(t, d.find("ok"))
	assert.Equal(t, "exists(email)", d.errorOf())
	assert.Contains(t, d.get("error/msg"), "signup@example.com")
	assert.Equal(t, "missed(func)", xmlDoc(t, call("xml", "func", "user.lookup", "email", "signup@example.com")).errorOf())

	doc := jsonDoc(t, call("json", "func", "account"))
	assert.Len(t, asArray(doc["elem"]), 4)
	doc = jsonDoc(t, call("json", "func", "account", "filter", "on", "email", "signup@"))
	row, isObject := doc["elem"].(map[string]any)
	require.True(t, isObject, "json: a one-row list is an object, not an array")
	assert.Equal(t, "signup@example.com", field(row["email"]))
	assert.Equal(t, "1", field(row["account_status"]), "$orig: the code, whatever the language")
}

// TestConformancePanelAddOn runs a Python panel add-on's calls: sjson everywhere, GETs
// with authinfo and with a session, the client lists of the administrator (it takes a
// list by p_elems and walks elem as an array, reading $orig before $), keepalive, a
// function of another module, and a POST whose parameters go as a JSON body.
func TestConformancePanelAddOn(t *testing.T) {
	t.Parallel()
	p := startPanel(t)
	list := func(doc map[string]any) []map[string]any {
		require.Contains(t, doc, "p_elems", "a list")
		var rows []map[string]any
		if elems, ok := doc["elem"]; ok {
			for _, e := range elems.([]any) { // sjson: always an array
				rows = append(rows, e.(map[string]any))
			}
		}
		return rows
	}
	call := func(auth []string, kv ...string) map[string]any {
		return jsonDoc(t, p.get(t, values(append(append([]string{"out", "sjson"}, auth...), kv...)...)))
	}
	authinfo := []string{"authinfo", p.admin()}
	accounts := list(call(authinfo, "func", "account"))
	require.Len(t, accounts, 3)
	ids := map[string]string{}
	for _, a := range accounts {
		ids[field(a["email"])] = field(a["id"])
	}
	ann, corp := ids["ann@example.com"], ids["corp@example.com"]

	payments := list(call(authinfo, "func", "account.payment", "elid", ann))
	require.Len(t, payments, 3)
	assert.Equal(t, []string{"1", "4", "4"}, []string{field(payments[0]["status"]), field(payments[1]["status"]), field(payments[2]["status"])},
		"newest first; the status code from $orig")
	subs := list(call(authinfo, "func", "subaccount", "elid", corp))
	require.Len(t, subs, 1, "one row, in an array")
	assert.Equal(t, "1000.00 USD", field(subs[0]["balance"]))
	assert.Len(t, list(call(authinfo, "func", "subaccount.expense", "elid", ann)), 1)
	for _, fn := range []string{"account.discount", "account.currencyrate", "account.taxrule"} {
		doc := call(authinfo, "func", fn, "elid", ann)
		assert.Empty(t, list(doc), fn)
		assert.Equal(t, "0", field(doc["p_elems"]), fn)
	}

	doc := call(nil, "func", "auth", "username", p.banner["user"], "password", p.banner["password"])
	sid := doc["auth"].(map[string]any)["$id"].(string)
	require.NotEmpty(t, sid)
	session := []string{"auth", sid}
	assert.Len(t, list(call(session, "func", "account")), 3)
	assert.Equal(t, map[string]any{}, call(session, "func", "keepalive")["ok"])
	assert.Equal(t, "missed(func)", jsonError(call(session, "func", "account.discountinfo")))
	assert.Equal(t, "auth(badpassword)", jsonError(call([]string{"authinfo", "admin:wrong"}, "func", "account")))

	// Its POSTs send the parameters as a JSON body: refused, in sjson, nothing done.
	body, _ := json.Marshal(map[string]string{"func": "payment.edit", "out": "sjson", "auth": sid, "plid": ann,
		"sok": "ok", "subaccountamount": "10"})
	doc = jsonDoc(t, p.do(t, http.MethodPost, p.banner["url"], "application/json", bytes.NewReader(body)))
	assert.Equal(t, "value(body)", jsonError(doc))
	assert.Len(t, list(call(authinfo, "func", "account.payment", "elid", ann)), 3)
}

// TestConformanceNodeConnector runs a Node connector's calls: HTTPS only, POSTs in json,
// a client's session, whoami, resetting the saved filters, and every page of the client's
// payments one row at a time, where json gives each page's one row as an object.
func TestConformanceNodeConnector(t *testing.T) {
	t.Parallel()
	p := startPanel(t)
	require.True(t, strings.HasPrefix(p.banner["url"], "https://"), "the connector refuses http:")
	doc := jsonDoc(t, p.post(t, values("func", "auth", "out", "json", "username", "ann@example.com", "password", "ann-secret")))
	auth := doc["auth"].(map[string]any)
	sid := auth["$id"].(string)
	assert.Equal(t, sid, auth["$"])
	assert.Equal(t, "16", auth["$level"])
	call := func(kv ...string) map[string]any {
		return jsonDoc(t, p.post(t, values(append([]string{"out", "json", "auth", sid}, kv...)...)))
	}

	user := call("func", "whoami")["user"].(map[string]any)
	assert.Equal(t, "150.00", user["$balance"])
	assert.Equal(t, "RUB", user["$currency"])

	assert.Equal(t, map[string]any{}, call("func", "payment.filter", "sok", "ok", "number", "", "status", "",
		"createdate", "nodate", "restrictrefund", "null")["ok"])
	assert.Equal(t, map[string]any{}, call("func", "expense.filter", "sok", "ok", "realdate", "nodate", "compare_type", "null")["ok"])

	var numbers []string
	for page := 1; ; page++ {
		doc := call("func", "payment", "p_cnt", "1", "p_num", strconv.Itoa(page))
		require.Empty(t, jsonError(doc))
		_, isObject := doc["elem"].(map[string]any)
		assert.True(t, isObject, "page %d: one row, an object", page)
		for _, e := range asArray(doc["elem"]) {
			numbers = append(numbers, field(e.(map[string]any)["number"]))
		}
		total, err := strconv.Atoi(field(doc["p_elems"]))
		require.NoError(t, err)
		if len(numbers) >= total || page > total {
			break
		}
	}
	assert.Len(t, numbers, 3)
	for _, n := range numbers {
		assert.Regexp(t, `^pfx/\d+$`, n)
	}
	expenses := call("func", "expense")
	e, isObject := expenses["elem"].(map[string]any)
	require.True(t, isObject, "one expense, an object")
	assert.Equal(t, "12.50 RUB", field(e["amount"]))
	assert.Equal(t, "missed(func)", jsonError(call("func", "menu")))
	assert.Equal(t, "missed(func)", jsonError(call("func", "vds")))
}

// TestConformanceHostingAdapter runs a Python hosting adapter's calls: a client's session
// from a POSTed func=auth&out=json, its payments and expenses, the access error of an
// administrator's function (no re-login on it), and one re-login after an auth error.
func TestConformanceHostingAdapter(t *testing.T) {
	t.Parallel()
	p := startPanel(t)
	login := func() string {
		doc := jsonDoc(t, p.post(t, values("func", "auth", "out", "json", "username", "ivan@example.ru", "password", "ivan-secret")))
		return doc["auth"].(map[string]any)["$id"].(string)
	}
	sid := login()
	call := func(kv ...string) map[string]any {
		return jsonDoc(t, p.post(t, values(append([]string{"out", "json", "auth", sid}, kv...)...)))
	}

	rows := asArray(call("func", "payment", "lang", "ru")["elem"])
	require.Len(t, rows, 2)
	var statuses, amounts []string
	for _, r := range rows {
		r := r.(map[string]any)
		statuses = append(statuses, field(r["status"]))
		amounts = append(amounts, r["subaccountamount_iso"].(map[string]any)["$"].(string))
		assert.NotEmpty(t, r["status"].(map[string]any)["$"], "the label, in Russian")
	}
	assert.Equal(t, []string{"9", "6"}, statuses, "cancelled, refunded: the codes in $orig")
	assert.Equal(t, []string{"80.00 RUB", "500.00 RUB"}, amounts)
	assert.Equal(t, "20.00 RUB", field(call("func", "expense")["elem"].(map[string]any)["amount"]))

	doc := call("func", "subaccount")
	assert.Equal(t, "access(subaccount)", jsonError(doc), "a client may not call it")
	assert.Equal(t, map[string]any{"$": "Insufficient privileges to access the function"}, doc["error"].(map[string]any)["msg"])

	sid = "0123456789abcdef01234567" // a session the panel forgot
	doc = call("func", "payment")
	assert.Equal(t, "auth()", jsonError(doc), "an unknown session: auth, without an object")
	sid = login()
	assert.Len(t, asArray(call("func", "payment")["elem"]), 2)
}

// TestConformanceAdministratorJSON checks the shapes an administrator's JSON client reads
// after writes: the id of a create, ok as {}, a value error with its params, and the
// statuses' codes.
func TestConformanceAdministratorJSON(t *testing.T) {
	t.Parallel()
	p := startPanel(t)
	for _, out := range []string{"json", "sjson"} {
		call := func(kv ...string) map[string]any {
			return jsonDoc(t, p.post(t, values(append([]string{"out", out, "authinfo", p.admin()}, kv...)...)))
		}
		doc := call("func", "payment.edit", "plid", "1", "sok", "ok", "subaccountamount", "12.50")
		assert.Equal(t, map[string]any{}, doc["ok"], out)
		id := doc["id"].(map[string]any)["$"].(string)
		assert.Regexp(t, `^\d+$`, id, out)
		assert.Equal(t, map[string]any{}, call("func", "payment.setpaid", "elid", id)["ok"], out)

		doc = call("func", "payment.edit", "plid", "1", "sok", "ok", "subaccountamount", "12,50")
		assert.Equal(t, "value(subaccountamount)", jsonError(doc), out)
		var params []string
		for _, prm := range asArray(doc["error"].(map[string]any)["param"]) {
			params = append(params, prm.(map[string]any)["$name"].(string))
		}
		assert.Equal(t, []string{"object", "value", "desc"}, params, out)
		assert.Equal(t, "missed(elid)", jsonError(call("func", "account.payment", "elid", "999999")), out)
	}
	body := p.get(t, values("func", "payment.add", "out", "json", "authinfo", p.admin(), "su", "corp@example.com",
		"sok", "ok", "amount", "5")).body
	assert.Contains(t, string(body), `"ok":{"$type":"url","$":"\/mancgi\/`, "slashes escaped as the panel escapes them")
	assert.Regexp(t, `"id":\[\{"\$saveoutput":"yes","\$":"\d+"\},\{`, string(body), "the id twice: an array")
}

// TestConformanceWrongURL runs clients configured with a URL that is not the panel's API:
// BILLmanager 5's /manager/billmgr, a trailing slash, the bare host, a typo. Each gets a
// 404 HTML page, never a document, whatever it sends; the SDK (which reads a bare host
// as the panel's path and drops a trailing slash) reports the status; the right URL then
// works.
func TestConformanceWrongURL(t *testing.T) {
	t.Parallel()
	p := startPanel(t, "--http")
	api, err := url.Parse(p.banner["url"])
	require.NoError(t, err)
	for _, path := range []string{"/manager/billmgr", "/billmgr/", "/", "/billmgr.php", "/manager"} {
		target := *api
		target.Path = path
		for _, send := range []func() (*http.Response, error){
			func() (*http.Response, error) {
				return p.http.Get(target.String() + "?" + values("func", "whoami", "out", "json", "authinfo", p.admin()).Encode())
			},
			func() (*http.Response, error) {
				return p.http.PostForm(target.String(), values("func", "whoami", "out", "xml", "authinfo", p.admin()))
			},
		} {
			resp, err := send()
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
			assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"), path)
			assert.NotContains(t, string(body), "<doc", path)
		}
		if path == "/" || path == "/billmgr/" {
			continue // the SDK sends these to /billmgr
		}
		c, err := billmgr.NewClient(target.String(), billmgr.WithAuthInfo(p.banner["user"], p.banner["password"]))
		require.NoError(t, err)
		_, err = c.Accounts.List(context.Background(), nil)
		var httpErr *billmgr.HTTPError
		require.ErrorAs(t, err, &httpErr, path)
		assert.Equal(t, http.StatusNotFound, httpErr.StatusCode, path)
	}
	c, err := billmgr.NewClient(p.banner["url"], billmgr.WithAuthInfo(p.banner["user"], p.banner["password"]))
	require.NoError(t, err)
	_, err = c.Accounts.List(context.Background(), nil)
	assert.NoError(t, err)
}

// TestConformanceFormPassThrough runs a web form's backend that hands the fields a visitor
// posted to the panel as they came, names included: names that are not XML names (a space,
// markup, a leading digit, $, a colon, letters only XML 1.0 fifth edition admits) must not
// break the reply in any format, nor inject an element, nor take a JSON key of attributes
// or text.
func TestConformanceFormPassThrough(t *testing.T) {
	t.Parallel()
	p := startPanel(t)
	hostile := []string{"a b", `x"><injected a="`, "x><injected/><y", "1abc", "$", "$lang", "$name", "a:b", "<!--", "]]>",
		"aſ", "aǄ", "ǅ"} // names of XML 1.0 fifth edition that encoding/xml and expat refuse
	for _, out := range []string{"xml", "json", "sjson"} {
		for _, fn := range []string{"account", "register", "whoami"} {
			v := values("func", fn, "out", out, "authinfo", p.admin(), "realname", "kept")
			for _, name := range hostile {
				v.Set(name, "hostile")
			}
			r := p.post(t, v)
			assert.NotContains(t, string(r.body), "hostile", "%s %s", out, fn)
			if out == "xml" {
				d := xmlDoc(t, r) // encoding/xml parses it
				assert.Empty(t, d.find("injected"), fn)
				assert.Empty(t, d.find("tparams/injected"), fn)
				assert.Equal(t, "kept", d.get("tparams/realname"), fn)
				assert.Empty(t, d.errorOf(), fn)
				continue
			}
			doc := jsonDoc(t, r) // every value a string: no "$" key holds an object
			assert.Equal(t, "en", doc["$lang"], "%s %s", out, fn)
			echo := doc["tparams"].(map[string]any)
			assert.Equal(t, "kept", field(echo["realname"]), "%s %s", out, fn)
			for key := range echo {
				assert.False(t, strings.HasPrefix(key, "$"), "%s %s: tparams has %q", out, fn, key)
			}
		}
	}
}

// TestConformancePasswordPolicy runs the signup library against a fake started with the
// installation's password policy: a short password is refused with value(passwd) and a
// message that says the rule and quotes no password, in the visitor's language, and the
// client is not created; one long enough is accepted.
func TestConformancePasswordPolicy(t *testing.T) {
	t.Parallel()
	p := startPanel(t, "--password-min-length", "10")
	signup := func(password, lang string) *xnode {
		return xmlDoc(t, p.post(t, values("func", "register", "out", "xml", "lang", lang, "sok", "ok",
			"email", "visitor@example.com", "passwd", password, "realname", "Visitor")))
	}
	d := signup("nine-char", "en")
	assert.Equal(t, "value(passwd)", d.errorOf())
	assert.Equal(t, "Field 'Password' has an invalid value. The length of the password must be at least 10", d.get("error/msg"))
	assert.NotContains(t, string(p.post(t, values("func", "register", "out", "xml", "sok", "ok",
		"email", "visitor@example.com", "passwd", "nine-char")).body), "nine-char")
	d = signup("nine-char", "ru")
	assert.Equal(t, "Поле 'Пароль' имеет недопустимое значение. Длина пароля должна быть не менее 10", d.get("error/msg"))
	d = xmlDoc(t, p.post(t, values("func", "account", "out", "xml", "authinfo", p.admin(), "filter", "on", "email", "visitor@")))
	assert.Empty(t, d.find("elem"), "nobody registered")
	assert.Len(t, signup("ten-chars!", "en").find("ok"), 1)
}
