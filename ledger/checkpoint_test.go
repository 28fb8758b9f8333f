package ledger

import "testing"

func TestCheckpointRule(t *testing.T) {
	failing := ok("full_test")
	failing.OK = false
	runRules(t, checkpointRule, []ruleCase{
		{name: "passed", rec: rec("ck", Entry{Kind: KindCheckpoint, Evidence: evidenceAt("c10", ok("stub"), ok("build"), ok("full_test"))}),
			want: func(*snapshot) Delta {
				return Delta{Checkpoints: []*CheckpointState{{Entry: "ck", Clock: 10, CodeCommit: "c10"}}}
			}},
		{name: "no evidence", rec: rec("ck", Entry{Kind: KindCheckpoint}), refuse: "needs evidence at a code commit"},
		{name: "no code commit", rec: rec("ck", Entry{Kind: KindCheckpoint, Evidence: evidenceAt("", ok("stub"), ok("full_test"))}),
			refuse: "needs evidence at a code commit"},
		{name: "no full suite", rec: rec("ck", Entry{Kind: KindCheckpoint, Evidence: evidenceAt("c10", ok("stub"), ok("build"))}),
			refuse: "checkpoint full_test gate missing or failed"},
		{name: "suite failed", rec: rec("ck", Entry{Kind: KindCheckpoint, Evidence: evidenceAt("c10", ok("stub"), failing)}),
			refuse: "checkpoint full_test gate missing or failed"},
	})
}

func TestBaselineRule(t *testing.T) {
	failing := ok("full_test")
	failing.OK, failing.Failed = false, 3
	run := &BaselinePayload{Label: "before"}
	runRules(t, baselineRule, []ruleCase{
		{name: "failing suite recorded as it is", rec: rec("bl", Entry{Kind: KindBaseline, BaselineRun: run, Evidence: evidenceAt("c10", ok("build"), failing)}),
			want: func(*snapshot) Delta {
				return Delta{Checkpoints: []*CheckpointState{{Entry: "bl", Clock: 10, CodeCommit: "c10", Baseline: true}}}
			}},
		{name: "no payload", rec: rec("bl", Entry{Kind: KindBaseline, Evidence: evidenceAt("c10", ok("full_test"))}),
			refuse: "without its [baseline_run] table"},
		{name: "no code commit", rec: rec("bl", Entry{Kind: KindBaseline, BaselineRun: run, Evidence: evidenceAt("", ok("full_test"))}),
			refuse: "needs evidence at a code commit"},
		{name: "no full suite", rec: rec("bl", Entry{Kind: KindBaseline, BaselineRun: run, Evidence: evidenceAt("c10", ok("build"))}),
			refuse: "needs the full suite's run"},
		{name: "a focused test gate", rec: rec("bl", Entry{Kind: KindBaseline, BaselineRun: run, Evidence: evidenceAt("c10", ok("full_test"), ok("test"))}),
			refuse: "not a test gate"},
	})
}
