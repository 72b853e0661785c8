package billmgrtest

import (
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRefuse refuses every register with a chosen error: in the request's language, in
// the shape of the fake's own errors, after authentication, changing nothing, until the
// refusals are cleared.
func TestRefuse(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.Refuse("register", Refusal{Type: "value", Object: "email", Value: "spam@example.com",
		Msg: "Registration from this domain is closed", MsgRU: "Регистрация с этого домена закрыта"})
	signup := []string{"func", "register", "sok", "ok", "email", "spam@example.com", "passwd", "spam-secret"}

	for range 2 {
		e := mustFail(t, srv, "value", "email", signup...)
		assert.Equal(t, []string{"email", "spam@example.com"}, e.values("param"))
		assert.Equal(t, []string{"E-mail"}, e.values("param@msg"))
		assert.Equal(t, []string{"en"}, e.values("@lang"))
		assert.Equal(t, []string{"1"}, e.values("@code"))
		assert.Equal(t, []string{"register"}, e.values("stack/action"))
		assert.Equal(t, []string{"Field '__object__' has an invalid value. __desc__"}, e.values("group"), "the fake's headline of the type")
		assert.Equal(t, "Registration from this domain is closed", e.get("msg"))
		assert.False(t, e.has("detail"))
	}
	e := mustFail(t, srv, "value", "email", append(signup, "lang", "ru")...)
	assert.Equal(t, "Регистрация с этого домена закрыта", e.get("msg"))
	assert.Equal(t, []string{"ru"}, e.values("@lang"))
	assert.Zero(t, srv.AccountID("spam@example.com"), "a refused call changes nothing")
	assert.Equal(t, 3, srv.Hits("register"))

	// Credentials come first: a wrong password still gets the auth error.
	mustFail(t, srv, "auth", "badpassword", append(signup, "authinfo", "admin:wrong")...)
	// Another function is served.
	mustOK(t, srv, "func", "account")

	srv.ClearRefusals()
	create(t, srv, signup...)
	assert.NotZero(t, srv.AccountID("spam@example.com"))
}

// TestRefuseNext refuses the next n calls that a rule picks; the calls it does not pick
// are served and do not count.
func TestRefuseNext(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	var (
		mu   sync.Mutex // the rule runs in the server's goroutine
		seen []string
	)
	srv.RefuseNext("register", 2, Refusal{Type: "exists", Object: "email",
		When: func(p url.Values) bool {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, p.Get("email"))
			p.Set("email", "changed@example.com") // a copy: the call keeps its own
			return p.Get("realname") == "Bot"
		}})
	register := func(email, name string) *xnode {
		return request(t, srv, "func", "register", "sok", "ok", "email", email, "passwd", "some-secret", "realname", name)
	}
	assert.Equal(t, "", errOf(register("ann@example.com", "Ann")))
	assert.NotZero(t, srv.AccountID("ann@example.com"), "the rule's copy of the parameters was changed, not the call's")
	e := register("bot1@example.com", "Bot").child("error")
	require.NotNil(t, e)
	assert.Equal(t, "exists(email)", errOf(register("bot2@example.com", "Bot")))
	assert.Equal(t, "", errOf(register("bot3@example.com", "Bot")), "two refused: served again")
	mu.Lock()
	assert.Equal(t, []string{"ann@example.com", "bot1@example.com", "bot2@example.com"}, seen,
		"the rule is asked while the refusal lasts")
	mu.Unlock()

	// Without Msg, the message is the fake's own for the type, the object and the value.
	assert.Equal(t, "Object 'E-mail' with value '' already exists", e.child("msg").Text)

	srv.RefuseNext("register", 0, Refusal{Type: "value"})
	assert.Equal(t, "", errOf(register("bot4@example.com", "Bot")), "n <= 0 refuses nothing")
}

// TestRefuseOrder: when several refusals pick a call, the one set last answers; a spent
// RefuseNext uncovers the one below it.
func TestRefuseOrder(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	ann := itoa(srv.AccountID(annEmail))
	srv.Refuse("account.payment", Refusal{Type: "access", Object: "account.payment"})
	srv.RefuseNext("account.payment", 1, Refusal{Type: "missed", Object: "elid", Value: ann})
	mustFail(t, srv, "missed", "elid", "func", "account.payment", "elid", ann)
	mustFail(t, srv, "access", "account.payment", "func", "account.payment", "elid", ann)
	mustFail(t, srv, "access", "account.payment", "func", "account.payment", "elid", ann)
	srv.ClearRefusals()
	mustOK(t, srv, "func", "account.payment", "elid", ann)
}

