package billmgr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr/billmgrtest"
)

func accountTestMoney(t *testing.T, amount, currency string) Money {
	t.Helper()
	return Money{Amount: decimal.RequireFromString(amount), Currency: currency}
}

func assertAccountMoney(t *testing.T, want, got Money) {
	t.Helper()
	assert.True(t, want.Equal(got), "money: want %s, got %s", want, got)
}

func TestAccountsList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture string
		opts    *AccountListOptions
		params  url.Values
		page    Page[Account]
	}{
		{
			fixture: "account/list_en.xml",
			opts:    &AccountListOptions{ListOptions: ListOptions{Page: 1, PerPage: 2, Sort: "id", Order: "asc"}},
			params:  url.Values{"func": {"account"}, "p_num": {"1"}, "p_cnt": {"2"}, "p_sort": {"id"}, "p_order": {"asc"}},
			page: Page[Account]{Number: 1, Size: 2, Total: 3, Items: []Account{
				{
					ID: 12, Name: "Acme LLC", Email: "billing@acme.example",
					Project:          Status{Code: "1", Label: "Main provider"},
					Balance:          accountTestMoney(t, "1234.50", "RUB"),
					AccountStatus:    Status{Code: AccountActive, Label: "Active"},
					RegistrationDate: time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC),
					Properties:       "Verified e-mail",
				},
				{
					ID: 13, Name: "Jane Doe", Email: "jane@example.com",
					Project:          Status{Code: "2", Label: "Second provider"},
					Balance:          accountTestMoney(t, "-20", "RUB"),
					AccountStatus:    Status{Code: AccountSuspended, Label: "Suspended"},
					RegistrationDate: time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC),
				},
			}},
		},
		{
			// The vendor's page names the id column elid.
			fixture: "account/list_ru.xml",
			opts:    &AccountListOptions{AccountStatus: AccountActive},
			params:  url.Values{"func": {"account"}, "filter": {"on"}, "account_status": {"1"}},
			page: Page[Account]{Number: 1, Size: 1000, Total: 1, Items: []Account{{
				ID: 12, Name: "ООО Акме", Email: "billing@acme.example",
				Project:          Status{Code: "1", Label: "Основной провайдер"},
				Balance:          accountTestMoney(t, "1234.50", "руб."),
				AccountStatus:    Status{Code: AccountActive, Label: "Активен"},
				RegistrationDate: time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC),
				Properties:       "Подтвержден e-mail",
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, tt.fixture)
			page, err := c.Accounts.List(context.Background(), tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.params, functionParams(s.last(t)))
			assert.Equal(t, tt.page.Number, page.Number)
			assert.Equal(t, tt.page.Size, page.Size)
			assert.Equal(t, tt.page.Total, page.Total)
			require.Len(t, page.Items, len(tt.page.Items))
			for i, want := range tt.page.Items {
				got := page.Items[i]
				assertAccountMoney(t, want.Balance, got.Balance)
				want.Balance, got.Balance = Money{}, Money{}
				assert.Equal(t, want, got)
			}
		})
	}
}

func TestAccountsListFilters(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "account/list_en.xml")
	_, err := c.Accounts.List(context.Background(), &AccountListOptions{
		ListOptions: ListOptions{Page: 2},
		Name:        "Acme", Email: "acme.example", Project: 1, AccountStatus: AccountSuspended,
	})
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"func": {"account"}, "p_num": {"2"}, "filter": {"on"},
		"name": {"Acme"}, "email": {"acme.example"}, "project": {"1"}, "account_status": {"2"},
	}, functionParams(s.last(t)))

	_, err = c.Accounts.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"func": {"account"}}, functionParams(s.last(t)))
}

func TestAccountsAll(t *testing.T) {
	t.Parallel()
	// Page 2 is short: All stops there. The repeated last page is never asked for.
	c, s := newFixtureStub(t, "account/list_en.xml", "account/list_en_page2.xml")
	var ids []int64
	for a, err := range c.Accounts.All(context.Background(), &AccountListOptions{ListOptions: ListOptions{PerPage: 2}, Name: "a"}) {
		require.NoError(t, err)
		ids = append(ids, a.ID)
	}
	assert.Equal(t, []int64{12, 13, 14}, ids)
	reqs := s.requests()
	require.Len(t, reqs, 2)
	for i, r := range reqs {
		assert.Equal(t, url.Values{
			"func": {"account"}, "filter": {"on"}, "name": {"a"},
			"p_cnt": {"2"}, "p_num": {fmt.Sprint(i + 1)}, "p_sort": {"id"}, "p_order": {"asc"},
		}, functionParams(r.Form))
	}
}

