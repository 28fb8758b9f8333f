package ledger

import "testing"

func TestRedRule(t *testing.T) {
	failed := GateResult{Name: "test", ExitCode: 1, Parsed: true, Passed: 1, Failed: 2}
	red := func(id int, ev *Evidence) *Record {
		return rec("rd", Entry{Kind: KindRed, Red: &RedPayload{Feature: id}, Evidence: ev})
	}
	runRules(t, redRule, []ruleCase{
		{name: "recorded", rec: red(2, evidenceAt("c10", failed)),
			want: func(v *snapshot) Delta {
				it := changed(v, fClaimed, func(it *ItemState) { it.RedEntry, it.RedCommit, it.LastEntry = "rd", "c10", "rd" })
				return Delta{Items: []*ItemState{it}}
			}},
		{name: "in the active task", rec: red(10, evidenceAt("c10", failed)),
			want: func(v *snapshot) Delta {
				it := changed(v, fTasked, func(it *ItemState) { it.RedEntry, it.RedCommit, it.LastEntry = "rd", "c10", "rd" })
				return Delta{Items: []*ItemState{it}}
			}},
		{name: "no payload", rec: rec("rd", Entry{Kind: KindRed, Evidence: evidenceAt("c10", failed)}), refuse: "without its [red] table"},
		{name: "undefined", rec: red(99, evidenceAt("c10", failed)), refuse: "feature 99 is not defined"},
		{name: "not claimed", rec: red(1, evidenceAt("c10", failed)), refuse: "feature 1 is not_started; a red run belongs between its claim and its complete"},
		{name: "outside the active task", setup: func(v *snapshot) { v.batches[4].Tasks[0].Status = TaskComplete },
			rec: red(10, evidenceAt("c10", failed)), refuse: "outside the active task (none) of batch 4"},
		{name: "tests passed", rec: red(2, evidenceAt("c10", ok("test"))), refuse: "the red run's focused tests did not fail"},
		{name: "no test ran", rec: red(2, evidenceAt("c10", GateResult{Name: "test", ExitCode: 1})), refuse: "the red run ran no test"},
		{name: "more than the test gate", rec: red(2, evidenceAt("c10", failed, ok("build"))), refuse: "its focused test gate alone"},
	})
}
