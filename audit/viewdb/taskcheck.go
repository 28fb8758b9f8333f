package viewdb

import (
	"slices"

	"github.com/porttracker/porttracker/ledger"
)

// taskKey names one task of one batch.
type taskKey struct {
	batch int
	name  string
}

// checkTasks checks a batch row's tasks against the ledger: they are the
// tasks of the plan entry the row cites (names, kinds, titles, IDs, in
// order), no plan entry for the batch came after it, and each task's
// status is borne out by the task entries written since that plan: a
// pending task has none, an active one the start entry it cites and no
// complete, a complete one the complete entry it cites as well. (The clock
// of a task's last move, which a task's completion compares checkpoints
// with, is left to audit's full replay.)
func (v *View) checkTasks(b *ledger.BatchState) error {
	idx, err := v.rowIndex()
	if idx == nil {
		return err
	}
	if b.Plan == "" {
		if len(b.Tasks) > 0 {
			return disagree("batch %d has tasks in the view, but cites no plan entry", b.ID)
		}
		if plans := idx.plans[b.ID]; len(plans) > 0 {
			return disagree("batch %d has no plan in the view, but entry %s records one", b.ID, short(plans[0]))
		}
		return nil
	}
	e, err := v.entry(b.Plan)
	if err != nil {
		return err
	}
	if e == nil || e.Kind != ledger.KindPlan || e.Plan == nil || e.Plan.Batch != b.ID || !sameTasks(e.Plan.Tasks, b.Tasks) {
		return disagree("batch %d: its tasks in the view are not what plan entry %s records", b.ID, short(b.Plan))
	}
	for _, other := range idx.plans[b.ID] {
		if other == b.Plan {
			continue
		}
		if later, err := v.after(b.Plan, other); err != nil {
			return err
		} else if later {
			return disagree("batch %d: plan entry %s came after plan entry %s, which the view cites", b.ID, short(other), short(b.Plan))
		}
	}
	for _, t := range b.Tasks {
		if err := v.checkTaskStatus(idx, b, t); err != nil {
			return err
		}
	}
	return nil
}

// checkTaskStatus checks one task's status against the task entries for
// it written since the batch's plan entry.
func (v *View) checkTaskStatus(idx *ledgerIndex, b *ledger.BatchState, t ledger.TaskState) error {
	var starts, completes []string
	for _, id := range idx.tasks[taskKey{b.ID, t.Name}] {
		since, err := v.after(b.Plan, id)
		if err != nil {
			return err
		}
		if rec := v.integ.records[id]; since && rec != nil {
			switch rec.Entry.Task.Action {
			case ledger.ActionStart:
				starts = append(starts, id)
			case ledger.ActionComplete:
				completes = append(completes, id)
			}
		}
	}
	// cites reports whether id is one of list and a verified task entry
	// of this task with that action.
	cites := func(id string, list []string, action string) (bool, error) {
		if !slices.Contains(list, id) {
			return false, nil
		}
		e, err := v.entry(id)
		if err != nil || e == nil {
			return false, err
		}
		return e.Kind == ledger.KindTask && e.Task != nil && e.Task.Batch == b.ID && e.Task.Name == t.Name && e.Task.Action == action, nil
	}
	ok := true
	switch t.Status {
	case ledger.TaskPending:
		ok = len(starts) == 0 && len(completes) == 0
	case ledger.TaskActive:
		started, err := cites(t.StartedBy, starts, ledger.ActionStart)
		if err != nil {
			return err
		}
		ok = started && len(completes) == 0
	case ledger.TaskComplete:
		started, err := cites(t.StartedBy, starts, ledger.ActionStart)
		if err != nil {
			return err
		}
		completed, err := cites(t.CompletedBy, completes, ledger.ActionComplete)
		if err != nil {
			return err
		}
		ok = started && completed
	default:
		ok = false
	}
	if !ok {
		return disagree("batch %d: task %s is %s in the view, but the task entries since its plan say otherwise", b.ID, t.Name, t.Status)
	}
	return nil
}

// sameTasks reports whether the view's tasks are the plan's, in order.
func sameTasks(plan []ledger.PlanTask, tasks []ledger.TaskState) bool {
	if len(plan) != len(tasks) {
		return false
	}
	for i, p := range plan {
		t := tasks[i]
		ids, _ := ledger.ParseIDs(p.IDs)
		if p.Name != t.Name || p.Kind != t.Kind || p.Title != t.Title || !slices.Equal(ids, t.IDs) {
			return false
		}
	}
	return true
}
