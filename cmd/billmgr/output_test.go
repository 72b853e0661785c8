package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGoldenOutput(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))
	list := f.run(t, "payments", "list", "--account", ann, "--order", "asc", "-o", "ids")
	require.Equal(t, 0, list.code, list.stderr)
	payment := lines(list.stdout)[1]

	cases := map[string][]string{
		"payments-list":    {"payments", "list", "--account", ann},
		"payments-get":     {"payments", "get", payment, "--account", ann},
		"accounts-list":    {"accounts", "list"},
		"expenses-list":    {"expenses", "list", "--account", ann},
		"subaccounts-list": {"subaccounts", "list", "--account", ann},
	}
	for name, args := range cases {
		for _, format := range []string{"table", "json", "csv"} {
			t.Run(name+"."+format, func(t *testing.T) {
				t.Parallel()
				r := f.run(t, append(args, "-o", format)...)
				require.Equal(t, 0, r.code, r.stderr)
				assert.Empty(t, r.stderr)
				golden(t, name+"."+format, r.stdout)
			})
		}
	}
}

func TestJSONIsOneStableDocument(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))

	r := f.run(t, "payments", "list", "--account", ann, "--order", "asc") // not a terminal: json by default
	require.Equal(t, 0, r.code, r.stderr)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows))
	require.Len(t, rows, 4)
	first := rows[0]
	assert.IsType(t, "", first["id"], "ids are strings")
	assert.Equal(t, "100.00 RUB", first["subaccountamount_iso"], "money is a string")
	assert.Equal(t, map[string]any{"code": "4", "label": "Credited"}, first["status"])
	assert.Equal(t, "2024-04-07T00:00:00+00:00", first["create_date"], "dates are ISO 8601 with the offset")
	assert.Nil(t, rows[1]["pay_date"], "an unpaid payment has no pay date")
	assert.Equal(t, false, first["restrictrefund"])

	ru := f.run(t, "--lang", "ru", "--tz", "Europe/Moscow", "payments", "list", "--account", ann, "--order", "asc", "-o", "jsonl")
	require.Equal(t, 0, ru.code, ru.stderr)
	var row map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines(ru.stdout)[0]), &row))
	assert.Equal(t, map[string]any{"code": "4", "label": "Зачислен"}, row["status"], "the code stays, the label follows --lang")
	assert.Equal(t, "2024-04-07T00:00:00+03:00", row["create_date"], "--tz reads the server's dates in its zone")

	empty := f.run(t, "discounts", "list", "--account", ann, "-o", "json")
	assert.Equal(t, "[]\n", empty.stdout, "an empty list is an empty array")
}

func TestAllStreamsEveryRowOnce(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	account := f.AddAccounts(1)[0]
	want := f.AddPayments(account, 5000, decimal.RequireFromString("1.50"))

	r := f.run(t, "payments", "list", "--account", idText(account), "--all", "-o", "jsonl")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr, "no progress indicator when stderr is not a terminal")
	got := lines(r.stdout)
	require.Len(t, got, 5000)
	seen := map[string]bool{}
	for _, line := range got {
		var row struct {
			ID string `json:"id"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &row))
		require.False(t, seen[row.ID], "id %s twice", row.ID)
		seen[row.ID] = true
	}
	for _, id := range want {
		assert.True(t, seen[idText(id)], "payment %d missing", id)
	}
	assert.LessOrEqual(t, f.Hits("account.payment"), 6, "pages of 1000 rows, not one call per row")

	csvRun := f.run(t, "payments", "list", "--account", idText(account), "--all", "--per-page", "700", "-o", "csv")
	require.Equal(t, 0, csvRun.code, csvRun.stderr)
	records, err := csv.NewReader(strings.NewReader(csvRun.stdout)).ReadAll()
	require.NoError(t, err)
	assert.Len(t, records, 5001, "a header and every row")
	assert.Equal(t, "id", records[0][0])
}

func TestOnePageSaysWhenThereIsMore(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	account := f.AddAccounts(1)[0]
	f.AddPayments(account, 30, decimal.RequireFromString("1.00"))

	r := f.run(t, "payments", "list", "--account", idText(account), "--per-page", "10", "--page", "2", "-o", "ids")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Len(t, lines(r.stdout), 10)
	assert.Contains(t, r.stderr, "page 2 shows 10 of 30 rows; --all for every row")
}

func TestIDsOutput(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))

	created := f.run(t, "payments", "create", "--account", ann, "--subaccountamount", "12.30", "-o", "ids")
	require.Equal(t, 0, created.code, created.stderr)
	id := strings.TrimSpace(created.stdout)
	news := f.run(t, "payments", "list", "--account", ann, "--status", "1", "-o", "ids")
	assert.Contains(t, lines(news.stdout), id, "the new payment is listed among the new ones")

	history := f.run(t, "payments", "history", id, "-o", "ids")
	assert.Equal(t, exitUsage, history.code, "the history has no ids")
	assert.Contains(t, history.stderr, "-o ids: these records have no id")
}

func TestProgressDrawsOnATerminalOnly(t *testing.T) {
	t.Parallel()
	var buf strings.Builder
	p := &progress{w: &buf, on: true}
	for range 3 {
		p.tick()
	}
	p.done()
	assert.Equal(t, "\r1 row…\r\033[K", buf.String(), "the first row draws, redraws wait 100ms, done clears the line")

	buf.Reset()
	p = &progress{w: &buf, on: true}
	p.tick()
	p.last = time.Time{}
	p.tick()
	assert.Equal(t, "\r1 row…\r2 rows…", buf.String())

	a := &app{stderr: &buf}
	assert.False(t, a.newProgress(true).on, "a buffer is not a terminal")
}

func TestSnakeCase(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ID": "id", "AccountID": "account_id", "UserID": "user_id", "CreatedFrom": "created_from", "GA": "ga",
	} {
		assert.Equal(t, want, snakeCase(in), in)
	}
}
