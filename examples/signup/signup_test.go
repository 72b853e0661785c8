package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// password is sent with every request; no reply and no log line may contain it.
const password = "Tr0ub4dor&3-never-echo"

// syncBuffer is a log sink safe for the handler's concurrent requests.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixture is a signup server backed by a fake BILLmanager where taken@example.com exists.
type fixture struct {
	billing *billmgrtest.Server
	admin   *billmgr.Client
	web     *httptest.Server
	logs    *syncBuffer
}

// newFixture starts the fake and the handler; adminPassword "" means the right one. The
// handler and the SDK both log at debug level into f.logs; opts go to the SDK's client.
func newFixture(t *testing.T, adminPassword string, opts ...billmgr.Option) *fixture {
	t.Helper()
	f := &fixture{logs: &syncBuffer{}}
	f.billing = billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{
		Accounts: []billmgrtest.SeedAccount{{Email: "taken@example.com", Password: "x"}},
	}))
	t.Cleanup(f.billing.Close)
	if adminPassword == "" {
		adminPassword = f.billing.AdminPassword
	}
	log := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := billmgr.NewClient(f.billing.URL, append([]billmgr.Option{
		billmgr.WithSession(f.billing.AdminUser, adminPassword), billmgr.WithLogger(log)}, opts...)...)
	require.NoError(t, err)
	f.admin = c
	f.web = httptest.NewServer(NewSignupHandler(c, log))
	t.Cleanup(f.web.Close)
	t.Cleanup(func() { assert.NotContains(t, f.logs.String(), password, "the password leaked into the log") })
	return f
}

// reply is what the handler answered.
type reply struct {
	status int
	header http.Header
	body   map[string]string
}

// do sends a request to /signup and checks that the reply never holds the password.
func (f *fixture) do(t *testing.T, method, contentType string, body io.Reader) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, f.web.URL+"/signup", body)
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := f.web.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), password, "the password leaked into the reply")
	for k, v := range resp.Header {
		assert.NotContains(t, strings.Join(v, " "), password, "header %s", k)
	}
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	r := reply{status: resp.StatusCode, header: resp.Header}
	require.NoError(t, json.Unmarshal(raw, &r.body), "body %q", raw)
	return r
}

func jsonBody(t *testing.T, fields map[string]string) (string, io.Reader) {
	t.Helper()
	b, err := json.Marshal(fields)
	require.NoError(t, err)
	return "application/json", bytes.NewReader(b)
}

func formBody(_ *testing.T, fields map[string]string) (string, io.Reader) {
	v := url.Values{}
	for k, s := range fields {
		v.Set(k, s)
	}
	return "application/x-www-form-urlencoded", strings.NewReader(v.Encode())
}

func multipartBody(t *testing.T, fields map[string]string) (string, io.Reader) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, s := range fields {
		require.NoError(t, w.WriteField(k, s))
	}
	require.NoError(t, w.Close())
	return w.FormDataContentType(), &b
}

func raw(contentType, body string) func(*testing.T, map[string]string) (string, io.Reader) {
	return func(*testing.T, map[string]string) (string, io.Reader) { return contentType, strings.NewReader(body) }
}

