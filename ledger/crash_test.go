package ledger

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
// checks that the branch stays at the old commit, the ledger still
// verifies, and the next write succeeds.
func TestWriteFailsAtEveryStep(t *testing.T) {
	_, w := newLedger(t)
	appendEntry(t, w, sampleInventory())
	appendEntry(t, w, BuildBatch(1, ActionStart))
	real := w.Store.objs
	for n := 1; ; n++ {
		before := mustHead(t, w)
		fs := &failingStorer{EncodedObjectStorer: real, n: n}
		w.Store.objs = fs
		err := move(w, Feature, []int{1}, Stub, "", nil, "")
		w.Store.objs = real
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
		if mustHead(t, w) != before {
			t.Fatalf("step %d: the branch moved although the write failed", n)
		}
		col, err := w.Store.Collect(before, nil)
		if err != nil || len(col.Findings) > 0 {
			t.Fatalf("step %d: ledger no longer reads cleanly: %v %v", n, err, col.Findings)
		}
	}
	st, err := (&replayView{store: w.Store}).StateAt(mustHead(t, w))
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := st.Item(ItemKey{Feature, 1}); it.Status != Stub {
		t.Fatalf("feature 1 is %s after the successful write", it.Status)
	}
}

// TestConcurrentWriters runs writers in parallel goroutines, each with its
// own repository handle, as separate processes would: every entry lands,
// none twice, and the rules are checked against the state each write saw.
func TestConcurrentWriters(t *testing.T) {
	dir, w := newLedger(t)
	inv := &Entry{Kind: KindInventory}
	for id := 1; id <= 41; id++ {
		inv.Features = append(inv.Features, ItemDef{ID: id})
	}
	inv.Batches = []BatchDef{{ID: 1, Name: "all", Features: "1-41"}}
	appendEntry(t, w, inv)
	appendEntry(t, w, BuildBatch(1, ActionStart))
	const writers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			store, err := Open(dir, DefaultBranch)
			if err != nil {
				errs <- err
				return
			}
			mine := &Writer{Store: store, Signer: w.Signer, Author: w.Author}
			for i := 0; i < each; i++ {
				id := g*each + i + 1
				if err := move(mine, Feature, []int{id}, Stub, "", nil, ""); err != nil {
					errs <- fmt.Errorf("writer %d, feature %d: %w", g, id, err)
				}
				// Every writer also tries the same move of a shared item:
				// exactly one may succeed, the others must see it done.
				if i == 0 {
					errs <- move(mine, Feature, []int{41}, Deferred, fmt.Sprintf("writer %d", g), nil, "")
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	shared := 0
	for err := range errs {
		switch {
		case err == nil:
		case IsRule(err) && (errorsContain(err, "already deferred") || errorsContain(err, "cannot move from deferred")):
			shared++
		default:
			t.Error(err)
		}
	}
	if shared != writers-1 {
		t.Errorf("%d writers were refused the shared move, want %d", shared, writers-1)
	}
	col, err := w.Store.Collect(mustHead(t, w), nil)
	if err != nil || len(col.Findings) > 0 {
		t.Fatalf("collect: %v %v", err, col.Findings)
	}
	// genesis, inventory, batch start, 40 claims... and the one shared move.
	if want := 3 + writers*each + 1; len(col.Records) != want {
		t.Fatalf("%d entries in the ledger, want %d", len(col.Records), want)
	}
	if len(col.Commits) != len(col.Records) {
		t.Fatalf("%d commits for %d entries", len(col.Commits), len(col.Records))
	}
}

func errorsContain(err error, s string) bool {
	return err != nil && contains(err.Error(), s)
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestRefLockLeftByOthers: a ref lock is removed only by the crash
// recovery, for a porttracker writer that died mid-write. A lock that no
// porttracker writer left (a git command's, however old) stays where it is,
// and the write refuses, naming it, with the branch where it was.
func TestRefLockLeftByOthers(t *testing.T) {
	_, w := newLedger(t)
	head := mustHead(t, w)
	lock := filepath.Join(w.Store.GitDir(), "refs", "heads", DefaultBranch+".lock")
	if err := os.WriteFile(lock, []byte("0000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(lock, old, old); err != nil {
		t.Fatal(err)
	}
	_, err := w.Append(&replayView{store: w.Store}, func(*State) (*Entry, error) { return sampleInventory(), nil })
	if err == nil || !strings.Contains(err.Error(), lock) {
		t.Fatalf("a write past another program's ref lock: %v", err)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Fatalf("another program's lock was removed: %v", err)
	}
	if mustHead(t, w) != head {
		t.Fatal("the branch moved")
	}
}

// TestRefLockLeftByDeadWriter: the same lock with the mark of a writer
// that died mid-write is cleared by the next writer, which then writes.
func TestRefLockLeftByDeadWriter(t *testing.T) {
	_, w := newLedger(t)
	lock := filepath.Join(w.Store.GitDir(), "refs", "heads", DefaultBranch+".lock")
	if err := w.Store.markWriting(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lock, []byte("0000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	appendEntry(t, w, sampleInventory())
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Fatalf("the dead writer's lock is still there: %v", err)
	}
}

// TestMergeChanges: a merge commit's own changes are what matches neither
// parent: an entry both lack, or an entry either had that it dropped.
func TestMergeChanges(t *testing.T) {
	_, w := newLedger(t)
	s := w.Store
	base := mustHead(t, w)
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
	ha, _ := s.MergeCommit(a.Commit.TreeHash, []plumbing.Hash{base}, "a", w.Author, w.Signer)
	hb, _ := s.MergeCommit(b.Commit.TreeHash, []plumbing.Hash{base}, "b", w.Author, w.Signer)
	// An honest merge: the union.
	union, _ := s.putFiles(a.Commit.TreeHash, map[string]plumbing.Hash{"entries/bb/b.toml": blob("b")})
	// A dishonest one: the union, an extra entry, and parent a's entry gone.
	extra, _ := s.putFiles(b.Commit.TreeHash, map[string]plumbing.Hash{"entries/cc/c.toml": blob("c")})
	for _, tc := range []struct {
		tree plumbing.Hash
		want []string
	}{{union, nil}, {extra, []string{"entries/aa/a.toml", "entries/cc/c.toml"}}} {
		changes, err := s.commitChanges(&object.Commit{TreeHash: tc.tree, ParentHashes: []plumbing.Hash{ha, hb}})
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
	_, w := newLedger(t)
	head := mustHead(t, w)
	appendEntry(t, w, sampleInventory())
	moved := mustHead(t, w)
	if err := w.Store.UpdateRef(head, head); !errors.Is(err, ErrRefChanged) {
		t.Fatalf("update from a stale head: %v", err)
	}
	if err := w.Store.UpdateRef(plumbing.ZeroHash, head); !errors.Is(err, ErrRefChanged) {
		t.Fatalf("create over an existing branch: %v", err)
	}
	if mustHead(t, w) != moved {
		t.Fatal("a refused update moved the branch")
	}
	if err := w.Store.UpdateRef(moved, head); err != nil {
		t.Fatalf("update from the current head: %v", err)
	}
	if mustHead(t, w) != head {
		t.Fatal("the branch did not move")
	}
}
