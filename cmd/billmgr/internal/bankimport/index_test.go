package bankimport

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIndex: the first pass reads the whole file, counts its lines, and finds the
// documents given twice: with the same amount (one transfer), or with another (a conflict
// for a person, on every line of the document).
func TestIndex(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "s.csv", []byte("number,date,amount,inn\n"+
		"1,06.05.2024,100.00,77\n"+ // line 2
		"1,06.05.2024,100.00,78\n"+ // another payer: another document
		"1,06.05.2024,100.00,77\n"+ // the same transfer as line 2
		"2,06.05.2024,100.00,77\n"+ // line 5
		"2,06.05.2024,100000.00,77\n"+
		"2,06.05.2024,100.00,77\n"+
		"3,06.05.2024,-5.00,77\n")) // line 8, skipped
	st := &Statement{Path: path, Options: defaultOptions}
	idx, err := NewIndex(st, []int{6, 3})
	require.NoError(t, err)
	assert.Equal(t, 7, idx.Lines())
	lines, err := readAll(path, defaultOptions)
	require.NoError(t, err)
	type dup struct{ same, other int }
	var got []dup
	for _, l := range lines[:6] {
		same, other := idx.duplicate(l)
		got = append(got, dup{same, other})
	}
	assert.Equal(t, []dup{{0, 0}, {0, 0}, {2, 0}, {0, 6}, {0, 5}, {0, 6}}, got)
	assert.Equal(t, map[int]string{3: lines[1].Key(), 6: lines[4].Key()}, idx.settled)

	_, err = NewIndex(st, []int{4, 8, 99})
	var unknown *UnknownLinesError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, []int{8, 99}, unknown.Lines, "a skipped line and no line at all")
}
