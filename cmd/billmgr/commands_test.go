package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryFunctionHasACommand runs a command for each of the 51 functions against one
// fake, in an order that creates what the later steps use, and checks that each reached
// its function and succeeded.
func TestEveryFunctionHasACommand(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))
	pdf := filepath.Join(t.TempDir(), "payment.pdf")
	ids := map[string]string{"ANN": ann}
	// expand replaces the names of ids saved by earlier steps.
	expand := func(args []string) []string {
		out := make([]string, len(args))
		for i, a := range args {
			out[i] = regexp.MustCompile(`\b[A-Z]{1,4}\b`).ReplaceAllStringFunc(a, func(name string) string {
				if id, ok := ids[name]; ok {
					return id
				}
				return name
			})
		}
		return out
	}

	steps := []struct {
		fn    string
		args  string
		save  string // keep the first id printed (-o ids) under this name
		stdin string
	}{
		{"account", "accounts list", "", ""},
		{"account.edit", "accounts get ANN", "", ""},
		{"account.edit", "accounts create --email carl@example.com --realname Carl --passwd -", "C", "carl-secret"},
		{"account.edit", "accounts update C --note vip --verify-email on", "", ""},
		{"register", "accounts register --email dora@example.com --passwd - --realname Dora --offer 1=on", "", "dora-secret"},
		{"account.su", "accounts login-url ANN", "", ""},
		{"account.filter", "accounts filter save --email example.com", "", ""},
		{"account.filter", "accounts filter get", "", ""},
		{"account.filter", "accounts filter reset", "", ""},
		{"account.sms", "accounts sms ANN --message hello --phone +70000000000", "", ""},
		{"ticket.write.account", "accounts ticket ANN --subject Hi --message Hello", "", ""},
		{"account.group", "accounts groups list --account ANN", "", ""},
		{"account.group.resume", "accounts groups resume --account ANN 1 2", "", ""},
		{"account.group.suspend", "accounts groups suspend --account ANN 2", "", ""},
		{"account.project", "accounts providers list --account ANN", "", ""},
		{"account.project.resume", "accounts providers resume --account ANN 2", "", ""},
		{"account.project.suspend", "accounts providers suspend --account ANN 2", "", ""},
		{"account.delete", "accounts delete C", "", ""},

		{"account.payment", "payments list --account ANN --createdatestart 2024-01-01 --paymethod 1", "", ""},
		{"payment.edit", "payments create --account ANN --subaccountamount 60 --paydate 2024-05-07 --restrictrefund off", "P", ""},
		{"payment.edit", "payments get P --account ANN", "", ""},
		{"payment.edit", "payments update P --account ANN --note checked", "", ""},
		{"payment.send", "payments send P", "", ""},
		{"payment.setpaid", "payments setpaid P", "", ""},
		{"payment.refund", "payments refund P --account ANN --amount 1.50 --description partial", "", ""},
		{"payment.history", "payments history P", "", ""},
		{"payment.print", "payments print P", "", ""},
		{"payment.print.pdf", "payments pdf P --output-file " + pdf, "", ""},
		{"subaccount.expense.edit", "expenses create --account ANN --amount 7 --operation prolong --realdate 2024-05-07", "E", ""},
		{"payment.expense.edit", "payments expenses add --payment P --expense E --amount 2.00", "", ""},
		{"payment.expense", "payments expenses list --payment P", "", ""},
		{"payment.expense.edit", "payments expenses get E --payment P", "", ""},
		{"payment.expense.edit", "payments expenses update E --payment P --amount 3", "", ""},
		{"payment.expense.delete", "payments expenses delete E --payment P", "", ""},
		{"payment.orderinfo", "payments orderinfo list --payment P", "L", ""},
		{"payment.orderinfo.edit", "payments orderinfo get L --payment P", "", ""},
		{"payment.orderinfo.edit", "payments orderinfo update L --payment P --name Hosting", "", ""},
		{"ticket.write.payment", "payments ticket P --subject Payment --message Thanks", "", ""},
		{"payment.add", "--as ann@example.com payments add --amount 5 --paymethod 1", "A", ""},
		{"account.payment.filter", "payments filter save --account ANN --status 1 --createdatestart 2024-01-01", "", ""},
		{"account.payment.filter", "payments filter get --account ANN", "", ""},
		{"account.payment.filter", "payments filter reset --account ANN", "", ""},
		{"payment.delete", "payments delete A", "", ""},
		{"account.setfilter", "accounts set-filter ANN", "", ""},

		{"subaccount", "subaccounts list --account ANN", "S", ""},
		{"subaccount.edit", "subaccounts get S --account ANN", "", ""},
		{"subaccount.edit", "subaccounts create --account ANN --subaccount-currency 153", "", ""},
		{"subaccount.edit", "subaccounts update S --account ANN --creditlimit 50 --allowpostpaid on", "", ""},
		{"subaccount.suspend", "subaccounts suspend S", "", ""},
		{"subaccount.resume", "subaccounts resume S", "", ""},
		{"subaccount.refund", "subaccounts refund S --account ANN --amount 1 --description cash", "", ""},

		{"account.discount.add", "discounts create --account ANN --name Loyal --percentage 10 --fromdate 2024-05-07", "D", ""},
		{"account.discount", "discounts list --account ANN", "", ""},
		{"account.discount.edit", "discounts get D --account ANN", "", ""},
		{"account.discount.edit", "discounts update D --account ANN --note yearly", "", ""},
		{"account.discount.delete", "discounts delete D --account ANN", "", ""},

		{"subaccount.expense", "expenses list --account ANN --realdatestart 2024-01-01", "", ""},
		{"subaccount.expense.edit", "expenses get E --account ANN", "", ""},
		{"subaccount.expense.edit", "expenses update E --account ANN --name Renewal", "", ""},
		{"subaccount.expense.filter", "expenses filter save --account ANN --operation prolong", "", ""},
		{"subaccount.expense.filter", "expenses filter get --account ANN", "", ""},
		{"subaccount.expense.filter", "expenses filter reset --account ANN", "", ""},
		{"subaccount.expense.delete", "expenses delete E --account ANN", "", ""},

		{"account.taxrule.edit", "taxrules create --account ANN --project 1 --country 182 --taxrate 20", "T", ""},
		{"account.taxrule", "taxrules list --account ANN", "", ""},
		{"account.taxrule.edit", "taxrules get T --account ANN", "", ""},
		{"account.taxrule.edit", "taxrules update T --account ANN --taxrate 18", "", ""},
		{"account.taxrule.delete", "taxrules delete T --account ANN", "", ""},

		{"account.currencyrate.edit", "currencyrates create --account ANN --currency-base 126 --currency-relate 153 --rate 90.5 --amount 1 --ratedate 2024-05-07", "R", ""},
		{"account.currencyrate", "currencyrates list --account ANN", "", ""},
		{"account.currencyrate.edit", "currencyrates get R --account ANN", "", ""},
		{"account.currencyrate.edit", "currencyrates update R --account ANN --rate 91", "", ""},
		{"account.currencyrate.delete", "currencyrates delete R --account ANN", "", ""},
	}
	covered := map[string]bool{}
	for _, s := range steps {
		args := expand(strings.Fields(s.args))
		if s.save != "" {
			args = append(args, "-o", "ids")
		}
		before := f.Hits(s.fn)
		r := runWith(t, f.env, s.stdin+"\n", args...)
		require.Equal(t, exitOK, r.code, "%s: %s", s.args, r.stderr)
		assert.Equal(t, before+1, f.Hits(s.fn), "%s did not call %s once", s.args, s.fn)
		if s.save != "" {
			require.NotEmpty(t, lines(r.stdout), s.args)
			ids[s.save] = lines(r.stdout)[0]
		}
		covered[s.fn] = true
	}
	assert.Len(t, covered, 51, "every function of the account API")

	head, err := os.ReadFile(pdf)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(head), "%PDF-"))
}

