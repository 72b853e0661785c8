package billmgrtest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPasswordPolicy: register and account.edit (creating a client, or changing its
// password) refuse a password the policy refuses with value(passwd), in both languages,
// never quoting it, and change nothing.
func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	ann := itoa(srv.AccountID(annEmail))
	for _, kv := range [][]string{
		{"func", "register", "authinfo", "-", "sok", "ok", "email", "new@example.com"},
		{"func", "account.edit", "sok", "ok", "email", "new@example.com"},
		{"func", "account.edit", "sok", "ok", "elid", ann, "confirm", "12345"},
	} {
		what := strings.Join(kv, " ")
		e := mustFail(t, srv, "value", "passwd", append(kv, "passwd", "12345")...)
		assert.Equal(t, []string{"passwd", "", "password_short"}, e.values("param"), "%s: the password is not the value", what)
		assert.Equal(t, "Field 'Password' has an invalid value. The length of the password must be at least 6", e.get("msg"), what)
		e = mustFail(t, srv, "value", "passwd", append(kv, "passwd", "12345", "lang", "ru")...)
		assert.Equal(t, "Поле 'Пароль' имеет недопустимое значение. Длина пароля должна быть не менее 6", e.get("msg"), what)
		assert.Zero(t, srv.AccountID("new@example.com"), what)
	}
	mustOK(t, srv, "func", "auth", "authinfo", "-", "username", annEmail, "password", annPassword) // unchanged

	// Six characters, not bytes: Cyrillic letters are two bytes each.
	mustFail(t, srv, "value", "passwd", "func", "account.edit", "sok", "ok", "elid", ann, "passwd", "пароль"[:10])
	mustOK(t, srv, "func", "account.edit", "sok", "ok", "elid", ann, "passwd", "пароль")
	mustOK(t, srv, "func", "auth", "authinfo", "-", "username", annEmail, "password", "пароль")
	create(t, srv, "func", "register", "authinfo", "-", "sok", "ok", "email", "new@example.com", "passwd", "123456")

	// account.edit without a password, or with an empty one, keeps the password.
	mustOK(t, srv, "func", "account.edit", "sok", "ok", "elid", ann, "name", "Ann")
	mustOK(t, srv, "func", "account.edit", "sok", "ok", "elid", ann, "passwd", "")
	mustOK(t, srv, "func", "auth", "authinfo", "-", "username", annEmail, "password", "пароль")
}

func TestPasswordPolicyOption(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		policy        PasswordPolicy
		short, enough string
	}{
		{PasswordPolicy{MinLength: 12}, "eleven-char", "twelve-chars"},
		{PasswordPolicy{}, "", "1"},
		{PasswordPolicy{MinLength: -3}, "", "1"},
	} {
		srv := newFake(t, WithPasswordPolicy(c.policy))
		register := func(email, password string) *xnode {
			return request(t, srv, "func", "register", "authinfo", "-", "sok", "ok", "email", email, "passwd", password)
		}
		if c.short != "" {
			e := register("short@example.com", c.short).child("error")
			require.NotNil(t, e, "%+v", c.policy)
			assert.Contains(t, e.get("msg"), "at least 12")
		} else {
			assert.Equal(t, "value(passwd)", errOf(register("short@example.com", "")), "an empty password is refused whatever the policy")
			assert.Equal(t, []string{"passwd", "", "desk_empty"}, register("short@example.com", "").child("error").values("param"))
		}
		assert.Equal(t, "", errOf(register("enough@example.com", c.enough)), "%+v", c.policy)
	}
}

// TestSeedPasswordsAreNotChecked: the seed's passwords were set before the policy.
func TestSeedPasswordsAreNotChecked(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Password: "pw"}}}))
	mustOK(t, srv, "func", "auth", "authinfo", "-", "username", annEmail, "password", "pw")
}
