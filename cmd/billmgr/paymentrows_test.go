package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr/billmgrtest"
)

// csvRecords reads CSV output as maps of the header's names, one per row.
func csvRecords(t *testing.T, out string) []map[string]string {
	t.Helper()
	all, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err, out)
	require.NotEmpty(t, all, "a header")
	var rows []map[string]string
	for _, rec := range all[1:] {
		row := map[string]string{}
		for i, name := range all[0] {
			row[name] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// TestPaymentRowsAnAccountantCanOpen: every payment row carries the client's id and
// e-mail and the amount as a plain number beside its currency; --all-accounts lists every
// client's payments under one header, filtered by pay date as by creation date.
func TestPaymentRowsAnAccountantCanOpen(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann, bob := idText(f.AccountID("ann@example.com")), idText(f.AccountID("bob@example.com"))

	one := f.run(t, "payments", "list", "--account", bob, "-o", "csv")
	require.Equal(t, exitOK, one.code, one.stderr)
	rows := csvRecords(t, one.stdout)
	require.Len(t, rows, 1)
	assert.Equal(t, map[string]string{"account_id": bob, "account_email": "bob@example.com", "amount": "20.00", "currency": "USD",
		"subaccountamount_iso": "20.00 USD", "status": "1", "status_label": "New"},
		pick(rows[0], "account_id", "account_email", "amount", "currency", "subaccountamount_iso", "status", "status_label"))

	every := f.run(t, "payments", "list", "--all-accounts", "-o", "csv")
	require.Equal(t, exitOK, every.code, every.stderr)
	assert.Equal(t, 1, strings.Count(every.stdout, "id,number,"), "one header")
	rows = csvRecords(t, every.stdout)
	require.Len(t, rows, 5, "Ann's four and Bob's one")
	byClient := map[string]int{}
	for _, r := range rows {
		byClient[r["account_id"]+" "+r["account_email"]]++
	}
	assert.Equal(t, map[string]int{ann + " ann@example.com": 4, bob + " bob@example.com": 1}, byClient)

	paid := f.run(t, "payments", "list", "--all-accounts", "--payfromdate", "2024-04-01", "--paytodate", "2024-04-30", "-o", "jsonl")
	require.Equal(t, exitOK, paid.code, paid.stderr)
	require.Len(t, lines(paid.stdout), 1, "the one payment credited in April")
	var row map[string]any
	require.NoError(t, json.Unmarshal([]byte(paid.stdout), &row))
	assert.Equal(t, "100.00", row["amount"])
	assert.Equal(t, "RUB", row["currency"])
	assert.Equal(t, "2024-04-07T00:00:00+00:00", row["pay_date"])
	assert.Equal(t, map[string]any{"code": "4", "label": "Credited"}, row["status"])

	created := f.run(t, "payments", "list", "--all-accounts", "--createdatestart", "2024-05-06", "-o", "ids")
	require.Equal(t, exitOK, created.code, created.stderr)
	assert.Len(t, lines(created.stdout), 3, "Ann's two and Bob's one, created on the 6th")

	for _, tt := range []struct {
		args []string
		says string
	}{
		{[]string{"--all-accounts", "--account", ann}, "--account and --all-accounts exclude each other"},
		{nil, `required flag(s) "account" not set: give --account ID, or --all-accounts for every client`},
		{[]string{"--all-accounts", "--page", "2"}, "--page: --all-accounts lists every page of every client"},
	} {
		r := f.run(t, append([]string{"payments", "list"}, tt.args...)...)
		assert.Equal(t, exitUsage, r.code, "%q", tt.args)
		assert.Contains(t, r.stderr, tt.says, "%q", tt.args)
	}
}

// pick is the entries of m under keys.
func pick(m map[string]string, keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

// TestAllAccountsRefusesASavedFilter: a filter saved on the server would leave clients or
// payments out of the walk without a word; the walk refuses to start, and says how to
// see and clear it.
func TestAllAccountsRefusesASavedFilter(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		save []string
		says string
	}{
		{[]string{"accounts", "filter", "save", "--name", "Bob"}, "the filter saved on the server for the client list would leave clients out: " +
			"see it with 'billmgr accounts filter get', clear it with 'billmgr accounts filter reset'"},
		{[]string{"payments", "filter", "save", "--account", "ANN", "--status", "4"}, "the filter saved on the server for the payment list would " +
			"leave payments out: see it with 'billmgr payments filter get --account ANN', clear it with 'billmgr payments filter reset --account ANN'"},
	} {
		f := newFake(t, seedAnn())
		ann := idText(f.AccountID("ann@example.com"))
		save := make([]string, len(tt.save))
		for i, arg := range tt.save {
			save[i] = strings.ReplaceAll(arg, "ANN", ann)
		}
		require.Equal(t, exitOK, f.run(t, save...).code)
		r := f.run(t, "payments", "list", "--all-accounts", "-o", "csv")
		assert.Equal(t, exitAPI, r.code, r.stderr)
		assert.Contains(t, r.stderr, "error: --all-accounts: "+strings.ReplaceAll(tt.says, "ANN", ann)+"\n")
		assert.Equal(t, "id,number,create_date,", r.stdout[:len("id,number,create_date,")], "the header, and no row")
		assert.Len(t, lines(r.stdout), 1)
	}
}

// TestPaymentStatusHasOneShape: a payment's status is {code, label} in JSON and
// status,status_label in CSV, from list and from get alike, the label in --lang.
func TestPaymentStatusHasOneShape(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))
	ids := lines(f.run(t, "payments", "list", "--account", ann, "--order", "asc", "-o", "ids").stdout)
	credited := ids[0]

	for _, lang := range []struct{ lang, label string }{{"en", "Credited"}, {"ru", "Зачислен"}} {
		var listed []map[string]any
		list := f.run(t, "--lang", lang.lang, "payments", "list", "--account", ann, "--order", "asc", "-o", "json")
		require.NoError(t, json.Unmarshal([]byte(list.stdout), &listed))
		var got map[string]any
		get := f.run(t, "--lang", lang.lang, "payments", "get", credited, "--account", ann, "-o", "json")
		require.NoError(t, json.Unmarshal([]byte(get.stdout), &got), get.stderr)
		want := map[string]any{"code": "4", "label": lang.label}
		assert.Equal(t, want, listed[0]["status"], lang.lang)
		assert.Equal(t, want, got["status"], lang.lang)

		listCSV := csvRecords(t, f.run(t, "--lang", lang.lang, "payments", "list", "--account", ann, "--order", "asc", "-o", "csv").stdout)
		getCSV := csvRecords(t, f.run(t, "--lang", lang.lang, "payments", "get", credited, "--account", ann, "-o", "csv").stdout)
		assert.Equal(t, pick(listCSV[0], "status", "status_label"), pick(getCSV[0], "status", "status_label"), lang.lang)
	}
}

