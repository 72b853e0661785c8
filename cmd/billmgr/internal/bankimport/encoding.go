package bankimport

import (
	"fmt"
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

// decode converts one line (or record) of text in encoding e to UTF-8, or says why it
// does not decode: invalid UTF-8, or a byte the code page does not define.
func (e Encoding) decode(b []byte) (string, string) {
	cm := charmaps[e]
	if cm == nil {
		if !utf8.Valid(b) {
			return "", "is not valid UTF-8"
		}
		return string(b), ""
	}
	s, err := cm.NewDecoder().String(string(b))
	if err != nil || strings.ContainsRune(s, utf8.RuneError) {
		return "", fmt.Sprintf("holds a byte that %s does not define", e)
	}
	return s, ""
}
