package bankimport

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
)

// Index is what the first pass over a statement learns, before anything is written: the
// whole file reads (a file that does not is refused as a whole), how many transfers it
// has, which lines give one document twice, and the keys of the lines a person settled.
// It holds a hash per document, never the lines: a statement of any length is read in
// bounded memory.
type Index struct {
	lines   int
	docs    map[keyHash]docEntry // by the hash of the document key
	settled map[int]string       // the line numbers a person settled → their keys
}

// docEntry is where a document appears first, with its amount, and the first line that
// gives it with another amount (0 when none).
type docEntry struct {
	first, other int
	amount       uint64 // a hash of the amount and currency
}

// UnknownLinesError names lines a person said were settled, on which no transfer of the
// statement starts.
type UnknownLinesError struct {
	Path  string
	Lines []int
}

func (e *UnknownLinesError) Error() string {
	s := make([]string, len(e.Lines))
	for i, n := range e.Lines {
		s[i] = fmt.Sprint(n)
	}
	return fmt.Sprintf("%s: no incoming transfer starts on line %s", e.Path, strings.Join(s, ", "))
}

// NewIndex reads the statement through once. settled are the lines a person settled by
// hand (their numbers in the file), each of which must start an incoming transfer.
func NewIndex(st *Statement, settled []int) (*Index, error) {
	idx := &Index{docs: map[keyHash]docEntry{}, settled: map[int]string{}}
	err := st.each(func(l *Line) error {
		idx.lines++
		if slices.Contains(settled, l.Line) && l.Skip == "" {
			idx.settled[l.Line] = l.Key()
		}
		if l.Skip != "" || l.Malformed != "" {
			return nil
		}
		h, amount := hashKey(l.documentKey()), hashAmount(l)
		e, ok := idx.docs[h]
		switch {
		case !ok:
			idx.docs[h] = docEntry{first: l.Line, amount: amount}
		case e.amount != amount && e.other == 0:
			e.other = l.Line
			idx.docs[h] = e
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var unknown []int
	for _, n := range settled {
		if _, ok := idx.settled[n]; !ok && !slices.Contains(unknown, n) {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, &UnknownLinesError{Path: st.Path, Lines: unknown}
	}
	return idx, nil
}

// Lines is the number of lines (transfers) of the statement.
func (idx *Index) Lines() int { return idx.lines }

// duplicate says whether l gives a document an earlier line gave: same, the first line
// with the same amount (0 when l is the first); other, a line that gives it with another
// amount (0 when none).
func (idx *Index) duplicate(l *Line) (same, other int) {
	e, ok := idx.docs[hashKey(l.documentKey())]
	if !ok {
		return 0, 0
	}
	if e.other != 0 {
		other = e.other
		if other == l.Line {
			other = e.first
		}
		return 0, other
	}
	if e.first != l.Line {
		return e.first, 0
	}
	return 0, 0
}

func hashAmount(l *Line) uint64 {
	h := fnv.New64a()
	h.Write([]byte(l.amountKey()))
	return h.Sum64()
}