// TestCurrencyIsTheISOCode: a panel that prints a symbol ("10.00 ₽") still gets ISO codes
// in the currency column, learned from the client's personal accounts once.
func TestCurrencyIsTheISOCode(t *testing.T) {
	t.Parallel()
	f := newFake(t, billmgrtest.WithSeed(billmgrtest.Seed{
		Currencies: []billmgrtest.SeedCurrency{{ISO: "RUB", Symbol: "₽"}},
		Accounts: []billmgrtest.SeedAccount{{Email: "ann@example.com", Payments: []billmgrtest.SeedPayment{
			{Amount: decimal.RequireFromString("10.00")}, {Amount: decimal.RequireFromString("12.50")},
		}}, {Email: "bob@example.com", Currency: "USD", Payments: []billmgrtest.SeedPayment{{Amount: decimal.RequireFromString("3.00")}}}},
	}))
	r := f.run(t, "payments", "list", "--all-accounts", "-o", "csv")
	require.Equal(t, exitOK, r.code, r.stderr)
	var got []string
	for _, row := range csvRecords(t, r.stdout) {
		got = append(got, row["subaccountamount_iso"]+" = "+row["amount"]+" "+row["currency"])
	}
	assert.ElementsMatch(t, []string{"10.00 ₽ = 10.00 RUB", "12.50 ₽ = 12.50 RUB", "3.00 USD = 3.00 USD"}, got)
	assert.Equal(t, 1, f.Hits("subaccount"), "the personal accounts of the client whose rows print a symbol, once")
}
