package ledger

import (
	"errors"
	"fmt"
)

// RuleError is a rule of the status model that an entry breaks. Commands
// that meet one exit with status 1 and write nothing; audit reports it.
//
// Msg states the fact alone, true of an entry being written and of one
// long in history alike. A refusal whose mend a writer can act on also
// carries a Code and the facts the mend needs (the item, batch, task or
// entry concerned), so that the command line words the mend and audit does
// not tell anyone to run a command about an entry already recorded.
type RuleError struct {
	Msg string
	// Code names the rule, when a caller may word a mend for it.
	Code RuleCode
	// The facts a mend may need; zero when they do not apply.
	Item  ItemKey
	Batch int
	Task  string
	Entry string
}

func (e *RuleError) Error() string { return e.Msg }

// RuleCode names a rule an entry breaks (see RuleError).
type RuleCode string

// The rules a caller may word a mend for.
const (
	// CodeItemUndefined: an item the entry moves is not in the inventory.
	CodeItemUndefined RuleCode = "item_undefined"
	// CodeItemConflict: the item is in conflict and the move does not
	// settle it.
	CodeItemConflict RuleCode = "item_conflict"
	// CodeReasonNeeded: the move needs a reason.
	CodeReasonNeeded RuleCode = "reason_needed"
	// CodeBatchUndefined: Batch is not defined.
	CodeBatchUndefined RuleCode = "batch_undefined"
	// CodeBatchNotStarted: Item belongs to Batch, which is planned.
	CodeBatchNotStarted RuleCode = "batch_not_started"
	// CodeBatchDependsOpen: Batch depends on batches not complete.
	CodeBatchDependsOpen RuleCode = "batch_depends_open"
	// CodeTaskOpen: Batch cannot complete while its Task is open.
	CodeTaskOpen RuleCode = "task_open"
	// CodeTaskUndefined: Batch has no task Task.
	CodeTaskUndefined RuleCode = "task_undefined"
	// CodeNoActiveTask: Batch has a plan and no active task.
	CodeNoActiveTask RuleCode = "no_active_task"
	// CodeEvidenceMissing: a complete without gate evidence.
	CodeEvidenceMissing RuleCode = "evidence_missing"
	// CodeCheckpointMissing: a verified without a checkpoint after the
	// complete.
	CodeCheckpointMissing RuleCode = "checkpoint_missing"
	// CodeCheckpointIsBaseline: the checkpoint cited is a baseline.
	CodeCheckpointIsBaseline RuleCode = "checkpoint_is_baseline"
	// CodeCheckpointStale: the checkpoint cited is older than the complete.
	CodeCheckpointStale RuleCode = "checkpoint_stale"
	// CodeBaselineMissing: a complete in a planned batch without a
	// baseline, or citing an entry that is not one.
	CodeBaselineMissing RuleCode = "baseline_missing"
	// CodeBaselineStale: the baseline cited was recorded before Batch
	// started.
	CodeBaselineStale RuleCode = "baseline_stale"
	// CodeRedMissing: a feature's complete without a red run since its
	// claim.
	CodeRedMissing RuleCode = "red_missing"
	// CodeRedUnclaimed: a red run of Item, which is not claimed.
	CodeRedUnclaimed RuleCode = "red_unclaimed"
	// CodeSignerUnknown: the identity is not a current signer.
	CodeSignerUnknown RuleCode = "signer_unknown"
	// CodeSignerConflict: Entry's signer was revoked concurrently and no
	// resolution settled it.
	CodeSignerConflict RuleCode = "signer_conflict"
	// CodeNotSigner: the writer's key is not an allowed signer (see
	// NotSignerError, which carries the key's facts).
	CodeNotSigner RuleCode = "not_signer"
	// CodeResolutionRefused: replay refuses the resolution Entry for a
	// reason that is no rule of its own (its clock, its file).
	CodeResolutionRefused RuleCode = "resolution_refused"
	// CodePolicyTaskLimit: a plan's feature groups exceed the policy's
	// limit.
	CodePolicyTaskLimit RuleCode = "policy_task_limit"
)

func rulef(format string, args ...any) error { return &RuleError{Msg: fmt.Sprintf(format, args...)} }

// refuse is the RuleError with the code and facts of f and the message
// that format gives.
func refuse(f RuleError, format string, args ...any) error {
	f.Msg = fmt.Sprintf(format, args...)
	return &f
}

// IsRule reports whether err is, or wraps, a RuleError.
func IsRule(err error) bool {
	var re *RuleError
	return errors.As(err, &re)
}

// ShortID is the first 12 characters of an entry ID, as messages show it.
func ShortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// short is ShortID, as this package's messages call it.
func short(id string) string { return ShortID(id) }
