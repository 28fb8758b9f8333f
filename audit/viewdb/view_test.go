package viewdb_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/go-git/go-git/v5"
	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/remote"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// clone makes a second repository that takes f's ledger, with its own key
// (added as a signer by f) and its own view.
func clone(t *testing.T, f *viewtest.Fixture, identity string) *viewtest.Fixture {
	t.Helper()
	key, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	signer := sshkey.NewSigner(key, "second key")
	f.Append(func(*ledger.State) (*ledger.Entry, error) {
		return ledger.BuildSigner(identity, signer.AuthorizedKey(), ledger.ActionAdd)
	})
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	store.Now = f.Store.Now
	g := &viewtest.Fixture{T: t, Store: store, Now: f.Now, First: true, W: &branch.Writer{Store: store, Signer: signer, Author: gitstore.Author{Name: identity, Email: identity}}}
	if g.V, err = viewdb.OpenView(filepath.Join(dir, "porting.db"), store); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.V.Close() })
	pull(t, g, f)
	return g
}

// pull fetches from's ledger into to and merges it, as sync does.
func pull(t *testing.T, to, from *viewtest.Fixture) {
	t.Helper()
	remote, err := remote.Open(to.Store, from.Store.WorkTree())
	if err != nil {
		t.Fatal(err)
	}
	h, err := remote.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m, err := to.W.Merge(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := to.V.StateAt(m.Head); err != nil {
		t.Fatal(err)
	}
	// Merged entries are replayed in place, never by replaying the ledger
	// (but for a clone's very first view).
	if to.V.Rebuilt && to.Store.WorkTree() != "" && !to.First {
		t.Fatal("the merge made the view replay the whole ledger")
	}
	to.First = false
}

// rebuilt is the snapshot of a view built from scratch at the same head.
func rebuilt(t *testing.T, f *viewtest.Fixture) *viewdb.Snapshot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fresh.db")
	v, err := viewdb.OpenView(path, f.Store)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.Refresh(); err != nil {
		t.Fatal(err)
	}
	s, err := v.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestViewAcrossMerges has two clones record concurrently (including
// incompatible moves of one item), merge each other's ledgers in opposite
// orders, and checks that each incremental view equals a full rebuild and
// that both clones see the same state.
func TestViewAcrossMerges(t *testing.T) {
	a := viewtest.New(t)
	var feats []ledger.ItemDef
	for id := 1; id <= 12; id++ {
		feats = append(feats, ledger.ItemDef{ID: id})
	}
	a.Inventory(feats, nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-12"}})
	a.Batch(1, ledger.ActionStart)
	b := clone(t, a, "bob@example.com")

	a.Move(ledger.Feature, "1-4", ledger.Stub, "", "")
	a.Move(ledger.Feature, "9", ledger.Stub, "", "")
	b.Move(ledger.Feature, "5-8", ledger.Stub, "", "")
	b.Move(ledger.Feature, "9", ledger.Deferred, "blocked: bob", "")
	b.Move(ledger.Feature, "5", ledger.Complete, "", "")

	pull(t, a, b) // a merges b's side
	pull(t, b, a) // b fast-forwards to a's merge
	a.Move(ledger.Feature, "10", ledger.Deferred, "blocked: a", "")
	b.Move(ledger.Feature, "11", ledger.Deferred, "blocked: b", "")
	pull(t, b, a) // now the other way round: b merges a's side
	pull(t, a, b)

	for name, f := range map[string]*viewtest.Fixture{"a": a, "b": b} {
		got, err := f.V.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if want := rebuilt(t, f); !reflect.DeepEqual(got.Items, want.Items) {
			t.Errorf("clone %s: incremental view differs from a rebuild:\n%v", name, got.Diff(want))
		}
	}
	sa, _ := a.V.Snapshot()
	sb, _ := b.V.Snapshot()
	if !reflect.DeepEqual(sa.Items, sb.Items) {
		t.Errorf("the clones disagree:\n%v", sa.Diff(sb))
	}
	it, err := a.V.Item(ledger.ItemKey{Kind: ledger.Feature, ID: 9})
	if err != nil {
		t.Fatal(err)
	}
	if !it.Conflict || len(it.Heads) != 2 {
		t.Fatalf("feature 9 should be in conflict with both heads: %+v", it)
	}
	res, err := audit.Audit(a.V, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) > 0 || len(res.Conflicts) != 1 {
		t.Fatalf("audit: %v findings, %d conflicts", res.Findings, len(res.Conflicts))
	}
	// Resolving it clears the conflict everywhere once merged.
	a.Move(ledger.Feature, "9", ledger.Deferred, "resolve: bob is right", "")
	pull(t, b, a)
	if it, _ := b.V.Item(ledger.ItemKey{Kind: ledger.Feature, ID: 9}); it.Conflict || it.Status != ledger.Deferred {
		t.Fatalf("after the resolution: %+v", it)
	}
}

// TestViewRepairs: a deleted view is rebuilt on open; a file overwritten
// with something that is no porttracker view is refused and left as it is.
func TestViewRepairs(t *testing.T) {
	f := viewtest.New(t)
	f.Inventory([]ledger.ItemDef{{ID: 1}}, nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1"}})
	f.Batch(1, ledger.ActionStart)
	f.Move(ledger.Feature, "1", ledger.Stub, "", "")
	path := f.V.Path
	f.V.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	v, err := viewdb.OpenView(path, f.Store)
	if err != nil {
		t.Fatal(err)
	}
	f.V = v
	if err := v.Refresh(); err != nil {
		t.Fatal(err)
	}
	it, err := v.Item(ledger.ItemKey{Kind: ledger.Feature, ID: 1})
	if err != nil || it.Status != ledger.Stub {
		t.Fatalf("after repair: %+v, %v", it, err)
	}
	if !v.Rebuilt {
		t.Fatal("the view was not rebuilt")
	}
	v.Close()
	if err := os.WriteFile(path, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	if _, err := viewdb.OpenView(path, f.Store); !errors.Is(err, viewdb.ErrNotView) {
		t.Fatalf("a text file was opened as a view: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "garbage" {
		t.Fatalf("the refused file was changed: %q", b)
	}
}

// TestViewRandomMerges: two clones make random legal moves (often on the
// same items), and pull from each other in random directions; after every
// pull the incremental view must equal a full rebuild, and once both have
// everything they must agree.
func TestViewRandomMerges(t *testing.T) {
	a := viewtest.New(t)
	var feats []ledger.ItemDef
	for id := 1; id <= 8; id++ {
		feats = append(feats, ledger.ItemDef{ID: id})
	}
	a.Inventory(feats, nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-8"}})
	a.Batch(1, ledger.ActionStart)
	b := clone(t, a, "bob@example.com")
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 12; round++ {
		for _, f := range []*viewtest.Fixture{a, b} {
			for n := 0; n < 3; n++ {
				randomMove(t, f, rng.IntN(8)+1)
			}
		}
		from, to := a, b
		if rng.IntN(2) == 0 {
			from, to = b, a
		}
		pull(t, to, from)
		got, err := to.V.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if want := rebuilt(t, to); !reflect.DeepEqual(got.Items, want.Items) {
			t.Fatalf("round %d: incremental view differs from a rebuild:\n%v", round, got.Diff(want))
		}
	}
	pull(t, a, b)
	pull(t, b, a)
	sa, _ := a.V.Snapshot()
	sb, _ := b.V.Snapshot()
	if !reflect.DeepEqual(sa.Items, sb.Items) {
		t.Fatalf("the clones disagree:\n%v", sa.Diff(sb))
	}
}

// randomMove makes one legal move of feature id in f's clone.
func randomMove(t *testing.T, f *viewtest.Fixture, id int) {
	t.Helper()
	it, err := f.V.Item(ledger.ItemKey{Kind: ledger.Feature, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	to, reason := ledger.Stub, ""
	switch {
	case it.Conflict:
		to, reason = ledger.Deferred, "resolve: "+f.W.Author.Email
	case it.Status == ledger.Stub:
		to, reason = ledger.Deferred, "blocked: "+f.W.Author.Email
	case it.Status == ledger.Deferred:
		to = ledger.Stub
	}
	f.Move(ledger.Feature, fmt.Sprint(id), to, reason, "")
}
