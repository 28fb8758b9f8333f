package viewdb_test

import (
	"testing"

	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
)

// TestSourceItems: SourceItems gives what List gives (features, then
// tests, by ID; key, status, mapping, removed), and the rows porttracker
// wrote when porting.db was edited by something else.
func TestSourceItems(t *testing.T) {
	f := viewtest.New(t)
	removed := viewtest.Feature(3, "sha256:03")
	removed.Removed = true
	f.Inventory([]ledger.ItemDef{viewtest.Feature(2, "sha256:02"), viewtest.Feature(1, "sha256:01"), removed},
		[]ledger.ItemDef{viewtest.Test(7), viewtest.Test(5)},
		[]ledger.BatchDef{{ID: 1, Name: "one", Features: "1"}})
	f.Batch(1, ledger.ActionStart)
	f.Move(ledger.Feature, "1", ledger.Stub, "", "")

	listed := func() []viewdb.SourceItem {
		var out []viewdb.SourceItem
		for _, kind := range []ledger.Kind{ledger.Feature, ledger.Test} {
			items, err := f.V.List(kind, viewdb.ListFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				out = append(out, viewdb.SourceItem{ItemKey: it.ItemKey, Status: it.Status, Mapping: it.Mapping, Removed: it.Removed})
			}
		}
		return out
	}
	want := listed()
	if len(want) != 5 || want[0].Status != ledger.Stub || !want[2].Removed || want[3].ID != 5 {
		t.Fatalf("the fixture is not what the test expects: %+v", want)
	}
	same := func(what string) {
		t.Helper()
		got, err := f.V.SourceItems()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d items, want %d: %+v", what, len(got), len(want), got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: item %d is %+v, want %+v", what, i, got[i], want[i])
			}
		}
	}
	same("as written")
	viewtest.EditOutside(t, f.V.Path, `UPDATE features SET source_file = 'elsewhere.go', status = 'verified' WHERE id = 2; DELETE FROM tests WHERE id = 7`)
	same("after an edit of porting.db")
}
