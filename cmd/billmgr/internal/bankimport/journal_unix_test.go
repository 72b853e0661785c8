//go:build unix

package bankimport

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJournalIsARegularFile: a symbolic link is not followed (its target is left as it
// is), a FIFO is refused at once, without waiting for a writer.
func TestJournalIsARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "statement.csv")
	require.NoError(t, os.WriteFile(target, []byte("number,date,amount\n1,06.05.2024,10.00\n"), 0o644))
	link := filepath.Join(dir, "statement.csv.journal")
	require.NoError(t, os.Symlink(target, link))
	fifo := filepath.Join(dir, "fifo.journal")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))

	for _, open := range []func(string, Owner) (*Journal, error){OpenJournal, ReadJournal} {
		_, err := open(link, testOwner)
		assert.ErrorIs(t, err, ErrJournalFile)
		assert.ErrorContains(t, err, "is a symbolic link")

		done := make(chan error, 1)
		go func() {
			_, err := open(fifo, testOwner)
			done <- err
		}()
		select {
		case err := <-done:
			assert.ErrorIs(t, err, ErrJournalFile)
			assert.ErrorContains(t, err, "is not a regular file")
		case <-time.After(5 * time.Second):
			t.Fatal("opening a FIFO as the journal hangs")
		}
	}
	data, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "number,date,amount\n1,06.05.2024,10.00\n", string(data), "the link's target is untouched")
}
