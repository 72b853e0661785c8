package xmlscan

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"unicode/utf8"
)

// recentName is a name read lately, and the name of the start tag that followed it at
// the same depth the last time.
type recentName struct {
	name, next string
	nextSlot   NameSlot
}

// RecentNames is the number of names a scanner finds by a hash of their bytes.
const RecentNames = 1 << 10

// NameSlot is the place of a name among the names a scanner read lately (see StartSlot).
type NameSlot uint16

// scanName returns the end of the name that starts at w[i]: the run of ASCII name bytes
// and of bytes beyond ASCII, whose validity the caller checks.
func scanName(w []byte, i int) int {
	for i < len(w) && nameByte[w[i]] {
		i++
	}
	return i
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// nameByte marks the bytes a name runs over: the ASCII name bytes and every byte beyond
// ASCII (encoding/xml checks those characters once the name is read).
var nameByte = func() (t [256]bool) {
	for c := range t {
		t[c] = isNameByte(byte(c)) || c >= utf8.RuneSelf
	}
	return t
}()

// intern finds the element or attribute name b in recent and returns its slot there, or
// false when b is not a name: empty, not an XML name, or with more than one colon. The
// names last read are found by a hash of their bytes before the map is asked.
func (s *Scanner) intern(b []byte) (NameSlot, bool) {
	slot := nameHash(b)
	if e := &s.recent[slot]; e.name == string(b) && len(b) > 0 {
		return slot, true
	}
	name, ok := s.names[string(b)]
	if !ok {
		if !s.validName(b) || bytes.Count(b, []byte{':'}) > 1 {
			return 0, false
		}
		name = string(b)
		if len(s.names) < maxInterned {
			s.names[name] = name
		}
	}
	s.recent[slot] = recentName{name: name}
	return slot, true
}

// nameHash is the slot in Scanner.recent of the name b: its length, first and last
// bytes, mixed by a multiplication.
func nameHash(b []byte) NameSlot {
	h := uint32(len(b))
	switch {
	case len(b) >= 4:
		h ^= binary.LittleEndian.Uint32(b) ^ binary.LittleEndian.Uint32(b[len(b)-4:])<<7
	case len(b) > 0:
		h ^= uint32(b[0])<<8 | uint32(b[len(b)-1])<<16
	}
	return NameSlot((h * 0x9E3779B1) >> (32 - 10))
}

// validName reports whether b, a run of scanName, is an XML name. Names beyond ASCII
// (BILLmanager sends none) are left to encoding/xml's own tables.
func (s *Scanner) validName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if c := b[0]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':' || c >= utf8.RuneSelf) {
		return false
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return s.validUnicodeName(b)
		}
	}
	return true
}

func (s *Scanner) validUnicodeName(b []byte) bool {
	if _, ok := s.names[string(b)]; ok {
		return true
	}
	doc := make([]byte, 0, len(b)+4)
	doc = append(append(append(doc, "<?"...), b...), "?>"...)
	_, err := xml.NewDecoder(bytes.NewReader(doc)).RawToken()
	return err == nil
}
