package billmgrtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replyIn sends a request (see params) with out set and returns the body, requiring
// HTTP 200 and the Content-Type of the format.
func replyIn(t testing.TB, srv *Server, out string, kv ...string) []byte {
	t.Helper()
	resp, body := post(t, srv, params(srv, append([]string{"out", out}, kv...)...))
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", body)
	want := "application/json; charset=UTF-8"
	if out == "xml" {
		want = "text/xml; charset=UTF-8"
	}
	require.Equal(t, want, resp.Header.Get("Content-Type"), "body: %s", body)
	return body
}

// jsonDoc decodes a json or sjson reply and returns its "doc" object, requiring that the
// reply is {"doc": {...}} and nothing else, and that every value in it is a string.
func jsonDoc(t testing.TB, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(body, &v), "body: %s", body)
	require.Len(t, v, 1, "body: %s", body)
	doc, ok := v["doc"].(map[string]any)
	require.True(t, ok, "body: %s", body)
	requireStrings(t, doc, "doc")
	return doc
}

// requireStrings requires every leaf of v to be a string: no numbers, booleans or nulls.
func requireStrings(t testing.TB, v any, path string) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			requireStrings(t, c, path+"."+k)
		}
	case []any:
		for _, c := range v {
			requireStrings(t, c, path+"[]")
		}
	case string:
	default:
		require.Failf(t, "not a string", "%s is %T %v", path, v, v)
	}
}

func obj(t testing.TB, v any, what string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "%s: want an object, got %T %v", what, v, v)
	return m
}

func arr(t testing.TB, v any, what string) []any {
	t.Helper()
	a, ok := v.([]any)
	require.True(t, ok, "%s: want an array, got %T %v", what, v, v)
	return a
}

func TestJSONWriter(t *testing.T) {
	t.Parallel()
	doc := el("doc", "").attr("lang", "en").attr("func", "payment").add(
		el("tparams", "").add(el("out", "json"), el("func", "payment")),
		el("elem", "").add(el("id", "7"), el("status", "Credited").attr("color", "green").attr("orig", "4")),
		el("ok", ""),
		el("page", "7 - 7"),
		el("messages", "").attr("name", "payment").add(
			el("msg", "Payments").attr("name", "title"),
			el("msg", "Amount").attr("name", "amount").attr("added", "lang")),
		el("id", "5").attr("saveoutput", "yes"),
		el("id", "5").attr("saveoutput", "yes").attr("step", "payment.add.pay"),
		el("text", "a/b \"q\" \\ \n\t\x01 Иван \xff"),
	)
	var b bytes.Buffer
	writeJSON(&b, doc, false)
	assert.Equal(t, `{"$lang":"en","$func":"payment",`+
		`"elem":{"id":{"$":"7"},"status":{"$color":"green","$orig":"4","$":"Credited"}},`+
		`"id":[{"$saveoutput":"yes","$":"5"},{"$saveoutput":"yes","$step":"payment.add.pay","$":"5"}],`+
		`"messages":{"$name":"payment","msg":[{"$name":"title","$":"Payments"},{"$name":"amount","$added":"lang","$":"Amount"}]},`+
		`"ok":{},"page":{"$":"7 - 7"},`+
		`"text":{"$":"a\/b \"q\" \\ \n\t\u0001 Иван \ufffd"},`+
		`"tparams":{"func":{"$":"payment"},"out":{"$":"json"}}}`, b.String())
	assert.True(t, json.Valid(b.Bytes()))

	b.Reset()
	writeJSON(&b, doc, true)
	assert.Equal(t, `{"$lang":"en","$func":"payment",`+
		`"elem":[{"id":{"$":"7"},"status":{"$color":"green","$orig":"4","$":"Credited"}}],`+
		`"id":[{"$saveoutput":"yes","$":"5"},{"$saveoutput":"yes","$step":"payment.add.pay","$":"5"}],`+
		`"messages":{"$name":"payment","msg":{"amount":"Amount","title":"Payments"}},`+
		`"ok":{},"page":[{"$":"7 - 7"}],`+
		`"text":{"$":"a\/b \"q\" \\ \n\t\u0001 Иван \ufffd"},`+
		`"tparams":{"func":{"$":"payment"},"out":{"$":"json"}}}`, b.String())
}

