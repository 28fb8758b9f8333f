package inventory

import (
	"slices"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// TestUncommitted: a scan's files that differ on disk from the scan's
// commit are listed, once each, whether the scan read them so (its blob)
// or they changed after; a file the commit does not hold is listed; one
// whose line endings alone differ is not; an unknown commit is an error.
func TestUncommitted(t *testing.T) {
	r := newTestRepo(t)
	writeTree(t, r.dir, map[string]string{
		"src/a.go": "package a\n\nfunc A() {}\n\nfunc B() {}\n",
		"src/b.go": "package a\n\nfunc C() {}\n",
		"src/c.go": "package a\n\nfunc D() {}\n",
		"src/d.go": "package a\n\nfunc E() {}\n",
	})
	commit := r.commitAll("code")
	// After the commit: b.go is edited, c.go gets CRLF line endings, and
	// e.go is new.
	writeTree(t, r.dir, map[string]string{
		"src/b.go": "package a\n\nfunc C() { _ = 1 }\n",
		"src/c.go": "package a\r\n\r\nfunc D() {}\r\n",
		"src/e.go": "package a\n\nfunc F() {}\n",
	})
	store, err := gitstore.Open(r.dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	res, err := Scan(r.dir+"/src", ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Commit != commit || res.RepoPrefix != "src" {
		t.Fatalf("scan at %s in %q, want %s in src", res.Commit, res.RepoPrefix, commit)
	}
	dirty, err := Uncommitted(store, res, r.dir+"/src")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b.go", "e.go"}; !slices.Equal(dirty, want) {
		t.Errorf("Uncommitted = %v, want %v", dirty, want)
	}
	// The scan's blobs cannot vouch for a file that changed after it.
	writeTree(t, r.dir, map[string]string{"src/d.go": "package a\n\nfunc E() { _ = 2 }\n"})
	dirty, err = Uncommitted(store, res, r.dir+"/src")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b.go", "e.go"}; !slices.Equal(dirty, want) {
		t.Errorf("with the scan's blobs of d.go: Uncommitted = %v, want %v (d.go was read as committed)", dirty, want)
	}
	noBlobs := *res
	noBlobs.Blobs = nil
	dirty, err = Uncommitted(store, &noBlobs, r.dir+"/src")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b.go", "d.go", "e.go"}; !slices.Equal(dirty, want) {
		t.Errorf("without the scan's blobs: Uncommitted = %v, want %v", dirty, want)
	}
	unknown := *res
	unknown.Commit = strings.Repeat("1", 40)
	if _, err := Uncommitted(store, &unknown, r.dir+"/src"); err == nil || !strings.Contains(err.Error(), "read source commit 1111111111") {
		t.Errorf("an unknown commit: %v", err)
	}
}
