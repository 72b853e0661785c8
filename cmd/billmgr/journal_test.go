package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJournalRecordsAndReloads(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "statement.csv.journal")
	j, err := openJournal(path)
	require.NoError(t, err)
	require.NoError(t, j.record(journalEntry{Key: "a", Event: eventStart, Account: 12}))
	require.NoError(t, j.record(journalEntry{Key: "a", Event: eventDone, Result: "created", Account: 12, Payment: 345}))
	require.NoError(t, j.record(journalEntry{Key: "b", Event: eventStart, Account: 13}))
	require.NoError(t, j.record(journalEntry{Key: "c", Event: eventStart}))
	require.NoError(t, j.record(journalEntry{Key: "c", Event: eventFailed, Reason: "connection refused"}))
	require.NoError(t, j.Close())

	for _, open := range []func(string) (*journal, error){openJournal, readJournal} {
		j, err := open(path)
		require.NoError(t, err)
		e, ok := j.finished("a")
		assert.True(t, ok)
		assert.Equal(t, int64(345), e.Payment)
		assert.False(t, j.interrupted("a"))
		_, ok = j.finished("b")
		assert.False(t, ok)
		assert.True(t, j.interrupted("b"), "started, no outcome")
		_, ok = j.finished("c")
		assert.False(t, ok, "a failed line is tried again")
		assert.False(t, j.interrupted("c"))
		_, ok = j.finished("unknown")
		assert.False(t, ok)
		require.NoError(t, j.Close())
	}
}

// TestJournalDropsARecordCutShort: a crash in the middle of a write leaves a last line
// without its newline; it is dropped, and the next record starts on a line of its own.
func TestJournalDropsARecordCutShort(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	whole := `{"key":"a","event":"done","result":"created","payment":1,"time":"2024-05-07T10:00:00Z"}` + "\n"
	require.NoError(t, os.WriteFile(path, []byte(whole+`{"key":"b","event":"do`), 0o644))
	j, err := openJournal(path)
	require.NoError(t, err)
	_, ok := j.finished("a")
	assert.True(t, ok)
	assert.False(t, j.interrupted("b"))
	require.NoError(t, j.record(journalEntry{Key: "b", Event: eventStart}))
	require.NoError(t, j.Close())

	j, err = readJournal(path)
	require.NoError(t, err)
	assert.True(t, j.interrupted("b"))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), `"do{`, "the cut record is gone")
}

func TestJournalRefusesAForeignFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	require.NoError(t, os.WriteFile(path, []byte("number,date,amount\n"), 0o644))
	_, err := openJournal(path)
	var usage *usageError
	require.ErrorAs(t, err, &usage)
	assert.Contains(t, err.Error(), "line 1 is not a journal record")
}

func TestJournalIsLocked(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock: the journal is not locked there")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	j, err := openJournal(path)
	require.NoError(t, err)
	_, err = openJournal(path)
	assert.ErrorContains(t, err, "another import is running on it")
	require.NoError(t, j.Close())
	j, err = openJournal(path)
	require.NoError(t, err, "free again once closed")
	require.NoError(t, j.Close())
}

func TestReadJournalMissingIsEmpty(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "none")
	j, err := readJournal(path)
	require.NoError(t, err)
	_, ok := j.finished("a")
	assert.False(t, ok)
	assert.NoFileExists(t, path, "reading creates nothing")
}
