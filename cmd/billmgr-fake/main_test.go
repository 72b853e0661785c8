package main

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start runs the command until the test ends and returns what it printed.
func start(t *testing.T, args ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, w)
		w.CloseWithError(err)
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		go func() { _, _ = io.Copy(io.Discard, out) }() // unblocks a run still printing
		assert.NoError(t, <-done)
	})
	printed := map[string]string{}
	lines := bufio.NewScanner(out)
	for len(printed) < 3 && lines.Scan() {
		k, v, _ := strings.Cut(lines.Text(), ": ")
		printed[k] = v
	}
	require.Len(t, printed, 3, "printed %v, err %v", printed, lines.Err())
	return printed
}

// accounts lists the clients' e-mails through the running command.
func accounts(t *testing.T, printed map[string]string) []string {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.PostForm(printed["url"], url.Values{"func": {"account"}, "out": {"xml"},
		"authinfo": {printed["admin user"] + ":" + printed["admin password"]}})
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc struct {
		Emails []string  `xml:"elem>email"`
		Error  *struct{} `xml:"error"`
	}
	require.NoError(t, xml.NewDecoder(resp.Body).Decode(&doc))
	require.Nil(t, doc.Error)
	return doc.Emails
}

func TestRunDemo(t *testing.T) {
	printed := start(t, "-addr", "127.0.0.1:0", "-demo")
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/billmgr$`, printed["url"])
	assert.Equal(t, "admin", printed["admin user"])
	assert.NotEmpty(t, printed["admin password"])
	assert.Equal(t, []string{"ann@example.com", "ivan@example.ru", "corp@example.com"}, accounts(t, printed))
}

func TestRunSeedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"accounts": [{"email": "x@example.com", "balance": "5"}]}`), 0o600))
	printed := start(t, "-addr", "127.0.0.1:0", "-seed", path)
	assert.Equal(t, []string{"x@example.com"}, accounts(t, printed))
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
		return path
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-seed", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"-seed", write("typo.json", `{"acounts": []}`)}, `unknown field "acounts"`},
		{[]string{"-seed", write("bad.json", `{"accounts": [{"email": "nope"}]}`)}, "invalid e-mail"},
		{[]string{"-addr", "256.0.0.1:0"}, "256.0.0.1"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-nosuchflag"}, "not defined"},
	} {
		err := run(context.Background(), c.args, io.Discard)
		require.Error(t, err, "%v", c.args)
		assert.Contains(t, err.Error(), c.want)
	}
}
