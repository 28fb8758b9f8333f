package audit

import (
	"fmt"
	"strings"
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

// TestLoadItemsRanges loads runs of consecutive IDs, which LoadItems asks
// for as ranges, mixed with single IDs, duplicates and IDs no item has: it
// must give what LoadItem gives for each. Then, as an attacker who can
// write porting.db, it edits one row inside a range from sqlite3's side:
// the bulk load by ranges must notice and load the ledger's truth.
func TestLoadItemsRanges(t *testing.T) {
	f := viewtest.New(t)
	const n = 300
	features := make([]ledger.ItemDef, n)
	for i := range features {
		features[i] = ledger.ItemDef{ID: i + 1, Mapping: ledger.Mapping{SourceFile: "a.go", SourceSymbol: fmt.Sprintf("F%d", i+1)}}
	}
	f.Inventory(features, nil, []ledger.BatchDef{{ID: 1, Name: "all", Features: fmt.Sprintf("1-%d", n)}})
	f.Batch(1, ledger.ActionStart)
	f.Move(ledger.Feature, "150", ledger.Stub, "", "")
	var ids []int
	for id := n - 40; id <= n+40; id++ { // a run past the last item
		ids = append(ids, id)
	}
	ids = append(ids, 7, 3, 7, 0, -1, 100, 101, 102) // short runs, a duplicate, no such items
	for id := 140; id <= 160; id++ {                 // a run with a moved item
		ids = append(ids, id, id)
	}
	got, err := f.V.LoadItems(ledger.Feature, ids)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int]*ledger.ItemState{}
	for _, it := range got {
		if byID[it.Key.ID] != nil {
			t.Errorf("LoadItems gave feature %d twice", it.Key.ID)
		}
		byID[it.Key.ID] = it
	}
	want := 0
	seen := map[int]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		one, err := f.V.LoadItem(ledger.ItemKey{Kind: ledger.Feature, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		if one != nil {
			want++
		}
		if fmt.Sprint(one) != fmt.Sprint(byID[id]) {
			t.Errorf("feature %d: LoadItems gives %+v, LoadItem %+v", id, byID[id], one)
		}
	}
	if len(got) != want || want != 41+5+21 {
		t.Errorf("LoadItems found %d items, LoadItem %d; want %d", len(got), want, 41+5+21)
	}
	if byID[150] == nil || byID[150].Status != ledger.Stub {
		t.Fatalf("feature 150 loaded as %+v, want a stub", byID[150])
	}

	viewtest.EditOutside(t, f.V.Path, `UPDATE features SET status = 'not_started', heads = '[]' WHERE id = 150`)
	v, said := f.Reopen(t)
	all := make([]int, n)
	for i := range all {
		all[i] = i + 1
	}
	its, err := v.LoadItems(ledger.Feature, all)
	if err != nil {
		t.Fatal(err)
	}
	notices := *said
	if len(notices) != 1 || !strings.Contains(notices[0], "the rows of features 1..300: the view's rows are not") {
		t.Fatalf("notices %q, want one that the rows of features 1..300 were not porttracker's", notices)
	}
	for _, it := range its {
		if it.Key.ID == 150 && it.Status != ledger.Stub {
			t.Fatalf("feature 150 loaded as %s from the edited view", it.Status)
		}
	}
	if len(its) != n {
		t.Fatalf("LoadItems found %d of %d features after the rebuild", len(its), n)
	}
}
