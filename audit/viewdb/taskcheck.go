package viewdb

import (
	"slices"

	"github.com/porttracker/porttracker/ledger"
)

// checkTasks checks a batch row's tasks against the entries they cite:
// they are the tasks of the plan entry the row cites (names, kinds,
// titles, IDs, in order), and each task's status is borne out by the task
// entries it cites: a pending task cites none, an active one the entry
// that started it, a complete one the entry that completed it as well.
// (That these are the last entries, and the clock of a task's last move,
// are the shadow's to vouch for: sameRows.)
func (v *View) checkTasks(b *ledger.BatchState) error {
	if v.refreshing() {
		return nil
	}
	if b.Plan == "" {
		if len(b.Tasks) > 0 {
			return disagree("batch %d has tasks in the view, but cites no plan entry", b.ID)
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
	for _, t := range b.Tasks {
		if err := v.checkTaskStatus(b, t); err != nil {
			return err
		}
	}
	return nil
}

// checkTaskStatus checks one task's status against the task entries it
// cites.
func (v *View) checkTaskStatus(b *ledger.BatchState, t ledger.TaskState) error {
	// cites reports whether id names a verified task entry of this task
	// with that action.
	cites := func(id string, action string) (bool, error) {
		if id == "" {
			return false, nil
		}
		e, err := v.entry(id)
		if err != nil || e == nil {
			return false, err
		}
		return e.Kind == ledger.KindTask && e.Task != nil && e.Task.Batch == b.ID && e.Task.Name == t.Name && e.Task.Action == action, nil
	}
	started, err := cites(t.StartedBy, ledger.ActionStart)
	if err != nil {
		return err
	}
	completed, err := cites(t.CompletedBy, ledger.ActionComplete)
	if err != nil {
		return err
	}
	var ok bool
	switch t.Status {
	case ledger.TaskPending:
		ok = t.StartedBy == "" && t.CompletedBy == ""
	case ledger.TaskActive:
		ok = started && t.CompletedBy == ""
	case ledger.TaskComplete:
		ok = started && completed
	}
	if !ok {
		return disagree("batch %d: task %s is %s in the view, but the task entries it cites say otherwise", b.ID, t.Name, t.Status)
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
