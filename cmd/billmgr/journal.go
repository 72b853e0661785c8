package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// The journal is the import's local record of what it did to each statement line: the
// intent before a line's writes, the outcome after them, one JSON object per line of the
// file, appended and synced to disk before the import goes on. A rerun skips the lines the
// journal records as finished without asking the server; every other line is looked up on
// the server before anything is written (see Payments.CreditReceipt), the lines an earlier
// run left between intent and outcome among them. The journal saves work; the server,
// which carries each line's key, is what keeps a line from being credited twice.

// Journal events.
const (
	eventStart     = "start"     // the line's writes are about to be sent
	eventDone      = "done"      // the line is credited, or was credited before
	eventUnmatched = "unmatched" // left for a person; looked at again next run
	eventFailed    = "failed"    // the writes failed; tried again next run
)

// journalEntry is one record of the journal.
type journalEntry struct {
	Key     string    `json:"key"`
	Event   string    `json:"event"`
	Result  string    `json:"result,omitempty"` // for done: created, credited or already_present
	Account int64     `json:"account,omitempty"`
	Invoice string    `json:"invoice,omitempty"` // the invoice's number
	Payment int64     `json:"payment,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	Time    time.Time `json:"time"`
}

// journal is an open journal file and what it recorded.
type journal struct {
	path string
	f    *os.File // nil for a journal only read (--dry-run)
	last map[string]journalEntry
}

// openJournal opens the journal at path for appending, creating it when absent, and
// locks it against another import running on it. A record cut short by a crash at the
// end of the file is dropped.
func openJournal(path string) (*journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, usageErr("journal: %v", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, usageErr("journal %s: another import is running on it (%v); wait for it to end", path, err)
	}
	j := &journal{path: path, f: f}
	size, err := j.load(f)
	if err == nil {
		err = f.Truncate(size)
	}
	if err == nil {
		_, err = f.Seek(size, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// readJournal reads the journal at path without changing it; a missing file is an empty
// journal.
func readJournal(path string) (*journal, error) {
	j := &journal{path: path}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		j.last = map[string]journalEntry{}
		return j, nil
	}
	if err != nil {
		return nil, usageErr("journal: %v", err)
	}
	defer f.Close()
	_, err = j.load(f)
	return j, err
}

// load reads every complete record and returns the size of the file up to the end of the
// last one. A last line without its newline is a record cut short and is not counted.
func (j *journal) load(r io.Reader) (int64, error) {
	j.last = map[string]journalEntry{}
	br := bufio.NewReader(r)
	var size int64
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return size, nil // a partial last line, if any, is dropped
		}
		if err != nil {
			return 0, fmt.Errorf("journal %s: %w", j.path, err)
		}
		size += int64(len(line))
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var e journalEntry
		if err := json.Unmarshal(line, &e); err != nil || e.Key == "" || e.Event == "" {
			return 0, usageErr("journal %s: line %d is not a journal record; fix or remove the file "+
				"(without it, every line is looked up on the server again)", j.path, n)
		}
		j.last[e.Key] = e
	}
}

// finished returns the record of a line the journal records as done.
func (j *journal) finished(key string) (journalEntry, bool) {
	e, ok := j.last[key]
	return e, ok && e.Event == eventDone
}

// interrupted reports whether an earlier run started the line's writes and recorded no
// outcome.
func (j *journal) interrupted(key string) bool {
	return j.last[key].Event == eventStart
}

// record appends e and syncs it to disk before returning.
func (j *journal) record(e journalEntry) error {
	e.Time = time.Now().UTC()
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.last[e.Key] = e
	return nil
}

// Close releases the journal.
func (j *journal) Close() error {
	if j.f == nil {
		return nil
	}
	return j.f.Close()
}
