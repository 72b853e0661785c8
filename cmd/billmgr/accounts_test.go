package main

import (
	"encoding/json"
	"testing"

	"github.com/go-billmgr/billmgr/billmgrtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAccountsGetByEmail: accounts get --email finds the client whose whole e-mail it is,
// where the list's --email filter finds every client whose e-mail contains it.
func TestAccountsGetByEmail(t *testing.T) {
	t.Parallel()
	f := newFake(t, billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{
		{Email: "joann@example.com", Name: "Joann"}, {Email: "ann@example.com", Name: "Ann"},
	}}))
	ann, joann := idText(f.AccountID("ann@example.com")), idText(f.AccountID("joann@example.com"))

	list := f.run(t, "accounts", "list", "--email", "ann@example.com", "-o", "ids")
	require.Equal(t, exitOK, list.code, list.stderr)
	assert.ElementsMatch(t, []string{ann, joann}, lines(list.stdout), "the list's filter matches a part")

	for _, email := range []string{"ann@example.com", "ANN@example.com "} {
		r := f.run(t, "accounts", "get", "--email", email, "-o", "ids")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, ann+"\n", r.stdout, email)
	}
	r := f.run(t, "accounts", "get", "--email", "joann@example.com", "-o", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	var form map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &form))
	assert.Equal(t, joann, form["elid"])
	assert.Equal(t, "joann@example.com", form["email"])

	for _, tt := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--email", "nn@example.com"}, exitAPI, "error: no client with the e-mail nn@example.com\n"},
		{[]string{ann, "--email", "ann@example.com"}, exitUsage, "give the client's id or --email, not both"},
		{nil, exitUsage, "want get ID | get --email EMAIL"},
	} {
		r := f.run(t, append([]string{"accounts", "get"}, tt.args...)...)
		assert.Equal(t, tt.code, r.code, "%q: %s", tt.args, r.stderr)
		assert.Contains(t, r.stderr, tt.says, "%q", tt.args)
		assert.Empty(t, r.stdout)
	}

	require.Equal(t, exitOK, f.run(t, "accounts", "filter", "save", "--name", "Joann").code)
	hidden := f.run(t, "accounts", "get", "--email", "ann@example.com", "-o", "ids")
	assert.Equal(t, exitAPI, hidden.code)
	assert.Contains(t, hidden.stderr, "error: no client with the e-mail ann@example.com among those the client list shows, "+
		"but the filter saved on the server for the list may hide it: see it with 'billmgr accounts filter get', "+
		"clear it with 'billmgr accounts filter reset'\n")
}
