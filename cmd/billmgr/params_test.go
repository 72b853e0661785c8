package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
)

// recordedChoices are the keys of a select of the recorded payment filter form: the
// values the server takes there.
func recordedChoices(t *testing.T, name string) []string {
	t.Helper()
	form, err := os.ReadFile("../../testdata/samples/billmgr6_form_payment_filter_internal.xml")
	require.NoError(t, err)
	slist := regexp.MustCompile(`(?s)<slist name="` + name + `">(.*?)</slist>`).FindSubmatch(form)
	require.NotNil(t, slist, name)
	var keys []string
	for _, m := range regexp.MustCompile(`key="([^"]*)"`).FindAllSubmatch(slist[1], -1) {
		keys = append(keys, string(m[1]))
	}
	return keys
}

// TestEveryFlagSaysWhatItMeans walks every command and every flag: each says in words
// what it means (not the flag's name again), a required one says so in the help and in
// completion, and a flag with a fixed set of values lists them all, completes them in the
// shell and refuses any other. The sets are the server's: the recorded filter form's, the
// SDK's status codes, on and off.
func TestEveryFlagSaysWhatItMeans(t *testing.T) {
	t.Parallel()
	fixed := map[string][]string{
		"status":         recordedChoices(t, "status"),
		"account-status": {billmgr.AccountActive, billmgr.AccountSuspended, billmgr.AccountDeleted},
		"order":          {"asc", "desc"},
	}
	periods := recordedChoices(t, "createdate")
	var flags int
	walk(newTestApp().rootCommand(), func(cmd *cobra.Command) {
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" || cmd.HasParent() && cmd.Root().PersistentFlags().Lookup(f.Name) == f {
				return
			}
			flags++
			where := cmd.CommandPath() + " --" + f.Name
			assert.Equal(t, flagName(f.Name), f.Name, "%s: kebab case", where)
			usage := strings.TrimSuffix(f.Usage, " (required)")
			assert.GreaterOrEqual(t, len(strings.Fields(usage)), 3, "%s: %q says too little", where, f.Usage)
			assert.NotEqual(t, letters(f.Name), letters(usage), "%s: the help is the flag's name again", where)

			_, required := f.Annotations[cobra.BashCompOneRequiredFlag]
			assert.Equal(t, required, strings.HasSuffix(f.Usage, " (required)"), "%s: required in the help as in completion", where)

			values := fixed[f.Name]
			switch {
			case f.Value.Type() == onOff:
				values = []string{"on", "off"}
			case f.Value.Type() == "period":
				values = periods
			case f.Name == "sort":
				values = []string{"id"}
			}
			if values == nil {
				return
			}
			help := f.Value.Type() + " " + f.Usage // the help line shows the type before the usage
			for _, v := range values {
				assert.Contains(t, help, v, "%s lists %s", where, v)
			}
			complete, ok := cmd.GetFlagCompletionFunc(f.Name)
			require.True(t, ok, "%s completes its values", where)
			offered, _ := complete(cmd, nil, "")
			for _, v := range values {
				assert.True(t, slices.ContainsFunc(offered, func(o string) bool { return strings.Split(o, "\t")[0] == v }),
					"%s completes %s", where, v)
			}
			assert.Error(t, f.Value.Set("bogus"), "%s refuses a value outside the set", where)
		})
	})
	assert.Greater(t, flags, 150, "the walk reaches the flags")
}

// letters is s in lower case without anything but letters: "created from" and
// "createdatestart" compare by their words.
func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return -1
	}, s)
}

// TestEveryParamDocIsUsed: each entry of paramDocs is the help of some flag: a
// "FUNCTION NAME" entry of a command that calls the function, a bare name of a command
// whose function has no entry of its own.
func TestEveryParamDocIsUsed(t *testing.T) {
	t.Parallel()
	used := map[string]bool{}
	walk(newTestApp().rootCommand(), func(cmd *cobra.Command) {
		fn := cmd.Annotations[funcAnnotation]
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			param, ok := f.Value.(*fieldValue)
			if !ok {
				return
			}
			if doc, ok := docOf(fn, param.name); ok && strings.HasPrefix(f.Usage, doc.usage) {
				key := param.name
				if alias, ok := docAliases[fn]; ok {
					fn = alias
				}
				if _, own := paramDocs[fn+" "+param.name]; own {
					key = fn + " " + param.name
				}
				used[key] = true
			}
		})
	})
	for key := range paramDocs {
		assert.True(t, used[key], "paramDocs[%q] is the help of no flag", key)
	}
}

