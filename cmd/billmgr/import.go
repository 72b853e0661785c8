package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/cmd/billmgr/internal/bankimport"
	"github.com/spf13/cobra"
)

// billmgr payments import FILE: credit the incoming transfers of a bank statement exactly
// once, however often the run is interrupted and repeated, and however many runs go on at
// once. The work is bankimport's; the command holds the flags, the exit codes, the
// progress bar and the report.

// importOptions are the flags of the import command.
type importOptions struct {
	format         string
	columnsFile    string
	columns        []string
	delimiter      string
	encoding       string
	currency       string
	ourAccounts    []string
	clientsFile    string
	invoicePattern string
	journal        string
	paymethod      int64
	settled        []string
}

func (a *app) importCommand() *cobra.Command {
	o := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Credit the incoming transfers of a bank statement (CSV or 1C) exactly once",
		Long: `import reads a bank statement and credits each incoming transfer to the provider's
account once, however often it is interrupted and run again, and however many imports of
the statement run at once:

  - a transfer whose purpose names invoices (pfx/36; or loosely, a number after сч., №,
    счету: "Оплата сч. 36") credits them (payment.setpaid) when the client, the amount
    and the currency agree and only one reading fits, recording the bank document on them;
  - any other transfer becomes a payment of its client (a client column, or the payer's tax
    number through --clients), carrying the bank document, and is credited;
  - anything else (no client, several invoices that fit, an invoice for another amount, a
    document given twice with two amounts) is left for a person, with the next step.

The key of a transfer is the bank document: its number, date and payer (tax number, else
bank account, else client column, else name). The server's payments carry it, so nothing is
credited twice, whatever the journal says.

Formats: CSV with a header row (columns client, amount, currency, date, number, payer, inn,
payer_account, purpose; rename them with --column or --columns), and the 1C bank exchange
format (1CClientBankExchange, Windows-1251 or DOS/CP866). Transfers that do not come into
the provider's account are skipped: in CSV, a line for zero or less; in 1C, a document the
accounts say is not the provider's incoming one (one that comes in for zero or less is left
for a person). What cannot be read for sure is refused with the reason: an amount such as
1,500 (1500 or 1.5?), three decimals, a 1C field given twice with two values, text after
КонецФайла, text that does not decode.

--clients FILE: lines TAX_NUMBER = CLIENT (a client id or login); a # at the start of a line
or after white space starts a comment: 7701234567 = ann@example.com  # Romashka LLC.

A journal beside the statement (FILE.journal, or --journal) records each line's intent and
outcome, and the panel and user it belongs to: a rerun skips finished lines, and looks every
other line up on the server before writing. A line a person settled by hand is told with
--settled LINE (the line numbers of the report): the journal keeps it, and later runs skip
it as settled_by_hand.

Exit codes: 0 every line settled (created, credited, already present, settled by hand or
skipped); 1 lines are left for a person (unmatched, malformed, or refused by the server);
2 usage, or a statement, mapping or journal refused; 3 some lines failed on the network
with nothing written, or the run was interrupted: run the same command again; 4 the
outcome of some lines' writes is unknown (the server may still be carrying them out): run
the same command again in a few minutes, and it looks them up first; 5 the server refused
the credentials (the run stops at the first line). Where several apply, the run exits 4,
else 3, else 1.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runImport(cmd.Context(), args[0], o)
		},
	}
	annotate(cmd, dryRunAnnotation, dryRunReads)
	ownTimeout(cmd, "per line: a long statement may take longer than one --timeout")
	calls(cmd, "account", "account.payment", "account.payment.filter", "subaccount", "subaccount.edit", "payment.edit",
		"payment.setpaid", "payment.delete")
	f := cmd.Flags()
	f.StringVar(&o.format, "format", string(bankimport.FormatAuto), "the statement's format: "+strings.Join(bankimport.Formats(), ", "))
	f.StringArrayVar(&o.columns, "column", nil, "CSV: the header of a field, `FIELD=HEADER` (repeatable), e.g. amount=Сумма")
	f.StringVar(&o.columnsFile, "columns", "", "CSV: a `file` of FIELD = HEADER lines")
	f.StringVar(&o.delimiter, "delimiter", "", "CSV: the delimiter (default: the one of , ; or tab the header row uses most)")
	f.StringVar(&o.encoding, "encoding", string(bankimport.UTF8), "CSV: the file's encoding: "+strings.Join(bankimport.Encodings(), ", "))
	f.StringVar(&o.currency, "currency", "RUB", "the currency of the transfers that name none (ISO code)")
	f.StringArrayVar(&o.ourAccounts, "our-account", nil, "1C: a bank `account` of the provider, besides those the statement names (repeatable)")
	f.StringVar(&o.clientsFile, "clients", "", "a `file` of TAX_NUMBER = CLIENT lines (client id or login; # after white space starts a comment) to match payers without an invoice")
	f.StringVar(&o.invoicePattern, "invoice-pattern", "", "a `regexp` for invoice numbers in the purpose (its first group, if any); default: a prefix, a slash and digits, like pfx/123")
	f.StringVar(&o.journal, "journal", "", "the journal `file` (default FILE.journal)")
	f.Int64Var(&o.paymethod, "paymethod", 0, "the payment method `id` of the payments created (default the server's)")
	f.StringSliceVar(&o.settled, "settled", nil, "the `LINE`s (as the report numbers them) that a person settled by hand: recorded in the journal and skipped from now on (comma-separated, repeatable)")
	complete := func(flag string, values ...string) {
		_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	}
	complete("format", bankimport.Formats()...)
	complete("encoding", bankimport.Encodings()...)
	return cmd
}

// importLine is the report of one line (-o json, csv, table).
type importLine struct {
	Line     int                `xml:"line"` // the line of the statement file where the transfer starts
	Result   bankimport.Outcome `xml:"result"`
	Document string             `xml:"document"` // the bank document's number
	Date     time.Time          `xml:"date"`
	Amount   billmgr.Money      `xml:"amount"`
	Payer    string             `xml:"payer"`
	INN      string             `xml:"inn"`
	Account  string             `xml:"account"` // the client id
	Invoice  string             `xml:"invoice"` // the invoices' numbers
	Payment  string             `xml:"payment"` // the ids of the payments credited
	Reason   string             `xml:"reason"`

	care bankimport.Care
}

func (a *app) runImport(ctx context.Context, file string, o *importOptions) error {
	st, err := o.statement(file)
	if err != nil {
		return err
	}
	rule, err := bankimport.NewInvoiceRule(o.invoicePattern)
	if err != nil {
		return usageErr("--invoice-pattern: %v", err)
	}
	clients := bankimport.Clients{}
	if o.clientsFile != "" {
		if clients, err = bankimport.ReadClients(o.clientsFile); err != nil {
			return usageErr("--clients: %v", err)
		}
	}
	settled, err := settledLines(o.settled)
	if err != nil {
		return err
	}
	idx, err := bankimport.NewIndex(st, settled)
	if err != nil {
		return importError(err)
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	j, err := a.openJournal(o.journalPath(file), c)
	if err != nil {
		return importError(err)
	}
	defer j.Close()
	im := &bankimport.Importer{Client: c, Matcher: bankimport.NewMatcher(c, rule, clients, o.paymethod), Journal: j,
		DryRun: a.dryRun, LineTimeout: a.g.timeout}
	w, err := newRowWriter(a.format(), a.out, reflect.TypeFor[importLine]())
	if err != nil {
		return err
	}
	bar := &importProgress{w: a.stderr, total: idx.Lines(), on: a.stderrTerminal}
	t := &importTally{counts: map[bankimport.Outcome]int{}}
	err = im.Run(ctx, st, idx, func(r bankimport.Result) error {
		l := o.report(r)
		t.add(l)
		if err := w.write(reflect.ValueOf(l)); err != nil {
			return err
		}
		bar.tick()
		return nil
	})
	bar.done()
	if err != nil {
		_ = w.abort()
		return runFailed(err, t.care)
	}
	if err := w.end(); err != nil {
		return err
	}
	a.printSummary(file, idx.Lines(), t)
	return t.exit()
}

// importTally is what the summary says of a run: the count of each outcome, the lines not
// settled (the first maxShown of them), and the care they call for. It holds no more
// however long the statement.
type importTally struct {
	counts        map[bankimport.Outcome]int
	shown         []importLine
	left, unknown int
	care          bankimport.Care
}

// maxShown bounds the lines not settled that the summary lists; the report has them all.
const maxShown = 50

func (t *importTally) add(l importLine) {
	t.counts[l.Result]++
	if l.care == bankimport.Settled {
		return
	}
	t.left++
	if l.care == bankimport.LookFirst {
		t.unknown++
	}
	t.care = max(t.care, l.care)
	if len(t.shown) < maxShown {
		t.shown = append(t.shown, l)
	}
}

// statement is the statement of the flags.
func (o *importOptions) statement(file string) (*bankimport.Statement, error) {
	st := &bankimport.Statement{Path: file, Options: bankimport.Options{
		Currency:    strings.ToUpper(strings.TrimSpace(o.currency)),
		OurAccounts: o.ourAccounts,
		Columns:     bankimport.Columns{},
	}}
	format, err := bankimport.ParseFormat(o.format)
	if err != nil {
		return nil, usageErr("--format: %v", err)
	}
	st.Format = format
	enc, err := bankimport.ParseEncoding(o.encoding)
	if err != nil {
		return nil, usageErr("--encoding: %v", err)
	}
	st.Encoding = enc
	if d := []rune(o.delimiter); len(d) > 1 || (len(d) == 1 && (d[0] == '"' || d[0] == '\n' || d[0] == '\r')) {
		return nil, usageErr("--delimiter %q: want one character", o.delimiter)
	} else if len(d) == 1 {
		st.Delimiter = d[0]
	}
	if o.columnsFile != "" {
		if st.Columns, err = bankimport.ReadColumns(o.columnsFile); err != nil {
			return nil, usageErr("--columns: %v", err)
		}
	}
	for _, c := range o.columns {
		field, header, ok := strings.Cut(c, "=")
		if !ok {
			return nil, usageErr("--column %q: want FIELD=HEADER", c)
		}
		if err := st.Columns.Set(field, header); err != nil {
			return nil, usageErr("--column %q: %v", c, err)
		}
	}
	return st, nil
}

func (o *importOptions) journalPath(file string) string {
	if o.journal != "" {
		return o.journal
	}
	return file + ".journal"
}

// settledLines parses --settled.
func settledLines(values []string) ([]int, error) {
	var lines []int
	for _, v := range values {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			return nil, usageErr("--settled %q: want the line numbers of the report, such as 130 or 21,130", v)
		}
		lines = append(lines, n)
	}
	return lines, nil
}

// openJournal opens the journal of the run: for writing, or only to read with --dry-run.
// It belongs to the panel of client c and the user of the run.
func (a *app) openJournal(path string, c *billmgr.Client) (*bankimport.Journal, error) {
	user := a.setting(a.g.user, "BILLMGR_USER")
	if a.g.as != "" {
		user += " as " + a.g.as
	}
	owner := bankimport.NewOwner(c.BaseURL(), user)
	if a.dryRun {
		return bankimport.ReadJournal(path, owner)
	}
	return bankimport.OpenJournal(path, owner)
}

// importError is the error of a statement, mapping or journal the import refuses, in the
// words of the flags: exit code 2, or 3 for a journal that changed under the run.
func importError(err error) error {
	var (
		file    *bankimport.FileError
		column  *bankimport.ColumnError
		unknown *bankimport.UnknownLinesError
	)
	switch {
	case errors.Is(err, bankimport.ErrJournalChanged):
		return withExitCode(exitFailure, fmt.Errorf("journal %w; when no other import runs on the statement, run the same command again", err))
	case errors.Is(err, bankimport.ErrJournalOwner):
		return usageErr("journal %v; give this run a journal of its own with --journal FILE", err)
	case errors.Is(err, bankimport.ErrJournalLocked), errors.Is(err, bankimport.ErrJournalFile):
		return usageErr("journal %v", err)
	case errors.Is(err, bankimport.ErrEncoding):
		return usageErr("%v: give the file's encoding with --encoding (%s)", err, strings.Join(bankimport.Encodings(), ", "))
	case errors.As(err, &column) && column.Header != "":
		return usageErr("%v; correct the column mapping (--column %s=HEADER, --columns)", err, column.Field)
	case errors.As(err, &column):
		return usageErr("%v; name it with --column %s=HEADER", err, column.Field)
	case errors.As(err, &unknown):
		return usageErr("--settled: %v", err)
	case errors.As(err, &file):
		return usageErr("%v", err)
	}
	return err
}

// runFailed is the error of a run that ended before its last line, after lines that call
// for care.
func runFailed(err error, care bankimport.Care) error {
	var stopped *bankimport.InterruptedError
	if !errors.As(err, &stopped) {
		return importError(err)
	}
	// The lines not reached are unfinished: a rerun is needed, unless an earlier line or
	// the one interrupted calls for more care.
	care = max(care, bankimport.Rerun)
	if stopped.Unknown {
		care = bankimport.LookFirst
	}
	return withExitCode(exitCodeOf(care), err)
}

// report is the report of a line, with the next step of one left for a person.
func (o *importOptions) report(r bankimport.Result) importLine {
	l := importLine{Line: r.Line, Result: r.Outcome, Document: r.Document, Date: r.Date, Amount: r.Amount, Payer: r.Payer,
		INN: r.INN, Account: idOrEmpty(r.Account), Invoice: r.Invoices, Payment: r.Payments, Reason: r.Reason, care: r.Care}
	if next := o.nextStep(r); next != "" {
		l.Reason += ": " + next
	}
	return l
}

// nextStep says what a person does about a line left to them.
func (o *importOptions) nextStep(r bankimport.Result) string {
	settle := fmt.Sprintf("run again with --settled %d", r.Line)
	switch r.Next {
	case bankimport.StepSettle:
		return "credit it by hand, then " + settle
	case bankimport.StepFix:
		return "correct the statement and run again, or settle it by hand, then " + settle
	case bankimport.StepMapPayer:
		if o.clientsFile == "" {
			return fmt.Sprintf("map the payer in a file given with --clients (a line `%s = CLIENT`, CLIENT an id or a login), "+
				"or credit it by hand, then %s", r.INN, settle)
		}
		return fmt.Sprintf("add `%s = CLIENT` to %s (CLIENT an id or a login), or credit it by hand, then %s", r.INN, o.clientsFile, settle)
	}
	return ""
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// printSummary writes the counts, and the lines left for a person, on stderr.
func (a *app) printSummary(file string, total int, t *importTally) {
	shown, prefix := []bankimport.Outcome{bankimport.Created, bankimport.Credited}, ""
	if a.dryRun {
		shown, prefix = []bankimport.Outcome{bankimport.WouldCreate, bankimport.WouldCredit}, "dry run, nothing written: "
	}
	var parts []string
	for _, res := range append(shown, bankimport.AlreadyPresent, bankimport.SettledByHand, bankimport.Skipped, bankimport.Unmatched, bankimport.Failed) {
		parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(string(res), "_", " "), t.counts[res]))
	}
	fmt.Fprintf(a.stderr, "%s%s: %s: %s\n", prefix, file, plural(total, "line"), strings.Join(parts, ", "))
	for _, p := range t.shown {
		fmt.Fprintf(a.stderr, "  line %d, document %s: %s: %s\n", p.Line, p.Document, p.Result, p.Reason)
	}
	if more := t.left - len(t.shown); more > 0 {
		fmt.Fprintf(a.stderr, "  and %d more (see the report)\n", more)
	}
}

// exit is the run's error, which decides the exit code: nil when every line is settled,
// else the code of the line that calls for the most care.
func (t *importTally) exit() error {
	var err error
	switch t.care {
	case bankimport.Settled:
		return nil
	case bankimport.LookFirst:
		err = fmt.Errorf("%s not finished, %d with an unknown outcome: the server may still be carrying their writes out; "+
			"run the same command again in a few minutes, and it looks them up first", linesAre(t.left), t.unknown)
	case bankimport.Rerun:
		err = fmt.Errorf("%s not finished, some for network or protocol failures: run the same command again", linesAre(t.left))
	default:
		err = fmt.Errorf("%s left for a person (see the report)", linesAre(t.left))
	}
	return withExitCode(exitCodeOf(t.care), err)
}

// exitCodeOf is the exit code of a care.
func exitCodeOf(c bankimport.Care) int {
	switch c {
	case bankimport.Settled:
		return exitOK
	case bankimport.LookFirst:
		return exitUnknown
	case bankimport.Rerun:
		return exitFailure
	}
	return exitAPI
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
	done := width * min(p.n, p.total) / max(p.total, 1)
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d lines", strings.Repeat("#", done), strings.Repeat(".", width-done), p.n, p.total)
}

func (p *importProgress) done() {
	if p.on && !p.last.IsZero() {
		fmt.Fprint(p.w, "\r\033[K")
	}
	p.on = false
}
