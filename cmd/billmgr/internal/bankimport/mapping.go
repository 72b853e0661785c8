package bankimport

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"
)

// The mapping files: KEY = VALUE lines. Blank lines are ignored, and a # at the start of a
// line or after white space starts a comment (7701234567 = ann@example.com  # Ann's firm).

// CSV fields: the columns of a statement the import reads, under these names.
const (
	FieldClient       = "client" // a client id or login
	FieldAmount       = "amount"
	FieldCurrency     = "currency"
	FieldDate         = "date"
	FieldNumber       = "number" // the bank document's number
	FieldPayer        = "payer"
	FieldINN          = "inn"           // the payer's tax number
	FieldPayerAccount = "payer_account" // the payer's bank account
	FieldPurpose      = "purpose"
)

// Fields are the CSV fields, and RequiredFields those a statement must have.
var (
	Fields         = []string{FieldClient, FieldAmount, FieldCurrency, FieldDate, FieldNumber, FieldPayer, FieldINN, FieldPayerAccount, FieldPurpose}
	RequiredFields = []string{FieldAmount, FieldDate, FieldNumber}
)

// Columns maps CSV fields to the headers of a statement's columns; a field not mapped is
// found by its own name.
type Columns map[string]string

// Set maps field to header.
func (c Columns) Set(field, header string) error {
	field, header = strings.TrimSpace(field), strings.TrimSpace(header)
	if !slices.Contains(Fields, field) {
		return fmt.Errorf("unknown field %q; the fields are %s", field, strings.Join(Fields, ", "))
	}
	if header == "" {
		return fmt.Errorf("no header for the field %s", field)
	}
	c[field] = header
	return nil
}

// ReadColumns reads a file of FIELD = HEADER lines.
func ReadColumns(path string) (Columns, error) {
	pairs, err := readPairs(path)
	if err != nil {
		return nil, err
	}
	c := Columns{}
	for _, p := range pairs {
		if err := c.Set(p.key, p.value); err != nil {
			return nil, &FileError{Path: path, Line: p.line, Reason: err.Error()}
		}
	}
	return c, nil
}

// Clients maps the payers' tax numbers to clients (an id or a login). A tax number mapped
// to several clients leaves its lines for a person.
type Clients map[string][]string

// ReadClients reads a file of TAX_NUMBER = CLIENT lines.
func ReadClients(path string) (Clients, error) {
	pairs, err := readPairs(path)
	if err != nil {
		return nil, err
	}
	c := Clients{}
	for _, p := range pairs {
		if !slices.Contains(c[p.key], p.value) {
			c[p.key] = append(c[p.key], p.value)
		}
	}
	return c, nil
}

// pair is a KEY = VALUE line of a mapping file.
type pair struct {
	line       int
	key, value string
}

// readPairs reads the KEY = VALUE lines of a mapping file.
func readPairs(path string) ([]pair, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{Path: path, Reason: unprefixed(err, path)}
	}
	var pairs []pair
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte(utf8BOM))))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(withoutComment(sc.Text()))
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if k, v = strings.TrimSpace(k), strings.TrimSpace(v); !ok || k == "" || v == "" {
			return nil, &FileError{Path: path, Line: n, Reason: fmt.Sprintf("want KEY = VALUE, got %q", line)}
		}
		pairs = append(pairs, pair{n, k, v})
	}
	if err := sc.Err(); err != nil {
		return nil, &FileError{Path: path, Reason: err.Error()}
	}
	return pairs, nil
}

// withoutComment is line without its comment: from a # at its start or after white space.
func withoutComment(line string) string {
	for i, r := range line {
		if r != '#' {
			continue
		}
		if before := strings.TrimRightFunc(line[:i], unicode.IsSpace); before == "" || len(before) < i {
			return line[:i]
		}
	}
	return line
}
