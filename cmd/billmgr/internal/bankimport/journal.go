package bankimport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
)

// The journal is the import's record of what it did to each line of a statement: the
// intent before a line's writes, the outcome after them, one JSON object per line of the
// file, appended and synced to disk before the import goes on. A rerun skips the lines the
// journal records as finished, or settled by a person, without asking the server; every
// other line is looked up on the server before anything is written (see
// Payments.CreditReceipt). The journal saves work and remembers what a person settled; the
// server, which carries each document, is what keeps a line from being credited twice,
// whatever any journal says.
//
// Its first record names the panel and the user it belongs to: a journal of another panel
// or user is refused, since what it records as finished was finished elsewhere. It is a
// regular file of its own: a symbolic link, a FIFO or a device is refused, without
// following or opening it for reading. It is locked (flock, where the system has it)
// while a run writes it, and a run stops when the path no longer names the file it locked
// (removed, or replaced by another run).

// Sentinels of the journal's *FileError.
var (
	// ErrJournalOwner: the journal belongs to another panel or user, or names none.
	ErrJournalOwner = errors.New("the journal belongs to another panel or user")
	// ErrJournalLocked: another import is running on the journal.
	ErrJournalLocked = errors.New("the journal is locked by another import")
	// ErrJournalChanged: the journal was removed or replaced while the run went on.
	ErrJournalChanged = errors.New("the journal was removed or replaced")
	// ErrJournalFile: the path names no regular file (a symbolic link, a FIFO, a device),
	// or the file holds something else than journal records.
	ErrJournalFile = errors.New("not a journal file")
)

// Journal events.
const (
	eventOwner     = "owner"     // the first record: the panel and user
	eventStart     = "start"     // the line's writes are about to be sent
	eventDone      = "done"      // the line is credited, or was credited before
	eventUnmatched = "unmatched" // left for a person; looked at again next run
	eventFailed    = "failed"    // the writes failed; tried again next run
	eventSettled   = "settled"   // a person settled the line by hand: skipped from now on
)

// record is one line of the journal file.
type record struct {
	Event   string    `json:"event"`
	Key     string    `json:"key,omitempty"`
	Line    int       `json:"line,omitempty"`
	Result  string    `json:"result,omitempty"` // for done: created, credited or already_present
	Account int64     `json:"account,omitempty"`
	Invoice string    `json:"invoice,omitempty"` // the invoices' numbers
	Payment string    `json:"payment,omitempty"` // the ids of the payments credited
	Reason  string    `json:"reason,omitempty"`
	Panel   string    `json:"panel,omitempty"` // owner
	User    string    `json:"user,omitempty"`  // owner
	Time    time.Time `json:"time"`
}

// Owner is the panel and the user a journal belongs to.
type Owner struct {
	Panel string // the panel's URL, as the client normalized it, in lower case
	User  string // the user the import acts as, in lower case
}

// NewOwner is the owner of the journals of runs against the panel at baseURL, as user.
// baseURL is the client's (billmgr.Client.BaseURL): normalized, and without credentials,
// which NewClient refuses. Both are compared in lower case, as host names and BILLmanager's
// logins are.
func NewOwner(baseURL, user string) Owner {
	return Owner{Panel: strings.ToLower(baseURL), User: strings.ToLower(strings.TrimSpace(user))}
}

func (o Owner) String() string { return o.User + " at " + o.Panel }

// Journal is an open journal and what it recorded.
type Journal struct {
	path  string
	f     *os.File    // nil for a journal only read (a dry run) or absent
	info  fs.FileInfo // of the file opened, to notice it removed or replaced
	owner Owner
	last  map[keyHash]entry // the last record of each line, by the hash of its key
}

// entry is what the journal recorded last about a line.
type entry struct {
	event, result, invoice, payment string
	account                         int64
}

// OpenJournal opens the journal at path for a run that writes, creating it when absent,
// and locks it against another import. A record cut short by a crash at the end of the
// file is dropped. The journal must belong to owner, or be new.
func OpenJournal(path string, owner Owner) (*Journal, error) {
	f, err := openJournalFile(path, true)
	if err != nil {
		return nil, journalOpenError(path, err)
	}
	j := &Journal{path: path, f: f, owner: owner}
	if err := j.open(); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

func (j *Journal) open() error {
	if err := j.regular(j.f); err != nil {
		return err
	}
	if err := lockFile(j.f); err != nil {
		return &FileError{Path: j.path, Reason: fmt.Sprintf("another import is running on it (%v); wait for it to end", err), Err: ErrJournalLocked}
	}
	if err := j.check(); err != nil { // the file locked is still the one the path names
		return err
	}
	size, owned, err := j.load(j.f)
	if err != nil {
		return err
	}
	if err := j.f.Truncate(size); err != nil {
		return &FileError{Path: j.path, Reason: err.Error()}
	}
	if _, err := j.f.Seek(size, io.SeekStart); err != nil {
		return &FileError{Path: j.path, Reason: err.Error()}
	}
	if !owned { // a new journal, or one of blank lines
		return j.write(record{Event: eventOwner, Panel: j.owner.Panel, User: j.owner.User})
	}
	return nil
}

// ReadJournal reads the journal at path without changing or locking it, for a dry run; a
// missing file is an empty journal.
func ReadJournal(path string, owner Owner) (*Journal, error) {
	j := &Journal{path: path, owner: owner, last: map[keyHash]entry{}}
	f, err := openJournalFile(path, false)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return nil, journalOpenError(path, err)
	}
	defer f.Close()
	if err := j.regular(f); err != nil {
		return nil, err
	}
	if _, _, err := j.load(f); err != nil {
		return nil, err
	}
	return j, nil
}

