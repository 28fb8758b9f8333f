package ledger

import "testing"

func TestTransitionRule(t *testing.T) {
	gates := func(commit string) *Evidence { return evidenceAt(commit, ok("stub"), ok("test")) }
	moves := func(kind Kind, reason string, ms ...Move) Entry {
		return Entry{Kind: KindTransition, ItemKind: kind, Reason: reason, Moves: ms}
	}
	head := func(to Status) []Head { return []Head{{Entry: "tr", To: to, Signer: "alice"}} }
	runRules(t, transitionRule, []ruleCase{
		{name: "claim", rec: rec("tr", moves(Feature, "", Move{ID: 1, From: NotStarted, To: Stub})),
			want: func(v *snapshot) Delta {
				it := changed(v, fFree, func(it *ItemState) { it.Status, it.Heads, it.LastEntry = Stub, head(Stub), "tr" })
				return Delta{Items: []*ItemState{it}, Moves: []ItemMove{{fFree, NotStarted, Stub}}}
			}},
		{name: "complete with evidence", rec: func() *Record {
			e := moves(Feature, "", Move{ID: 2, From: Stub, To: Complete, Prev: []string{"m2"}})
			e.Evidence = gates("c10")
			return rec("tr", e)
		}(),
			want: func(v *snapshot) Delta {
				it := changed(v, fClaimed, func(it *ItemState) {
					it.Status, it.Heads, it.LastEntry = Complete, head(Complete), "tr"
					it.CompleteEntry, it.CompleteClock, it.CompleteCommit = "tr", 10, "c10"
				})
				return Delta{Items: []*ItemState{it}, Moves: []ItemMove{{fClaimed, Stub, Complete}}}
			}},
		{name: "verify on a later checkpoint", rec: func() *Record {
			e := moves(Feature, "", Move{ID: 3, From: Complete, To: Verified, Prev: []string{"c3"}})
			e.Checkpoint = "ck9"
			return rec("tr", e)
		}(),
			want: func(v *snapshot) Delta {
				it := changed(v, fDone, func(it *ItemState) {
					it.Status, it.Heads, it.LastEntry, it.Checkpoint = Verified, head(Verified), "tr", "ck9"
				})
				return Delta{Items: []*ItemState{it}, Moves: []ItemMove{{fDone, Complete, Verified}}}
			}},
		{name: "complete in the active task notes the task's last move", rec: func() *Record {
			e := moves(Feature, "", Move{ID: 10, From: Stub, To: Complete, Prev: []string{"m10"}})
			e.Evidence, e.Baseline = gates("c10"), "bl8"
			return rec("tr", e)
		}(),
			setup: func(v *snapshot) { v.contains = func(a, d string) (bool, error) { return true, nil } },
			want: func(v *snapshot) Delta {
				it := changed(v, fTasked, func(it *ItemState) {
					it.Status, it.Heads, it.LastEntry = Complete, head(Complete), "tr"
					it.CompleteEntry, it.CompleteClock, it.CompleteCommit = "tr", 10, "c10"
				})
				b := changedBatch(v, 4, func(b *BatchState) { b.Tasks[0].LastMove = 10 })
				return Delta{Items: []*ItemState{it}, Batches: []*BatchState{b}, Moves: []ItemMove{{fTasked, Stub, Complete}}}
			}},
		{name: "undefined item", rec: rec("tr", moves(Feature, "", Move{ID: 99, From: NotStarted, To: Stub})),
			refuse: "feature 99 is not defined"},
		{name: "item of a planned batch", rec: rec("tr", moves(Feature, "", Move{ID: 5, From: NotStarted, To: Stub})),
			refuse: "feature 5 belongs to batch 2, which is planned, not started"},
		{name: "item of no batch", rec: rec("tr", moves(Feature, "", Move{ID: 6, From: NotStarted, To: Stub})),
			refuse: "feature 6 belongs to no batch"},
		{name: "moved twice", rec: rec("tr", moves(Feature, "", Move{ID: 1, From: NotStarted, To: Stub}, Move{ID: 1, From: NotStarted, To: Stub})),
			refuse: "feature 1 moved twice"},
		{name: "a from the writer did not see", rec: rec("tr", moves(Feature, "", Move{ID: 2, From: NotStarted, To: Stub, Prev: []string{"m2"}})),
			refuse: "entry says it moved from not_started, but it was stub"},
		{name: "a previous entry that did not move it", rec: rec("tr", moves(Feature, "", Move{ID: 1, From: Stub, To: Complete, Prev: []string{"m2"}})),
			refuse: "previous entry m2 is unknown or did not move it"},
		{name: "skipping", rec: rec("tr", moves(Feature, "", Move{ID: 1, From: NotStarted, To: Complete})),
			refuse: "no skipping: go through stub first"},
		{name: "complete without evidence", rec: rec("tr", moves(Feature, "", Move{ID: 2, From: Stub, To: Complete, Prev: []string{"m2"}})),
			refuse: "complete needs gate evidence"},
		{name: "defer without a reason", rec: rec("tr", moves(Feature, "", Move{ID: 1, From: NotStarted, To: Deferred})),
			refuse: "needs a reason"},
		{name: "verify on an older checkpoint", rec: func() *Record {
			e := moves(Feature, "", Move{ID: 3, From: Complete, To: Verified, Prev: []string{"c3"}})
			e.Checkpoint = "ck5"
			return rec("tr", e)
		}(), refuse: "recorded before the item was completed"},
		{name: "verify on a baseline", rec: func() *Record {
			e := moves(Feature, "", Move{ID: 3, From: Complete, To: Verified, Prev: []string{"c3"}})
			e.Checkpoint = "bl8"
			return rec("tr", e)
		}(), refuse: "is a baseline, not a checkpoint"},
		{name: "verify on code without the work", rec: func() *Record {
			e := moves(Feature, "", Move{ID: 3, From: Complete, To: Verified, Prev: []string{"c3"}})
			e.Checkpoint = "ck9"
			return rec("tr", e)
		}(), setup: func(v *snapshot) { v.contains = func(a, d string) (bool, error) { return false, nil } },
			refuse: "checkpoint code c9 does not contain the work completed at c6"},
		{name: "outside the active task", rec: rec("tr", moves(Test, "", Move{ID: 20, From: NotStarted, To: Stub})),
			refuse: "test 20 is in task T2, outside the active task T1 of batch 4"},
		{name: "complete in a task without a baseline", rec: func() *Record {
			e := moves(Feature, "", Move{ID: 10, From: Stub, To: Complete, Prev: []string{"m10"}})
			e.Evidence = gates("c10")
			return rec("tr", e)
		}(), refuse: "before a baseline is recorded"},
		{name: "complete at the red run's commit", rec: func() *Record {
			e := moves(Feature, "", Move{ID: 10, From: Stub, To: Complete, Prev: []string{"m10"}})
			e.Evidence, e.Baseline = gates("r1"), "bl8"
			return rec("tr", e)
		}(), refuse: "the red run and the complete are at the same code commit"},
		{name: "more IDs than the policy allows", setup: func(v *snapshot) { v.policy = &Policy{MaxIDsPerUpdate: 1, RequiredGates: []string{gateStub, gateTest}} },
			rec:    rec("tr", moves(Feature, "", Move{ID: 1, From: NotStarted, To: Stub}, Move{ID: 2, From: Stub, To: NotStarted})),
			refuse: "the policy allows at most 1 in one update"},
		{name: "a second move refused refuses the first", rec: rec("tr", moves(Feature, "", Move{ID: 1, From: NotStarted, To: Stub}, Move{ID: 5, From: NotStarted, To: Stub})),
			refuse: "feature 5 belongs to batch 2"},
	})
}
