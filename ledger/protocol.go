package ledger

import "strings"

// The plan's protocol for the moves of a batch with tasks (see plan.go and
// task.go): one task is active at a time and only its items move; a move
// to complete needs a baseline recorded since the batch started and, for a
// feature, a red run since its claim at an older code commit (red.go), or
// an override reason. Batches without tasks are not affected.

// checkProtocol checks move m of item it, in entry rec, against the plan's
// protocol. With gatesPending the evidence (and so the complete's code
// commit) is not known yet.
func (v *snapshot) checkProtocol(rec *Record, b *BatchState, it *ItemState, m Move, gatesPending bool) error {
	if b == nil || len(b.Tasks) == 0 {
		return nil
	}
	k := it.Key
	active := b.ActiveTask()
	if active == nil {
		return refuse(RuleError{Code: CodeNoActiveTask, Item: k, Batch: b.ID}, "%s: batch %d has a plan and no task is active", k, b.ID)
	}
	if !active.Has(k) {
		where := "in no task"
		if t := b.TaskOf(k); t != nil {
			where = "in task " + t.Name
		}
		return rulef("%s is %s, outside the active task %s of batch %d (Never update IDs outside the active task)", k, where, active.Name, b.ID)
	}
	if m.To != Complete {
		return nil
	}
	if err := v.checkBaselineSince(rec.Entry.Baseline, b, k); err != nil {
		return err
	}
	if k.Kind == Feature {
		return v.checkRedBefore(rec, it, gatesPending)
	}
	return nil
}

// checkBaselineSince demands that baseline names a baseline recorded after
// batch b started.
func (v *snapshot) checkBaselineSince(baseline string, b *BatchState, k ItemKey) error {
	facts := RuleError{Code: CodeBaselineMissing, Item: k, Batch: b.ID}
	if baseline == "" {
		return refuse(facts, "%s: no item of batch %d moves to complete before a baseline is recorded", k, b.ID)
	}
	switch cp := v.checkpoint(baseline); {
	case cp == nil || !cp.Baseline:
		return refuse(facts, "%s: %s is not a baseline in the ledger", k, short(baseline))
	case cp.Clock <= b.StartClock:
		facts.Code = CodeBaselineStale
		return refuse(facts, "%s: baseline %s was recorded before batch %d started", k, short(baseline), b.ID)
	}
	return nil
}

// checkRedBefore demands a red run of feature it since its claim, at a
// code commit older than the complete's, unless the entry gives an
// override reason.
func (v *snapshot) checkRedBefore(rec *Record, it *ItemState, gatesPending bool) error {
	k := it.Key
	e := rec.Entry
	if strings.TrimSpace(e.Reason) != "" {
		return nil // --override: recorded as the entry's reason
	}
	if it.RedEntry == "" {
		return refuse(RuleError{Code: CodeRedMissing, Item: k}, "%s: complete needs a red run of its focused tests since its claim", k)
	}
	if gatesPending || e.Evidence == nil {
		return nil
	}
	done := e.Evidence.CodeCommit
	if it.RedCommit == done {
		return rulef("%s: the red run and the complete are at the same code commit %s; commit the implementation, then complete it", k, short(done))
	}
	if v.contains != nil {
		ok, err := v.contains(it.RedCommit, done)
		if err != nil {
			return rulef("%s: cannot tell whether the red run's code %s is older than %s: %v", k, short(it.RedCommit), short(done), err)
		}
		if !ok {
			return rulef("%s: the red run's code %s is not an ancestor of the complete's code %s", k, short(it.RedCommit), short(done))
		}
	}
	return nil
}

// noteTaskMoves records in d, on the active task of each batch with tasks
// that rec moved items of, the clock of that move.
func (v *snapshot) noteTaskMoves(d *Delta, rec *Record, batches map[int]bool) {
	for id := range batches {
		b := d.batch(v, id)
		if b == nil || b.ActiveTask() == nil {
			continue
		}
		c := b.withTasks()
		c.ActiveTask().LastMove = rec.Entry.Clock
		d.putBatch(c)
	}
}
