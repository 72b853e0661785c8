package bankimport

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

var defaultOptions = Options{Format: FormatAuto, Encoding: UTF8, Currency: "RUB"}

// writeFile writes data to a file of a temporary directory and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

// readAll reads every line of the statement at path.
func readAll(path string, o Options) ([]*Line, error) {
	st := &Statement{Path: path, Options: o}
	var lines []*Line
	err := st.each(func(l *Line) error {
		lines = append(lines, l)
		return nil
	})
	return lines, err
}

func readFixture(t *testing.T, name string) []*Line {
	t.Helper()
	lines, err := readAll(filepath.Join("testdata", name), defaultOptions)
	require.NoError(t, err)
	return lines
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }
