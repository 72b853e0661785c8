package bankimport

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/go-billmgr/billmgr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testOwner = Owner{Panel: "https://billing.example.com:1500/billmgr", User: "admin"}

func TestJournalRecordsAndReloads(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "statement.csv.journal")
	j, err := OpenJournal(path, testOwner)
	require.NoError(t, err)
	require.NoError(t, j.record(record{Key: "a", Event: eventStart, Account: 12}))
	require.NoError(t, j.record(record{Key: "a", Event: eventDone, Result: "created", Account: 12, Payment: "345"}))
	require.NoError(t, j.record(record{Key: "b", Event: eventStart, Account: 13}))
	require.NoError(t, j.record(record{Key: "c", Event: eventStart}))
	require.NoError(t, j.record(record{Key: "c", Event: eventFailed, Reason: "connection refused"}))
	require.NoError(t, j.record(record{Key: "d", Event: eventSettled, Line: 130}))
	require.NoError(t, j.Close())

	for _, open := range []func(string, Owner) (*Journal, error){OpenJournal, ReadJournal} {
		j, err := open(path, testOwner)
		require.NoError(t, err)
		e, ok := j.finished("a")
		assert.True(t, ok)
		assert.Equal(t, "345", e.payment)
		assert.False(t, j.interrupted("a"))
		_, ok = j.finished("b")
		assert.False(t, ok)
		assert.True(t, j.interrupted("b"), "started, no outcome")
		_, ok = j.finished("c")
		assert.False(t, ok, "a failed line is tried again")
		assert.False(t, j.interrupted("c"))
		assert.True(t, j.settled("d"))
		assert.False(t, j.settled("a"))
		require.NoError(t, j.Close())
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Regexp(t, `^\{"event":"owner","panel":"https://billing.example.com:1500/billmgr","user":"admin","time":"[^"]+"\}\n`, string(data))
}

// TestJournalDropsARecordCutShort: a crash in the middle of a write leaves a last line
// without its newline; it is dropped, and the next record starts on a line of its own.
func TestJournalDropsARecordCutShort(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	j, err := OpenJournal(path, testOwner)
	require.NoError(t, err)
	require.NoError(t, j.record(record{Key: "a", Event: eventDone, Result: "created", Payment: "1"}))
	require.NoError(t, j.Close())
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"key":"b","event":"do`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	j, err = OpenJournal(path, testOwner)
	require.NoError(t, err)
	_, ok := j.finished("a")
	assert.True(t, ok)
	assert.False(t, j.interrupted("b"))
	require.NoError(t, j.record(record{Key: "b", Event: eventStart}))
	require.NoError(t, j.Close())
	j, err = ReadJournal(path, testOwner)
	require.NoError(t, err)
	assert.True(t, j.interrupted("b"))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), `"do{`, "the cut record is gone")
}

// TestJournalRefusesAnotherOwner: a journal of another panel or user, or of none, is
// refused; what it records as finished was finished elsewhere.
func TestJournalRefusesAnotherOwner(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	j, err := OpenJournal(path, testOwner)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	for _, other := range []Owner{{Panel: "https://other.example.com:1500/billmgr", User: "admin"}, {Panel: testOwner.Panel, User: "ann"}} {
		for _, open := range []func(string, Owner) (*Journal, error){OpenJournal, ReadJournal} {
			_, err := open(path, other)
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			assert.ErrorIs(t, err, ErrJournalOwner)
			assert.Equal(t, "refused: it belongs to admin at https://billing.example.com:1500/billmgr, and this run is "+other.String(), fe.Reason)
		}
	}
	old := filepath.Join(t.TempDir(), "old")
	require.NoError(t, os.WriteFile(old, []byte(`{"key":"2024-05-06 | 1 | 77 | 10.00 RUB","event":"done","time":"2024-05-07T10:00:00Z"}`+"\n"), 0o644))
	_, err = OpenJournal(old, testOwner)
	assert.ErrorIs(t, err, ErrJournalOwner)
	assert.ErrorContains(t, err, "it names no panel and user")

	foreign := filepath.Join(t.TempDir(), "csv")
	require.NoError(t, os.WriteFile(foreign, []byte("number,date,amount\n"), 0o644))
	_, err = OpenJournal(foreign, testOwner)
	assert.ErrorIs(t, err, ErrJournalFile)
	assert.ErrorContains(t, err, "line 1: is not a journal record")
}

// TestNewOwner: the owner is the panel's URL as the client normalized it, and the user,
// in lower case.
func TestNewOwner(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"https://Billing.Example.com:1500/billmgr", "https://billing.example.com:1500/billmgr/", "https://BILLING.example.com:1500"} {
		c, err := billmgr.NewClient(in)
		require.NoError(t, err, in)
		assert.Equal(t, Owner{Panel: "https://billing.example.com:1500/billmgr", User: "admin"}, NewOwner(c.BaseURL(), " Admin "), in)
	}
}

