package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// billmgr payments import FILE: credit the incoming transfers of a bank statement exactly
// once, however often the run is interrupted and repeated. Each line is matched (match.go)
// and credited with Payments.CreditInvoice or Payments.CreditReceipt, which keep the bank
// document's number and date on the payment and look them up before every write; the
// journal (journal.go) lets a rerun skip the lines already finished.

// importOptions are the flags of the import command.
type importOptions struct {
	statement      statementOptions
	columnsFile    string
	columns        []string
	delimiter      string
	clientsFile    string
	invoicePattern string
	journal        string
	paymethod      int64
}

func (a *app) importCommand() *cobra.Command {
	o := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Credit the incoming transfers of a bank statement (CSV or 1C) exactly once",
		Long: `import reads a bank statement and credits each incoming transfer to the provider's
account once, however often it is interrupted and run again:

  - a transfer whose purpose names an invoice (by default a payment number such as pfx/123)
    credits that invoice (payment.setpaid), recording the bank document on it;
  - any other transfer becomes a payment of its client (a client column, or the payer's tax
    number through --clients), carrying the bank document's number and date, and is credited;
  - a transfer that matches no invoice or client, or several, or disagrees with the invoice
    (another amount, credited already), is left for a person.

Formats: CSV with a header row (columns client, amount, currency, date, number, payer, inn,
purpose; rename them with --column or --columns), and the 1C bank exchange format
(1CClientBankExchange, Windows-1251 or DOS/CP866). Transfers that do not come into the
provider's account are skipped.

A journal beside the statement (FILE.journal, or --journal) records each line's intent and
outcome: a rerun skips finished lines, and looks every other line up on the server before
writing. Deleting the journal is safe: the server's payments carry the bank documents.

Exit codes: 0 every line settled (created, credited, already present or skipped); 1 lines
are left for a person (unmatched, malformed, or refused by the server); 2 usage; 3 some
lines failed on the network with nothing written, or the run was interrupted: run the same
command again; 4 the outcome of some lines' writes is unknown (the server may still be
carrying them out): run the same command again in a few minutes, and it looks them up
first. Where several apply, the run exits 4, else 3, else 1.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runImport(cmd.Context(), args[0], o)
		},
	}
	allowDryRun(cmd)
	ownTimeout(cmd, "per line: a long statement may take longer than one --timeout")
	calls(cmd, "account", "account.payment", "subaccount", "payment.edit", "payment.setpaid")
	f := cmd.Flags()
	f.StringVar(&o.statement.format, "format", statementAuto, "the statement's format: auto, csv or 1c")
	f.StringArrayVar(&o.columns, "column", nil, "CSV: the header of a field, `FIELD=HEADER` (repeatable), e.g. amount=Сумма")
	f.StringVar(&o.columnsFile, "columns", "", "CSV: a `file` of FIELD = HEADER lines")
	f.StringVar(&o.delimiter, "delimiter", "", "CSV: the delimiter (default: the one of , ; or tab the header row uses most)")
	f.StringVar(&o.statement.encoding, "encoding", "utf-8", "CSV: the file's encoding: "+strings.Join(encodingNames(), ", "))
	f.StringVar(&o.statement.currency, "currency", "RUB", "the currency of the transfers that name none (ISO code)")
	f.StringArrayVar(&o.statement.ourAccounts, "our-account", nil, "1C: a bank `account` of the provider, besides those the statement names (repeatable)")
	f.StringVar(&o.clientsFile, "clients", "", "a `file` of TAX_NUMBER = CLIENT lines (client id or login) to match payers without an invoice")
	f.StringVar(&o.invoicePattern, "invoice-pattern", "", "a `regexp` for invoice numbers in the purpose (its first group, if any); default: a prefix, a slash and digits, like pfx/123")
	f.StringVar(&o.journal, "journal", "", "the journal `file` (default FILE.journal)")
	f.Int64Var(&o.paymethod, "paymethod", 0, "the payment method `id` of the payments created (default the server's)")
	complete := func(flag string, values ...string) {
		_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	}
	complete("format", statementAuto, statementCSV, statement1C)
	complete("encoding", encodingNames()...)
	return cmd
}

// importResult is what happened to a line.
type importResult string

// The results.
const (
	resultCreated     importResult = "created"
	resultCredited    importResult = "credited"
	resultWouldCreate importResult = "would_create" // --dry-run
	resultWouldCredit importResult = "would_credit" // --dry-run
	resultPresent     importResult = "already_present"
	resultSkipped     importResult = "skipped"
	resultUnmatched   importResult = "unmatched"
	resultFailed      importResult = "failed"
)

// importLine is the report of one line (-o json, csv, table).
type importLine struct {
	Line     int           `xml:"line"` // the line of the statement file where the transfer starts
	Result   importResult  `xml:"result"`
	Document string        `xml:"document"` // the bank document's number
	Date     time.Time     `xml:"date"`
	Amount   billmgr.Money `xml:"amount"`
	Payer    string        `xml:"payer"`
	INN      string        `xml:"inn"`
	Account  string        `xml:"account"` // the client id
	Invoice  string        `xml:"invoice"` // the invoice's number
	Payment  string        `xml:"payment"` // the id of the payment credited
	Reason   string        `xml:"reason"`

	// code is the exit code the line calls for: exitOK when it is settled, exitAPI when it
	// is left for a person, exitFailure when it failed with nothing written (a rerun may
	// finish it), exitUnknown when its write may have been applied.
	code int
}

func reportOf(l *statementLine) importLine {
	r := importLine{Line: l.line, Document: l.number, Date: l.date, Payer: l.payer, INN: l.inn}
	if !l.amount.IsZero() {
		r.Amount = billmgr.Money{Amount: l.amount, Currency: l.currency}
	}
	return r
}

// importer is one run of the import.
type importer struct {
	c       *billmgr.Client
	match   *resolver
	journal *journal
	dryRun  bool
	seen    map[string]int // line keys → the line that had them first
}

func (a *app) runImport(ctx context.Context, file string, o *importOptions) error {
	lines, err := readStatementFile(file, o)
	if err != nil {
		return err
	}
	rule, err := newInvoiceRule(o.invoicePattern)
	if err != nil {
		return err
	}
	byTaxNo, err := readClientMap(o.clientsFile)
	if err != nil {
		return usageErr("--clients: %v", err)
	}
	c, err := a.importClient()
	if err != nil {
		return err
	}
	path := o.journal
	if path == "" {
		path = file + ".journal"
	}
	var j *journal
	if a.dryRun {
		j, err = readJournal(path)
	} else {
		j, err = openJournal(path)
	}
	if err != nil {
		return err
	}
	defer j.Close()

	im := &importer{c: c, journal: j, dryRun: a.dryRun, seen: map[string]int{},
		match: &resolver{c: c, rule: rule, byTaxNo: byTaxNo, paymethod: o.paymethod,
			logins: map[string]int64{}, currencies: map[string]int64{}}}
	w, err := newRowWriter(a.format(), a.out, reflect.TypeFor[importLine]())
	if err != nil {
		return err
	}
	bar := &importProgress{w: a.stderr, total: len(lines), on: a.stderrTerminal}
	counts := map[importResult]int{}
	var problems []importLine
	for i := range lines {
		r, err := im.lineWithin(ctx, a.g.timeout, &lines[i])
		if err != nil {
			bar.done()
			_ = w.abort()
			// The lines not reached are unfinished: a rerun is needed, unless an earlier
			// line or this one calls for more care.
			return withExitCode(max(exitFailure, worstCode(append(problems, r))), err)
		}
		counts[r.Result]++
		if r.code != exitOK {
			problems = append(problems, r)
		}
		if err := w.write(reflect.ValueOf(r)); err != nil {
			return err
		}
		bar.tick()
	}
	bar.done()
	if err := w.end(); err != nil {
		return err
	}
	a.printSummary(file, len(lines), counts, problems)
	return importExit(problems)
}

// readStatementFile reads and parses the statement with the options of the flags.
func readStatementFile(file string, o *importOptions) ([]statementLine, error) {
	so := o.statement
	switch so.format {
	case statementAuto, statementCSV, statement1C:
	default:
		return nil, usageErr("--format %q: want auto, csv or 1c", so.format)
	}
	if _, ok := encodings[so.encoding]; !ok {
		return nil, usageErr("--encoding %q: want one of %s", so.encoding, strings.Join(encodingNames(), ", "))
	}
	if d := []rune(o.delimiter); len(d) > 1 || (len(d) == 1 && (d[0] == '"' || d[0] == '\n')) {
		return nil, usageErr("--delimiter %q: want one character", o.delimiter)
	} else if len(d) == 1 {
		so.delimiter = d[0]
	}
	so.currency = strings.ToUpper(strings.TrimSpace(so.currency))
	var err error
	if so.columns, err = readColumns(o.columnsFile, o.columns); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	lines, err := readStatement(data, so)
	if err != nil {
		return nil, usageErr("%s: %v", file, err)
	}
	return lines, nil
}

// importClient is the client of the flags and the environment. With --dry-run it reads
// from the server (to look the lines up) and sends no write.
func (a *app) importClient() (*billmgr.Client, error) {
	opts, err := a.clientOptions()
	if err != nil {
		return nil, err
	}
	base := a.setting(a.g.url, "BILLMGR_URL")
	auth, err := a.credentials(base)
	if err != nil {
		return nil, err
	}
	opts = append(opts, auth)
	if a.dryRun {
		opts = append(opts, billmgr.WithDryRun(func(string, url.Values) {}))
	}
	c, err := billmgr.NewClient(base, opts...)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	if a.g.as != "" {
		c = c.As(a.g.as)
	}
	return c, nil
}

// line settles one line and reports it. An error ends the run: the journal cannot be
// written, or the run is interrupted.
// errLineTimeout ends a line that took longer than --timeout.
var errLineTimeout = errors.New("the line took longer than --timeout")

// lineWithin settles line l within timeout (--timeout; 0 for no limit). The deadline of
// one line fails that line, as a network failure or an unknown outcome, and the run goes
// on with the next; an interrupted run (Ctrl-C) ends there.
func (im *importer) lineWithin(ctx context.Context, timeout time.Duration, l *statementLine) (importLine, error) {
	if timeout <= 0 {
		return im.line(ctx, l)
	}
	lineCtx, cancel := context.WithTimeoutCause(ctx, timeout, errLineTimeout)
	defer cancel()
	return im.line(lineCtx, l)
}

// interrupted reports whether the run ended under the line with context ctx, rather than
// the line's own --timeout.
func interrupted(ctx context.Context) bool {
	return ctx.Err() != nil && !errors.Is(context.Cause(ctx), errLineTimeout)
}

func (im *importer) line(ctx context.Context, l *statementLine) (importLine, error) {
	r := reportOf(l)
	switch {
	case l.skip != "":
		return r.with(resultSkipped, l.skip), nil
	case l.malformed != nil:
		return r.with(resultFailed, "malformed: "+l.malformed.Error()).left(exitAPI), nil
	}
	key := l.key()
	if first, ok := im.seen[key]; ok {
		return r.with(resultSkipped, fmt.Sprintf("the same transfer as line %d", first)), nil
	}
	im.seen[key] = l.line
	if e, ok := im.journal.finished(key); ok {
		r.Account, r.Invoice, r.Payment = idOrEmpty(e.Account), e.Invoice, idOrEmpty(e.Payment)
		return r.with(resultPresent, "finished in an earlier run ("+e.Result+"), as the journal records"), nil
	}
	p, err := im.match.plan(ctx, l)
	if err != nil {
		return im.failed(ctx, r, key, err, false)
	}
	r.Account = idOrEmpty(p.account)
	if p.invoice != nil {
		r.Invoice = p.invoice.number
	}
	resumed := im.journal.interrupted(key)
	if !im.dryRun {
		if err := im.journal.record(journalEntry{Key: key, Event: eventStart, Account: p.account, Invoice: r.Invoice}); err != nil {
			return r, err
		}
	}
	var res *billmgr.CreditResult
	if p.invoice != nil {
		res, err = im.c.Payments.CreditInvoice(ctx, p.account, p.invoice.payment, &p.receipt)
	} else {
		res, err = im.c.Payments.CreditReceipt(ctx, p.account, &p.receipt)
	}
	switch {
	case errors.Is(err, billmgr.ErrDryRun):
		if p.invoice != nil {
			r.Payment = idOrEmpty(p.invoice.payment)
			return r.with(resultWouldCredit, "the invoice is not credited yet"), nil
		}
		return r.with(resultWouldCreate, "no payment carries the document yet"), nil
	case err != nil:
		return im.failed(ctx, r, key, err, true)
	}
	r.Payment = idOrEmpty(res.PaymentID)
	r = r.with(map[billmgr.CreditOutcome]importResult{
		billmgr.CreditCreated: resultCreated, billmgr.CreditCredited: resultCredited, billmgr.CreditAlreadyCredited: resultPresent,
	}[res.Outcome], "")
	if resumed {
		r.Reason = "resumed after an interrupted run"
	}
	if im.dryRun {
		return r, nil
	}
	return r, im.journal.record(journalEntry{Key: key, Event: eventDone, Result: string(r.Result),
		Account: p.account, Invoice: r.Invoice, Payment: res.PaymentID})
}

// failed reports a line that could not be matched or credited, and records the outcome
// of its writes when they were started.
func (im *importer) failed(ctx context.Context, r importLine, key string, err error, started bool) (importLine, error) {
	if interrupted(ctx) {
		// The journal keeps the line's intent, and the next run looks the line up.
		if errors.Is(err, billmgr.ErrOutcomeUnknown) {
			return r.left(exitUnknown), fmt.Errorf("interrupted at line %d, whose write may have been applied "+
				"(the next run looks it up): %w", r.Line, ctx.Err())
		}
		return r.left(exitFailure), fmt.Errorf("interrupted at line %d: %w", r.Line, ctx.Err())
	}
	var (
		conflict *billmgr.CreditConflictError
		left     *unmatchedError
		apiErr   *billmgr.Error
		event    = eventFailed
	)
	switch {
	case errors.As(err, &conflict):
		r, event = r.with(resultUnmatched, fmt.Sprintf("%s (%s)", conflict.Detail, conflict.Reason)).left(exitAPI), eventUnmatched
		if len(conflict.Payments) == 1 {
			r.Payment = idOrEmpty(conflict.Payments[0])
		}
	case errors.As(err, &left):
		r, event = r.with(resultUnmatched, left.reason).left(exitAPI), eventUnmatched
	case errors.Is(err, billmgr.ErrOutcomeUnknown):
		// A write of the line may still be running on the server: the journal keeps the
		// line unfinished, and the next run looks it up before writing anything.
		r = r.with(resultFailed, "outcome unknown, rerun later: "+err.Error()).left(exitUnknown)
	case errors.As(err, &apiErr):
		r = r.with(resultFailed, "refused by the server: "+describeAPIError(apiErr)).left(exitAPI)
	default:
		r = r.with(resultFailed, err.Error()).left(exitFailure)
	}
	if im.dryRun || !started {
		return r, nil
	}
	return r, im.journal.record(journalEntry{Key: key, Event: event, Reason: r.Reason})
}

func (r importLine) with(result importResult, reason string) importLine {
	r.Result, r.Reason = result, reason
	return r
}

// left marks a line that is not settled with the exit code it calls for.
func (r importLine) left(code int) importLine {
	r.code = code
	return r
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// printSummary writes the counts, and the lines left for a person, on stderr.
func (a *app) printSummary(file string, total int, counts map[importResult]int, problems []importLine) {
	shown, prefix := []importResult{resultCreated, resultCredited}, ""
	if a.dryRun {
		shown, prefix = []importResult{resultWouldCreate, resultWouldCredit}, "dry run, nothing written: "
	}
	var parts []string
	for _, res := range append(shown, resultPresent, resultSkipped, resultUnmatched, resultFailed) {
		parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(string(res), "_", " "), counts[res]))
	}
	fmt.Fprintf(a.stderr, "%s%s: %s: %s\n", prefix, file, plural(total, "line"), strings.Join(parts, ", "))
	for _, p := range problems {
		fmt.Fprintf(a.stderr, "  line %d, document %s: %s: %s\n", p.Line, p.Document, p.Result, p.Reason)
	}
}

// importExit is the run's error, which decides the exit code: nil when every line is
// settled, else the code of the line that calls for the most care (worstCode).
func importExit(problems []importLine) error {
	var unknown int
	for _, p := range problems {
		if p.code == exitUnknown {
			unknown++
		}
	}
	switch code := worstCode(problems); code {
	case exitOK:
		return nil
	case exitUnknown:
		return withExitCode(code, fmt.Errorf("%s not finished, %d with an unknown outcome: the server may still be carrying "+
			"their writes out; run the same command again in a few minutes, and it looks them up first", linesAre(len(problems)), unknown))
	case exitFailure:
		return withExitCode(code, fmt.Errorf("%s not finished, some for network or protocol failures: run the same command again",
			linesAre(len(problems))))
	}
	return withExitCode(exitAPI, fmt.Errorf("%s left for a person (see the report)", linesAre(len(problems))))
}

// worstCode is the exit code of the line that calls for the most care: 4 (look before
// writing again) over 3 (run again) over 1 (a person acts; a rerun changes nothing until
// then) over 0. The codes rank as their values do.
func worstCode(lines []importLine) int {
	code := exitOK
	for _, l := range lines {
		code = max(code, l.code)
	}
	return code
}

// linesAre reads "1 line is" or "3 lines are".
func linesAre(n int) string {
	if n == 1 {
		return "1 line is"
	}
	return strconv.Itoa(n) + " lines are"
}

// importProgress draws a bar of the lines done on a terminal's stderr, at most ten times
// a second.
type importProgress struct {
	w        io.Writer
	total, n int
	last     time.Time
	on       bool
}

func (p *importProgress) tick() {
	p.n++
	if !p.on || (time.Since(p.last) < 100*time.Millisecond && p.n < p.total) {
		return
	}
	p.last = time.Now()
	const width = 30
	done := width * p.n / max(p.total, 1)
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d lines", strings.Repeat("#", done), strings.Repeat(".", width-done), p.n, p.total)
}

func (p *importProgress) done() {
	if p.on && !p.last.IsZero() {
		fmt.Fprint(p.w, "\r\033[K")
	}
	p.on = false
}
