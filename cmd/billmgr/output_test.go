package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
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

// TestCreatesPrintTheBareID: a command that creates something prints the new id alone,
// in a pipe and on a terminal, so that id=$(billmgr ...) takes it; -o asks for a record.
func TestCreatesPrintTheBareID(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))
	credited := lines(f.run(t, "payments", "list", "--account", ann, "--status", "4", "-o", "ids").stdout)[0]
	bareID := regexp.MustCompile(`^[1-9][0-9]*\n$`)

	for _, args := range [][]string{
		{"payments", "create", "--account", ann, "--subaccountamount", "12.30"},
		{"payments", "refund", credited, "--account", ann, "--amount", "1.00"},
		{"payments", "ticket", credited, "--subject", "Hi", "--message", "Hello"},
		{"accounts", "create", "--email", "carl@example.com", "--passwd", "carl-secret"},
		{"accounts", "ticket", ann, "--subject", "Hi", "--message", "Hello"},
		{"accounts", "register", "--email", "dora@example.com", "--passwd", "dora-secret"},
		{"expenses", "create", "--account", ann, "--amount", "7", "--operation", "prolong"},
		{"discounts", "create", "--account", ann, "--name", "vip", "--percentage", "5"},
	} {
		r := f.run(t, args...)
		require.Equal(t, exitOK, r.code, "%q: %s", args, r.stderr)
		assert.Regexp(t, bareID, r.stdout, "%q", args)
	}
	register := f.run(t, "accounts", "register", "--email", "eve@example.com", "--passwd", "eve-secret")
	assert.Equal(t, idText(f.AccountID("eve@example.com"))+"\n", register.stdout, "register prints the new client's id")

	onTerminal := f.runOnTerminal(t, "payments", "create", "--account", ann, "--subaccountamount", "1")
	require.Equal(t, exitOK, onTerminal.code, onTerminal.stderr)
	assert.Regexp(t, bareID, onTerminal.stdout, "on a terminal too")

	asked := f.run(t, "payments", "create", "--account", ann, "--subaccountamount", "1", "-o", "json")
	require.Equal(t, exitOK, asked.code, asked.stderr)
	assert.Regexp(t, `^\{"id":"[1-9][0-9]*"\}\n$`, asked.stdout, "-o json asks for the record")
	record := f.run(t, "accounts", "register", "--email", "fay@example.com", "--passwd", "fay-secret", "-o", "json")
	var reg map[string]string
	require.NoError(t, json.Unmarshal([]byte(record.stdout), &reg), record.stdout)
	assert.Equal(t, idText(f.AccountID("fay@example.com")), reg["id"])
	assert.Equal(t, "fay@example.com", reg["email"])
	assert.NotEmpty(t, reg["user.id"], "the record has the user's id too")

	help := f.run(t, "payments", "create", "--help")
	assert.Contains(t, strings.Join(strings.Fields(help.stdout), " "), "It prints the new id alone on a line, on a terminal or not, for id=$(billmgr ...) to take")
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

	a := &app{stderr: &buf, terminal: isTerminal}
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