// TestRefusalShapes writes refusals of every type in XML, json and sjson, in both
// languages: the same tree in the three formats, the auth shapes as the fake's own.
func TestRefusalShapes(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	for _, c := range []struct {
		refusal Refusal
		want    map[string][]string // path: values, in English
	}{
		{Refusal{Type: "value", Object: "passwd", Msg: "Too weak", MsgRU: "Слишком слабый", Detail: "Use 12 characters", DetailRU: "Нужно 12 символов"},
			map[string][]string{"msg": {"Too weak"}, "detail": {"Use 12 characters"}, "param": {"passwd", ""}}},
		{Refusal{Type: "auth"},
			map[string][]string{"msg": {"Authorization required"}, "param": nil, "group": nil, "stack": nil}},
		{Refusal{Type: "auth", Object: "badpassword", Value: "remote_addr: [127.0.0.1]"},
			map[string][]string{"detail": {"Invalid username or password"}, "msg": {"Invalid username or password"}, "group": nil, "param@msg": nil}},
		{Refusal{Type: "limit", Object: "payment", Msg: "Too many payments"},
			map[string][]string{"msg": {"Too many payments"}, "param": {"payment", ""}, "param@msg": {"payment"},
				"group": {"Field '__object__' has an invalid value. __desc__"}}},
		{Refusal{Type: "missed", Object: "elid", Value: "7", MsgRU: "Нет такого"},
			map[string][]string{"msg": {"Object 'Id' with value '7' not found"}}},
	} {
		srv.ClearRefusals()
		srv.Refuse("whoami", c.refusal)
		what := c.refusal.Type + "(" + c.refusal.Object + ")"
		for _, lang := range []string{"en", "ru"} {
			kv := []string{"func", "whoami", "su", annEmail, "lang", lang}
			x := parseDoc(t, replyIn(t, srv, "xml", kv...))
			require.Len(t, x.Nodes, 1, "%s: the <error> alone", what)
			e := x.child("error")
			require.NotNil(t, e, what)
			assert.Equal(t, what, e.attr("type")+"("+e.attr("object")+")")
			assert.Equal(t, lang, e.attr("lang"))
			assert.Equal(t, "1", e.attr("code"))
			if lang == "en" {
				for path, want := range c.want {
					assert.Equal(t, want, e.values(path), "%s %s", what, path)
				}
			}
			for _, out := range []string{"json", "sjson"} {
				sameTree(t, out+" "+what+" "+lang, x, jsonDoc(t, replyIn(t, srv, out, kv...)), out == "sjson", true)
			}
		}
		ru := parseDoc(t, replyIn(t, srv, "xml", "func", "whoami", "su", annEmail, "lang", "ru")).child("error")
		switch what {
		case "value(passwd)":
			assert.Equal(t, "Слишком слабый", ru.get("msg"))
			assert.Equal(t, "Нужно 12 символов", ru.get("detail"))
		case "limit(payment)":
			assert.Equal(t, "Too many payments", ru.get("msg"), "no MsgRU: Msg")
		case "missed(elid)":
			assert.Equal(t, "Нет такого", ru.get("msg"))
		case "auth()":
			assert.Equal(t, "Требуется авторизация", ru.get("msg"))
		}
	}
}

// TestRefuseAfterAccess: a refusal comes where the function would run, so the checks
// before it answer first: the format, an unknown function, a client calling an
// administrator's function.
func TestRefuseAfterAccess(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	for _, fn := range []string{"account", "no.such.func"} {
		srv.Refuse(fn, Refusal{Type: "value", Object: "x"})
	}
	mustFail(t, srv, "access", "account", "func", "account", "su", annEmail)
	mustFail(t, srv, "missed", "func", "func", "no.such.func")
	mustFail(t, srv, "value", "out", "func", "account", "out", "text")
	mustFail(t, srv, "auth", "", "func", "account", "authinfo", "-")
	mustFail(t, srv, "value", "x", "func", "account")
}

func TestRefuseWithoutType(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	assert.PanicsWithValue(t, "billmgrtest: a Refusal needs a Type (value, exists, missed, access, auth, ...)",
		func() { srv.Refuse("register", Refusal{Object: "email"}) })
	assert.Panics(t, func() { srv.RefuseNext("register", 1, Refusal{}) })
}

// TestRefuseConcurrently sets and clears refusals while calls are served (run with -race).
func TestRefuseConcurrently(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if i%2 == 0 {
					srv.RefuseNext("account", 1, Refusal{Type: "value", When: func(url.Values) bool { return true }})
					srv.ClearRefusals()
					continue
				}
				resp, err := srv.Client().PostForm(srv.URL, params(srv, "func", "account"))
				if assert.NoError(t, err) {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 40, srv.Hits("account"))
}
