package viewdb

import (
	"fmt"
	"slices"

	"github.com/porttracker/porttracker/ledger"
)

// Snapshot is the part of the view that a rebuild must reproduce: its
// head, and its items, batches and tasks as text.
type Snapshot struct {
	// Head is the ledger head the view was at.
	Head string
	// Items are the items, batches and tasks, each as text by name.
	Items map[string]string
}

// Snapshot reads the view's Snapshot.
func (v *View) Snapshot() (*Snapshot, error) {
	if err := v.vouch("features", "tests", "batches", "tasks"); err != nil {
		return nil, err
	}
	h, err := v.meta("head")
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Head: h, Items: map[string]string{}}
	for _, k := range []ledger.Kind{ledger.Feature, ledger.Test} {
		rows, err := v.db.Query(`SELECT id, status, coalesce(batch_id, 0), conflict FROM ` + k.Plural())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, batch int
			var status string
			var conflict bool
			if err := rows.Scan(&id, &status, &batch, &conflict); err != nil {
				rows.Close()
				return nil, err
			}
			s.Items[fmt.Sprintf("%s %d", k, id)] = fmt.Sprintf("%s batch %d conflict %v", status, batch, conflict)
		}
		rows.Close()
	}
	rows, err := v.db.Query(`SELECT id, status FROM batches`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var status string
		if err := rows.Scan(&id, &status); err != nil {
			return nil, err
		}
		s.Items[fmt.Sprintf("batch %d", id)] = status
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return s, v.snapshotTasks(s)
}

// snapshotTasks adds the tasks of every plan to s.
func (v *View) snapshotTasks(s *Snapshot) error {
	rows, err := v.db.Query(`SELECT batch_id, position, name, status, ids, started_entry, completed_entry, last_move_clock FROM tasks`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var batch, pos int
		var clock int64
		var name, status, ids, started, completed string
		if err := rows.Scan(&batch, &pos, &name, &status, &ids, &started, &completed, &clock); err != nil {
			return err
		}
		s.Items[fmt.Sprintf("batch %d task %s", batch, name)] = fmt.Sprintf("#%d %s ids %s started %s completed %s last move %d", pos, status, ids, started, completed, clock)
	}
	return rows.Err()
}

// Diff lists, sorted, how b differs from a (what a held, what b gives).
func (a *Snapshot) Diff(b *Snapshot) []string {
	var out []string
	for k, va := range a.Items {
		if vb, ok := b.Items[k]; !ok || va != vb {
			out = append(out, fmt.Sprintf("%s: the view held %q, the replay gives %q", k, va, vb))
		}
	}
	for k, vb := range b.Items {
		if _, ok := a.Items[k]; !ok {
			out = append(out, fmt.Sprintf("%s: missing from the view, the replay gives %q", k, vb))
		}
	}
	slices.Sort(out)
	return out
}
