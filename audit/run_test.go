package audit

import (
	"fmt"
	"testing"

	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/ledger"
)

// TestInventoryRunView writes an inventory larger than one entry holds as
// a run of entries through the view, then checks that the view holds what
// a full replay gives (Audit finds no mismatch), that the next command
// reads no commit again, and that LoadItems loads what LoadItem does.
func TestInventoryRunView(t *testing.T) {
	f := viewtest.New(t)
	n := 2*ledger.InventoryChunk + 10
	features := make([]ledger.ItemDef, n)
	for i := range features {
		features[i] = ledger.ItemDef{ID: i + 1, Mapping: ledger.Mapping{SourceFile: "a.go", SourceSymbol: fmt.Sprintf("F%d", i+1)}}
	}
	batches := []ledger.BatchDef{{ID: 1, Name: "first", Features: fmt.Sprintf("1-%d", n/2)}, {ID: 2, Name: "rest", Depends: []int{1}, Features: fmt.Sprintf("%d-%d", n/2+1, n)}}
	recs, err := f.W.AppendAll(f.V, ledger.InventoryEntries("test", features, nil, batches))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d entries, want 3", len(recs))
	}
	var commits int
	if err := f.V.DB().QueryRow(`SELECT count(*) FROM ledger_commits`).Scan(&commits); err != nil || commits != 4 {
		t.Fatalf("the view lists %d ledger commits (%v), want 4 (genesis and the run)", commits, err)
	}
	res, err := Audit(f.V, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || res.Entries != 4 {
		t.Fatalf("audit: %d entries, findings %v, mismatches %v", res.Entries, res.Findings, res.Mismatches)
	}
	ids := []int{0, 1, n / 2, n, n + 1}
	got, err := f.V.LoadItems(ledger.Feature, ids)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int]*ledger.ItemState{}
	for _, it := range got {
		byID[it.Key.ID] = it
	}
	for _, id := range ids {
		one, err := f.V.LoadItem(ledger.ItemKey{Kind: ledger.Feature, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(one) != fmt.Sprint(byID[id]) {
			t.Errorf("feature %d: LoadItems gives %+v, LoadItem %+v", id, byID[id], one)
		}
	}
	if len(got) != 3 {
		t.Errorf("LoadItems found %d of %v, want 3", len(got), ids)
	}
}
