package xmlscan

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
)

// The errors of Next: input that is not well-formed XML is a *xml.SyntaxError, as
// encoding/xml reports it, and input that ends inside a token one whose Msg is
// "unexpected EOF"; with CheckNesting, a misnested document wraps ErrMisnested or
// ErrTooDeep; a buffer that would grow past the Budget fails with the Budget's error; a
// failed read is returned as is.

// ErrMisnested is wrapped by the error of an end tag that does not close the innermost
// open element, or closes one that is not open, when the scanner checks the nesting.
var ErrMisnested = errors.New("malformed XML")

// ErrTooDeep is the error of a start tag nested deeper than a decoder accepts, when the
// scanner checks the nesting.
var ErrTooDeep = fmt.Errorf("elements nested deeper than %d", maxDepth)

// errShort means that the buffered bytes end inside a token.
var errShort = errors.New("xmlscan: internal: token continues past the buffer")

// syntaxError reports msg at offset off of the unread bytes.
func (s *Scanner) syntaxError(off int, msg string) error {
	line := 1 + s.lines + bytes.Count(s.buf[:s.pos+off], []byte{'\n'})
	return &xml.SyntaxError{Msg: msg, Line: line}
}

// charsError is a failure of chars: input that ends inside a reference (short), or
// malformed character data.
type charsError struct {
	short bool
	msg   string
}

func (e *charsError) Error() string { return e.msg }

// charsError turns a failure of chars into the scanner's: errShort, a syntax error, or
// the budget's as it is.
func (s *Scanner) charsError(err error) error {
	var ce *charsError
	switch {
	case errors.As(err, &ce) && ce.short:
		return errShort
	case ce == nil:
		return err // the budget
	}
	return s.syntaxError(0, err.Error())
}
