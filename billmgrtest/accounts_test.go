package billmgrtest

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegister(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newFake(t, WithClock(clk.Now))
	register := func(kv ...string) *xnode {
		return request(t, srv, append([]string{"func", "register", "authinfo", "-", "sok", "ok"}, kv...)...)
	}

	d := register("email", "new@example.com", "passwd", "new-secret", "realname", "Новый Клиент", "phone", "+7 900",
		"conditions_agree", "on", "offer_3", "on", "country", "182", "project", "1", "tzoffset", "180")
	require.Equal(t, "", errOf(d))
	id := d.get("id")
	assert.NotEmpty(t, d.get("user.id"))
	assert.NotEqual(t, id, d.get("user.id"))

	row := mustOK(t, srv, "func", "account").row(t, "id", id)
	assert.Equal(t, "Новый Клиент", row.get("name"))
	assert.Equal(t, "new@example.com", row.get("email"))
	assert.Equal(t, "0.00 RUB", row.get("balance"))
	assert.Equal(t, "1", row.child("account_status").attr("orig"))
	assert.Equal(t, "Active", row.get("account_status"))
	assert.Equal(t, "1", row.child("project").attr("orig"))
	assert.Equal(t, "2024-05-07 14:12:03", row.get("tz_registration_date"))

	subs := mustOK(t, srv, "func", "subaccount", "elid", id)
	require.Len(t, subs.elems(), 1)
	assert.Equal(t, "RUB", subs.elems()[0].get("currency"))

	// The new client can log in.
	auth := mustOK(t, srv, "func", "auth", "authinfo", "-", "username", "new@example.com", "password", "new-secret")
	assert.Equal(t, "16", auth.child("auth").attr("level"))

	assert.Equal(t, "exists(email)", errOf(register("email", "NEW@example.com", "passwd", "other-secret")))
	assert.Equal(t, "value(email)", errOf(register("email", "not-an-email", "passwd", "other-secret")))
	assert.Equal(t, "value(email)", errOf(register("passwd", "other-secret")))
	assert.Equal(t, "value(passwd)", errOf(register("email", "other@example.com", "passwd", "")))
	assert.Equal(t, "value(passwd)", errOf(register("email", "other@example.com")))
	assert.Equal(t, "value(conditions_agree)", errOf(register("email", "other@example.com", "passwd", "other-secret", "conditions_agree", "1")))
	assert.Equal(t, "value(offer_7)", errOf(register("email", "other@example.com", "passwd", "other-secret", "offer_7", "true")))
	assert.Equal(t, "value(country)", errOf(register("email", "other@example.com", "passwd", "other-secret", "country", "1")))
	assert.Equal(t, "access(register)", errOf(register("email", "other@example.com", "passwd", "other-secret", "authinfo", "new@example.com:new-secret")))

	e := register("email", "new@example.com", "passwd", "other-secret", "lang", "ru").child("error")
	assert.Equal(t, "Объект 'E-mail' со значением 'new@example.com' уже существует", e.get("msg"))
	assert.NotContains(t, e.values("param"), "other-secret", "the password is not the value")

	// The form, without sok.
	form := mustOK(t, srv, "func", "register", "authinfo", "-")
	assert.True(t, form.has("email"))
	assert.False(t, form.has("passwd"))
}

func TestAccountListAndFilters(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{
		{Email: "ann@example.com", Name: "Ann", Balance: decimal.RequireFromString("12.5")},
		{Email: "bob@example.org", Name: "Bob", Currency: "USD", Balance: decimal.NewFromInt(-3)},
	}}))
	d := mustOK(t, srv, "func", "account")
	assert.Equal(t, []string{"Ann", "Bob"}, d.column("name"))
	assert.Equal(t, []string{"12.50 RUB", "-3.00 USD"}, d.column("balance"))
	assert.Equal(t, []string{"Активен", "Активен"}, mustOK(t, srv, "func", "account", "lang", "ru").column("account_status"))
	assert.Equal(t, "Основной провайдер", mustOK(t, srv, "func", "account", "lang", "ru").elems()[0].get("project"))

	names := func(kv ...string) []string {
		return mustOK(t, srv, append([]string{"func", "account"}, kv...)...).column("name")
	}
	assert.Equal(t, []string{"Bob"}, names("filter", "on", "email", ".ORG"))
	assert.Equal(t, []string{"Ann"}, names("filter", "on", "name", "an"))
	assert.Equal(t, []string{"Ann", "Bob"}, names("filter", "on", "account_status", "1", "project", "1"))
	assert.Empty(t, names("filter", "on", "account_status", "2"))
	assert.Equal(t, []string{"Bob", "Ann"}, names("p_sort", "balance"))
	mustFail(t, srv, "value", "account_status", "func", "account", "filter", "on", "account_status", "7")

	mustOK(t, srv, "func", "account.filter", "sok", "ok", "name", "bo")
	assert.Equal(t, "bo", mustOK(t, srv, "func", "account.filter").get("name"))
	assert.Equal(t, []string{"Bob"}, names())
	mustOK(t, srv, "func", "account.filter", "sok", "ok", "name", "", "email", "", "project", "", "account_status", "")
	assert.Equal(t, []string{"Ann", "Bob"}, names())
}

