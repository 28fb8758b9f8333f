package audit

import (
	"fmt"
	"io"

	"github.com/porttracker/porttracker/ledger"
)

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

// markdownTasks writes the report's Tasks section, when any batch has a
// plan.
func markdownTasks(w io.Writer, tasks []Task) error {
	if len(tasks) == 0 {
		return nil
	}
	if _, err := fmt.Fprintf(w, "## Tasks\n\n| Batch | # | Task | Kind | IDs | Status | Verified | Deferred | Open | Title |\n| ---: | ---: | :--- | :--- | ---: | :--- | ---: | ---: | ---: | :--- |\n"); err != nil {
		return err
	}
	for _, t := range tasks {
		verified, deferred := t.Items[ledger.Verified], t.Items[ledger.Deferred]
		open := len(t.IDs) - verified - deferred
		if _, err := fmt.Fprintf(w, "| %d | %d | %s | %s | %d | %s | %d | %d | %d | %s |\n", t.Batch, t.Order, mdText(t.Name), t.Kind.Plural(),
			len(t.IDs), t.Status, verified, deferred, open, mdText(t.Title)); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "\n")
	return err
}
