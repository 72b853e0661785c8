package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTheREADMEImportSession runs the accountant's session of the README ("The
// accountant's daily run") against the fake with the seed it names
// (testdata/import-seed.json: Ann's invoice pfx/101), on the statement it names, and
// compares what each command prints with what the README shows.
func TestTheREADMEImportSession(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n### The accountant's daily run\n")
	require.True(t, ok)
	block := regexp.MustCompile("(?s)```console\n(.*?)```").FindStringSubmatch(section)
	require.NotNil(t, block)
	require.Contains(t, section, "billmgr fake --seed cmd/billmgr/testdata/import-seed.json", "the README names the seed loaded here")

	f := newFake(t, importSeed(t))
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(statements, "statement-1c-windows.txt"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kl_to_1c.txt"), data, 0o644))
	data, err = os.ReadFile(clientsMap)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "clients.map"), data, 0o644))
	local := strings.NewReplacer("kl_to_1c.txt", filepath.Join(dir, "kl_to_1c.txt"), "clients.map", filepath.Join(dir, "clients.map"))

	commands := 0
	for _, step := range strings.Split("\n"+block[1], "\n$ ")[1:] {
		command, want, _ := strings.Cut(step, "\n")
		command, _, _ = strings.Cut(command, "  #")
		switch {
		case strings.HasPrefix(command, "export "):
			continue
		case strings.HasPrefix(command, "echo "):
			m := regexp.MustCompile(`^echo '([^']*)' >> (\S+)$`).FindStringSubmatch(strings.TrimSpace(command))
			require.NotNil(t, m, command)
			file, err := os.OpenFile(filepath.Join(dir, m[2]), os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = file.WriteString(m[1] + "\n")
			require.NoError(t, err)
			require.NoError(t, file.Close())
			continue
		}
		args := strings.Fields(local.Replace(command))
		require.Equal(t, "billmgr", args[0], command)
		redirected := false
		if n := len(args); n > 2 && args[n-2] == ">" {
			args, redirected = args[:n-2], true
		}
		r := f.run(t, args[1:]...)
		got := r.stdout + r.stderr
		if redirected {
			got = r.stderr
		}
		assert.Equal(t, strings.TrimRight(want, "\n"), strings.TrimRight(strings.ReplaceAll(got, dir+string(filepath.Separator), ""), "\n"), "$ %s", command)
		commands++
	}
	assert.Equal(t, 3, commands)
}