func TestSignup(t *testing.T) {
	t.Parallel()
	ada := map[string]string{"email": "ada@example.com", "password": password, "name": "Ada Lovelace"}
	with := func(k, v string) map[string]string {
		m := map[string]string{"email": ada["email"], "password": ada["password"], "name": ada["name"]}
		m[k] = v
		return m
	}
	tests := []struct {
		name      string
		method    string
		encode    func(*testing.T, map[string]string) (string, io.Reader)
		fields    map[string]string
		status    int
		field     string
		registers bool // the request reaches BILLmanager's register
	}{
		{"json", http.MethodPost, jsonBody, ada, http.StatusCreated, "", true},
		{"form", http.MethodPost, formBody, ada, http.StatusCreated, "", true},
		{"multipart", http.MethodPost, multipartBody, ada, http.StatusCreated, "", true},
		{"email with spaces", http.MethodPost, formBody, with("email", "  ada@example.com "), http.StatusCreated, "", true},
		{"taken", http.MethodPost, jsonBody, with("email", "taken@example.com"), http.StatusConflict, "email", true},
		{"taken in capitals", http.MethodPost, formBody, with("email", "TAKEN@example.com"), http.StatusConflict, "email", true},
		{"bad email", http.MethodPost, jsonBody, with("email", "ada at example"), http.StatusUnprocessableEntity, "email", true},
		{"no email", http.MethodPost, formBody, with("email", ""), http.StatusUnprocessableEntity, "email", false},
		{"no password", http.MethodPost, jsonBody, with("password", ""), http.StatusUnprocessableEntity, "password", false},
		{"no password in a form", http.MethodPost, formBody, with("password", ""), http.StatusUnprocessableEntity, "password", false},
		{"malformed json", http.MethodPost, raw("application/json", `{"email": "ada@example.com", "password": "`+password+`"`), nil, http.StatusBadRequest, "", false},
		{"two json objects", http.MethodPost, raw("application/json", `{"email": "a@b.c", "password": "`+password+`"} {}`), nil, http.StatusBadRequest, "", false},
		{"json of the wrong type", http.MethodPost, raw("application/json", `{"email": ["a@b.c"], "password": "`+password+`"}`), nil, http.StatusBadRequest, "", false},
		{"too large", http.MethodPost, raw("application/json", `{"password": "`+password+`", "name": "`+strings.Repeat("x", maxBodyBytes)+`"}`), nil, http.StatusRequestEntityTooLarge, "", false},
		{"plain text", http.MethodPost, raw("text/plain", "email=a@b.c&password="+password), nil, http.StatusUnsupportedMediaType, "", false},
		{"no content type", http.MethodPost, raw("", "email=a@b.c&password="+password), nil, http.StatusUnsupportedMediaType, "", false},
		{"get", http.MethodGet, raw("", ""), nil, http.StatusMethodNotAllowed, "", false},
		{"put", http.MethodPut, jsonBody, ada, http.StatusMethodNotAllowed, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, "")
			contentType, body := tt.encode(t, tt.fields)
			r := f.do(t, tt.method, contentType, body)
			assert.Equal(t, tt.status, r.status, "body %v", r.body)
			assert.Equal(t, tt.registers, f.billing.Hits("register") > 0, "reached register")
			if tt.status == http.StatusMethodNotAllowed {
				assert.Equal(t, http.MethodPost, r.header.Get("Allow"))
			}
			if tt.status != http.StatusCreated {
				assert.NotEmpty(t, r.body["error"])
				assert.Equal(t, tt.field, r.body["field"])
				assert.NotContains(t, r.body, "account_id")
				assert.Equal(t, int64(0), f.billing.AccountID("ada@example.com"), "nobody registered")
				return
			}
			id, err := strconv.ParseInt(r.body["account_id"], 10, 64)
			require.NoError(t, err)
			assert.Equal(t, f.billing.AccountID("ada@example.com"), id)
			d, err := f.admin.Accounts.Get(context.Background(), id)
			require.NoError(t, err)
			assert.Equal(t, "ada@example.com", d.Email)
			assert.Equal(t, "Ada Lovelace", d.RealName)
		})
	}
}

// TestSignupTwice registers one e-mail twice: the second time is a conflict.
func TestSignupTwice(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "")
	fields := map[string]string{"email": "bob@example.com", "password": password}
	contentType, body := formBody(t, fields)
	first := f.do(t, http.MethodPost, contentType, body)
	require.Equal(t, http.StatusCreated, first.status)
	contentType, body = jsonBody(t, fields)
	second := f.do(t, http.MethodPost, contentType, body)
	assert.Equal(t, http.StatusConflict, second.status)
	assert.Equal(t, "email", second.body["field"])
	assert.Equal(t, "email is already registered", second.body["error"])
	logs := f.logs.String()
	assert.Contains(t, logs, "bob@example.com", "signups are logged")
	assert.Contains(t, logs, "register", "the SDK logs its calls")
}