func TestAccountsAllError(t *testing.T) {
	t.Parallel()
	c, _ := newFixtureStub(t, "account/error_access.xml")
	n := 0
	for _, err := range c.Accounts.All(context.Background(), nil) {
		n++
		assert.ErrorIs(t, err, ErrAccess)
	}
	assert.Equal(t, 1, n)
}

// TestAccountsFindByEmail: the e-mail filter of the list is a substring match (ann@
// finds joann@ too); FindByEmail narrows with it and takes only the client whose whole
// e-mail it is, ignoring case and spaces around.
func TestAccountsFindByEmail(t *testing.T) {
	t.Parallel()
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{
		{Email: "joann@example.com", Name: "Joann"}, {Email: "ann@example.com", Name: "Ann"}, {Email: "ann@example.com.au", Name: "Ann AU"},
	}}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, WithAuthInfo(srv.AdminUser, srv.AdminPassword))
	require.NoError(t, err)
	ctx := context.Background()

	page, err := c.Accounts.List(ctx, &AccountListOptions{Email: "ann@example.com"})
	require.NoError(t, err)
	require.Len(t, page.Items, 3, "the list's filter matches a part of the e-mail")

	for _, email := range []string{"ann@example.com", "  ANN@Example.com\n"} {
		a, err := c.Accounts.FindByEmail(ctx, email)
		require.NoError(t, err, email)
		assert.Equal(t, srv.AccountID("ann@example.com"), a.ID, email)
		assert.Equal(t, "ann@example.com", a.Email)
		assert.Equal(t, "Ann", a.Name)
	}
	joann, err := c.Accounts.FindByEmail(ctx, "joann@example.com")
	require.NoError(t, err)
	assert.Equal(t, srv.AccountID("joann@example.com"), joann.ID)

	_, err = c.Accounts.FindByEmail(ctx, "nn@example.com")
	assert.ErrorIs(t, err, ErrNotFound, "a part of two e-mails is neither")
	assert.EqualError(t, err, "billmgr: account: no client with the e-mail nn@example.com: not found")
	var lookup *EmailLookupError
	require.ErrorAs(t, err, &lookup)
	assert.Equal(t, EmailLookupError{Email: "nn@example.com"}, *lookup)

	_, err = c.Accounts.FindByEmail(ctx, " ")
	assert.ErrorIs(t, err, ErrInvalidArgument)

	require.NoError(t, c.Accounts.SaveFilter(ctx, &AccountFilter{Name: "Joann"}))
	_, err = c.Accounts.FindByEmail(ctx, "ann@example.com")
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrNotFound, "a saved filter may hide the client: no proof of absence")
	assert.ErrorContains(t, err, "the filter saved on the server for the client list may hide it")
	require.ErrorAs(t, err, &lookup)
	assert.True(t, lookup.Filtered)
}

// TestAccountsFindByEmailSeveral: two clients whose e-mails differ in case alone are both
// the e-mail; FindByEmail names them and picks neither.
func TestAccountsFindByEmailSeveral(t *testing.T) {
	t.Parallel()
	row := func(id, email string) string {
		return "<elem><id>" + id + "</id><name>x</name><email>" + email + "</email></elem>"
	}
	list := []byte(`<?xml version="1.0" encoding="UTF-8"?><doc func="account">` +
		row("3", "Ann@example.com") + row("5", "joann@example.com") + row("7", "ann@example.com") +
		`<p_cnt>1000</p_cnt><p_num>1</p_num><p_elems>3</p_elems></doc>`)
	c, s := newStub(t, []stubReply{xmlReply(list)})
	_, err := c.Accounts.FindByEmail(context.Background(), "ann@example.com")
	assert.EqualError(t, err, "billmgr: account: 2 clients have the e-mail ann@example.com (ids 3, 7): name the one meant by its id")
	assert.NotErrorIs(t, err, ErrNotFound)
	var lookup *EmailLookupError
	require.ErrorAs(t, err, &lookup)
	assert.Equal(t, []int64{3, 7}, lookup.IDs)
	assert.Equal(t, "ann@example.com", s.last(t).Get("email"), "the list's filter narrows the search")
	assert.Equal(t, "on", s.last(t).Get("filter"))
}

