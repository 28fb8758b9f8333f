package main

import (
	"errors"
	"fmt"

	"github.com/porttracker/porttracker/ledger"
)

// mend words what to do about a refused rule: the text that follows the
// rule's fact in a refused write's message, from the rule's code and
// facts. The ledger states facts only; what a writer runs next is the
// command line's to say. A rule without a mend gives "".
func mend(re *ledger.RuleError) string {
	switch re.Code {
	case ledger.CodeItemUndefined:
		return fmt.Sprintf(" (see porttracker %s list)", re.Item.Kind)
	case ledger.CodeItemConflict:
		return `; settle it with --override "resolve: why"`
	case ledger.CodeReasonNeeded:
		return ` (--override "...")`
	case ledger.CodeBatchUndefined:
		return " (see porttracker batch list)"
	case ledger.CodeBatchNotStarted:
		return fmt.Sprintf(" (porttracker batch start %d)", re.Batch)
	case ledger.CodeBatchDependsOpen:
		return " (see porttracker batch ready)"
	case ledger.CodeTaskOpen:
		return fmt.Sprintf(" (porttracker task complete %d %s)", re.Batch, re.Task)
	case ledger.CodeTaskUndefined:
		return fmt.Sprintf(" (see porttracker task list %d)", re.Batch)
	case ledger.CodeNoActiveTask:
		return fmt.Sprintf("; start one first (porttracker task start %d NAME)", re.Batch)
	case ledger.CodeEvidenceMissing:
		return " (porttracker runs the gates itself: use feature/test update --status complete)"
	case ledger.CodeCheckpointMissing:
		return " (run porttracker checkpoint)"
	case ledger.CodeCheckpointIsBaseline:
		return " (porttracker checkpoint)"
	case ledger.CodeCheckpointStale:
		return " (run porttracker checkpoint again)"
	case ledger.CodeBaselineMissing:
		return " (porttracker checkpoint --baseline)"
	case ledger.CodeBaselineStale:
		return "; record one since (porttracker checkpoint --baseline)"
	case ledger.CodeRedMissing:
		return fmt.Sprintf(` (porttracker feature red %d), or --override "why"`, re.Item.ID)
	case ledger.CodeRedUnclaimed:
		return fmt.Sprintf(" (claim it: feature update %d --status stub)", re.Item.ID)
	case ledger.CodeSignerUnknown:
		return " (see porttracker signer list)"
	case ledger.CodeSignerConflict:
		return fmt.Sprintf(" (porttracker signer resolve --accept or --reject %s)", ledger.ShortID(re.Entry))
	case ledger.CodePolicyTaskLimit:
		return " (a signer records the new limit first: porttracker policy record)"
	}
	return ""
}

// mendOf is the mend of the rule err refuses, if it wraps one, else that
// of the fact it states about the repository, configuration or key
// (factMend).
func mendOf(err error) string {
	var ns *ledger.NotSignerError
	if errors.As(err, &ns) {
		return notSignerMend(ns)
	}
	var re *ledger.RuleError
	if errors.As(err, &re) {
		return mend(re)
	}
	return factMend(err)
}

// ruleCode names the rule err refuses, if it wraps a RuleError with a
// code.
func ruleCode(err error) ledger.RuleCode {
	var re *ledger.RuleError
	if errors.As(err, &re) {
		return re.Code
	}
	return ""
}

// ruleText is err's message followed by the mend of the rule it refuses,
// for a refusal worded into another error.
func ruleText(err error) string { return err.Error() + mendOf(err) }
