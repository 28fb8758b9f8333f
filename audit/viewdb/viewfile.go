package viewdb

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
)

// applicationID is PRAGMA application_id of porting.db ("PTVW"): it tells a
// porttracker view from any other SQLite database.
const applicationID = 0x50545657

// ErrNotView is wrapped by OpenView's error for a file that is not a
// porttracker view: porttracker never writes to such a file.
var ErrNotView = errors.New("not a porttracker view")

// NotViewError is a file that OpenView refuses to open as a view, and
// leaves as it is: it is ErrNotView to errors.Is. Why states what the file
// is; Symlink says that it is a symbolic link (to the view, perhaps).
type NotViewError struct {
	Path    string
	Why     string
	Symlink bool
}

func (e *NotViewError) Error() string { return fmt.Sprintf("%v: %s %s", ErrNotView, e.Path, e.Why) }
func (e *NotViewError) Unwrap() error { return ErrNotView }

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// checkViewFile decides, without writing to it, whether the file at path
// may be opened as a view: it is missing or empty (a new view), or it is
// a SQLite database that porttracker made. Anything else (a text file,
// another program's database, a directory, a symbolic link) is refused.
func checkViewFile(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("view %s: %w", path, err)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return &NotViewError{Path: path, Why: "is a symbolic link", Symlink: true}
	}
	if !fi.Mode().IsRegular() {
		return &NotViewError{Path: path, Why: "is not a regular file"}
	}
	if fi.Size() == 0 {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("view %s: %w", path, err)
	}
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, []byte(sqliteHeader)) {
		return &NotViewError{Path: path, Why: "is not a SQLite database, so it is left as it is"}
	}
	ours, err := isOurDatabase(path)
	if err != nil {
		return fmt.Errorf("%w: %s cannot be read as a porttracker view (%v); if it is one, remove it and porttracker rebuilds it from the ledger", ErrNotView, path, err)
	}
	if !ours {
		return &NotViewError{Path: path, Why: "is another SQLite database, so it is left as it is"}
	}
	return nil
}

// isOurDatabase opens the database read-only and looks for porttracker's
// application ID, or for the meta table of views made before it was set.
func isOurDatabase(path string) (bool, error) {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return false, err
	}
	defer db.Close()
	var id int64
	if err := db.QueryRow(`PRAGMA application_id`).Scan(&id); err != nil {
		return false, err
	}
	if id == applicationID {
		return true, nil
	}
	if id != 0 {
		return false, nil
	}
	var n int
	err = db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'ledger_commits', 'features', 'tests')`).Scan(&n)
	if err != nil || n != 4 {
		return false, err
	}
	var branch string
	err = db.QueryRow(`SELECT value FROM meta WHERE key = 'branch'`).Scan(&branch)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
