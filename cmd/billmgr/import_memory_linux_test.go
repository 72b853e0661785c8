package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportStreamsAStatementInBoundedMemory imports a 100 MB CSV statement of 382,250
// distinct transfers with the built command, and holds its peak memory (the high-water mark
// of its resident set) under 100 MB: the statement is read as a stream, twice, and only a
// hash of each document is kept. Every line names a login no client has, so the run asks
// the server once and leaves each line for a person: the report, the summary and the exit
// code of a long run, without writing to the server.
func TestImportStreamsAStatementInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and writes a 100 MB statement")
	}
	t.Parallel()
	bin := buildCommand(t)
	f := newFake(t, importSeed(t))
	path := filepath.Join(t.TempDir(), "statement.csv")
	file, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriter(file)
	fmt.Fprintln(w, "number,date,amount,client,inn,payer,purpose")
	const size = 100 << 20
	lines := 0
	for written := 0; written < size; lines++ {
		n, _ := fmt.Fprintf(w, "%d,06.05.2024,%d.%02d,nobody@example.com,77%08d,\"ООО \"\"Клиент %d\"\"\","+
			"\"Оплата по договору %d от 01.01.2024 за услуги хостинга и аренду серверов в мае 2024 года, НДС не облагается\"\n",
			100000+lines, 100+lines%9000, lines%100, lines%100000000, lines, lines)
		written += n
	}
	require.NoError(t, w.Flush())
	require.NoError(t, file.Close())

	cmd := exec.Command(bin, "payments", "import", path, "-o", "jsonl")
	cmd.Env = os.Environ()
	for k, v := range f.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	require.NoError(t, cmd.Start())
	peak := make(chan int64)
	go func() { peak <- highWater(cmd.Process.Pid) }()
	err = cmd.Wait()
	maxRSS := <-peak
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, stderr.String())
	require.Equal(t, exitAPI, exit.ExitCode(), stderr.String())
	assert.Contains(t, stderr.String(), fmt.Sprintf("%d lines: created 0, credited 0, already present 0, settled by hand 0, skipped 0, unmatched %d, failed 0", lines, lines))
	assert.Contains(t, stderr.String(), fmt.Sprintf("\n  and %d more (see the report)\n", lines-maxShown))
	t.Logf("%d lines, %d MB: peak memory %d MB, %s", lines, size>>20, maxRSS>>20, time.Since(start).Round(time.Millisecond))
	assert.Less(t, maxRSS, int64(100<<20), "the peak memory of the import")
	assert.Equal(t, 1, f.Hits("account"), "the login looked up once")
}

// highWater follows the peak resident memory of process pid (VmHWM: of its own image, not
// of the test process it was forked from, which the rusage of the child would report) until
// the process ends, and returns the last seen.
func highWater(pid int) int64 {
	var peak int64
	for {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return peak
		}
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				peak = max(peak, kb<<10)
			}
		}
		if !strings.Contains(string(data), "VmHWM:") { // a zombie: it has ended
			return peak
		}
		time.Sleep(10 * time.Millisecond)
	}
}