func fullRegisterParams() *RegisterParams {
	return &RegisterParams{
		Email: "new@example.com", Password: "n3w-Secret", RealName: "New Client",
		Phone: Ptr("+7 900 000-00-03"), ConditionsAgree: Ptr(OnOff(true)),
		Offers:  Offers{4: true, 7: false},
		Country: Ptr(int64(182)), State: Ptr(int64(77)), Project: Ptr(int64(1)),
		Recovery: Ptr(OnOff(false)), GA: Ptr("GA1.2.3.4"), Partner: Ptr("p-42"), SesID: Ptr("click-9"),
		TZOffset: Ptr(-180),
	}
}

func TestAccountsRegister(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "register/ok.xml")
	reg, err := c.Accounts.Register(context.Background(), fullRegisterParams())
	require.NoError(t, err)
	assert.Equal(t, &Registration{AccountID: 21, UserID: 34, Email: "new@example.com"}, reg)
	assert.Equal(t, url.Values{
		"func": {"register"}, "sok": {"ok"},
		"email": {"new@example.com"}, "passwd": {"n3w-Secret"}, "realname": {"New Client"},
		"phone": {"+7 900 000-00-03"}, "conditions_agree": {"on"},
		"offer_4": {"on"}, "offer_7": {"off"},
		"country": {"182"}, "state": {"77"}, "project": {"1"}, "recovery": {"off"},
		"_ga": {"GA1.2.3.4"}, "partner": {"p-42"}, "sesid": {"click-9"}, "tzoffset": {"-180"},
	}, functionParams(s.last(t)))
	assert.Empty(t, s.requests()[0].RawQuery, "the password travels in the body only")
}

func TestAccountsRegisterMinimal(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "register/ok_noids.xml")
	reg, err := c.Accounts.Register(context.Background(), &RegisterParams{Email: "a@b.c", Password: "pw"})
	require.NoError(t, err)
	assert.Equal(t, &Registration{Email: "a@b.c"}, reg)
	assert.Equal(t, url.Values{"func": {"register"}, "sok": {"ok"}, "email": {"a@b.c"}, "passwd": {"pw"}},
		functionParams(s.last(t)))
}

func TestParamsRedactPasswords(t *testing.T) {
	t.Parallel()
	account := AccountParams{Email: Ptr("a@b.c"), Password: Ptr("n3w-Secret"), Confirm: Ptr("n3w-Secret")}
	for _, p := range []any{*fullRegisterParams(), fullRegisterParams(), account, &account} {
		var log bytes.Buffer
		slog.New(slog.NewTextHandler(&log, nil)).Info("params", "p", p)
		for _, s := range []string{fmt.Sprint(p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p), log.String()} {
			assert.NotContains(t, s, "n3w-Secret")
			assert.Contains(t, s, redacted)
		}
	}
	assert.Equal(t, `confirm="[REDACTED]" email="a@b.c" passwd="[REDACTED]"`, account.String())
}

func TestAccountsWriteTicket(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "ticket.write.account/ok.xml")
	id, err := c.Accounts.WriteTicket(context.Background(), 12, &TicketParams{Subject: "Your invoice", Message: "Please pay."})
	require.NoError(t, err)
	assert.Equal(t, int64(77), id)
	assert.Equal(t, url.Values{
		"func": {"ticket.write.account"}, "elid": {"12"}, "sok": {"ok"},
		"subject": {"Your invoice"}, "message": {"Please pay."},
	}, functionParams(s.last(t)))
}

func TestAccountsGet(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "account.edit/form_en.xml")
	d, err := c.Accounts.Get(context.Background(), 12)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"func": {"account.edit"}, "elid": {"12"}}, functionParams(s.last(t)))
	assert.Equal(t, &AccountDetails{
		ID: 12, Email: "billing@acme.example", VerifyEmail: true,
		Project: 1, Country: 182, State: 77,
		RealName: "John Smith", Name: "Acme LLC", SettingURL: "https://panel.acme.example/settings",
		ValidPhone: "+7 900 000-00-01", TryPhone: "+7 900 000-00-02", Label: "vip", SelfView: "ns.acme.example",
		ProductsPage: "vds", RegistrationDate: time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC),
		RegistrationIP: "192.0.2.10", Attitude: "1", Employee: 3,
		NoCalcStat: false, Note: "Pays on time", Notify: false, Recovery: true,
	}, d)
}

func fullAccountParams() *AccountParams {
	return &AccountParams{
		Email: Ptr("new@example.com"), VerifyEmail: Ptr(OnOff(true)),
		Project: Ptr(int64(1)), Country: Ptr(int64(182)), State: Ptr(int64(77)),
		RealName: Ptr("New Client"), Name: Ptr("New LLC"), SettingURL: Ptr("https://s.example"),
		ValidPhone: Ptr("+1"), TryPhone: Ptr("+2"), Label: Ptr("l"), SelfView: Ptr("ns"),
		Password: Ptr("pw"), Confirm: Ptr("pw"), ProductsPage: Ptr("vds"),
		RegistrationDate: DateTimeOf(time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC)),
		RegistrationIP:   Ptr("192.0.2.1"), Attitude: Ptr("0"), Employee: Ptr(int64(3)),
		NoCalcStat: Ptr(OnOff(false)), Note: Ptr("n"), Notify: Ptr(OnOff(true)), Recovery: Ptr(OnOff(false)),
	}
}

func TestAccountsCreate(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "account.edit/ok.xml")
	id, err := c.Accounts.Create(context.Background(), fullAccountParams())
	require.NoError(t, err)
	assert.Equal(t, int64(21), id)
	assert.Equal(t, url.Values{
		"func": {"account.edit"}, "sok": {"ok"},
		"email": {"new@example.com"}, "verify_email": {"on"}, "project": {"1"}, "country": {"182"}, "state": {"77"},
		"realname": {"New Client"}, "name": {"New LLC"}, "settingurl": {"https://s.example"},
		"valid_phone": {"+1"}, "try_phone": {"+2"}, "label": {"l"}, "selfview": {"ns"},
		"passwd": {"pw"}, "confirm": {"pw"}, "products_page": {"vds"},
		"registration_date": {"2024-05-07 14:12:03"}, "registration_ip": {"192.0.2.1"},
		"attitude": {"0"}, "employee": {"3"}, "nocalcstat": {"off"}, "note": {"n"},
		"notify": {"on"}, "recovery": {"off"},
	}, functionParams(s.last(t)))
}

func TestAccountsUpdate(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "account.edit/ok.xml")
	err := c.Accounts.Update(context.Background(), 12, &AccountParams{Name: Ptr("Acme Ltd"), NoCalcStat: Ptr(OnOff(true))})
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"func": {"account.edit"}, "sok": {"ok"}, "elid": {"12"}, "name": {"Acme Ltd"}, "nocalcstat": {"on"},
	}, functionParams(s.last(t)))
}

func TestAccountsLoginURL(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "account.su/ok.xml")
	u, err := c.Accounts.LoginURL(context.Background(), 12)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"func": {"account.su"}, "elid": {"12"}}, functionParams(s.last(t)))
	assert.Equal(t, s.srv.URL+"/billmgr?func=auth&username=billing%40acme.example&key=9f8e7d6c5b4a39281706f5e4d3c2b1a0&checkcookie=no", u)
	assert.NotContains(t, c.creds.redact("key=9f8e7d6c5b4a39281706f5e4d3c2b1a0"), "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
		"the login key is redacted from later errors and logs")
}

func TestAccountsLoginURLWithoutURL(t *testing.T) {
	t.Parallel()
	c, _ := newFixtureStub(t, "account.su/ok_notype.xml")
	_, err := c.Accounts.LoginURL(context.Background(), 12)
	assert.ErrorIs(t, err, ErrUnexpectedResponse)
}

func TestAccountsFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture string
		want    AccountFilter
	}{
		{"account.filter/form_en.xml", AccountFilter{Name: "Acme", Email: "acme.example", Project: 1, AccountStatus: AccountSuspended}},
		{"account.filter/form_ru.xml", AccountFilter{Name: "Acme", Email: "acme.example", Project: 1, AccountStatus: AccountSuspended}},
		{"account.filter/form_empty.xml", AccountFilter{}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, tt.fixture)
			f, err := c.Accounts.GetFilter(context.Background())
			require.NoError(t, err)
			assert.Equal(t, &tt.want, f)
			assert.Equal(t, url.Values{"func": {"account.filter"}}, functionParams(s.last(t)))
		})
	}
}

func TestAccountsSaveFilter(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "account.filter/ok.xml")
	ctx := context.Background()
	require.NoError(t, c.Accounts.SaveFilter(ctx, &AccountFilter{Name: "Acme", AccountStatus: AccountActive}))
	assert.Equal(t, url.Values{
		"func": {"account.filter"}, "sok": {"ok"},
		"name": {"Acme"}, "email": {""}, "project": {""}, "account_status": {"1"},
	}, functionParams(s.last(t)))

	require.NoError(t, c.Accounts.ResetFilter(ctx))
	assert.Equal(t, url.Values{
		"func": {"account.filter"}, "sok": {"ok"},
		"name": {""}, "email": {""}, "project": {""}, "account_status": {""},
	}, functionParams(s.last(t)))
}

func TestAccountsSendSMS(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "account.sms/ok.xml")
	err := c.Accounts.SendSMS(context.Background(), 12, &SMSParams{Type: Ptr("other"), Phone: Ptr("+79000000001"), Message: "Hello"})
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"func": {"account.sms"}, "elid": {"12"}, "sok": {"ok"},
		"type": {"other"}, "phone": {"+79000000001"}, "message": {"Hello"},
	}, functionParams(s.last(t)))
}

// accountSubRow is what Group and Provider rows share.
type accountSubRow struct {
	ID     int64
	Name   string
	Status Status
}

func TestAccountsGroupsAndProviders(t *testing.T) {
	t.Parallel()
	names := map[string][2]string{
		"account.group/list_en.xml":   {"Resellers", "Partners"},
		"account.group/list_ru.xml":   {"Реселлеры", "Партнеры"},
		"account.project/list_en.xml": {"Main provider", "Second provider"},
		"account.project/list_ru.xml": {"Основной провайдер", "Второй провайдер"},
	}
	labels := map[string][2]string{"en": {"On", "Off"}, "ru": {"Включен", "Выключен"}}
	list := func(c *Client, fixture string) ([]accountSubRow, int, int, int, error) {
		opts := &ListOptions{PerPage: 50}
		if strings.HasPrefix(fixture, "account.group/") {
			p, err := c.Accounts.Groups(context.Background(), 12, opts)
			if err != nil {
				return nil, 0, 0, 0, err
			}
			var rows []accountSubRow
			for _, g := range p.Items {
				rows = append(rows, accountSubRow(g))
			}
			return rows, p.Number, p.Size, p.Total, nil
		}
		p, err := c.Accounts.Providers(context.Background(), 12, opts)
		if err != nil {
			return nil, 0, 0, 0, err
		}
		var rows []accountSubRow
		for _, g := range p.Items {
			rows = append(rows, accountSubRow(g))
		}
		return rows, p.Number, p.Size, p.Total, nil
	}
	for fixture, n := range names {
		t.Run(fixture, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, fixture)
			rows, number, size, total, err := list(c, fixture)
			require.NoError(t, err)
			fn, _, _ := strings.Cut(fixture, "/")
			assert.Equal(t, url.Values{"func": {fn}, "elid": {"12"}, "p_cnt": {"50"}}, functionParams(s.last(t)))
			assert.Equal(t, []int{1, 50, 2}, []int{number, size, total})
			l := labels[strings.TrimSuffix(fixture[strings.LastIndex(fixture, "_")+1:], ".xml")]
			assert.Equal(t, []accountSubRow{
				{ID: 3, Name: n[0], Status: Status{Code: StatusOn, Label: l[0]}},
				{ID: 5, Name: n[1], Status: Status{Code: StatusOff, Label: l[1]}},
			}, rows)
		})
	}
}

