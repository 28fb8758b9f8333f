package branch

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// replayView is a View that replays the whole ledger for every write: the
// simplest correct view, and the oracle the incremental one is held to.
type replayView struct {
	store Reader
	saved int
}

func (v *replayView) StateAt(head plumbing.Hash) (*ledger.State, error) {
	st := ledger.NewState(nil)
	if head.IsZero() {
		return st, nil
	}
	col, err := Collect(v.store, head, nil)
	if err != nil {
		return nil, err
	}
	refused, err := ledger.Replay(&col.History, head.String(), st)
	if err != nil {
		return nil, err
	}
	if len(refused) > 0 {
		return nil, &ledger.RuleError{Msg: refused[0].Msg}
	}
	return st, nil
}

func (v *replayView) Save(*ledger.State, plumbing.Hash, plumbing.Hash, ...*ledger.Record) error {
	v.saved++
	return nil
}

func newKey(t testing.TB) *sshkey.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return sshkey.NewSigner(s, "test key")
}

// newLedger makes a repository with an initialized ledger whose first
// signer is alice.
func newLedger(t testing.TB) (dir string, w *Writer) {
	t.Helper()
	dir = t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	return dir, initLedger(t, dir, newKey(t))
}

func initLedger(t testing.TB, dir string, key *sshkey.Signer) *Writer {
	t.Helper()
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	store.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	w := &Writer{Store: store, Signer: key, Author: gitstore.Author{Name: "Alice", Email: "alice@example.com"}}
	if _, err := w.Init(&replayView{store: store}, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	return w
}

// appendEntry appends a fixed entry.
func appendEntry(t testing.TB, w *Writer, e *ledger.Entry) *ledger.Record {
	t.Helper()
	rec, err := w.Append(&replayView{store: w.Store}, func(*ledger.State) (*ledger.Entry, error) { cp := *e; return &cp, nil })
	if err != nil {
		t.Fatalf("append %s: %v", e.Summary, err)
	}
	return rec
}

// sampleInventory defines features 1-5 and test 1 in batch 1, and batch 2
// (features 6-7) depending on it.
func sampleInventory() *ledger.Entry {
	e := &ledger.Entry{Kind: ledger.KindInventory, Summary: "inventory"}
	for id := 1; id <= 7; id++ {
		e.Features = append(e.Features, ledger.ItemDef{ID: id, Mapping: ledger.Mapping{SourceFile: "a.go", SourceSymbol: "F", TargetFile: "a.go", TargetSymbol: "F", TestFilter: "TestF"}})
	}
	e.Tests = []ledger.ItemDef{{ID: 1, Mapping: ledger.Mapping{SourceSymbol: "TestF", TargetFile: "a_test.go", TargetSymbol: "TestF"}}}
	e.Batches = []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-5", Tests: "1"}, {ID: 2, Name: "two", Depends: []int{1}, Features: "6-7"}}
	return e
}

func passingEvidence(gates ...string) *ledger.Evidence {
	ev := &ledger.Evidence{CodeCommit: "0123456789abcdef0123456789abcdef01234567"}
	for _, g := range gates {
		ev.Gates = append(ev.Gates, ledger.GateResult{Name: g, OK: true, Parsed: true, Passed: 1})
	}
	return ev
}

func mustHead(t testing.TB, w *Writer) plumbing.Hash {
	t.Helper()
	h, err := w.Store.Head()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// gitStore is the real store under w.
func gitStore(w *Writer) *gitstore.Store { return w.Store.(*gitstore.Store) }