// TestSignupRefused makes the fake BILLmanager refuse registrations as a panel can (its
// password policy, an e-mail taken, a field refused by a rule of the panel, in English or
// in Russian) and checks the form's answer to each: the status, the field to fix, the
// handler's own text, nobody registered.
func TestSignupRefused(t *testing.T) {
	t.Parallel()
	const email = "eve@example.com"
	tests := []struct {
		name     string
		password string                    // default: password
		lang     string                    // the SDK's language; default en
		refuse   func(*billmgrtest.Server) // the refusals set before the signup
		status   int
		field    string
		error    string
		reach    int // the registers that reach BILLmanager
	}{
		{name: "password too short for the policy", password: "Xq9!z",
			status: http.StatusUnprocessableEntity, field: "password", error: "password is not valid", reach: 1},
		{name: "e-mail taken", refuse: func(s *billmgrtest.Server) {
			s.RefuseNext("register", 1, billmgrtest.Refusal{Type: "exists", Object: "email", Value: email})
		}, status: http.StatusConflict, field: "email", error: "email is already registered", reach: 1},
		{name: "e-mail domain refused by a rule", refuse: func(s *billmgrtest.Server) {
			s.Refuse("register", billmgrtest.Refusal{Type: "value", Object: "email", Value: email,
				Msg: "Registration from this domain is closed", MsgRU: "Регистрация с этого домена закрыта",
				When: func(p url.Values) bool { return strings.HasSuffix(p.Get("email"), "@example.com") }})
		}, status: http.StatusUnprocessableEntity, field: "email", error: "email is not valid", reach: 1},
		{name: "password refused in Russian, quoted in the message", lang: "ru", refuse: func(s *billmgrtest.Server) {
			s.Refuse("register", billmgrtest.Refusal{Type: "value", Object: "passwd",
				Msg:   "The password '" + password + "' is in a list of leaked passwords",
				MsgRU: "Пароль '" + password + "' есть в списке утекших паролей"})
		}, status: http.StatusUnprocessableEntity, field: "password", error: "password is not valid", reach: 1},
		{name: "name refused", refuse: func(s *billmgrtest.Server) {
			s.Refuse("register", billmgrtest.Refusal{Type: "value", Object: "realname", Value: "Eve"})
		}, status: http.StatusUnprocessableEntity, field: "name", error: "name is not valid", reach: 1},
		{name: "a field the form does not have", lang: "ru", refuse: func(s *billmgrtest.Server) {
			s.Refuse("register", billmgrtest.Refusal{Type: "value", Object: "country", MsgRU: "Регистрация из вашей страны закрыта"})
		}, status: http.StatusUnprocessableEntity, field: "country", error: "country is not valid", reach: 1},
		{name: "no access", refuse: func(s *billmgrtest.Server) {
			s.Refuse("register", billmgrtest.Refusal{Type: "access", Object: "register"})
		}, status: http.StatusBadGateway, error: "the billing system is unavailable, try again later", reach: 1},
		{name: "an error of another type", refuse: func(s *billmgrtest.Server) {
			s.Refuse("register", billmgrtest.Refusal{Type: "limit", Object: "account", Msg: "Too many clients"})
		}, status: http.StatusBadGateway, error: "the billing system refused the registration", reach: 1},
		{name: "session expired: the SDK logs in again and sends it once more", refuse: func(s *billmgrtest.Server) {
			s.RefuseNext("register", 1, billmgrtest.Refusal{Type: "auth"})
		}, status: http.StatusCreated, reach: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []billmgr.Option
			if tt.lang != "" {
				opts = append(opts, billmgr.WithLang(tt.lang))
			}
			f := newFixture(t, "", opts...)
			if tt.refuse != nil {
				tt.refuse(f.billing)
			}
			pw := cmp.Or(tt.password, password)
			contentType, body := jsonBody(t, map[string]string{"email": email, "password": pw, "name": "Eve"})
			r := f.do(t, http.MethodPost, contentType, body)
			assert.Equal(t, tt.status, r.status, "body %v", r.body)
			assert.Equal(t, tt.reach, f.billing.Hits("register"))
			assert.NotContains(t, f.logs.String(), pw, "the password leaked into the log")
			if tt.status == http.StatusCreated {
				assert.NotZero(t, f.billing.AccountID(email))
				return
			}
			assert.Equal(t, tt.field, r.body["field"])
			assert.Equal(t, tt.error, r.body["error"])
			assert.Zero(t, f.billing.AccountID(email), "nobody registered")
		})
	}
}

