package ledger

import (
	"fmt"
	"strings"
)

// batch is the rule of a batch entry, which starts a batch (its
// dependencies complete) or completes it (each item verified or deferred).
func (s *State) batch(rec *Record) (func() error, error) {
	e := rec.Entry
	b, err := s.Batch(e.Batch)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, refuse(RuleError{Code: CodeBatchUndefined, Batch: e.Batch}, "batch %d is not defined", e.Batch)
	}
	switch e.Action {
	case ActionStart:
		if b.Status != BatchPlanned {
			return nil, rulef("batch %d is already %s", b.ID, b.Status)
		}
		var open []string
		for _, d := range b.Depends {
			db, err := s.Batch(d)
			if err != nil {
				return nil, err
			}
			if db == nil || db.Status != BatchComplete {
				st := "undefined"
				if db != nil {
					st = string(db.Status)
				}
				open = append(open, fmt.Sprintf("%d (%s)", d, st))
			}
		}
		if len(open) > 0 {
			return nil, refuse(RuleError{Code: CodeBatchDependsOpen, Batch: b.ID}, "batch %d cannot start: it depends on batch %s, not complete", b.ID, strings.Join(open, ", "))
		}
		return func() error {
			c := *b
			c.Status = BatchStarted
			c.StartClock = e.Clock
			s.putBatch(&c)
			return nil
		}, nil
	case ActionComplete:
		if b.Status != BatchStarted {
			return nil, rulef("batch %d is %s; only a started batch can complete", b.ID, b.Status)
		}
		keys, err := s.BatchItems(b.ID)
		if err != nil {
			return nil, err
		}
		var open []string
		for _, k := range keys {
			it, err := s.Item(k)
			if err != nil {
				return nil, err
			}
			if it.Status == Verified || (it.Status == Deferred && it.Reason != "") {
				continue
			}
			if len(open) < 5 {
				open = append(open, fmt.Sprintf("%s (%s)", k, it.Status))
			} else if len(open) == 5 {
				open = append(open, "…")
			}
		}
		if len(open) > 0 {
			return nil, rulef("batch %d cannot complete: not verified or deferred: %s", b.ID, strings.Join(open, ", "))
		}
		for _, t := range b.Tasks {
			if t.Status != TaskComplete {
				return nil, refuse(RuleError{Code: CodeTaskOpen, Batch: b.ID, Task: t.Name}, "batch %d cannot complete: task %s is %s", b.ID, t.Name, t.Status)
			}
		}
		return func() error {
			c := *b
			c.Status = BatchComplete
			s.putBatch(&c)
			return nil
		}, nil
	}
	return nil, rulef("entry %s: batch action %q (want start or complete)", rec.ID, e.Action)
}

// BuildBatch makes a batch start or complete entry.
func BuildBatch(id int, action string) *Entry {
	return &Entry{Kind: KindBatch, Batch: id, Action: action, Summary: fmt.Sprintf("batch %d: %s", id, action)}
}
