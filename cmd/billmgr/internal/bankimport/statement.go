package bankimport

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/shopspring/decimal"
)

// Line is one transfer of a statement.
type Line struct {
	Line         int    // the line of the file where the transfer starts
	Number       string // the bank document's number
	Date         time.Time
	Amount       decimal.Decimal
	Currency     string // ISO code, upper case
	Client       string // a client id or login from an explicit column; "" when none
	Payer        string // the payer's name
	INN          string // the payer's tax number (ИНН)
	PayerAccount string // the payer's bank account
	Purpose      string
	// Skip says why the line is not an incoming transfer to the provider; "" when it is. A
	// skipped line is skipped whatever else it holds.
	Skip string
	// Malformed says what cannot be read; "" when the line reads.
	Malformed string

	// The date and amount as written, for the key of a line that does not read.
	dateText, amountText string
}

// PayerID is who paid, as the document's key and the journal name the payer: the tax
// number, else the bank account, else the client column, else the payer's name.
func (l *Line) PayerID() string { return firstOf(l.INN, l.PayerAccount, l.Client, l.Payer) }

// Document is the bank document that brought the money: the key of the payment credited
// for it on the server.
func (l *Line) Document() billmgr.PaymentDocument {
	return billmgr.PaymentDocument{Number: l.Number, Date: l.Date, Payer: l.PayerID()}
}

// documentKey names the document: its date, number and payer. Two lines with one
// document key are one transfer, or a conflict when their amounts differ.
func (l *Line) documentKey() string {
	date := l.dateText
	if !l.Date.IsZero() {
		date = l.Date.Format(time.DateOnly)
	}
	return strings.Join([]string{date, strings.TrimSpace(l.Number), l.PayerID()}, " | ")
}

// amountKey is the amount and currency of the line as the key writes them.
func (l *Line) amountKey() string {
	if l.Malformed != "" && l.amountText != "" {
		return l.amountText + " " + l.Currency
	}
	return l.Amount.StringFixed(2) + " " + l.Currency
}

// Key names the line across runs, in the journal: the document and the amount.
func (l *Line) Key() string { return l.documentKey() + " | " + l.amountKey() }

// keyHash is a hash of a key (a line's, or its document's): 128 bits, so that two keys of
// one statement or journal never share one. The first pass and the journal keep these, not
// the keys, in memory.
type keyHash [16]byte

func hashKey(key string) keyHash {
	sum := sha256.Sum256([]byte(key))
	return keyHash(sum[:16])
}

// labels name the fields of a line in the words of its format, for the reasons it does not
// read.
type labels struct{ number, date, amount string }

// check reads the date and the amount the reader filled in as text, and says what keeps the
// line from being credited, by one rule in both formats:
//
//   - a line without a number, or whose date or amount does not read, is malformed, with
//     each reason after those the reader found (problems); its amount is not reported;
//   - a line whose amount is zero or negative is not an incoming transfer (a CSV export
//     writes an outgoing one so) and is skipped, unless the statement says which way the
//     money went (directed: a 1C document names the payer's and the recipient's accounts,
//     and its reader skips one that does not come into the provider's): an amount that is
//     not positive then contradicts a document into the provider's account, and the line
//     is malformed, for a person to look at.
func (l *Line) check(names labels, directed bool, problems []string) {
	var err error
	if l.Number == "" {
		problems = append(problems, "no "+names.number)
	}
	if l.dateText == "" {
		problems = append(problems, "no "+names.date)
	} else if l.Date, err = parseDate(l.dateText); err != nil {
		problems = append(problems, names.date+": "+err.Error())
	}
	switch l.Amount, err = ParseAmount(l.amountText); {
	case l.amountText == "":
		problems = append(problems, "no "+names.amount)
	case err != nil:
		problems = append(problems, names.amount+": "+err.Error())
	case l.Amount.IsPositive():
	case directed:
		problems = append(problems, fmt.Sprintf("%s %s is not positive, yet the money comes into the provider's account", names.amount, l.amountText))
	case l.Skip == "":
		l.Skip = "not an incoming transfer: the amount is not positive"
	}
	if l.Malformed = strings.Join(problems, "; "); l.Malformed != "" {
		l.Amount = decimal.Decimal{} // not one to report
	}
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// Format is a statement's format.
type Format string

// Statement formats.
const (
	FormatAuto Format = "auto" // 1C when the file starts with 1CClientBankExchange, else CSV
	FormatCSV  Format = "csv"
	Format1C   Format = "1c"
)

// formats are the formats a statement may be given in: auto, then those it chooses from.
var formats = []Format{FormatAuto, FormatCSV, Format1C}

// Formats are the names of the formats: auto, then those it chooses from.
func Formats() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f)
	}
	return names
}

