package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exchanges splits the output of --trace into its exchanges, each from its "> POST" line.
func exchanges(stderr string) []string {
	var out []string
	for _, part := range strings.Split(stderr, "> POST ")[1:] {
		out = append(out, "> POST "+part)
	}
	return out
}

// TestTraceIsBoundedAndShowsTheFirstRows: a page of a thousand payments traces as its
// method and URL (no secret in it), its parameters, its status and a few dozen lines: the
// furniture folded, the first rows, a count of the rest.
func TestTraceIsBoundedAndShowsTheFirstRows(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	account := f.AddAccounts(1)[0]
	f.AddPayments(account, 1500, decimal.RequireFromString("1.50"))

	r := f.run(t, "--trace", "payments", "list", "--account", idText(account), "--all", "-o", "ids")
	require.Equal(t, exitOK, r.code, r.stderr)
	var pages []string
	for _, x := range exchanges(r.stderr) {
		if strings.Contains(x, "\n> func=account.payment\n") {
			pages = append(pages, x)
		}
	}
	require.Len(t, pages, 2, "two pages of a thousand")
	for _, page := range pages {
		first, _, _ := strings.Cut(page, "\n")
		assert.Equal(t, "> POST "+f.URL, first, "the method and the URL, nothing else: every parameter went in the body")
		assert.Contains(t, page, "\n> func=account.payment\n> authinfo=[REDACTED]\n> elid="+idText(account)+"\n")
		assert.Regexp(t, `\n< HTTP 200 text/xml; charset=UTF-8 \(\d+\.\d KiB, \d+(\.\d)? ms\)\n`, page, "the status, the size, the duration")
		assert.Contains(t, page, "\n  <metadata name=\"account.payment\">…</metadata> (")
		assert.Contains(t, page, "\n  <messages name=\"account.payment\">…</messages> (")
		assert.Regexp(t, `\n  <elem>.*<id>\d+</id>.*</elem>\n`, page, "a row on a line")
		assert.Equal(t, traceRows, strings.Count(page, "\n  <elem>"), "the first rows")
		body := page[strings.Index(page, "\n<?xml"):]
		assert.LessOrEqual(t, strings.Count(body, "\n"), traceLines+3, "bounded in lines")
		assert.LessOrEqual(t, len(body), traceBytes+200, "bounded in bytes")
	}
	assert.Regexp(t, `\n  … at least \d+ more <elem> not shown\n`, pages[0], "a count of the rest, in the reply's first 64 KiB")
	assert.Contains(t, pages[0], "\n< … the last ")
	assert.Contains(t, pages[0], " of the reply not kept for the trace\n")
}

func TestTraceBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       []string
	}{
		{
			"a document",
			`<?xml version="1.0"?>` + "\n" + `<doc func="x"><ok/><tparams><auth>[REDACTED]</auth><func>x</func></tparams><branding color="#fff"/>` +
				`<error type="value" object="amount"><stack><action>x</action></stack><msg>Too much</msg></error><id>5</id></doc>`,
			[]string{`<?xml version="1.0"?>`, `<doc func="x">`, `  <ok/>`, `  <tparams>…</tparams> (2 elements, not shown)`, `  <branding …/>`,
				`  <error type="value" object="amount">`, `    <stack><action>x</action></stack>`, `    <msg>Too much</msg>`, `  </error>`,
				`  <id>5</id>`, `</doc>`},
		},
		{
			"rows and text with markup",
			`<doc><elem><id>1</id><name>A &amp; B &lt;c&gt; "q"</name></elem><elem><id>2</id></elem><elem><id>3</id></elem>` +
				`<elem><id>4</id></elem><elem><id>5</id></elem><p_elems>5</p_elems></doc>`,
			[]string{"<doc>", `  <elem><id>1</id><name>A &amp; B &lt;c&gt; "q"</name></elem>`, "  <elem><id>2</id></elem>",
				"  … 3 more <elem> not shown", "  <p_elems>5</p_elems>", "</doc>"},
		},
		{
			"cut short",
			`<doc><elem><id>1</id></elem><elem><id>2</id></elem><elem><id>3</id></elem><elem><name>Ann`,
			[]string{"<doc>", "  <elem><id>1</id></elem>", "  <elem><id>2</id></elem>", "  … at least 2 more <elem> not shown",
				"</doc>", "< … the document is cut short here"},
		},
		{
			"not XML",
			"<!DOCTYPE html>\n<html><body>Bad gateway</body></html>\n",
			[]string{"<!DOCTYPE html>", "<html><body>Bad gateway</body></html>"},
		},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, traceBody(tt.body), tt.name)
	}
	long := traceBody("<doc><elem><name>" + strings.Repeat("x", 2*traceLineSize) + "</name></elem></doc>")
	assert.Len(t, long[1], traceLineSize+len("…"), "a line is cut")
	assert.True(t, regexp.MustCompile(`^  <elem><name>x+…$`).MatchString(long[1]))
}
