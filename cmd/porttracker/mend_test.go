package main

import (
	"fmt"
	"testing"

	"github.com/porttracker/porttracker/ledger"
)

// TestMend: a refused rule's message is its fact followed by the mend the
// command line words from its code and facts; a rule without a code has
// none, and so has an error that is no rule.
func TestMend(t *testing.T) {
	item := ledger.ItemKey{Kind: ledger.Feature, ID: 1636}
	for _, tc := range []struct {
		re   ledger.RuleError
		want string
	}{
		{ledger.RuleError{Code: ledger.CodeItemUndefined, Item: ledger.ItemKey{Kind: ledger.Test, ID: 9}}, " (see porttracker test list)"},
		{ledger.RuleError{Code: ledger.CodeItemConflict, Item: item}, `; settle it with --override "resolve: why"`},
		{ledger.RuleError{Code: ledger.CodeReasonNeeded, Item: item}, ` (--override "...")`},
		{ledger.RuleError{Code: ledger.CodeBatchUndefined, Batch: 99}, " (see porttracker batch list)"},
		{ledger.RuleError{Code: ledger.CodeBatchNotStarted, Item: item, Batch: 34}, " (porttracker batch start 34)"},
		{ledger.RuleError{Code: ledger.CodeBatchDependsOpen, Batch: 34}, " (see porttracker batch ready)"},
		{ledger.RuleError{Code: ledger.CodeTaskOpen, Batch: 2, Task: "B"}, " (porttracker task complete 2 B)"},
		{ledger.RuleError{Code: ledger.CodeTaskUndefined, Batch: 2, Task: "Z"}, " (see porttracker task list 2)"},
		{ledger.RuleError{Code: ledger.CodeNoActiveTask, Batch: 2}, "; start one first (porttracker task start 2 NAME)"},
		{ledger.RuleError{Code: ledger.CodeEvidenceMissing, Item: item}, " (porttracker runs the gates itself: use feature/test update --status complete)"},
		{ledger.RuleError{Code: ledger.CodeCheckpointMissing, Item: item}, " (run porttracker checkpoint)"},
		{ledger.RuleError{Code: ledger.CodeCheckpointIsBaseline, Item: item}, " (porttracker checkpoint)"},
		{ledger.RuleError{Code: ledger.CodeCheckpointStale, Item: item}, " (run porttracker checkpoint again)"},
		{ledger.RuleError{Code: ledger.CodeBaselineMissing, Item: item, Batch: 2}, " (porttracker checkpoint --baseline)"},
		{ledger.RuleError{Code: ledger.CodeBaselineStale, Item: item, Batch: 2}, "; record one since (porttracker checkpoint --baseline)"},
		{ledger.RuleError{Code: ledger.CodeRedMissing, Item: item}, ` (porttracker feature red 1636), or --override "why"`},
		{ledger.RuleError{Code: ledger.CodeRedUnclaimed, Item: item}, " (claim it: feature update 1636 --status stub)"},
		{ledger.RuleError{Code: ledger.CodeSignerUnknown}, " (see porttracker signer list)"},
		{ledger.RuleError{Code: ledger.CodeSignerConflict, Entry: "0123456789abcdef0123456789abcdef01234567"}, " (porttracker signer resolve --accept or --reject 0123456789ab)"},
		{ledger.RuleError{Code: ledger.CodePolicyTaskLimit, Batch: 2}, " (a signer records the new limit first: porttracker policy record)"},
		{ledger.RuleError{}, ""},
	} {
		t.Run(string(tc.re.Code), func(t *testing.T) {
			re := tc.re
			re.Msg = "the fact"
			if got := mend(&re); got != tc.want {
				t.Errorf("mend %q, want %q", got, tc.want)
			}
			_, msg := classify(fmt.Errorf("write: %w", &re))
			if want := "write: the fact" + tc.want; msg != want {
				t.Errorf("classify says %q, want %q", msg, want)
			}
			if got := ruleText(&re); got != "the fact"+tc.want {
				t.Errorf("ruleText %q", got)
			}
		})
	}
	if got := mendOf(fmt.Errorf("not a rule")); got != "" {
		t.Errorf("an error that is no rule has the mend %q", got)
	}
}