// TestBadValuesAreRefusedLocally: what the command can know is wrong is refused with
// exit code 2 and the values allowed, before any request.
func TestBadValuesAreRefusedLocally(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))
	list := []string{"payments", "list", "--account", ann}
	tests := []struct {
		args []string
		says string
	}{
		{append(list, "--order", "up"), `invalid argument "up" for "--order" flag: "up": want asc=ascending or desc=descending`},
		{append(list, "--per-page", "0"), `"0": want a whole number from 1`},
		{append(list, "--page", "0"), `"0": want a whole number from 1`},
		{append(list, "--page", "-1"), `want a whole number from 1`},
		{append(list, "--sort", "bogus"), `"bogus": want id, number, create_date,`},
		{append(list, "--status", "42"), `"42": want 1=new, 2=payment in progress,`},
		{[]string{"accounts", "list", "--account-status", "active"}, `"active": want 1=active, 2=suspended or 3=deleted`},
		{[]string{"accounts", "list", "--account_status", "active"}, `invalid argument "active" for "--account-status" flag`},
		{[]string{"payments", "filter", "save", "--account", ann, "--createdate", "lastdecade"}, `want nodate=any date, today,`},
		{[]string{"expenses", "list", "--account", ann, "--realdate", "yesterday"}, `want nodate=any date, today,`},
		{[]string{"payments", "update", "1", "--account", ann, "--status", "credited"}, `"credited": want 1=new`},
		{[]string{"accounts", "groups", "list", "--account", ann, "--sort", "email"}, `"email": want id, name or status`},
	}
	for _, tt := range tests {
		r := f.run(t, tt.args...)
		assert.Equal(t, exitUsage, r.code, "%q: %s", tt.args, r.stderr)
		assert.Contains(t, r.stderr, tt.says, "%q", tt.args)
	}
	for _, fn := range []string{"account", "account.payment", "account.payment.filter", "subaccount.expense", "payment.edit", "account.group"} {
		assert.Zero(t, f.Hits(fn), "%s: nothing reached the server", fn)
	}
	ok := f.run(t, append(list, "--order", "asc", "--sort", "number", "--per-page", "2", "--page", "1", "--status", "1")...)
	assert.Equal(t, exitOK, ok.code, ok.stderr)
}

// TestFlagsAreKebabCaseAndTakeTheAPISpelling: a parameter's flag is its API name in kebab
// case; the API's spelling works too, unseen in the help.
func TestFlagsAreKebabCaseAndTakeTheAPISpelling(t *testing.T) {
	t.Parallel()
	f := newFake(t, seedAnn())
	ann := idText(f.AccountID("ann@example.com"))
	for _, spelling := range []string{"--verify-email", "--verify_email"} {
		r := f.run(t, "accounts", "update", ann, spelling, "on", "--dry-run", "-o", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"func":"account.edit","params":{"elid":"`+ann+`","verify_email":"on","sok":"ok"}}`, r.stdout, spelling)
	}
	for _, spelling := range []string{"--per-page", "--per_page"} {
		r := f.run(t, "accounts", "list", spelling, "1", "-o", "ids")
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.Len(t, lines(r.stdout), 1, spelling)
	}
	help := f.run(t, "accounts", "update", "--help")
	assert.Contains(t, help.stdout, "--verify-email on|off")
	assert.Contains(t, help.stdout, "--valid-phone string")
	assert.NotRegexp(t, `--[a-z]+_`, help.stdout, "the help shows the kebab form only")
	ga := f.run(t, "accounts", "register", "--email", "x@example.com", "--passwd", "pw", "--ga", "GA1.2", "--dry-run", "-o", "json")
	require.Equal(t, exitOK, ga.code, ga.stderr)
	assert.Contains(t, ga.stdout, `"_ga":"GA1.2"`, "--ga is _ga, a leading underscore dropped")
}
