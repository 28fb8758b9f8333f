package viewdb_test

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
)

// startedAgain is the writer's view, beside which another process starts
// the view again (as a command does that finds no ledger branch, or did
// when killed between starting an untrusted view again and rebuilding it)
// after the writer read its state and before it saves the new entry.
type startedAgain struct {
	*viewdb.View
	t *testing.T
}

func (v startedAgain) Save(st *ledger.State, from, head plumbing.Hash, recs ...*ledger.Record) error {
	other, err := viewdb.OpenView(v.Path, v.Store())
	if err != nil {
		v.t.Fatal(err)
	}
	if _, err := other.StateAt(plumbing.ZeroHash); err != nil {
		v.t.Fatal(err)
	}
	other.Close()
	return v.View.Save(st, from, head, recs...)
}

// TestSaveOnAViewStartedAgain: a write's save holds only what changed
// since the state it read, so it must not land on a view that is no
// longer at that state; the view stays at the head it is at, and the next
// command reads the whole ledger. (Seen under kill -9: a view left at the
// new head holding the one item the write moved, and no other.)
func TestSaveOnAViewStartedAgain(t *testing.T) {
	f := viewtest.New(t)
	f.Inventory([]ledger.ItemDef{viewtest.Feature(1, ""), viewtest.Feature(2, ""), viewtest.Feature(3, "")},
		nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-3"}})
	f.Batch(1, ledger.ActionStart)
	ids, err := ledger.ParseIDs("2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.W.Append(startedAgain{f.V, t}, func(st *ledger.State) (*ledger.Entry, error) {
		return ledger.BuildTransition(st, ledger.MoveRequest{Kind: ledger.Feature, IDs: ids, To: ledger.Stub})
	}); err != nil {
		t.Fatal(err)
	}
	head, err := f.Store.Head()
	if err != nil {
		t.Fatal(err)
	}
	next, err := viewdb.OpenView(f.V.Path, f.Store)
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	if _, err := next.StateAt(head); err != nil {
		t.Fatal(err)
	}
	its, err := next.LoadItems(ledger.Feature, []int{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(its) != 3 {
		t.Fatalf("the next command sees %d of the 3 features", len(its))
	}
	for _, it := range its {
		want := ledger.NotStarted
		if it.Key.ID == 2 {
			want = ledger.Stub
		}
		if it.Status != want {
			t.Errorf("feature %d is %s, the ledger says %s", it.Key.ID, it.Status, want)
		}
	}
	if b, err := next.LoadBatch(1); err != nil || b == nil {
		t.Errorf("batch 1 after the write: %v %v", b, err)
	}
}
