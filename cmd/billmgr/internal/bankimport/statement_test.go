package bankimport

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLineKey: the key names the document (date, number, payer) and its amount; the payer
// is the tax number, else the bank account, else the client column, else the name.
func TestLineKey(t *testing.T) {
	t.Parallel()
	lines := readFixture(t, "statement-1c-windows.txt")
	assert.Equal(t, "2024-05-06 | 318 | 7701234567 | 1500.00 RUB", lines[0].Key())
	keys := map[string]bool{}
	for _, l := range lines {
		keys[l.Key()] = true
	}
	assert.Len(t, keys, len(lines))
	dos := readFixture(t, "statement-1c-dos.txt")
	assert.Equal(t, lines[1].Key(), dos[1].Key(), "the same document in another encoding")
	assert.Equal(t, "2024-05-06 | 319 | 7701234567 | 15OO.00 RUB", dos[3].Key(), "a line that does not read, by its text")

	for _, tt := range []struct {
		line Line
		want string
	}{
		{Line{INN: "77", PayerAccount: "4070", Client: "ann", Payer: "ООО"}, "77"},
		{Line{PayerAccount: "4070", Client: "ann", Payer: "ООО"}, "4070"},
		{Line{Client: "ann", Payer: "ООО"}, "ann"},
		{Line{Payer: " ООО "}, "ООО"},
	} {
		assert.Equal(t, tt.want, tt.line.PayerID())
		assert.Equal(t, tt.want, tt.line.Document().Payer)
	}
}

// TestStatementChangedBetweenPasses: the run reads the file the first pass vouched for, or
// nothing.
func TestStatementChangedBetweenPasses(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "s.csv", []byte("number,date,amount,client\n1,06.05.2024,100.00,ann@example.com\n"))
	st := &Statement{Path: path, Options: defaultOptions}
	_, err := NewIndex(st, nil)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte("number,date,amount,client\n1,06.05.2024,100000.00,ann@example.com\n"), 0o644))
	err = st.each(func(*Line) error { return nil })
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "changed while the import read it; run it again on the finished file", fe.Reason)
}

// TestStatementIsARegularFile: a statement that is not a regular file is refused by the
// first pass, which says to save it to a file: the import reads it twice.
func TestStatementIsARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := NewIndex(&Statement{Path: dir, Options: defaultOptions}, nil)
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "is not a regular file (a directory): the import reads a statement twice, to check it whole before it "+
		"writes anything, then to credit it; save it to a file first", fe.Reason)
}

func TestParseFormat(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"auto", "csv", "1c"}, Formats())
	for in, want := range map[string]Format{"auto": FormatAuto, "CSV": FormatCSV, " 1C ": Format1C} {
		got, err := ParseFormat(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	_, err := ParseFormat("xlsx")
	assert.EqualError(t, err, `unknown format "xlsx"; want one of auto, csv, 1c`)
}
