package branch

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// TestConcurrentWriters runs writers in parallel goroutines, each with its
// own repository handle, as separate processes would: every entry lands,
// none twice, and the rules are checked against the state each write saw.
func TestConcurrentWriters(t *testing.T) {
	dir, w := newLedger(t)
	inv := &ledger.Entry{Kind: ledger.KindInventory}
	for id := 1; id <= 41; id++ {
		inv.Features = append(inv.Features, ledger.ItemDef{ID: id})
	}
	inv.Batches = []ledger.BatchDef{{ID: 1, Name: "all", Features: "1-41"}}
	appendEntry(t, w, inv)
	appendEntry(t, w, ledger.BuildBatch(1, ledger.ActionStart))
	const writers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			store, err := gitstore.Open(dir, ledger.DefaultBranch)
			if err != nil {
				errs <- err
				return
			}
			mine := &Writer{Store: store, Signer: w.Signer, Author: w.Author}
			for i := 0; i < each; i++ {
				id := g*each + i + 1
				if err := move(mine, ledger.Feature, []int{id}, ledger.Stub, "", nil, ""); err != nil {
					errs <- fmt.Errorf("writer %d, feature %d: %w", g, id, err)
				}
				// Every writer also tries the same move of a shared item:
				// exactly one may succeed, the others must see it done.
				if i == 0 {
					errs <- move(mine, ledger.Feature, []int{41}, ledger.Deferred, fmt.Sprintf("writer %d", g), nil, "")
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
		case ledger.IsRule(err) && (errorsContain(err, "already deferred") || errorsContain(err, "cannot move from deferred")):
			shared++
		default:
			t.Error(err)
		}
	}
	if shared != writers-1 {
		t.Errorf("%d writers were refused the shared move, want %d", shared, writers-1)
	}
	col, err := Collect(w.Store, mustHead(t, w), nil)
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
	lock := filepath.Join(gitStore(w).GitDir(), "refs", "heads", ledger.DefaultBranch+".lock")
	if err := os.WriteFile(lock, []byte("0000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(lock, old, old); err != nil {
		t.Fatal(err)
	}
	_, err := w.Append(&replayView{store: w.Store}, func(*ledger.State) (*ledger.Entry, error) { return sampleInventory(), nil })
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
