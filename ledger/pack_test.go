package ledger

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPack packs the loose objects of a ledger, then joins the packs, and
// checks that the ledger still reads whole and that stock git agrees.
func TestPack(t *testing.T) {
	dir, w := newLedger(t)
	appendEntry(t, w, sampleInventory())
	appendEntry(t, w, BuildBatch(1, ActionStart))
	n, err := w.Store.Pack(false)
	if err != nil || n == 0 {
		t.Fatalf("Pack = %d, %v", n, err)
	}
	// What stays loose is the head commit and its trees, which writes read.
	matches, _ := filepath.Glob(filepath.Join(w.Store.GitDir(), "objects", "??", "*"))
	if keep := w.Store.headObjects(); len(matches) != len(keep) {
		t.Fatalf("%d loose objects left after packing, want the %d of the head", len(matches), len(keep))
	}
	if err := move(w, Feature, []int{1, 2}, Stub, "", nil, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Store.Pack(false); err != nil {
		t.Fatal(err)
	}
	if packs, _ := w.Store.packs(); len(packs) != 2 {
		t.Fatalf("%d packs, want 2", len(packs))
	}
	if err := move(w, Feature, []int{3}, Stub, "", nil, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Store.Pack(false); err != nil {
		t.Fatal(err)
	}
	// Joining keeps the largest pack and joins the others with the loose
	// objects: three packs become two.
	if _, err := w.Store.Pack(true); err != nil {
		t.Fatal(err)
	}
	if packs, _ := w.Store.packs(); len(packs) != 2 {
		t.Fatalf("%d packs after joining, want 2", len(packs))
	}
	// A fresh handle, as the next command would have, reads everything.
	store, err := Open(dir, DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	col, err := store.Collect(mustHead(t, w), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(col.Findings) > 0 || len(col.Records) != 5 {
		t.Fatalf("after packing: %d records, %v", len(col.Records), col.Findings)
	}
	if out, err := exec.Command("git", "-C", dir, "fsck", "--strict").CombinedOutput(); err != nil {
		t.Fatalf("git fsck: %v\n%s", err, out)
	}
}

// TestReadAfterAnotherPacks: a handle opened before another process packed
// the loose objects and joined the packs still reads every object.
func TestReadAfterAnotherPacks(t *testing.T) {
	dir, w := newLedger(t)
	appendEntry(t, w, sampleInventory())
	if _, err := w.Store.Pack(false); err != nil {
		t.Fatal(err)
	}
	appendEntry(t, w, BuildBatch(1, ActionStart))
	stale, err := Open(dir, DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	// The stale handle lists the packs as they are now.
	if _, err := stale.Collect(mustHead(t, w), nil); err != nil {
		t.Fatal(err)
	}
	if err := move(w, Feature, []int{1}, Stub, "", nil, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Store.Pack(true); err != nil {
		t.Fatal(err)
	}
	col, err := stale.Collect(mustHead(t, w), nil)
	if err != nil || len(col.Records) != 4 || len(col.Findings) > 0 {
		t.Fatalf("stale handle after packing: %d records, %v, %v", len(col.Records), col.Findings, err)
	}
}
