package ledger

import "testing"

func TestInventoryRule(t *testing.T) {
	m := Mapping{SourceFile: "a.go", SourceSymbol: "A", TargetFile: "A.cs", TargetSymbol: "A.Run", SourceDigest: "d2"}
	inv := func(e Entry) *Record { e.Kind = KindInventory; return rec("inv", e) }
	runRules(t, inventoryRule, []ruleCase{
		{name: "a new item in a new batch", rec: inv(Entry{Features: []ItemDef{{ID: 7, Mapping: m}}, Batches: []BatchDef{{ID: 5, Name: "five", Depends: []int{3, 1}, Features: "7"}}}),
			want: func(v *snapshot) Delta {
				it := &ItemState{Key: ItemKey{Feature, 7}, Mapping: m, Status: NotStarted, LastEntry: "inv", DefEntry: "inv", Batch: 5, BatchEntry: "inv"}
				b := &BatchState{ID: 5, Name: "five", Depends: []int{1, 3}, Status: BatchPlanned, DefEntry: "inv"}
				return Delta{Items: []*ItemState{it}, Batches: []*BatchState{b}}
			}},
		{name: "a remap of a promoted item changed upstream", setup: func(v *snapshot) { v.items[fDone].SourceDigest = "d1" },
			rec: inv(Entry{Features: []ItemDef{{ID: 3, Mapping: m}}}),
			want: func(v *snapshot) Delta {
				it := changed(v, fDone, func(it *ItemState) {
					it.Mapping, it.UpstreamChanged, it.LastEntry, it.DefEntry = m, true, "inv", "inv"
				})
				return Delta{Items: []*ItemState{it}}
			}},
		{name: "a redefined batch keeps where it stands", rec: inv(Entry{Batches: []BatchDef{{ID: 4, Name: "renamed", Features: "10,11", Tests: "20"}}}),
			want: func(v *snapshot) Delta {
				b := changedBatch(v, 4, func(b *BatchState) { b.Name, b.DefEntry = "renamed", "inv" })
				var items []*ItemState
				for _, k := range []ItemKey{fTasked, fTaskOK, tWave} {
					items = append(items, changed(v, k, func(it *ItemState) { it.BatchEntry = "inv" }))
				}
				return Delta{Items: items, Batches: []*BatchState{b}}
			}},
		{name: "a deferred item moves batch", setup: func(v *snapshot) { v.items[fClaimed].Status = Deferred },
			rec: inv(Entry{Batches: []BatchDef{{ID: 3, Name: "three", Features: "2"}}}),
			want: func(v *snapshot) Delta {
				b := changedBatch(v, 3, func(b *BatchState) { b.DefEntry = "inv" })
				it := changed(v, fClaimed, func(it *ItemState) { it.Batch, it.BatchEntry = 3, "inv" })
				return Delta{Items: []*ItemState{it}, Batches: []*BatchState{b}}
			}},
		{name: "a claimed item moves batch", rec: inv(Entry{Batches: []BatchDef{{ID: 3, Name: "three", Features: "2"}}}),
			refuse: "feature 2 is stub in batch 1; it cannot move to batch 3 until it is deferred"},
		{name: "a member undefined", rec: inv(Entry{Batches: []BatchDef{{ID: 5, Name: "five", Features: "99"}}}),
			refuse: "batch 5 lists feature 99, which is not defined"},
		{name: "a member in two batches", rec: inv(Entry{Batches: []BatchDef{{ID: 5, Name: "five", Features: "6"}, {ID: 6, Name: "six", Features: "6"}}}),
			refuse: "feature 6 is listed in batch 5 and batch 6"},
		{name: "a dependency undefined", rec: inv(Entry{Batches: []BatchDef{{ID: 5, Name: "five", Depends: []int{9}}}}),
			refuse: "batch 5 depends on batch 9, which is not defined"},
		{name: "a cycle through the state", rec: inv(Entry{Batches: []BatchDef{{ID: 1, Name: "one", Depends: []int{2}}}}),
			refuse: "batch dependencies form a cycle through batch 1"},
		{name: "an item defined twice", rec: inv(Entry{Features: []ItemDef{{ID: 7, Mapping: m}, {ID: 7, Mapping: m}}}),
			refuse: "feature 7 defined twice"},
		{name: "an ID not positive", rec: inv(Entry{Tests: []ItemDef{{ID: 0, Mapping: m}}}), refuse: "test id 0 is not positive"},
		{name: "a path outside the repository", rec: inv(Entry{Features: []ItemDef{{ID: 7, Mapping: Mapping{SourceFile: "../x.go"}}}}),
			refuse: "feature 7: source_file"},
		{name: "a batch without a name", rec: inv(Entry{Batches: []BatchDef{{ID: 5}}}), refuse: "batch 5 needs a positive id and a name"},
		{name: "a member list that does not parse", rec: inv(Entry{Batches: []BatchDef{{ID: 5, Name: "five", Features: "x"}}}),
			refuse: "entry inv: batch 5 features"},
	})
}
