package gitstore

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPack packs the loose objects of a ledger, then joins the packs, and
// checks that the ledger still reads whole and that stock git agrees.
func TestPack(t *testing.T) {
	l := newTestLedger(t)
	dir := l.dir
	l.add(t)
	l.add(t)
	n, err := l.s.Pack(false)
	if err != nil || n == 0 {
		t.Fatalf("Pack = %d, %v", n, err)
	}
	// What stays loose is the head commit and its trees, which writes read.
	matches, _ := filepath.Glob(filepath.Join(l.s.GitDir(), "objects", "??", "*"))
	if keep := l.s.headObjects(); len(matches) != len(keep) {
		t.Fatalf("%d loose objects left after packing, want the %d of the head", len(matches), len(keep))
	}
	l.add(t)
	if _, err := l.s.Pack(false); err != nil {
		t.Fatal(err)
	}
	if packs, _ := l.s.packs(); len(packs) != 2 {
		t.Fatalf("%d packs, want 2", len(packs))
	}
	l.add(t)
	if _, err := l.s.Pack(false); err != nil {
		t.Fatal(err)
	}
	// Joining keeps the largest pack and joins the others with the loose
	// objects: three packs become two.
	if _, err := l.s.Pack(true); err != nil {
		t.Fatal(err)
	}
	if packs, _ := l.s.packs(); len(packs) != 2 {
		t.Fatalf("%d packs after joining, want 2", len(packs))
	}
	// A fresh handle, as the next command would have, reads everything.
	store, err := Open(dir, testBranch)
	if err != nil {
		t.Fatal(err)
	}
	if n := readEntries(t, store, l.head(t)); n != 4 {
		t.Fatalf("after packing: %d entries read, want 4", n)
	}
	if out, err := exec.Command("git", "-C", dir, "fsck", "--strict").CombinedOutput(); err != nil {
		t.Fatalf("git fsck: %v\n%s", err, out)
	}
}

// TestReadAfterAnotherPacks: a handle opened before another process packed
// the loose objects and joined the packs still reads every object.
func TestReadAfterAnotherPacks(t *testing.T) {
	l := newTestLedger(t)
	dir := l.dir
	l.add(t)
	if _, err := l.s.Pack(false); err != nil {
		t.Fatal(err)
	}
	l.add(t)
	stale, err := Open(dir, testBranch)
	if err != nil {
		t.Fatal(err)
	}
	// The stale handle lists the packs as they are now.
	readEntries(t, stale, l.head(t))
	l.add(t)
	if _, err := l.s.Pack(true); err != nil {
		t.Fatal(err)
	}
	if n := readEntries(t, stale, l.head(t)); n != 3 {
		t.Fatalf("stale handle after packing: %d entries read, want 3", n)
	}
}
