package gitstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// failingStorer fails the n-th object write, as a process killed at that
// moment would leave things.
type failingStorer struct {
	storer.EncodedObjectStorer
	n, writes int
}

var errInjected = errors.New("injected failure")

func (f *failingStorer) SetEncodedObject(o plumbing.EncodedObject) (plumbing.Hash, error) {
	f.writes++
	if f.writes == f.n {
		return plumbing.ZeroHash, errInjected
	}
	return f.EncodedObjectStorer.SetEncodedObject(o)
}

// TestWriteFailsAtEveryStep fails a write at each object it stores and
// checks that the branch stays at the old commit, what it holds still
// reads, and the next write succeeds.
func TestWriteFailsAtEveryStep(t *testing.T) {
	l := newTestLedger(t)
	l.add(t)
	l.add(t)
	real := l.s.objs
	for n := 1; ; n++ {
		before := l.head(t)
		fs := &failingStorer{EncodedObjectStorer: real, n: n}
		l.s.objs = fs
		c, err := l.s.CommitFiles(before, map[string][]byte{EntryPath(entryID(100)): []byte("entry 100\n")}, "entry\n", l.who, l.key)
		if err == nil {
			err = l.s.UpdateRef(before, c)
		}
		l.s.objs = real
		if err == nil {
			if n == 1 {
				t.Fatal("no object was written")
			}
			t.Logf("a write stores %d objects; each failure left the ledger intact", fs.writes)
			break
		}
		if !errors.Is(err, errInjected) {
			t.Fatalf("step %d: %v", n, err)
		}
		if l.head(t) != before {
			t.Fatalf("step %d: the branch moved although the write failed", n)
		}
		if got := readEntries(t, l.s, before); got != 2 {
			t.Fatalf("step %d: %d entries read, want 2", n, got)
		}
	}
	if got := readEntries(t, l.s, l.head(t)); got != 3 {
		t.Fatalf("%d entries after the successful write, want 3", got)
	}
}

// TestRefLockLeftByDeadWriter: the same lock with the mark of a writer
// that died mid-write is cleared by the next writer, which then writes.
func TestRefLockLeftByDeadWriter(t *testing.T) {
	l := newTestLedger(t)
	lock := filepath.Join(l.s.GitDir(), "refs", "heads", testBranch+".lock")
	if err := l.s.markWriting(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lock, []byte("0000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := l.s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	l.add(t)
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Fatalf("the dead writer's lock is still there: %v", err)
	}
}

// TestMergeChanges: a merge commit's own changes are what matches neither
// parent: an entry both lack, or an entry either had that it dropped.
func TestMergeChanges(t *testing.T) {
	l := newTestLedger(t)
	s := l.s
	base := l.head(t)
	blob := func(text string) plumbing.Hash {
		h, err := s.writeObject(plumbing.BlobObject, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	commitWith := func(parent plumbing.Hash, files map[string]plumbing.Hash) *CommitInfo {
		c, err := s.commit(parent)
		if err != nil {
			t.Fatal(err)
		}
		tree, err := s.putFiles(c.TreeHash, files)
		if err != nil {
			t.Fatal(err)
		}
		return &CommitInfo{Commit: &object.Commit{TreeHash: tree}}
	}
	a := commitWith(base, map[string]plumbing.Hash{"entries/aa/a.toml": blob("a")})
	b := commitWith(base, map[string]plumbing.Hash{"entries/bb/b.toml": blob("b")})
	ha, _ := s.MergeCommit(a.Commit.TreeHash, []plumbing.Hash{base}, "a", l.who, l.key)
	hb, _ := s.MergeCommit(b.Commit.TreeHash, []plumbing.Hash{base}, "b", l.who, l.key)
	// An honest merge: the union.
	union, _ := s.putFiles(a.Commit.TreeHash, map[string]plumbing.Hash{"entries/bb/b.toml": blob("b")})
	// A dishonest one: the union, an extra entry, and parent a's entry gone.
	extra, _ := s.putFiles(b.Commit.TreeHash, map[string]plumbing.Hash{"entries/cc/c.toml": blob("c")})
	for _, tc := range []struct {
		tree plumbing.Hash
		want []string
	}{{union, nil}, {extra, []string{"entries/aa/a.toml", "entries/cc/c.toml"}}} {
		changes, err := s.commitChanges(&object.Commit{TreeHash: tc.tree, ParentHashes: []plumbing.Hash{ha, hb}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ch := range changes {
			got = append(got, ch.Path)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("merge changes = %v, want %v", got, tc.want)
		}
	}
}

// TestUpdateRefCompareAndSwap: the branch moves only from the commit the
// writer read.
func TestUpdateRefCompareAndSwap(t *testing.T) {
	l := newTestLedger(t)
	head := l.head(t)
	l.add(t)
	moved := l.head(t)
	if err := l.s.UpdateRef(head, head); !errors.Is(err, ErrRefChanged) {
		t.Fatalf("update from a stale head: %v", err)
	}
	if err := l.s.UpdateRef(plumbing.ZeroHash, head); !errors.Is(err, ErrRefChanged) {
		t.Fatalf("create over an existing branch: %v", err)
	}
	if l.head(t) != moved {
		t.Fatal("a refused update moved the branch")
	}
	if err := l.s.UpdateRef(moved, head); err != nil {
		t.Fatalf("update from the current head: %v", err)
	}
	if l.head(t) != head {
		t.Fatal("the branch did not move")
	}
}