func journalOpenError(path string, err error) error {
	if isSymlinkError(err) {
		return &FileError{Path: path, Reason: "is a symbolic link: a journal is a regular file of its own, never followed", Err: ErrJournalFile}
	}
	return &FileError{Path: path, Reason: unprefixed(err, path)}
}

// regular refuses a file that is not a regular file (a FIFO, a device, a directory), and
// remembers the one it is.
func (j *Journal) regular(f *os.File) error {
	info, err := f.Stat()
	if err != nil {
		return &FileError{Path: j.path, Reason: err.Error()}
	}
	if !info.Mode().IsRegular() {
		return &FileError{Path: j.path, Reason: fmt.Sprintf("is not a regular file (%s): a journal is a regular file of its own", fileKind(info.Mode())), Err: ErrJournalFile}
	}
	j.info = info
	return nil
}

// check fails when the path no longer names the file the journal opened: removed, or
// replaced (by another import that then writes its own journal there).
func (j *Journal) check() error {
	now, err := os.Lstat(j.path)
	if err == nil && os.SameFile(now, j.info) {
		return nil
	}
	return &FileError{Path: j.path, Reason: "was removed or replaced while this run went on (another import may be running " +
		"on the new file); this run stops and writes nothing more", Err: ErrJournalChanged}
}

// load reads every complete record and returns the size of the file up to the end of the
// last one, and whether it holds the owner record. A last line without its newline is a
// record cut short and is not counted. Blank lines are passed over: the first record that
// is not blank must be the owner's.
func (j *Journal) load(r io.Reader) (size int64, owned bool, err error) {
	j.last = map[keyHash]entry{}
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return size, owned, nil // a partial last line, if any, is dropped: the owner record of a new file, too
		}
		if err != nil {
			return 0, false, &FileError{Path: j.path, Reason: err.Error()}
		}
		size += int64(len(line))
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var rec record
		if err := json.Unmarshal(line, &rec); err != nil || rec.Event == "" || (rec.Key == "" && rec.Event != eventOwner) {
			return 0, false, &FileError{Path: j.path, Line: n, Reason: "is not a journal record; fix or remove the file (without it, " +
				"every line is looked up on the server again, and lines settled by hand must be named again)", Err: ErrJournalFile}
		}
		if !owned {
			if err := j.own(rec); err != nil {
				return 0, false, err
			}
			owned = true
			continue
		}
		j.remember(rec)
	}
}

// own checks the owner record.
func (j *Journal) own(rec record) error {
	if rec.Event != eventOwner {
		return j.notOwned("it names no panel and user (an older billmgr wrote it)")
	}
	if got := (Owner{Panel: rec.Panel, User: rec.User}); got != j.owner {
		return j.notOwned(fmt.Sprintf("it belongs to %s, and this run is %s", got, j.owner))
	}
	return nil
}

func (j *Journal) notOwned(why string) error {
	return &FileError{Path: j.path, Reason: "refused: " + why, Err: ErrJournalOwner}
}

func (j *Journal) remember(rec record) {
	j.last[hashKey(rec.Key)] = entry{event: rec.Event, result: rec.Result, invoice: rec.Invoice, payment: rec.Payment, account: rec.Account}
}

// finished returns the record of a line the journal records as done.
func (j *Journal) finished(key string) (entry, bool) {
	e, ok := j.last[hashKey(key)]
	return e, ok && e.event == eventDone
}

// interrupted reports whether an earlier run started the line's writes and recorded no
// outcome.
func (j *Journal) interrupted(key string) bool { return j.last[hashKey(key)].event == eventStart }

// settled reports whether a person settled the line by hand.
func (j *Journal) settled(key string) bool { return j.last[hashKey(key)].event == eventSettled }

// record appends rec, synced to disk, after checking that the path still names the
// journal's file.
func (j *Journal) record(rec record) error {
	if err := j.check(); err != nil {
		return err
	}
	return j.write(rec)
}

func (j *Journal) write(rec record) error {
	rec.Time = time.Now().UTC()
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return &FileError{Path: j.path, Reason: err.Error()}
	}
	if err := j.f.Sync(); err != nil {
		return &FileError{Path: j.path, Reason: err.Error()}
	}
	if rec.Key != "" {
		j.remember(rec)
	}
	return nil
}

// Close releases the journal.
func (j *Journal) Close() error {
	if j.f == nil {
		return nil
	}
	return j.f.Close()
}
