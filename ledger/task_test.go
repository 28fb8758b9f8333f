package ledger

import "testing"

func TestTaskRule(t *testing.T) {
	task := func(name, action, ckpt string) *Record {
		return rec("tk", Entry{Kind: KindTask, Task: &TaskPayload{Batch: 4, Name: name, Action: action, Checkpoint: ckpt}})
	}
	idle := func(v *snapshot) { v.batches[4].Tasks[0].Status = TaskComplete }
	runRules(t, taskRule, []ruleCase{
		{name: "start", setup: idle, rec: task("T2", ActionStart, ""),
			want: func(v *snapshot) Delta {
				return Delta{Batches: []*BatchState{changedBatch(v, 4, func(b *BatchState) {
					b.Tasks[1].Status, b.Tasks[1].StartedBy, b.Tasks[1].LastMove = TaskActive, "tk", 10
				})}}
			}},
		{name: "complete", setup: func(v *snapshot) { v.items[fTasked].Status = Verified }, rec: task("T1", ActionComplete, "ck9"),
			want: func(v *snapshot) Delta {
				return Delta{Batches: []*BatchState{changedBatch(v, 4, func(b *BatchState) {
					b.Tasks[0].Status, b.Tasks[0].CompletedBy = TaskComplete, "tk"
				})}}
			}},
		{name: "start while another is active", rec: task("T2", ActionStart, ""), refuse: "task T1 of batch 4 is active; one task at a time"},
		{name: "start in a planned batch", setup: func(v *snapshot) { v.batches[4].Status = BatchPlanned }, rec: task("T2", ActionStart, ""),
			refuse: "task T2 cannot start: batch 4 is planned, not started"},
		{name: "start a completed task", setup: idle, rec: task("T1", ActionStart, ""), refuse: "task T1 of batch 4 is already complete"},
		{name: "complete with items open", rec: task("T1", ActionComplete, "ck9"), refuse: "features not verified or deferred: 10 (stub)"},
		{name: "complete without a checkpoint", setup: func(v *snapshot) { v.items[fTasked].Status = Verified }, rec: task("T1", ActionComplete, ""),
			refuse: "it needs a checkpoint recorded after its last move"},
		{name: "complete on an older checkpoint", setup: func(v *snapshot) { v.items[fTasked].Status = Verified }, rec: task("T1", ActionComplete, "ck5"),
			refuse: "its last move came after checkpoint ck5"},
		{name: "complete on a baseline", setup: func(v *snapshot) { v.items[fTasked].Status = Verified }, rec: task("T1", ActionComplete, "bl8"),
			refuse: "bl8 is a baseline, not a checkpoint"},
		{name: "complete a pending task", rec: task("T2", ActionComplete, "ck9"), refuse: "task T2 of batch 4 is pending, not active"},
		{name: "no such task", rec: task("T9", ActionStart, ""), refuse: `batch 4 has no task "T9"`},
		{name: "no such batch", rec: rec("tk", Entry{Kind: KindTask, Task: &TaskPayload{Batch: 9, Name: "T1", Action: ActionStart}}),
			refuse: "task T1: batch 9 is not defined"},
		{name: "no payload", rec: rec("tk", Entry{Kind: KindTask}), refuse: "without its [task] table"},
		{name: "unknown action", rec: task("T1", "pause", ""), refuse: `task action "pause"`},
	})
}