// accountActions are the calls that answer a bare <ok/>, with the request each sends.
func accountActions() []struct {
	fn     string
	call   func(context.Context, *AccountsService) error
	params url.Values
} {
	return []struct {
		fn     string
		call   func(context.Context, *AccountsService) error
		params url.Values
	}{
		{"account.delete", func(ctx context.Context, s *AccountsService) error { return s.Delete(ctx, 12, 13) },
			url.Values{"elid": {"12, 13"}}},
		{"account.setfilter", func(ctx context.Context, s *AccountsService) error { return s.SetFilter(ctx, 12) },
			url.Values{"elid": {"12"}}},
		{"account.group.resume", func(ctx context.Context, s *AccountsService) error { return s.ResumeGroups(ctx, 12, 3, 5) },
			url.Values{"plid": {"12"}, "elid": {"3, 5"}}},
		{"account.group.suspend", func(ctx context.Context, s *AccountsService) error { return s.SuspendGroups(ctx, 12, 3, 5) },
			url.Values{"plid": {"12"}, "elid": {"3, 5"}}},
		{"account.project.resume", func(ctx context.Context, s *AccountsService) error { return s.ResumeProviders(ctx, 12, 3, 5) },
			url.Values{"plid": {"12"}, "elid": {"3, 5"}}},
		{"account.project.suspend", func(ctx context.Context, s *AccountsService) error { return s.SuspendProviders(ctx, 12, 3, 5) },
			url.Values{"plid": {"12"}, "elid": {"3, 5"}}},
	}
}

func TestAccountsActions(t *testing.T) {
	t.Parallel()
	for _, tt := range accountActions() {
		t.Run(tt.fn, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, tt.fn+"/ok.xml")
			require.NoError(t, tt.call(context.Background(), c.Accounts))
			want := url.Values{"func": {tt.fn}}
			for k, v := range tt.params {
				want[k] = v
			}
			assert.Equal(t, want, functionParams(s.last(t)))
			assert.Len(t, s.requests(), 1, "an action is sent once")
		})
	}
}

func TestAccountsErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		fixture        string
		call           func(*AccountsService) error
		typ, object    string
		sentinel       error
		wantFuncInText string
	}{
		{"account/error_access.xml", func(s *AccountsService) error { _, err := s.List(ctx, nil); return err },
			"access", "account", ErrAccess, "account"},
		{"register/error_exists.xml", func(s *AccountsService) error { _, err := s.Register(ctx, fullRegisterParams()); return err },
			"exists", "email", ErrExists, "register"},
		{"ticket.write.account/error_missed.xml", func(s *AccountsService) error {
			_, err := s.WriteTicket(ctx, 99, &TicketParams{Subject: "s", Message: "m"})
			return err
		}, "missed", "elid", ErrNotFound, "ticket.write.account"},
		{"account.edit/error_value.xml", func(s *AccountsService) error { _, err := s.Create(ctx, fullAccountParams()); return err },
			"value", "email", ErrInvalid, "account.edit"},
		{"account.edit/error_value.xml", func(s *AccountsService) error { _, err := s.Get(ctx, 12); return err },
			"value", "email", ErrInvalid, "account.edit"},
		{"account.su/error_access.xml", func(s *AccountsService) error { _, err := s.LoginURL(ctx, 12); return err },
			"access", "account.su", ErrAccess, "account.su"},
		{"account.filter/error_value.xml", func(s *AccountsService) error { return s.SaveFilter(ctx, &AccountFilter{AccountStatus: "42"}) },
			"value", "account_status", ErrInvalid, "account.filter"},
		{"account.filter/error_value.xml", func(s *AccountsService) error { _, err := s.GetFilter(ctx); return err },
			"value", "account_status", ErrInvalid, "account.filter"},
		{"account.sms/error_value.xml", func(s *AccountsService) error { return s.SendSMS(ctx, 12, &SMSParams{Phone: Ptr("12"), Message: "m"}) },
			"value", "phone", ErrInvalid, "account.sms"},
		{"account.group/error_missed.xml", func(s *AccountsService) error { _, err := s.Groups(ctx, 99, nil); return err },
			"missed", "elid", ErrNotFound, "account.group"},
		{"account.project/error_missed.xml", func(s *AccountsService) error { _, err := s.Providers(ctx, 99, nil); return err },
			"missed", "elid", ErrNotFound, "account.project"},
	}
	for _, a := range accountActions() {
		tests = append(tests, struct {
			fixture        string
			call           func(*AccountsService) error
			typ, object    string
			sentinel       error
			wantFuncInText string
		}{a.fn + "/error_missed.xml", func(s *AccountsService) error { return a.call(ctx, s) }, "missed", "elid", ErrNotFound, a.fn})
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			c, _ := newFixtureStub(t, tt.fixture)
			err := tt.call(c.Accounts)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.typ, apiErr.Type)
			assert.Equal(t, tt.object, apiErr.Object)
			assert.Equal(t, tt.wantFuncInText, apiErr.Func)
			assert.NotEmpty(t, apiErr.Msg)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.True(t, strings.HasPrefix(err.Error(), "billmgr: "+tt.wantFuncInText+": "+tt.typ+"("+tt.object+")"), err.Error())
		})
	}
}

func TestAccountsBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := map[string]func(*AccountsService) error{
		"Register nil":       func(s *AccountsService) error { _, err := s.Register(ctx, nil); return err },
		"Register no email":  func(s *AccountsService) error { _, err := s.Register(ctx, &RegisterParams{Password: "pw"}); return err },
		"Register no passwd": func(s *AccountsService) error { _, err := s.Register(ctx, &RegisterParams{Email: "a@b.c"}); return err },
		"Register offer 0": func(s *AccountsService) error {
			_, err := s.Register(ctx, &RegisterParams{Email: "a@b.c", Password: "pw", Offers: Offers{0: true}})
			return err
		},
		"Register bad UTF-8": func(s *AccountsService) error {
			_, err := s.Register(ctx, &RegisterParams{Email: "a@b.c", Password: "pw", RealName: "\xff"})
			return err
		},
		"WriteTicket id 0":   func(s *AccountsService) error { _, err := s.WriteTicket(ctx, 0, &TicketParams{}); return err },
		"WriteTicket nil":    func(s *AccountsService) error { _, err := s.WriteTicket(ctx, 12, nil); return err },
		"Get id 0":           func(s *AccountsService) error { _, err := s.Get(ctx, 0); return err },
		"Create nil":         func(s *AccountsService) error { _, err := s.Create(ctx, nil); return err },
		"Update id -1":       func(s *AccountsService) error { return s.Update(ctx, -1, &AccountParams{}) },
		"Update nil":         func(s *AccountsService) error { return s.Update(ctx, 12, nil) },
		"Delete no ids":      func(s *AccountsService) error { return s.Delete(ctx) },
		"Delete id 0":        func(s *AccountsService) error { return s.Delete(ctx, 12, 0) },
		"LoginURL id 0":      func(s *AccountsService) error { _, err := s.LoginURL(ctx, 0); return err },
		"SetFilter id 0":     func(s *AccountsService) error { return s.SetFilter(ctx, 0) },
		"SaveFilter nil":     func(s *AccountsService) error { return s.SaveFilter(ctx, nil) },
		"SendSMS id 0":       func(s *AccountsService) error { return s.SendSMS(ctx, 0, &SMSParams{}) },
		"SendSMS nil":        func(s *AccountsService) error { return s.SendSMS(ctx, 12, nil) },
		"Groups id 0":        func(s *AccountsService) error { _, err := s.Groups(ctx, 0, nil); return err },
		"ResumeGroups id 0":  func(s *AccountsService) error { return s.ResumeGroups(ctx, 0, 3) },
		"SuspendGroups none": func(s *AccountsService) error { return s.SuspendGroups(ctx, 12) },
		"Providers id -5":    func(s *AccountsService) error { _, err := s.Providers(ctx, -5, nil); return err },
		"ResumeProviders 0":  func(s *AccountsService) error { return s.ResumeProviders(ctx, 12, 0) },
		"SuspendProviders 0": func(s *AccountsService) error { return s.SuspendProviders(ctx, 0, 3) },
	}
	for name, call := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, "account.delete/ok.xml")
			err := call(c.Accounts)
			require.Error(t, err)
			assert.False(t, isAPIError(err))
			assert.Empty(t, s.requests(), "nothing is sent on bad input")
		})
	}
}

