package bankimport

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encoding is the text encoding of a CSV statement. (A 1C file names its own.)
type Encoding string

// The encodings a statement may be in.
const (
	UTF8        Encoding = "utf-8"
	Windows1251 Encoding = "windows-1251" // Excel's Russian CSV, 1C's Кодировка=Windows
	CP866       Encoding = "cp866"        // 1C's Кодировка=DOS
)

var charmaps = map[Encoding]*charmap.Charmap{UTF8: nil, Windows1251: charmap.Windows1251, CP866: charmap.CodePage866}

// Encodings are the names of the encodings, sorted.
func Encodings() []string {
	var names []string
	for e := range charmaps {
		names = append(names, string(e))
	}
	slices.Sort(names)
	return names
}

// ParseEncoding returns the encoding named name, ignoring case.
func ParseEncoding(name string) (Encoding, error) {
	e := Encoding(strings.ToLower(strings.TrimSpace(name)))
	if _, ok := charmaps[e]; !ok {
		return "", fmt.Errorf("unknown encoding %q; want one of %s", name, strings.Join(Encodings(), ", "))
	}
	return e, nil
}

// ErrEncoding is wrapped by the *FileError of text that does not decode in the encoding of
// the file: given the wrong encoding, the text would be read otherwise than it was written.
var ErrEncoding = errors.New("the text does not decode")

// reader decodes text in encoding e to UTF-8 as r is read. A byte the code page does not
// define becomes U+FFFD, and invalid UTF-8 stays as it is: check finds both.
func (e Encoding) reader(r io.Reader) io.Reader {
	if cm := charmaps[e]; cm != nil {
		return cm.NewDecoder().Reader(r)
	}
	return r
}

// decode converts text in encoding e to UTF-8, as reader does.
func (e Encoding) decode(b []byte) string {
	cm := charmaps[e]
	if cm == nil {
		return string(b)
	}
	var s strings.Builder
	s.Grow(2 * len(b))
	for _, c := range b {
		s.WriteRune(cm.DecodeByte(c))
	}
	return s.String()
}

// check refuses text that did not decode from encoding e (see reader): invalid UTF-8, or a
// byte the code page does not define. line is where the text is in the file at path.
func (e Encoding) check(path string, line int, text string) error {
	var reason string
	switch cm := charmaps[e]; {
	case cm == nil && !utf8.ValidString(text):
		reason = "is not valid UTF-8"
	case cm != nil && strings.ContainsRune(text, utf8.RuneError):
		reason = fmt.Sprintf("holds a byte that %s does not define", e)
	default:
		return nil
	}
	return &FileError{Path: path, Line: line, Reason: reason, Err: ErrEncoding}
}