// TestLocalizedColumnsHaveOneShape holds every list to one rule: a column the server
// labels (its document gives the code in orig) prints as {"code","label"} in JSON and as
// NAME, NAME_label in CSV, and a column printed as an object is such a pair and nothing
// else. The lists are read from the fake with data in every one of them.
func TestLocalizedColumnsHaveOneShape(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ctx := context.Background()
	c, err := billmgr.NewClient(f.URL, billmgr.WithAuthInfo(f.AdminUser, testPassword))
	require.NoError(t, err)
	annID := f.AccountID("ann@example.com")
	ann := idText(annID)
	_, err = c.Discounts.Create(ctx, annID, &billmgr.DiscountParams{Name: billmgr.Ptr("Promo"), Percentage: billmgr.MustDecimal("5")})
	require.NoError(t, err)
	_, err = c.TaxRules.Create(ctx, annID, &billmgr.TaxRuleParams{Country: billmgr.Ptr(int64(182)), TaxRate: billmgr.MustDecimal("20")})
	require.NoError(t, err)
	_, err = c.CurrencyRates.Create(ctx, annID, &billmgr.CurrencyRateParams{CurrencyBase: billmgr.Ptr(int64(126)),
		CurrencyRelate: billmgr.Ptr(int64(153)), Rate: billmgr.MustDecimal("92.45"), Amount: billmgr.MustDecimal("1")})
	require.NoError(t, err)
	expenses, err := c.Expenses.List(ctx, annID, nil)
	require.NoError(t, err)
	payment := f.PaymentIDs(annID)[0] // the credited one
	require.NoError(t, c.Payments.AddExpense(ctx, payment, expenses.Items[0].ID, billmgr.MustDecimal("1.00")))
	paid := idText(payment)

	lists := []struct {
		args   []string
		fn     string
		params url.Values
	}{
		{[]string{"accounts", "list"}, "account", nil},
		{[]string{"accounts", "groups", "list", "--account", ann}, "account.group", url.Values{"elid": {ann}}},
		{[]string{"accounts", "providers", "list", "--account", ann}, "account.project", url.Values{"elid": {ann}}},
		{[]string{"payments", "list", "--account", ann}, "account.payment", url.Values{"elid": {ann}}},
		{[]string{"payments", "history", paid}, "payment.history", url.Values{"elid": {paid}}},
		{[]string{"payments", "expenses", "list", "--payment", paid}, "payment.expense", url.Values{"elid": {paid}}},
		{[]string{"payments", "orderinfo", "list", "--payment", paid}, "payment.orderinfo", url.Values{"elid": {paid}}},
		{[]string{"subaccounts", "list", "--account", ann}, "subaccount", url.Values{"elid": {ann}}},
		{[]string{"discounts", "list", "--account", ann}, "account.discount", url.Values{"elid": {ann}}},
		{[]string{"expenses", "list", "--account", ann}, "subaccount.expense", url.Values{"elid": {ann}}},
		{[]string{"taxrules", "list", "--account", ann}, "account.taxrule", url.Values{"elid": {ann}}},
		{[]string{"currencyrates", "list", "--account", ann}, "account.currencyrate", url.Values{"elid": {ann}}},
	}
	tested := map[string]bool{}
	for _, l := range lists {
		tested[commandPath(l.args)] = true
	}
	walk(newTestApp().rootCommand(), func(cmd *cobra.Command) {
		if name := cmd.Name(); name == "list" || name == "history" {
			path := strings.TrimPrefix(cmd.CommandPath(), "billmgr ")
			assert.True(t, tested[path], "%s: a list the test does not read", path)
		}
	})

	for _, l := range lists {
		t.Run(l.fn, func(t *testing.T) {
			t.Parallel()
			doc, err := c.Call(ctx, l.fn, l.params)
			require.NoError(t, err)
			require.NotEmpty(t, doc.Elems(), "the list needs rows to prove anything")
			labeled := map[string]bool{}
			for _, e := range doc.Elems() {
				for _, col := range e.Children {
					if col.Attr("orig") != "" {
						labeled[col.Name] = true
					}
				}
			}

			js := f.run(t, append(l.args, "-o", "json")...)
			require.Equal(t, exitOK, js.code, js.stderr)
			var rows []map[string]any
			require.NoError(t, json.Unmarshal([]byte(js.stdout), &rows))
			require.NotEmpty(t, rows)
			for col := range labeled {
				assert.Contains(t, rows[0], col, "the labeled column %s is printed", col)
			}
			for _, row := range rows {
				for col, v := range row {
					pair, isObject := v.(map[string]any)
					if labeled[col] || isObject {
						require.True(t, isObject, "%s: %v is not {code, label}", col, v)
						assert.Len(t, pair, 2, col)
						assert.IsType(t, "", pair["code"], col)
						assert.IsType(t, "", pair["label"], col)
					}
				}
			}

			csvOut := f.run(t, append(l.args, "-o", "csv")...)
			require.Equal(t, exitOK, csvOut.code, csvOut.stderr)
			header, err := csv.NewReader(strings.NewReader(csvOut.stdout)).Read()
			require.NoError(t, err)
			for i, name := range header {
				base, isLabel := strings.CutSuffix(name, "_label")
				switch {
				case isLabel:
					assert.True(t, i > 0 && header[i-1] == base, "%s follows %s", name, base)
				case labeled[name] || isPair(rows[0][name]):
					assert.True(t, i+1 < len(header) && header[i+1] == name+"_label", "%s is followed by %s_label", name, name)
				}
			}
		})
	}
}

// isPair reports whether a JSON value is an object ({code, label}).
func isPair(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// TestCellsAreNeverFormulas: a cell that a spreadsheet would run as a formula (a payer
// named =HYPERLINK(...)) is written as text in CSV and table output; numbers, negative
// ones included, stay numbers; JSON keeps the value as it is.
func TestCellsAreNeverFormulas(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`=HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
		"+7 (495) 000-00-00":         "'+7 (495) 000-00-00",
		"-cmd|' /C calc'!A0":         "'-cmd|' /C calc'!A0",
		"@SUM(A1)":                   "'@SUM(A1)",
		"\t=1+1":                     "'\t=1+1",
		"\r=1+1":                     "'\r=1+1",
		"-100.00":                    "-100.00",
		"+5":                         "+5",
		"1500.00":                    "1500.00",
		"-100.00 RUB":                "'-100.00 RUB",
		"ООО Ромашка":                "ООО Ромашка",
		"":                           "",
	} {
		assert.Equal(t, want, inert(in), "%q", in)
	}
	for in, want := range map[string]string{
		` =HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
		"\n=1+1":                      "'=1+1",
		"\r\n@SUM(A1)":                "'@SUM(A1)",
		"\t=1+1":                      "'=1+1",
		"a\n=1+1":                     "a =1+1",
		" -100.00 ":                   "-100.00",
		"-":                           "'-",
		" \n ":                        "-",
		"":                            "-",
	} {
		assert.Equal(t, want, cellText(in), "a table cell %q", in)
	}

	type row struct {
		Payer  string `xml:"payer"`
		Amount string `xml:"amount"`
	}
	for f, want := range map[format]string{
		formatCSV:   "payer,amount\n\"'=HYPERLINK(\"\"http://evil\"\",\"\"pay\"\")\",-100.00\n",
		formatTable: "PAYER                             AMOUNT\n'=HYPERLINK(\"http://evil\",\"pay\")  -100.00\n",
		formatJSON:  "[\n{\"payer\":\"=HYPERLINK(\\\"http://evil\\\",\\\"pay\\\")\",\"amount\":\"-100.00\"}\n]\n",
	} {
		var b strings.Builder
		w, err := newRowWriter(f, &b, reflect.TypeFor[row]())
		require.NoError(t, err)
		require.NoError(t, w.write(reflect.ValueOf(row{`=HYPERLINK("http://evil","pay")`, "-100.00"})))
		require.NoError(t, w.end())
		assert.Equal(t, want, b.String(), f)
	}
}
