package viewdb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// emptyRepo is a new git repository without a ledger branch, and its store.
func emptyRepo(t *testing.T) (string, *gitstore.Store) {
	t.Helper()
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	return dir, store
}

// TestEntryLookupsUseIndexes: the look-ups of entries made on refreshes
// search an index instead of scanning the entries table, whose size grows
// with the ledger.
func TestEntryLookupsUseIndexes(t *testing.T) {
	dir, store := emptyRepo(t)
	path := filepath.Join(dir, "porting.db")
	lookups := []struct {
		name, query string
		args        []any
	}{
		{"clock of a commit", clockOfCommitQuery, []any{"0123"}},
		{"signer entries", signerEntriesQuery, []any{"signer"}},
	}
	check := func(when string) {
		v, err := OpenView(path, store)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		for _, l := range lookups {
			rows, err := v.db.Query(`EXPLAIN QUERY PLAN `+l.query, l.args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			if got := strings.Join(plan, "; "); !strings.Contains(got, "SEARCH shadow.entries USING") {
				t.Errorf("%s: %s: the plan is %q, want a search of an index", when, l.name, got)
			}
		}
	}
	check("a new view")
}

// TestViewPathsAreFileNames: a view's path is a file name, whatever it
// holds: views in directories whose names hold the characters that end a
// URI's path ("#", "?") are files of their own, each with its shadow, and
// neither is the file a truncated name would give.
func TestViewPathsAreFileNames(t *testing.T) {
	dir, store := emptyRepo(t)
	var shadows []string
	for _, sub := range []string{"a#1", "a#2", "b?x=1"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, sub, "porting.db")
		v, err := OpenView(path, store)
		if err != nil {
			t.Fatal(err)
		}
		shadows = append(shadows, v.shadowFile)
		if err := v.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("the view at %s was not made there: %v", path, err)
		}
		// Opened again, it is the view porttracker wrote.
		v, err = OpenView(path, store)
		if err != nil {
			t.Fatal(err)
		}
		if v.untrusted != "" {
			t.Errorf("%s opened again: %s", path, v.untrusted)
		}
		v.Close()
	}
	for _, p := range []string{"a", "b"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("a view was made at the truncated name %s", p)
		}
	}
	if shadows[0] == shadows[1] || shadows[1] == shadows[2] {
		t.Errorf("two views share a shadow: %v", shadows)
	}
}

// TestUntrustedViewWithoutLedger: a view porttracker has no record of
// writing (its shadow gone), in a repository whose ledger branch is not
// made yet, is started again empty, saying so, rather than failing to
// replay a branch that is not there.
func TestUntrustedViewWithoutLedger(t *testing.T) {
	dir, store := emptyRepo(t)
	path := filepath.Join(dir, "porting.db")
	v, err := OpenView(path, store)
	if err != nil {
		t.Fatal(err)
	}
	shadow := v.shadowFile
	v.Close()
	if err := removeDB(shadow); err != nil {
		t.Fatal(err)
	}
	v, err = OpenView(path, store)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if v.untrusted == "" {
		t.Fatal("a view without its shadow was trusted")
	}
	var notices []string
	v.Notice = func(msg string) { notices = append(notices, msg) }
	if err := v.Refresh(); err != nil {
		t.Fatalf("refresh of an untrusted view with no ledger branch: %v", err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "no record of writing it") {
		t.Fatalf("notices %q", notices)
	}
	if v.untrusted != "" {
		t.Fatalf("the view is still untrusted after it was started again: %s", v.untrusted)
	}
}

// TestConnectionSettings: the view's connection keeps statement journals
// in memory and has a page cache large enough for a rebuild. Every write
// through the shadow's triggers touches two tables, so SQLite journals each
// statement; on disk (its default) that doubled the cost of rebuilding a
// 20,000-entry view, and a 2 MB cache spilled dirty pages mid-transaction.
func TestConnectionSettings(t *testing.T) {
	dir, store := emptyRepo(t)
	v, err := OpenView(filepath.Join(dir, "porting.db"), store)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for _, c := range []struct {
		pragma string
		want   int
	}{
		{"temp_store", 2}, // MEMORY
		{"main.cache_size", viewCacheKiB},
		{shadowSchema + ".cache_size", viewCacheKiB},
	} {
		var got int
		if err := v.db.QueryRow(`PRAGMA ` + c.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("PRAGMA %s = %d, want %d", c.pragma, got, c.want)
		}
	}
}