func TestJournalIsLocked(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock: the journal is not locked there")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	j, err := OpenJournal(path, testOwner)
	require.NoError(t, err)
	_, err = OpenJournal(path, testOwner)
	assert.ErrorIs(t, err, ErrJournalLocked)
	assert.ErrorContains(t, err, "another import is running on it")
	require.NoError(t, j.Close())
	j, err = OpenJournal(path, testOwner)
	require.NoError(t, err, "free again once closed")
	require.NoError(t, j.Close())
}

// TestJournalNoticesItIsReplaced: a run whose journal is removed, or replaced by another
// run's, stops at its next record instead of going on unlocked.
func TestJournalNoticesItIsReplaced(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(path string){
		"removed":  func(path string) { require.NoError(t, os.Remove(path)) },
		"replaced": func(path string) { require.NoError(t, os.Rename(path+".new", path)) },
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "j")
			j, err := OpenJournal(path, testOwner)
			require.NoError(t, err)
			defer j.Close()
			require.NoError(t, j.record(record{Key: "a", Event: eventStart}))
			require.NoError(t, os.WriteFile(path+".new", nil, 0o644))
			change(path)
			err = j.record(record{Key: "a", Event: eventDone})
			assert.ErrorIs(t, err, ErrJournalChanged)
			assert.ErrorContains(t, err, "was removed or replaced while this run went on")
		})
	}
}

func TestReadJournalMissingIsEmpty(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "none")
	j, err := ReadJournal(path, testOwner)
	require.NoError(t, err)
	_, ok := j.finished("a")
	assert.False(t, ok)
	assert.NoFileExists(t, path, "reading creates nothing")
}

// TestJournalCutShortAtItsFirstRecord: a crash while a new journal's first record was
// written leaves a journal that is new.
func TestJournalCutShortAtItsFirstRecord(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	require.NoError(t, os.WriteFile(path, []byte(`{"event":"owner","panel":"https://bill`), 0o644))
	j, err := OpenJournal(path, testOwner)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	_, err = ReadJournal(path, testOwner)
	require.NoError(t, err)
}

// TestJournalOwnerAfterBlankLines: the first record that is not blank is the owner's, however
// many blank lines come before it; a journal of blank lines only is new, and gets its owner.
func TestJournalOwnerAfterBlankLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign")
	require.NoError(t, os.WriteFile(foreign, []byte("\n  \n"+`{"event":"owner","panel":"https://other.example.com/billmgr","user":"admin","time":"2024-05-07T10:00:00Z"}`+"\n"+
		`{"key":"2024-05-06 | 1 | 77 | 10.00 RUB","event":"done","time":"2024-05-07T10:00:00Z"}`+"\n"), 0o644))
	old := filepath.Join(dir, "old")
	require.NoError(t, os.WriteFile(old, []byte("\n"+`{"key":"2024-05-06 | 1 | 77 | 10.00 RUB","event":"done","time":"2024-05-07T10:00:00Z"}`+"\n"), 0o644))
	for _, open := range []func(string, Owner) (*Journal, error){OpenJournal, ReadJournal} {
		_, err := open(foreign, testOwner)
		assert.ErrorIs(t, err, ErrJournalOwner)
		assert.ErrorContains(t, err, "it belongs to admin at https://other.example.com/billmgr")
		_, err = open(old, testOwner)
		assert.ErrorIs(t, err, ErrJournalOwner)
		assert.ErrorContains(t, err, "it names no panel and user")
	}

	blank := filepath.Join(dir, "blank")
	require.NoError(t, os.WriteFile(blank, []byte("\n"), 0o644))
	j, err := ReadJournal(blank, testOwner)
	require.NoError(t, err, "blank lines are an empty journal")
	require.NoError(t, j.Close())
	j, err = OpenJournal(blank, testOwner)
	require.NoError(t, err)
	require.NoError(t, j.record(record{Key: "a", Event: eventDone, Result: "created", Payment: "1"}))
	require.NoError(t, j.Close())
	data, err := os.ReadFile(blank)
	require.NoError(t, err)
	assert.Regexp(t, `^\n\{"event":"owner","panel":"https://billing.example.com:1500/billmgr","user":"admin","time":"[^"]+"\}\n\{"event":"done"`, string(data))
	j, err = OpenJournal(blank, testOwner)
	require.NoError(t, err)
	_, ok := j.finished("a")
	assert.True(t, ok)
	require.NoError(t, j.Close())
	_, err = ReadJournal(blank, Owner{Panel: testOwner.Panel, User: "ann"})
	assert.ErrorIs(t, err, ErrJournalOwner, "the owner written is checked")
}