// TestSignupBillingFails: a BILLmanager that fails, or refuses the backend's own
// credentials, is a bad gateway, and the registration is not sent twice.
func TestSignupBillingFails(t *testing.T) {
	t.Parallel()
	fields := map[string]string{"email": "cy@example.com", "password": password}
	t.Run("proxy error", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, "")
		_, err := f.admin.Accounts.List(context.Background(), nil) // log in first: the handler shares the session
		require.NoError(t, err)
		f.billing.FailNext(1, http.StatusServiceUnavailable)
		contentType, body := jsonBody(t, fields)
		r := f.do(t, http.MethodPost, contentType, body)
		assert.Equal(t, http.StatusBadGateway, r.status)
		assert.Empty(t, r.body["field"])
		assert.Equal(t, 1, f.billing.Hits("register"))
		assert.Equal(t, 1, f.billing.Hits("auth"))
	})
	t.Run("bad admin password", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, "wrong")
		contentType, body := jsonBody(t, fields)
		r := f.do(t, http.MethodPost, contentType, body)
		assert.Equal(t, http.StatusBadGateway, r.status)
		assert.Zero(t, f.billing.Hits("register"))
		assert.Zero(t, f.billing.AccountID("cy@example.com"))
	})
}

// TestTheREADMECommandsWork runs the program as the README does (on a free port rather
// than 8080) and sends the README's curl requests: each answers what the README shows.
func TestTheREADMECommandsWork(t *testing.T) {
	t.Setenv("BILLMGR_URL", "") // the built-in fake, whatever the environment says
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	block := regexp.MustCompile("(?s)\\$ go run ./examples/signup -addr 127.0.0.1:8080\n(.*?)```").FindSubmatch(readme)
	require.NotNil(t, block, "the README shows how to run the signup example")

	logs := &syncBuffer{}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, "127.0.0.1:0", slog.New(slog.NewTextHandler(logs, nil))) }()
	defer func() {
		stop()
		require.NoError(t, <-done)
	}()
	listening := regexp.MustCompile(`msg=listening url=http://(\S+)/signup`)
	require.Eventually(t, func() bool { return listening.MatchString(logs.String()) }, 10*time.Second, 10*time.Millisecond)
	addr := listening.FindStringSubmatch(logs.String())[1]

	commands := regexp.MustCompile(`(?m)^  \$ (curl .*)\n((?:  [^$].*\n|\n)*)`).FindAllSubmatch(block[1], -1)
	require.Len(t, commands, 2)
	for _, c := range commands {
		args := strings.Fields(string(c[1]))
		form, headers := url.Values{}, false
		for i := 1; i < len(args)-1; i++ {
			switch args[i] {
			case "-i":
				headers = true
			case "-d":
				i++
				name, value, _ := strings.Cut(args[i], "=")
				form.Add(name, value)
			}
		}
		target := strings.Replace(args[len(args)-1], "127.0.0.1:8080", addr, 1)
		resp, err := http.PostForm(target, form)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)

		var got []string
		if headers {
			got = append(got, resp.Proto+" "+resp.Status, "Content-Type: "+resp.Header.Get("Content-Type"), "")
		}
		got = append(got, string(body))
		want := strings.TrimRight(strings.ReplaceAll(string(c[2]), "\n  ", "\n"), "\n")
		assert.Equal(t, strings.TrimPrefix(want, "  "), strings.TrimRight(strings.Join(got, "\n"), "\n"), "%s", c[1])
	}
}