// TestAccountParamsEncodeEveryField guards the params structs against fields that
// go-querystring drops silently: every field, set, must come out as a parameter.
func TestAccountParamsEncodeEveryField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p     any
		extra int // parameters beyond one per field
	}{
		{fullRegisterParams(), 1}, // Offers holds two offers
		{fullAccountParams(), 0},
		{&TicketParams{Subject: "s", Message: "m"}, 0},
		{&SMSParams{Type: Ptr("t"), Phone: Ptr("p"), Message: "m"}, 0},
		{&AccountFilter{Name: "n", Email: "e", Project: 1, AccountStatus: "1"}, 0},
		{&AccountListOptions{ListOptions: ListOptions{Page: 1, PerPage: 2, Sort: "s", Order: "asc"}, Name: "n", Email: "e", Project: 1, AccountStatus: "1"}, 3},
	}
	for _, tt := range tests {
		typ := reflect.TypeOf(tt.p).Elem()
		t.Run(typ.Name(), func(t *testing.T) {
			t.Parallel()
			v, err := encodeParams("test", tt.p)
			require.NoError(t, err)
			assert.Len(t, v, typ.NumField()+tt.extra, "encoded: %v", v)
		})
	}
}

func TestAccountsWriteTicketAsPayment(t *testing.T) {
	t.Parallel()
	// writeTicket serves ticket.write.payment too.
	c, s := newFixtureStub(t, "ticket.write.account/ok.xml")
	id, err := c.writeTicket(context.Background(), "ticket.write.payment", "payment", 345, &TicketParams{Subject: "s", Message: "m"})
	require.NoError(t, err)
	assert.Equal(t, int64(77), id)
	assert.Equal(t, url.Values{"func": {"ticket.write.payment"}, "elid": {"345"}, "sok": {"ok"}, "subject": {"s"}, "message": {"m"}},
		functionParams(s.last(t)))
	_, err = c.writeTicket(context.Background(), "ticket.write.payment", "payment", 0, &TicketParams{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "payment id 0")
	assert.False(t, errors.Is(err, ErrNotFound))
}

func TestWhoamiRealDocument(t *testing.T) {
	t.Parallel()
	msk, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	c, s := newFixtureStub(t, "whoami/client_ru.xml")
	c, err = NewClient(c.BaseURL(), WithAuthInfo(testUser, testPassword), WithLocation(msk))
	require.NoError(t, err)

	u, err := c.As("admin2").Whoami(context.Background())
	require.NoError(t, err)
	assert.Equal(t, url.Values{"func": {"whoami"}}, functionParams(s.last(t)))
	assert.Equal(t, "admin2", s.last(t).Get("su"))
	assert.Equal(t, &User{
		ID: 4, Name: "admin2", RealName: "Иван Иванович Иванов", Email: "admin@com.com", Level: 16, Lang: "ru",
		AccountID: 3, Balance: Money{Amount: decimal.RequireFromString("12221243.00"), Currency: "RUB"},
		CurrencyID: 126, Registered: time.Date(2024, 4, 24, 10, 33, 46, 0, msk),
	}, u)
}

func TestWhoamiRefusesOtherReplies(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"no user":        `<doc func="whoami"><tparams/></doc>`,
		"a bad id":       `<doc func="whoami"><user id="four" level="16"/></doc>`,
		"a bad balance":  `<doc func="whoami"><user id="4" level="16" balance="lots" currency="RUB"/></doc>`,
		"a bad reg date": `<doc func="whoami"><user id="4" level="16" account_regdate="yesterday"/></doc>`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, _ := newStub(t, []stubReply{xmlReply([]byte(body))})
			_, err := c.Whoami(context.Background())
			assert.ErrorIs(t, err, ErrUnexpectedResponse)
		})
	}
}
