package ledger

import (
	"fmt"
	"strings"
)

// batchKeys: a batch entry reads its batch and, to start it, the batches
// it depends on; to complete it, its items.
func batchKeys(e *Entry, k *Keys) {
	k.Batches = append(k.Batches, e.Batch)
	switch e.Action {
	case ActionStart:
		k.Depends = true
	case ActionComplete:
		k.Members = append(k.Members, e.Batch)
	}
}

// batchRule is the rule of a batch entry, which starts a batch (its
// dependencies complete) or completes it (each item verified or deferred,
// each task complete).
func batchRule(v *snapshot, rec *Record) (Delta, error) {
	e := rec.Entry
	b := v.batch(e.Batch)
	if b == nil {
		return Delta{}, refuse(RuleError{Code: CodeBatchUndefined, Batch: e.Batch}, "batch %d is not defined", e.Batch)
	}
	var err error
	c := *b
	switch e.Action {
	case ActionStart:
		err = v.checkBatchStart(b)
		c.Status, c.StartClock = BatchStarted, e.Clock
	case ActionComplete:
		err = v.checkBatchComplete(b)
		c.Status = BatchComplete
	default:
		err = rulef("entry %s: batch action %q (want start or complete)", rec.ID, e.Action)
	}
	if err != nil {
		return Delta{}, err
	}
	return Delta{Batches: []*BatchState{&c}}, nil
}

// checkBatchStart demands a planned batch whose dependencies are complete.
func (v *snapshot) checkBatchStart(b *BatchState) error {
	if b.Status != BatchPlanned {
		return rulef("batch %d is already %s", b.ID, b.Status)
	}
	var open []string
	for _, d := range b.Depends {
		if db := v.batch(d); db == nil || db.Status != BatchComplete {
			st := "undefined"
			if db != nil {
				st = string(db.Status)
			}
			open = append(open, fmt.Sprintf("%d (%s)", d, st))
		}
	}
	if len(open) > 0 {
		return refuse(RuleError{Code: CodeBatchDependsOpen, Batch: b.ID}, "batch %d cannot start: it depends on batch %s, not complete", b.ID, strings.Join(open, ", "))
	}
	return nil
}

// checkBatchComplete demands a started batch whose items are each verified
// or deferred with a reason, and whose tasks are complete.
func (v *snapshot) checkBatchComplete(b *BatchState) error {
	if b.Status != BatchStarted {
		return rulef("batch %d is %s; only a started batch can complete", b.ID, b.Status)
	}
	var open openList
	for _, k := range v.batchItems(b.ID) {
		if it := v.item(k); it != nil && !settled(it) {
			open.add(fmt.Sprintf("%s (%s)", k, it.Status))
		}
	}
	if len(open) > 0 {
		return rulef("batch %d cannot complete: not verified or deferred: %s", b.ID, open)
	}
	for _, t := range b.Tasks {
		if t.Status != TaskComplete {
			return refuse(RuleError{Code: CodeTaskOpen, Batch: b.ID, Task: t.Name}, "batch %d cannot complete: task %s is %s", b.ID, t.Name, t.Status)
		}
	}
	return nil
}

// settled reports whether item it is done with: verified, or deferred with
// a reason.
func settled(it *ItemState) bool {
	return it != nil && (it.Status == Verified || (it.Status == Deferred && it.Reason != ""))
}

// openList lists the first five of what is still open, then "…".
type openList []string

func (l *openList) add(s string) {
	if len(*l) < 5 {
		*l = append(*l, s)
	} else if len(*l) == 5 {
		*l = append(*l, "…")
	}
}

func (l openList) String() string { return strings.Join(l, ", ") }

// BuildBatch makes a batch start or complete entry.
func BuildBatch(id int, action string) *Entry {
	return &Entry{Kind: KindBatch, Batch: id, Action: action, Summary: fmt.Sprintf("batch %d: %s", id, action)}
}