func TestAccountEdit(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Password: annPassword, Name: "Ann"}, {Email: "bob@example.com"}}}))
	ann := itoa(srv.AccountID(annEmail))

	form := mustOK(t, srv, "func", "account.edit", "elid", ann)
	assert.Equal(t, annEmail, form.get("email"))
	assert.Equal(t, "Ann", form.get("name"))
	assert.False(t, form.has("passwd"))
	assert.False(t, form.has("confirm"))
	assert.Equal(t, "project", form.child("slist").attr("name"))

	mustOK(t, srv, "func", "account.edit", "elid", ann, "sok", "ok", "name", "Ann Lee", "note", "VIP",
		"nocalcstat", "on", "registration_date", "2020-01-02 03:04:05", "passwd", "new-pw", "confirm", "new-pw")
	form = mustOK(t, srv, "func", "account.edit", "elid", ann)
	assert.Equal(t, "Ann Lee", form.get("name"))
	assert.Equal(t, "VIP", form.get("note"))
	assert.Equal(t, "on", form.get("nocalcstat"))
	assert.Equal(t, "2020-01-02 03:04:05", form.get("registration_date"))
	mustOK(t, srv, "func", "auth", "authinfo", "-", "username", annEmail, "password", "new-pw")

	mustFail(t, srv, "exists", "email", "func", "account.edit", "elid", ann, "sok", "ok", "email", "BOB@example.com")
	mustFail(t, srv, "value", "email", "func", "account.edit", "elid", ann, "sok", "ok", "email", "")
	mustFail(t, srv, "value", "confirm", "func", "account.edit", "elid", ann, "sok", "ok", "passwd", "new-secret-a", "confirm", "new-secret-b")
	mustFail(t, srv, "value", "registration_date", "func", "account.edit", "elid", ann, "sok", "ok", "registration_date", "yesterday")
	mustFail(t, srv, "missed", "elid", "func", "account.edit", "elid", "999999")

	// Without elid, account.edit creates a client.
	id := create(t, srv, "func", "account.edit", "sok", "ok", "email", "cat@example.com", "name", "Cat")
	assert.Equal(t, "Cat", mustOK(t, srv, "func", "account").row(t, "id", itoa(id)).get("name"))
	mustFail(t, srv, "value", "email", "func", "account.edit", "sok", "ok", "name", "No e-mail")
}

func TestAccountDelete(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{
		{Email: annEmail, Password: annPassword, Payments: []SeedPayment{{Amount: decimal.NewFromInt(1)}}},
		{Email: "bob@example.com"}, {Email: "cat@example.com"}}}))
	ann, bob := itoa(srv.AccountID(annEmail)), itoa(srv.AccountID("bob@example.com"))
	payment := mustOK(t, srv, "func", "account.payment", "elid", ann).elems()[0].get("id")
	sid := mustOK(t, srv, "func", "auth", "authinfo", "-", "username", annEmail, "password", annPassword).child("auth").attr("id")

	mustFail(t, srv, "missed", "elid", "func", "account.delete", "elid", ann+", 999999")
	assert.Len(t, mustOK(t, srv, "func", "account").elems(), 3, "nothing deleted")
	mustOK(t, srv, "func", "account.delete", "elid", ann+", "+bob)
	assert.Equal(t, []string{"cat@example.com"}, mustOK(t, srv, "func", "account").column("email"))
	mustFail(t, srv, "missed", "elid", "func", "account.payment", "elid", ann)
	mustFail(t, srv, "missed", "elid", "func", "payment.history", "elid", payment)
	mustFail(t, srv, "auth", "", "func", "payment.add", "authinfo", "-", "auth", sid)
	assert.Zero(t, srv.AccountID(annEmail))
}

