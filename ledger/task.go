package ledger

import (
	"fmt"
	"slices"
)

// TaskPayload is the payload of a task entry: one task of a batch's plan
// starts or completes.
type TaskPayload struct {
	Batch  int    `toml:"batch"`
	Name   string `toml:"name"`
	Action string `toml:"action"`
	// Checkpoint is the checkpoint entry, recorded after the task's last
	// move, that a task's completion relies on.
	Checkpoint string `toml:"checkpoint,omitempty"`
}

// TaskStatus is where a task stands.
type TaskStatus string

// The statuses of a task.
const (
	TaskPending  TaskStatus = "pending"
	TaskActive   TaskStatus = "active"
	TaskComplete TaskStatus = "complete"
)

// TaskState is one task of a batch's plan, as replay knows it.
type TaskState struct {
	Name  string
	Kind  Kind
	Title string `json:",omitempty"`
	IDs   []int
	// Status is pending, active or complete; StartedBy and CompletedBy are
	// the entries that moved it.
	Status      TaskStatus
	StartedBy   string `json:",omitempty"`
	CompletedBy string `json:",omitempty"`
	// LastMove is the clock of the task's start or of the last move of one
	// of its items, whichever is later.
	LastMove uint64 `json:",omitempty"`
}

// Has reports whether item k is one of the task's.
func (t *TaskState) Has(k ItemKey) bool {
	if k.Kind != t.Kind {
		return false
	}
	_, ok := slices.BinarySearch(t.IDs, k.ID)
	return ok
}

// ActiveTask is the batch's active task, or nil.
func (b *BatchState) ActiveTask() *TaskState {
	for i := range b.Tasks {
		if b.Tasks[i].Status == TaskActive {
			return &b.Tasks[i]
		}
	}
	return nil
}

// TaskNamed is the batch's task called name, or nil.
func (b *BatchState) TaskNamed(name string) *TaskState {
	for i := range b.Tasks {
		if b.Tasks[i].Name == name {
			return &b.Tasks[i]
		}
	}
	return nil
}

// TaskOf is the task that holds item k, or nil.
func (b *BatchState) TaskOf(k ItemKey) *TaskState {
	for i := range b.Tasks {
		if b.Tasks[i].Has(k) {
			return &b.Tasks[i]
		}
	}
	return nil
}

// withTasks copies b with its own copy of the tasks, for a change.
func (b *BatchState) withTasks() *BatchState {
	c := *b
	c.Tasks = slices.Clone(b.Tasks)
	return &c
}

// taskKeys: a task entry reads its batch and, to complete the task, the
// task's items and the checkpoint it cites.
func taskKeys(e *Entry, k *Keys) {
	if p := e.Task; p != nil {
		k.Batches = append(k.Batches, p.Batch)
		if p.Action == ActionComplete {
			k.TaskItems = true
			if p.Checkpoint != "" {
				k.Checkpoints = append(k.Checkpoints, p.Checkpoint)
			}
		}
	}
}

// taskRule is the rule of a task entry. A task starts in a started batch
// when no other task is active and it has not run yet; it completes when
// each of its items is verified, or deferred with a reason, and a
// checkpoint was recorded after its last move.
func taskRule(v *snapshot, rec *Record) (Delta, error) {
	p := rec.Entry.Task
	if p == nil {
		return Delta{}, rulef("entry %s: a task entry without its [task] table", rec.ID)
	}
	b := v.batch(p.Batch)
	if b == nil {
		return Delta{}, rulef("task %s: batch %d is not defined", p.Name, p.Batch)
	}
	t := b.TaskNamed(p.Name)
	if t == nil {
		return Delta{}, refuse(RuleError{Code: CodeTaskUndefined, Batch: b.ID, Task: p.Name}, "batch %d has no task %q", b.ID, p.Name)
	}
	c := b.withTasks()
	ct := c.TaskNamed(p.Name)
	switch p.Action {
	case ActionStart:
		if err := checkTaskStart(b, t); err != nil {
			return Delta{}, err
		}
		ct.Status, ct.StartedBy, ct.LastMove = TaskActive, rec.ID, rec.Entry.Clock
	case ActionComplete:
		if err := v.checkTaskComplete(b, t, p.Checkpoint); err != nil {
			return Delta{}, err
		}
		ct.Status, ct.CompletedBy = TaskComplete, rec.ID
	default:
		return Delta{}, rulef("entry %s: task action %q (want start or complete)", rec.ID, p.Action)
	}
	return Delta{Batches: []*BatchState{c}}, nil
}

func checkTaskStart(b *BatchState, t *TaskState) error {
	if b.Status != BatchStarted {
		return rulef("task %s cannot start: batch %d is %s, not started", t.Name, b.ID, b.Status)
	}
	if a := b.ActiveTask(); a != nil {
		return rulef("task %s cannot start: task %s of batch %d is active; one task at a time (complete it first)", t.Name, a.Name, b.ID)
	}
	if t.Status != TaskPending {
		return rulef("task %s of batch %d is already %s", t.Name, b.ID, t.Status)
	}
	return nil
}

func (v *snapshot) checkTaskComplete(b *BatchState, t *TaskState, checkpoint string) error {
	if t.Status != TaskActive {
		return rulef("task %s of batch %d is %s, not active", t.Name, b.ID, t.Status)
	}
	var open openList
	for _, id := range t.IDs {
		it := v.item(ItemKey{t.Kind, id})
		if settled(it) {
			continue
		}
		st := Status("undefined")
		if it != nil {
			st = it.Status
		}
		open.add(fmt.Sprintf("%d (%s)", id, st))
	}
	if len(open) > 0 {
		return rulef("task %s cannot complete: %s not verified or deferred: %s", t.Name, t.Kind.Plural(), open)
	}
	if checkpoint == "" {
		return rulef("task %s cannot complete: it needs a checkpoint recorded after its last move (Mandatory checkpoint between all tasks)", t.Name)
	}
	switch cp := v.checkpoint(checkpoint); {
	case cp == nil:
		return rulef("task %s: checkpoint %s is not in the ledger", t.Name, short(checkpoint))
	case cp.Baseline:
		return rulef("task %s: %s is a baseline, not a checkpoint", t.Name, short(checkpoint))
	case cp.Clock <= t.LastMove:
		return rulef("task %s cannot complete: its last move came after checkpoint %s; record a checkpoint after it (Mandatory checkpoint between all tasks)", t.Name, short(checkpoint))
	}
	return nil
}

// BuildTask makes a task start or complete entry; checkpoint is the
// checkpoint a completion relies on.
func BuildTask(batch int, name, action, checkpoint string) *Entry {
	p := &TaskPayload{Batch: batch, Name: name, Action: action}
	if action == ActionComplete {
		p.Checkpoint = checkpoint
	}
	return &Entry{Kind: KindTask, Task: p, Summary: fmt.Sprintf("batch %d task %s: %s", batch, name, action)}
}