// TestJSONFollowsTheRecordedDocuments compares the fake's json and sjson replies with the
// recorded ones: the payment.add reply (out=json), an sjson list, an sjson <ok/>, and the
// errors.
func TestJSONFollowsTheRecordedDocuments(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Password: annPassword,
		Payments: []SeedPayment{{Amount: decimal.NewFromInt(10), Status: 4}}}}}))
	ann := itoa(srv.AccountID(annEmail))

	t.Run("payment.add json", func(t *testing.T) {
		real := sampleJSON(t, "billmgr_json_payment_add_redirect_ok_pastebin.json")
		body := replyIn(t, srv, "json", "func", "payment.add", "su", annEmail, "sok", "ok", "amount", "10", "paymethod", "2")
		fake := jsonDoc(t, body)
		delete(real, "$brand")
		delete(real, "$branddir") // the orion theme's; the fake's theme is dragon
		assert.Equal(t, sortedKeys(real), sortedKeys(fake))
		ids := arr(t, fake["id"], "id")
		require.Len(t, ids, 2, "the same key twice is an array")
		for i, id := range arr(t, real["id"], "id") {
			assert.Equal(t, sortedKeys(obj(t, id, "real id")), sortedKeys(obj(t, ids[i], "id")))
		}
		assert.Equal(t, sortedKeys(obj(t, real["ok"], "ok")), sortedKeys(obj(t, fake["ok"], "ok")))
		assert.Equal(t, "url", obj(t, fake["ok"], "ok")["$type"])
		assert.Equal(t, real["tips"], fake["tips"], "tips/tip: one child, an object")
		for k, v := range obj(t, fake["tparams"], "tparams") {
			assert.Equal(t, []string{"$"}, sortedKeys(obj(t, v, k)), "tparams/%s", k)
		}
		assert.Contains(t, string(body), `"$binary":"\/billmgr"`, "slashes escaped as recorded")
	})

	t.Run("sjson list", func(t *testing.T) {
		real := sampleJSON(t, "ispmgr6_sjson_list_webdomain_trimmed.json")
		fake := jsonDoc(t, replyIn(t, srv, "sjson", "func", "payment", "su", annEmail))
		assert.Len(t, arr(t, real["elem"], "real elem"), 1)
		assert.Len(t, arr(t, fake["elem"], "elem"), 1, "one row, still an array")
		assert.Len(t, arr(t, fake["page"], "page"), 1)
		assert.Equal(t, sortedKeys(obj(t, real["tips"], "real tips")), sortedKeys(obj(t, fake["tips"], "tips")))
		obj(t, obj(t, fake["tips"], "tips")["tip"], "tips/tip")
		for name, text := range obj(t, obj(t, fake["messages"], "messages")["msg"], "messages/msg") {
			assert.IsType(t, "", text, "messages/msg/%s: a text by name, as recorded", name)
		}
		meta := obj(t, fake["metadata"], "metadata")
		cols := arr(t, obj(t, meta["coldata"], "coldata")["col"], "coldata/col")
		row := obj(t, arr(t, fake["elem"], "elem")[0], "elem")
		status := obj(t, row["status"], "status")
		assert.Equal(t, "4", status["$orig"])
		assert.Equal(t, []string{"$", "$color", "$orig"}, sortedKeys(status))
		assert.NotEmpty(t, cols)
		for _, g := range arr(t, obj(t, meta["toolbar"], "toolbar")["toolgrp"], "toolgrp") {
			if btns, ok := obj(t, g, "toolgrp")["toolbtn"]; ok {
				for _, b := range arr(t, btns, "toolbtn: an array, as recorded, even with one button") {
					if hide, ok := obj(t, b, "toolbtn")["hide"]; ok {
						arr(t, hide, "hide")
					}
				}
			}
		}
		for _, k := range []string{"p_cnt", "p_elems", "p_num", "p_order", "p_sort", "saved_filters", "tparams"} {
			assert.Contains(t, fake, k)
		}

		fake = jsonDoc(t, replyIn(t, srv, "json", "func", "payment", "su", annEmail))
		obj(t, fake["elem"], "json: one row is an object, the trap clients guard against")
		obj(t, fake["page"], "json page")
		arr(t, obj(t, fake["messages"], "messages")["msg"], "json messages/msg")
	})

	t.Run("sjson ok", func(t *testing.T) {
		real := sampleJSON(t, "ispmgr6_sjson_ok_user_suspend.json")
		pid := mustOK(t, srv, "func", "account.payment", "elid", ann).elems()[0].get("id")
		fake := jsonDoc(t, replyIn(t, srv, "sjson", "func", "payment.send", "elid", pid))
		assert.Equal(t, map[string]any{}, fake["ok"])
		assert.Equal(t, real["saved_filters"], fake["saved_filters"])
		for _, k := range sortedKeys(real) {
			if !strings.HasPrefix(k, "$") { // the root attributes follow the BILLmanager 6 <ok/>
				assert.Contains(t, fake, k)
			}
		}
	})

	t.Run("create", func(t *testing.T) {
		fake := jsonDoc(t, replyIn(t, srv, "json", "func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "5"))
		assert.Equal(t, map[string]any{}, fake["ok"])
		assert.Regexp(t, `^\d+$`, obj(t, fake["id"], "id")["$"], "the new id")
	})

	t.Run("bad password", func(t *testing.T) {
		real := obj(t, sampleJSON(t, "ispmgr6_sjson_error_auth_badpassword.json")["error"], "error")
		for _, out := range []string{"sjson", "json"} {
			doc := jsonDoc(t, replyIn(t, srv, out, "authinfo", annEmail+":wrong", "func", "account"))
			assert.Equal(t, []string{"error"}, sortedKeys(doc), "an error document has the error alone, as recorded")
			fake := obj(t, doc["error"], "error")
			for _, k := range sortedKeys(real) {
				assert.Contains(t, fake, k)
			}
			assert.Equal(t, "auth", fake["$type"])
			assert.Equal(t, "badpassword", fake["$object"])
			params := arr(t, fake["param"], "param")
			realParams := arr(t, real["param"], "param")
			require.Len(t, params, len(realParams))
			for i := range params {
				assert.Equal(t, sortedKeys(obj(t, realParams[i], "real param")), sortedKeys(obj(t, params[i], "param")))
			}
		}
	})

	t.Run("session and access errors", func(t *testing.T) {
		real := sampleJSON(t, "billmgr6_json_fixture_reduced_error_auth_session.json")
		fake := jsonDoc(t, replyIn(t, srv, "json", "authinfo", "-", "auth", "no-such-session", "func", "account"))
		assert.Equal(t, sortedKeys(real), sortedKeys(fake))
		assert.Equal(t, obj(t, real["error"], "")["msg"], obj(t, fake["error"], "error")["msg"])

		real = sampleJSON(t, "billmgr6_json_fixture_reduced_error_access.json")
		fake = jsonDoc(t, replyIn(t, srv, "sjson", "func", "subaccount", "su", annEmail, "elid", ann))
		e := obj(t, fake["error"], "error")
		assert.Equal(t, obj(t, real["error"], "")["$object"], e["$object"])
		assert.Equal(t, obj(t, real["error"], "")["msg"], e["msg"])
	})
}

// sameTree checks that the json (strict: sjson) form j of a document says what its XML
// form x says: every attribute as "$name", the text as "$", every child under its name,
// an object when it is the only one of its name and an array otherwise (sjson: always an
// array for the names of sjsonArrays; the messages an object of texts), and nothing else.
// Without values, only the shape is compared (for replies that differ from call to call:
// a new id, a new session).
func sameTree(t *testing.T, path string, x *xnode, j map[string]any, strict, values bool) {
	t.Helper()
	check := func(want string, got any, what string) {
		if values {
			assert.Equal(t, want, got, "%s %s", path, what)
		} else {
			assert.IsType(t, "", got, "%s %s", path, what)
		}
	}
	want := 0
	for _, a := range x.Attrs {
		want++
		check(a.Value, j["$"+a.Name.Local], "@"+a.Name.Local)
	}
	if x.Text != "" {
		want++
		check(x.Text, j["$"], "text")
	}
	groups := map[string][]*xnode{}
	for _, c := range x.Nodes {
		groups[c.XMLName.Local] = append(groups[c.XMLName.Local], c)
	}
	want += len(groups)
	assert.Len(t, j, want, "%s: keys %v", path, sortedKeys(j))
	for name, nodes := range groups {
		p := path + "/" + name
		if strict && x.XMLName.Local == "messages" && name == "msg" {
			texts := obj(t, j[name], p)
			for _, m := range nodes {
				check(m.Text, texts[m.attr("name")], m.attr("name"))
			}
			continue
		}
		if len(nodes) == 1 && !(strict && sjsonArrays[name]) {
			sameTree(t, p, nodes[0], obj(t, j[name], p), strict, values)
			continue
		}
		items := arr(t, j[name], p)
		require.Len(t, items, len(nodes), p)
		for i, n := range nodes {
			sameTree(t, p, n, obj(t, items[i], p), strict, values)
		}
	}
}

// TestEveryReplyInEveryFormat asks for lists, forms, actions, creates, the client's
// functions and errors in xml, json and sjson, in both languages, and checks that the
// three say the same.
func TestEveryReplyInEveryFormat(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithClock(newClock().Now), WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Password: annPassword,
		Payments: []SeedPayment{{Amount: decimal.NewFromInt(3), Status: 4}, {Amount: decimal.NewFromInt(4)}},
		Expenses: []SeedExpense{{Name: "VPS", Amount: decimal.NewFromInt(1)}}}}}))
	ann := itoa(srv.AccountID(annEmail))
	pids := srv.PaymentIDs(srv.AccountID(annEmail))
	paid, unpaid := itoa(pids[0]), itoa(pids[1])
	for _, c := range []struct {
		kv      []string
		changes bool // each call answers other values (a new id, a new session)
	}{
		{kv: []string{"func", "account"}},
		{kv: []string{"func", "account.payment", "elid", ann}},
		{kv: []string{"func", "payment", "su", annEmail}},
		{kv: []string{"func", "expense", "su", annEmail}},
		{kv: []string{"func", "subaccount", "elid", ann}},
		{kv: []string{"func", "payment.history", "elid", paid}},
		{kv: []string{"func", "account.edit", "elid", ann}},
		{kv: []string{"func", "payment.edit", "plid", ann, "elid", paid}},
		{kv: []string{"func", "payment.filter", "su", annEmail}},
		{kv: []string{"func", "register", "authinfo", "-"}},
		{kv: []string{"func", "whoami", "su", annEmail}},
		{kv: []string{"func", "keepalive"}},
		{kv: []string{"func", "payment.send", "elid", unpaid}},
		{kv: []string{"func", "auth", "authinfo", "-", "username", annEmail, "password", annPassword}, changes: true},
		{kv: []string{"func", "payment.add", "su", annEmail, "sok", "ok", "amount", "1"}, changes: true},
		{kv: []string{"func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "2"}, changes: true},
		{kv: []string{"func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "abc"}},
		{kv: []string{"func", "account.edit", "sok", "ok", "email", "bob@example.com", "country", ""}},
		{kv: []string{"func", "no.such.func"}},
		{kv: []string{"func", "account", "su", annEmail}},
		{kv: []string{"func", "account", "authinfo", "x:y"}},
		{kv: []string{"func", "account", "authinfo", "-"}},
	} {
		for _, lang := range []string{"en", "ru"} {
			kv := append(c.kv, "lang", lang)
			what := strings.Join(kv, " ")
			x := parseDoc(t, replyIn(t, srv, "xml", kv...))
			for _, out := range []string{"json", "sjson"} {
				j := jsonDoc(t, replyIn(t, srv, out, kv...))
				if echo := x.child("tparams"); echo != nil { // the echo of the request names the format
					echo.child("out").Text = out
				}
				sameTree(t, out+" "+what, x, j, out == "sjson", !c.changes)
			}
		}
	}
}
