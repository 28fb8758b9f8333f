package viewdb

import (
	"fmt"

	"github.com/porttracker/porttracker/ledger"
)

// Task is one task of a batch's plan as task list and show print it.
type Task struct {
	Batch int `json:"batch_id"`
	// Order is the task's place in the plan, from 1.
	Order          int               `json:"order"`
	Name           string            `json:"name"`
	Kind           ledger.Kind       `json:"kind"`
	Title          string            `json:"title,omitempty"`
	IDs            []int             `json:"ids"`
	Status         ledger.TaskStatus `json:"status"`
	StartedEntry   string            `json:"started_entry,omitempty"`
	CompletedEntry string            `json:"completed_entry,omitempty"`
	Items          StatusCounts      `json:"items"`
	LastMoveClock  uint64            `json:"last_move_clock,omitempty"`
	PlanEntry      string            `json:"plan_entry"`
}

// Tasks returns the tasks of batch id, in the plan's order, with their
// items counted by status; none for a batch without a plan.
func (v *View) Tasks(id int) ([]Task, error) {
	b, err := v.LoadBatch(id)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("batch %d: %w", id, ErrNotFound)
	}
	status := map[ledger.ItemKey]ledger.Status{}
	for _, k := range []ledger.Kind{ledger.Feature, ledger.Test} {
		items, err := v.List(k, ListFilter{Batch: id})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			status[ledger.ItemKey{Kind: k, ID: it.ID}] = it.Status
		}
	}
	out := []Task{}
	for i, t := range b.Tasks {
		row := Task{Batch: id, Order: i + 1, Name: t.Name, Kind: t.Kind, Title: t.Title, IDs: t.IDs, Status: t.Status,
			StartedEntry: t.StartedBy, CompletedEntry: t.CompletedBy, Items: zeroCounts(), LastMoveClock: t.LastMove,
			PlanEntry: b.Plan}
		for _, n := range t.IDs {
			row.Items[status[ledger.ItemKey{Kind: t.Kind, ID: n}]]++
		}
		out = append(out, row)
	}
	return out, nil
}

// reportTasks lists the tasks of every batch with a plan, by batch and then
// in each plan's order.
func (v *View) reportTasks() ([]Task, error) {
	rows, err := v.db.Query(`SELECT DISTINCT batch_id FROM tasks ORDER BY batch_id`)
	if err != nil {
		return nil, err
	}
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []Task{}
	for _, id := range ids {
		ts, err := v.Tasks(id)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}
