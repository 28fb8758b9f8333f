package gen

import (
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

var small = Options{Features: 30, Tests: 20, Batches: 4, Entries: 160, Clones: 3, Seed: 7}

// TestGenerate generates a small ledger and audits it: every entry obeys
// the rules, the counts add up, and the same seed gives the same ledger.
func TestGenerate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	res, err := Generate(dir, small, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if res.Entries != small.Entries {
		t.Errorf("%d entries, want %d", res.Entries, small.Entries)
	}
	if res.Merges == 0 {
		t.Error("no merge commit: the clones never wrote concurrently")
	}
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	v, err := viewdb.OpenView(filepath.Join(dir, "porting.db"), store)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	contains := func(anc, desc string) (bool, error) {
		a, err := store.Commit(plumbing.NewHash(anc))
		if err != nil {
			return false, err
		}
		d, err := store.Commit(plumbing.NewHash(desc))
		if err != nil {
			return false, err
		}
		return a.IsAncestor(d)
	}
	ar, err := audit.Audit(v, contains)
	if err != nil {
		t.Fatal(err)
	}
	if !ar.OK() {
		t.Fatalf("audit: %d findings (first: %v), %d conflicts, mismatches %v", len(ar.Findings), first(ar.Findings), len(ar.Conflicts), ar.Mismatches)
	}
	if ar.Entries != res.Entries || ar.Commits != res.Commits || ar.Head != res.Head {
		t.Errorf("audit read %d entries, %d commits at %s; the generator says %d, %d at %s",
			ar.Entries, ar.Commits, ar.Head[:12], res.Entries, res.Commits, res.Head[:12])
	}
	feats, err := v.List(ledger.Feature, viewdb.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[ledger.Status]int{}
	for _, it := range feats {
		counts[it.Status]++
	}
	tests, err := v.List(ledger.Test, viewdb.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range tests {
		counts[it.Status]++
	}
	for st, n := range res.Items {
		if counts[st] != n {
			t.Errorf("%d items %s in the view, the generator says %d", counts[st], st, n)
		}
	}
	if res.Items[ledger.Verified] == 0 || res.Items[ledger.Deferred] == 0 || res.BatchesComplete == 0 {
		t.Errorf("not a realistic flow: %v, %d batches complete", res.Items, res.BatchesComplete)
	}
	t.Logf("%+v", res)

	again, err := Generate(filepath.Join(t.TempDir(), "again"), small, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Head != res.Head {
		t.Errorf("the same options gave ledger heads %s and %s", res.Head, again.Head)
	}
}

// TestInventory checks that the batches split the items exactly.
func TestInventory(t *testing.T) {
	for _, opt := range []Options{Default(), small, {Features: 7, Tests: 3, Batches: 5, Clones: 1}} {
		features, tests, batches := Inventory(opt)
		if len(features) != opt.Features || len(tests) != opt.Tests || len(batches) != opt.Batches {
			t.Fatalf("%v: %d features, %d tests, %d batches", opt, len(features), len(tests), len(batches))
		}
		seen := map[ledger.ItemKey]int{}
		for _, b := range batches {
			for _, d := range b.Depends {
				if d >= b.ID {
					t.Errorf("%v: batch %d depends on batch %d", opt, b.ID, d)
				}
			}
			members, err := b.Members()
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range members {
				seen[k]++
			}
		}
		if len(seen) != opt.Features+opt.Tests {
			t.Errorf("%v: batches hold %d items, want %d", opt, len(seen), opt.Features+opt.Tests)
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("%v: %s is in %d batches", opt, k, n)
			}
		}
	}
}

func TestCopyRepo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	opt := Options{Features: 10, Tests: 5, Batches: 2, Entries: 30, Clones: 1, Seed: 1}
	res, err := Generate(dir, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "copy")
	if err := CopyRepo(dir, cp); err != nil {
		t.Fatal(err)
	}
	store, err := gitstore.Open(cp, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	v, err := viewdb.OpenView(filepath.Join(cp, "porting.db"), store)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if h, err := v.Head(); err != nil || h.String() != res.Head {
		t.Fatalf("the copy's view is at %v (%v), want %s", h, err, res.Head)
	}
	if loose, packed, err := CountObjects(cp); err != nil || loose+packed == 0 {
		t.Fatalf("CountObjects: %d loose, %d packed, %v", loose, packed, err)
	}
}

func first(fs []ledger.Finding) string {
	if len(fs) == 0 {
		return ""
	}
	return fs[0].String()
}

// testWriter sends progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}
