package audit

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

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/remote"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// clone makes a second repository that takes f's ledger, with its own key
// (added as a signer by f) and its own view.
func clone(t *testing.T, f *fixture, identity string) *fixture {
	t.Helper()
	key, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	signer := sshkey.NewSigner(key, "second key")
	f.append(func(*ledger.State) (*ledger.Entry, error) {
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
	store.Now = f.w.Store.Now
	g := &fixture{t: t, now: f.now, first: true, w: &ledger.Writer{Store: store, Signer: signer, Author: gitstore.Author{Name: identity, Email: identity}}}
	if g.v, err = OpenView(filepath.Join(dir, "porting.db"), store); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.v.Close() })
	pull(t, g, f)
	return g
}

// pull fetches from's ledger into to and merges it, as sync does.
func pull(t *testing.T, to, from *fixture) {
	t.Helper()
	remote, err := remote.Open(to.w.Store, from.w.Store.WorkTree())
	if err != nil {
		t.Fatal(err)
	}
	h, err := remote.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m, err := to.w.Merge(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := to.v.StateAt(m.Head); err != nil {
		t.Fatal(err)
	}
	// Merged entries are replayed in place, never by replaying the ledger
	// (but for a clone's very first view).
	if to.v.Rebuilt && to.w.Store.WorkTree() != "" && !to.first {
		t.Fatal("the merge made the view replay the whole ledger")
	}
	to.first = false
}

// rebuilt is the snapshot of a view built from scratch at the same head.
func rebuilt(t *testing.T, f *fixture) *snapshot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fresh.db")
	v, err := OpenView(path, f.w.Store)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.Refresh(); err != nil {
		t.Fatal(err)
	}
	s, err := v.snapshot()
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
	a := newFixture(t)
	var feats []ledger.ItemDef
	for id := 1; id <= 12; id++ {
		feats = append(feats, ledger.ItemDef{ID: id})
	}
	a.inventory(feats, nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-12"}})
	a.batch(1, ledger.ActionStart)
	b := clone(t, a, "bob@example.com")

	a.move(ledger.Feature, "1-4", ledger.Stub, "", "")
	a.move(ledger.Feature, "9", ledger.Stub, "", "")
	b.move(ledger.Feature, "5-8", ledger.Stub, "", "")
	b.move(ledger.Feature, "9", ledger.Deferred, "blocked: bob", "")
	b.move(ledger.Feature, "5", ledger.Complete, "", "")

	pull(t, a, b) // a merges b's side
	pull(t, b, a) // b fast-forwards to a's merge
	a.move(ledger.Feature, "10", ledger.Deferred, "blocked: a", "")
	b.move(ledger.Feature, "11", ledger.Deferred, "blocked: b", "")
	pull(t, b, a) // now the other way round: b merges a's side
	pull(t, a, b)

	for name, f := range map[string]*fixture{"a": a, "b": b} {
		got, err := f.v.snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if want := rebuilt(t, f); !reflect.DeepEqual(got.items, want.items) {
			t.Errorf("clone %s: incremental view differs from a rebuild:\n%v", name, diffSnapshots(got, want))
		}
	}
	sa, _ := a.v.snapshot()
	sb, _ := b.v.snapshot()
	if !reflect.DeepEqual(sa.items, sb.items) {
		t.Errorf("the clones disagree:\n%v", diffSnapshots(sa, sb))
	}
	it, err := a.v.Item(ledger.ItemKey{Kind: ledger.Feature, ID: 9})
	if err != nil {
		t.Fatal(err)
	}
	if !it.Conflict || len(it.Heads) != 2 {
		t.Fatalf("feature 9 should be in conflict with both heads: %+v", it)
	}
	res, err := Audit(a.v, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) > 0 || len(res.Conflicts) != 1 {
		t.Fatalf("audit: %v findings, %d conflicts", res.Findings, len(res.Conflicts))
	}
	// Resolving it clears the conflict everywhere once merged.
	a.move(ledger.Feature, "9", ledger.Deferred, "resolve: bob is right", "")
	pull(t, b, a)
	if it, _ := b.v.Item(ledger.ItemKey{Kind: ledger.Feature, ID: 9}); it.Conflict || it.Status != ledger.Deferred {
		t.Fatalf("after the resolution: %+v", it)
	}
}

// TestViewRepairs: a deleted view is rebuilt on open; a file overwritten
// with something that is no porttracker view is refused and left as it is.
func TestViewRepairs(t *testing.T) {
	f := newFixture(t)
	f.inventory([]ledger.ItemDef{{ID: 1}}, nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1"}})
	f.batch(1, ledger.ActionStart)
	f.move(ledger.Feature, "1", ledger.Stub, "", "")
	path := f.v.Path
	f.v.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	v, err := OpenView(path, f.w.Store)
	if err != nil {
		t.Fatal(err)
	}
	f.v = v
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
	if _, err := OpenView(path, f.w.Store); !errors.Is(err, ErrNotView) {
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
	a := newFixture(t)
	var feats []ledger.ItemDef
	for id := 1; id <= 8; id++ {
		feats = append(feats, ledger.ItemDef{ID: id})
	}
	a.inventory(feats, nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-8"}})
	a.batch(1, ledger.ActionStart)
	b := clone(t, a, "bob@example.com")
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 12; round++ {
		for _, f := range []*fixture{a, b} {
			for n := 0; n < 3; n++ {
				randomMove(t, f, rng.IntN(8)+1)
			}
		}
		from, to := a, b
		if rng.IntN(2) == 0 {
			from, to = b, a
		}
		pull(t, to, from)
		got, err := to.v.snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if want := rebuilt(t, to); !reflect.DeepEqual(got.items, want.items) {
			t.Fatalf("round %d: incremental view differs from a rebuild:\n%v", round, diffSnapshots(got, want))
		}
	}
	pull(t, a, b)
	pull(t, b, a)
	sa, _ := a.v.snapshot()
	sb, _ := b.v.snapshot()
	if !reflect.DeepEqual(sa.items, sb.items) {
		t.Fatalf("the clones disagree:\n%v", diffSnapshots(sa, sb))
	}
}

// randomMove makes one legal move of feature id in f's clone.
func randomMove(t *testing.T, f *fixture, id int) {
	t.Helper()
	it, err := f.v.Item(ledger.ItemKey{Kind: ledger.Feature, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	to, reason := ledger.Stub, ""
	switch {
	case it.Conflict:
		to, reason = ledger.Deferred, "resolve: "+f.w.Author.Email
	case it.Status == ledger.Stub:
		to, reason = ledger.Deferred, "blocked: "+f.w.Author.Email
	case it.Status == ledger.Deferred:
		to = ledger.Stub
	}
	f.move(ledger.Feature, fmt.Sprint(id), to, reason, "")
}
