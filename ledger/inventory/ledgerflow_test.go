package inventory

import (
	"fmt"
	"testing"
	"time"

	"github.com/porttracker/porttracker/ledger"
)

// memLedger applies entries to a state held in memory, as replay does,
// with a fake signature check: it tests the rules, not the crypto.
type memLedger struct {
	t  *testing.T
	st *ledger.State
	n  int
}

const flowSigner, flowKey = "alice@example.com", "ssh-ed25519 AAAAflowtestkey"

func newMemLedger(t *testing.T) *memLedger {
	l := &memLedger{t: t, st: ledger.NewState(nil)}
	l.apply(&ledger.Entry{Kind: ledger.KindGenesis, Identity: flowSigner, Key: flowKey})
	return l
}

// apply seals e as the writer would and applies it; a rule it breaks fails
// the test.
func (l *memLedger) apply(e *ledger.Entry) {
	l.t.Helper()
	l.n++
	e.Version, e.Signer, e.Clock = ledger.FormatVersion, flowSigner, l.st.Last.Clock+1
	e.Time = time.Unix(1700000000+int64(l.n), 0).UTC()
	rec := &ledger.Record{ID: fmt.Sprintf("%040x", l.n), Entry: e, SigKey: flowKey}
	if err := l.st.Apply(rec); err != nil {
		l.t.Fatalf("apply %s entry: %v", e.Kind, err)
	}
}

// move records a transition of features.
func (l *memLedger) move(to ledger.Status, reason string, ids ...int) {
	l.t.Helper()
	req := ledger.MoveRequest{Kind: ledger.Feature, IDs: ids, To: to, Reason: reason}
	if to == ledger.Complete {
		req.Evidence = &ledger.Evidence{CodeCommit: "0123456789abcdef0123456789abcdef01234567", Gates: []ledger.GateResult{
			{Name: "stub", OK: true}, {Name: "test", OK: true, Parsed: true, Passed: 1},
		}}
	}
	e, err := ledger.BuildTransition(l.st, req)
	if err != nil {
		l.t.Fatal(err)
	}
	l.apply(e)
}

// known lists the state's items as a scan's known items.
func (l *memLedger) known() []Known {
	var out []Known
	for _, it := range l.st.Items() {
		out = append(out, Known{ItemKey: ledger.ItemKey{Kind: it.Key.Kind, ID: it.Key.ID}, Mapping: it.Mapping, Removed: it.Removed})
	}
	return out
}

// scan scans dir, reconciles it with the ledger and records the inventory
// entry the command would; it returns the changes (nil entry: none).
func (l *memLedger) scan(dir string) []Change {
	l.t.Helper()
	res, err := Scan(dir, ScanOptions{})
	if err != nil {
		l.t.Fatal(err)
	}
	changes := Reconcile(l.known(), res.Decls, res.Commit, 1, 1)
	var features, tests []ledger.ItemDef
	for _, c := range changes {
		d := ledger.ItemDef{ID: c.ID, Mapping: c.Mapping, Removed: c.Removed}
		if c.Kind == ledger.Test {
			tests = append(tests, d)
		} else {
			features = append(features, d)
		}
	}
	e, err := ledger.BuildInventory(l.st, "scan .", features, tests, nil)
	if err != nil {
		l.t.Fatal(err)
	}
	if (e == nil) != (len(changes) == 0) {
		l.t.Fatalf("BuildInventory gave entry %v for %d changes", e, len(changes))
	}
	if e != nil {
		l.apply(e)
	}
	return changes
}

func (l *memLedger) item(id int) *ledger.ItemState {
	l.t.Helper()
	it, err := l.st.Item(ledger.ItemKey{Kind: ledger.Feature, ID: id})
	if err != nil || it == nil {
		l.t.Fatalf("feature %d: %v, %v", id, it, err)
	}
	return it
}

// TestScanLedgerFlow follows scans through the ledger's rules: a removed
// declaration is marked, not deleted, and comes back under its ID; a code
// change marks upstream_changed only on a promoted item, and completing it
// again clears the mark.
func TestScanLedgerFlow(t *testing.T) {
	r := newTestRepo(t)
	l := newMemLedger(t)
	v1 := "package p\n\nfunc keep() int { return 1 }\n\nfunc promoted() int { return 2 }\n\nfunc drifting() int { return 3 }\n\nfunc gone() int { return 4 }\n"
	writeTree(t, r.dir, map[string]string{"a.go": v1})
	c1 := r.commitAll("v1")
	if n := len(l.scan(r.dir)); n != 4 {
		t.Fatalf("first scan: %d changes, want 4", n)
	}
	if n := len(l.scan(r.dir)); n != 0 {
		t.Fatalf("rescan of the same code: %d changes, want 0", n)
	}
	e, err := ledger.BuildInventory(l.st, "batch", nil, nil, []ledger.BatchDef{{ID: 1, Name: "B", Features: "2-4"}})
	if err != nil {
		t.Fatal(err)
	}
	l.apply(e)
	l.apply(ledger.BuildBatch(1, ledger.ActionStart))
	l.move(ledger.Stub, "", 2, 4)
	l.move(ledger.Complete, "", 2)

	// v2: promoted and drifting change their code, gone disappears.
	v2 := "package p\n\nfunc keep() int { return 1 }\n\nfunc promoted() int { return 20 }\n\nfunc drifting() int { return 30 }\n"
	writeTree(t, r.dir, map[string]string{"a.go": v2})
	c2 := r.commitAll("v2")
	l.scan(r.dir)
	if it := l.item(2); !it.UpstreamChanged || it.Status != ledger.Complete || it.SourceCommit != c2 {
		t.Errorf("promoted item after an upstream change: %+v, want upstream_changed, complete, at %s", it, c2)
	}
	if it := l.item(3); it.UpstreamChanged {
		t.Errorf("an item never promoted is marked upstream_changed: %+v", it)
	}
	gone := l.item(4)
	if !gone.Removed || gone.SourceSymbol != "gone" || gone.SourceCommit != c1 || gone.Status != ledger.Stub {
		t.Errorf("removed item: %+v, want removed with its mapping at %s and its status kept", gone, c1)
	}
	if it := l.item(1); it.Removed || it.SourceCommit != c1 {
		t.Errorf("unchanged item: %+v, want as recorded at %s", it, c1)
	}

	// A removed item can only be deferred.
	req := ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{4}, To: ledger.Complete}
	if te, err := ledger.BuildTransition(l.st, req); err != nil || l.st.CheckTransition(te, true) == nil {
		t.Errorf("a removed item may move to complete (build error %v)", err)
	}

	// v3: gone comes back under its old ID.
	writeTree(t, r.dir, map[string]string{"a.go": v1})
	r.commitAll("v3")
	changes := l.scan(r.dir)
	restored := false
	for _, c := range changes {
		if c.ID == 4 && c.Restored {
			restored = true
		}
		if c.New {
			t.Errorf("a declaration that came back got a new ID: %+v", c)
		}
	}
	if it := l.item(4); !restored || it.Removed {
		t.Errorf("restored item: %+v (restored change %v), want live again", it, restored)
	}
	if it := l.item(2); !it.UpstreamChanged {
		t.Errorf("upstream_changed was cleared by a scan: %+v", it)
	}

	// Earning complete again clears the mark.
	l.move(ledger.Stub, "regressed: upstream changed", 2)
	l.move(ledger.Complete, "", 2)
	if it := l.item(2); it.UpstreamChanged {
		t.Errorf("upstream_changed still set after the item was completed again: %+v", it)
	}
}
