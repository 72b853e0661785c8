//go:build unix

package bankimport

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatementFromAPipe: a statement given as a pipe (<(...), a FIFO) is refused at once,
// without waiting for a writer, and the refusal says to save it to a file.
func TestStatementFromAPipe(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "statement.csv")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	done := make(chan error, 1)
	go func() {
		_, err := NewIndex(&Statement{Path: fifo, Options: defaultOptions}, nil)
		done <- err
	}()
	select {
	case err := <-done:
		var fe *FileError
		require.ErrorAs(t, err, &fe)
		assert.Contains(t, fe.Reason, "is not a regular file (a pipe): ")
		assert.Contains(t, fe.Reason, "save it to a file first")
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO as the statement hangs")
	}
}
