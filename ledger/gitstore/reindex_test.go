package gitstore

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// idxCounting is a git directory's file system that counts the opens of
// pack index files: each is a reload of that pack's index.
type idxCounting struct {
	billy.Filesystem
	opens *int
}

func (c idxCounting) Open(name string) (billy.File, error) {
	if strings.HasSuffix(name, ".idx") {
		*c.opens++
	}
	return c.Filesystem.Open(name)
}

// TestReindexOnlyWhenPacksChange: looking up objects that are absent (as a
// fetch or a push does for every object it is about to copy) reloads the
// pack indexes once, not on every lookup; once another process (stock git)
// repacked, the next lookup reloads them and finds what moved.
func TestReindexOnlyWhenPacksChange(t *testing.T) {
	l := newTestLedger(t)
	dir := l.dir
	l.add(t)
	if _, err := l.s.Pack(false); err != nil {
		t.Fatal(err)
	}
	l.add(t)
	opens := 0
	fs := idxCounting{osfs.New(l.s.GitDir()), &opens}
	r := newReindexing(filesystem.NewStorageWithOptions(fs, cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true}))
	defer r.Storage.Close()
	head := l.head(t)
	if err := r.HasEncodedObject(head); err != nil {
		t.Fatalf("head: %v", err)
	}
	for i := 0; i < 50; i++ {
		var absent plumbing.Hash
		absent[0], absent[1] = byte(i), 0xee
		if err := r.HasEncodedObject(absent); !errors.Is(err, plumbing.ErrObjectNotFound) {
			t.Fatalf("absent object %s: %v", absent, err)
		}
	}
	packs, err := l.s.packs()
	if err != nil || len(packs) != 1 {
		t.Fatalf("packs = %v, %v", packs, err)
	}
	// One load when first needed and one reload at the first miss: the
	// 49 lookups after that reload nothing.
	if opens > 2*len(packs) {
		t.Fatalf("50 lookups of absent objects opened pack indexes %d times, want at most %d", opens, 2*len(packs))
	}

	// Stock git packs everything into one new pack and deletes the old
	// one and the loose objects: the same storage still reads the ledger.
	if out, err := exec.Command("git", "-C", dir, "repack", "-a", "-d", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git repack: %v\n%s", err, out)
	}
	if out, err := exec.Command("git", "-C", dir, "prune-packed", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git prune-packed: %v\n%s", err, out)
	}
	before := opens
	st := &Store{objs: r}
	if _, err := st.commit(head); err != nil {
		t.Fatalf("head after git repack: %v", err)
	}
	if opens == before {
		t.Fatal("the head commit was read after git repack without reloading the pack indexes")
	}
	if n := readEntries(t, &Store{objs: r}, head); n != 2 {
		t.Fatalf("after git repack: %d entries read, want 2", n)
	}
}