func TestAccountMessages(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	annID := srv.AccountID(annEmail)
	ann := itoa(annID)
	mustOK(t, srv, "func", "account.edit", "elid", ann, "sok", "ok", "valid_phone", "+79001234567")

	tid := create(t, srv, "func", "ticket.write.account", "elid", ann, "sok", "ok", "subject", "Hello", "message", "Text")
	mustFail(t, srv, "value", "subject", "func", "ticket.write.account", "elid", ann, "sok", "ok", "message", "Text")
	mustFail(t, srv, "missed", "elid", "func", "ticket.write.account", "elid", "999999", "sok", "ok")

	assert.Equal(t, "+79001234567", mustOK(t, srv, "func", "account.sms", "elid", ann).get("phone"))
	mustOK(t, srv, "func", "account.sms", "elid", ann, "sok", "ok", "message", "Code 1234")
	mustOK(t, srv, "func", "account.sms", "elid", ann, "sok", "ok", "type", "other", "phone", "+1555", "message", "Hi")
	mustFail(t, srv, "value", "phone", "func", "account.sms", "elid", ann, "sok", "ok", "type", "try_phone", "message", "x")
	mustFail(t, srv, "value", "message", "func", "account.sms", "elid", ann, "sok", "ok")
	mustFail(t, srv, "value", "type", "func", "account.sms", "elid", ann, "sok", "ok", "type", "fax", "message", "x")

	assert.Equal(t, []Message{
		{Kind: "ticket", ID: tid, AccountID: annID, Subject: "Hello", Text: "Text"},
		{Kind: "sms", AccountID: annID, Phone: "+79001234567", PhoneType: "valid_phone", Text: "Code 1234"},
		{Kind: "sms", AccountID: annID, Phone: "+1555", PhoneType: "other", Text: "Hi"},
	}, srv.Outbox(annID))
	assert.Nil(t, srv.Outbox(999999))
}

// TestCountryByFlag runs a registrar module's client creation: it opens the account.edit
// form, picks the country whose flag is RU.png, and submits it. The select carries the
// recorded attributes (the keys and flags of the recorded country select, the "null"
// choice first); a country sent empty or "null" is refused as an empty field is.
func TestCountryByFlag(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	recorded := map[string]string{}
	for _, v := range sampleDoc(t, "billmgr5_form_domain_order_contact_maybe_edited.xml").child("slist").all("val") {
		recorded[v.attr("key")] = v.attr("image")
	}
	for _, lang := range []string{"en", "ru"} {
		var vals []*xnode
		for _, s := range mustOK(t, srv, "func", "account.edit", "lang", lang).all("slist") {
			if s.attr("name") == "country" {
				vals = s.all("val")
			}
		}
		require.NotEmpty(t, vals)
		assert.Equal(t, "null", vals[0].attr("key"))
		assert.Empty(t, vals[0].attr("image"))
		for _, v := range vals[1:] {
			assert.Equal(t, recorded[v.attr("key")], v.attr("image"), "country %s (%s)", v.attr("key"), v.Text)
		}
	}
	form := mustOK(t, srv, "func", "account.edit")
	country := ""
	for _, s := range form.all("slist") {
		for _, v := range s.all("val") {
			if v.attr("image") == "/manimg/common/flag/RU.png" { // the module's xpath
				country = v.attr("key")
			}
		}
	}
	assert.Equal(t, "182", country)
	create(t, srv, "func", "account.edit", "sok", "ok", "email", "reg@example.com", "project", "1",
		"country", country, "realname", "Registrant", "passwd", "reg-secret", "notify", "off", "employee", "null")

	for _, c := range []struct{ fn, country string }{
		{"account.edit", ""}, {"account.edit", "null"}, {"register", ""}, {"register", "null"},
	} {
		e := mustFail(t, srv, "value", "country", "func", c.fn, "sok", "ok",
			"email", "x"+c.country+"@example.com", "passwd", "x-secret", "country", c.country, "lang", "ru")
		assert.Equal(t, []string{"country", "", "desk_empty"}, e.values("param"), "the recorded reason of an empty field")
		assert.Equal(t, "Поле 'Страна' имеет недопустимое значение. ", e.get("msg"), "as recorded, with nothing after")
	}
	assert.Zero(t, srv.AccountID("x@example.com"))
	create(t, srv, "func", "register", "authinfo", "-", "sok", "ok", "email", "nocountry@example.com", "passwd", "nocountry-secret")

	// Localized choices carry msg="yes", as the recorded filter form's; names from the
	// database do not.
	filter := mustOK(t, srv, "func", "account.payment.filter", "elid", itoa(srv.AccountID("reg@example.com")))
	for _, s := range filter.all("slist") {
		for _, v := range s.all("val") {
			assert.Equal(t, s.attr("name") != "paymethod", v.attr("msg") == "yes", "%s %s", s.attr("name"), v.attr("key"))
		}
	}
}