func TestCallPrintsTheReply(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))

	tree := f.run(t, "call", "account.payment", "elid="+ann, "p_cnt=2", "p_order=asc", "-o", "table")
	require.Equal(t, exitOK, tree.code, tree.stderr)
	assert.Contains(t, tree.stdout, `<doc lang="en" func="account.payment"`)
	assert.Contains(t, tree.stdout, "\n  <elem>\n    <docflow_pdf_status>")
	assert.Contains(t, tree.stdout, `<status color="green" orig="4">Credited</status>`)

	jsonl := f.run(t, "call", "account.payment", "elid="+ann, "-o", "jsonl")
	require.Len(t, lines(jsonl.stdout), 4)
	assert.Regexp(t, `^\{"docflow_pdf_status":"4","store_payment":"off",`, lines(jsonl.stdout)[0])

	doc := f.run(t, "call", "account.payment", "elid="+ann, "-o", "json")
	assert.True(t, strings.HasPrefix(doc.stdout, `{"name":"doc","attrs":{`))

	failed := f.run(t, "call", "no.such.function")
	assert.Equal(t, exitAPI, failed.code)
	assert.Contains(t, failed.stderr, "error: missed(func)")
}

// TestPDFGoesToAFileOrAPipe: -o is the output format everywhere, so the PDF's file is
// --output-file; without it the PDF goes to stdout, unless stdout is a terminal.
func TestPDFGoesToAFileOrAPipe(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	payment := idText(f.PaymentIDs(f.AccountID("ann@example.com"))[0])
	file := filepath.Join(t.TempDir(), "invoice.pdf")

	r := f.run(t, "payments", "pdf", payment, "--output-file", file)
	require.Equal(t, exitOK, r.code, r.stderr)
	saved, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(saved), "%PDF-"))

	piped := f.run(t, "payments", "pdf", payment)
	require.Equal(t, exitOK, piped.code, piped.stderr)
	assert.Equal(t, string(saved), piped.stdout, "stdout, when it is not a terminal")

	terminal := f.runOnTerminal(t, "payments", "pdf", payment)
	assert.Equal(t, exitUsage, terminal.code)
	assert.Contains(t, terminal.stderr, "refusing to write a PDF to the terminal: use --output-file FILE")
	assert.Empty(t, terminal.stdout)

	old := f.run(t, "payments", "pdf", payment, "-o", file)
	assert.Equal(t, exitUsage, old.code)
	assert.Contains(t, old.stderr, "-o is the output format, and billmgr payments pdf prints no records: write the file with --output-file FILE")
}
