package ledger

import "testing"

func TestBatchRule(t *testing.T) {
	settle := func(v *snapshot) {
		for _, k := range v.members[1] {
			c := *v.items[k]
			c.Status = Verified
			v.items[k] = &c
		}
	}
	runRules(t, batchRule, []ruleCase{
		{name: "start", setup: func(v *snapshot) { v.batches[1].Status = BatchComplete },
			rec: rec("b", Entry{Kind: KindBatch, Batch: 2, Action: ActionStart}),
			want: func(v *snapshot) Delta {
				return Delta{Batches: []*BatchState{changedBatch(v, 2, func(b *BatchState) { b.Status, b.StartClock = BatchStarted, 10 })}}
			}},
		{name: "start with a dependency open", rec: rec("b", Entry{Kind: KindBatch, Batch: 2, Action: ActionStart}),
			refuse: "batch 2 cannot start: it depends on batch 1 (started), not complete"},
		{name: "start with a dependency undefined", setup: func(v *snapshot) { v.batches[2].Depends = []int{9} },
			rec:    rec("b", Entry{Kind: KindBatch, Batch: 2, Action: ActionStart}),
			refuse: "depends on batch 9 (undefined)"},
		{name: "start a started batch", rec: rec("b", Entry{Kind: KindBatch, Batch: 1, Action: ActionStart}),
			refuse: "batch 1 is already started"},
		{name: "undefined", rec: rec("b", Entry{Kind: KindBatch, Batch: 9, Action: ActionStart}),
			refuse: "batch 9 is not defined"},
		{name: "complete", setup: settle, rec: rec("b", Entry{Kind: KindBatch, Batch: 1, Action: ActionComplete}),
			want: func(v *snapshot) Delta {
				return Delta{Batches: []*BatchState{changedBatch(v, 1, func(b *BatchState) { b.Status = BatchComplete })}}
			}},
		{name: "complete with items open", rec: rec("b", Entry{Kind: KindBatch, Batch: 1, Action: ActionComplete}),
			refuse: "not verified or deferred: feature 1 (not_started), feature 2 (stub), feature 3 (complete)"},
		{name: "complete with a deferral without reason", setup: func(v *snapshot) {
			settle(v)
			v.items[fFree].Status = Deferred
		}, rec: rec("b", Entry{Kind: KindBatch, Batch: 1, Action: ActionComplete}),
			refuse: "feature 1 (deferred)"},
		{name: "complete with a task open", setup: func(v *snapshot) {
			for _, k := range v.members[4] {
				v.items[k].Status = Verified
			}
		}, rec: rec("b", Entry{Kind: KindBatch, Batch: 4, Action: ActionComplete}),
			refuse: "batch 4 cannot complete: task T1 is active"},
		{name: "complete a planned batch", rec: rec("b", Entry{Kind: KindBatch, Batch: 2, Action: ActionComplete}),
			refuse: "batch 2 is planned; only a started batch can complete"},
		{name: "unknown action", rec: rec("b", Entry{Kind: KindBatch, Batch: 1, Action: "pause"}),
			refuse: `batch action "pause"`},
	})
}