// ParseFormat returns the format named name, ignoring case.
func ParseFormat(name string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(name)))
	if !slices.Contains(formats, f) {
		return "", fmt.Errorf("unknown format %q; want one of %s", name, strings.Join(Formats(), ", "))
	}
	return f, nil
}

// Options say how to read a statement.
type Options struct {
	Format      Format
	Columns     Columns  // CSV: the headers of the fields
	Delimiter   rune     // CSV: 0 takes the one of ',', ';' or tab the header row uses most
	Encoding    Encoding // CSV: the text encoding; 1C files say their own
	Currency    string   // the currency of transfers that name none (ISO code)
	OurAccounts []string // 1C: the provider's bank accounts, besides those the statement names
}

// Statement is a statement file. It is read as a stream, as often as needed: a first
// pass checks the whole file and indexes its documents (Index) before anything is
// written, a second credits its lines (Importer.Run).
type Statement struct {
	Path string
	Options

	checked fs.FileInfo // the file as the first pass found it
}

// FileError is a file (a statement, a mapping, a journal) that cannot be used as it is:
// it is refused as a whole, before anything is written. errors.Is(err, Err) holds for the
// sentinel in Err, when there is one.
type FileError struct {
	Path   string
	Line   int // 0 for the file as a whole
	Reason string
	Err    error // ErrEncoding, ErrJournalOwner, ...; nil for the others
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", e.Path, e.Line, e.Reason)
	}
	return e.Path + ": " + e.Reason
}

func (e *FileError) Unwrap() error { return e.Err }

// lineReader yields the lines of a statement, one at a time; io.EOF after the last.
type lineReader interface {
	next() (*Line, error)
}

// maxLine bounds a line of a 1C file, and a record of a CSV file: a longer one is not a
// statement's (a quote that never closes, a binary file), and is refused before it fills
// the memory.
const maxLine = 1 << 20

// each calls fn for every line of the statement, in order, reading the file as a stream.
func (s *Statement) each(fn func(*Line) error) error {
	if s.checked == nil {
		if err := s.regular(); err != nil {
			return err
		}
	}
	f, err := os.Open(s.Path)
	if err != nil {
		return &FileError{Path: s.Path, Reason: unprefixed(err, s.Path)}
	}
	defer f.Close()
	if err := s.same(f); err != nil {
		return err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	format := s.Format
	if format == FormatAuto || format == "" {
		format = FormatCSV
		head, _ := br.Peek(len(utf8BOM) + len(exchangeHeader))
		if bytes.HasPrefix(bytes.TrimPrefix(head, []byte(utf8BOM)), []byte(exchangeHeader)) {
			format = Format1C
		}
	}
	var r lineReader
	if format == Format1C {
		r, err = newOneCReader(s.Path, br, s.Options)
	} else {
		r, err = newCSVReader(s.Path, br, s.Options)
	}
	if err != nil {
		return err
	}
	for {
		l, err := r.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
}

// regular refuses a statement that is not a regular file (a pipe such as <(...), a device,
// a directory) before opening it: the import reads the statement twice, and a pipe gives
// its text once.
func (s *Statement) regular() error {
	info, err := os.Stat(s.Path)
	if err != nil {
		return &FileError{Path: s.Path, Reason: unprefixed(err, s.Path)}
	}
	if !info.Mode().IsRegular() {
		return &FileError{Path: s.Path, Reason: fmt.Sprintf("is not a regular file (%s): the import reads a statement twice, "+
			"to check it whole before it writes anything, then to credit it; save it to a file first", fileKind(info.Mode()))}
	}
	return nil
}

// fileKind names the kind of a file that is not a regular one.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// same fails when f is not the file an earlier pass read, as it was then: the first pass
// vouches for the file the run reads.
func (s *Statement) same(f *os.File) error {
	info, err := f.Stat()
	if err != nil {
		return &FileError{Path: s.Path, Reason: err.Error()}
	}
	if s.checked == nil {
		s.checked = info
		return nil
	}
	if !os.SameFile(info, s.checked) || info.Size() != s.checked.Size() || !info.ModTime().Equal(s.checked.ModTime()) {
		return &FileError{Path: s.Path, Reason: "changed while the import read it; run it again on the finished file"}
	}
	return nil
}

// unprefixed is the message of a file system error without the path it names.
func unprefixed(err error, path string) string {
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return pe.Err.Error()
	}
	return err.Error()
}

const utf8BOM = "\ufeff"

// parseDate reads 06.05.2024 (as in 1C files and Russian bank exports) or 2024-05-06.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{"02.01.2006", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date such as 06.05.2024 or 2024-05-06", s)
}
