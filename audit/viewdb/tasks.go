package viewdb

import (
	"database/sql"
	"fmt"

	"github.com/porttracker/porttracker/ledger"
)

// putTaskRows replaces the task rows of batch id with tasks, in order.
func putTaskRows(tx *sql.Tx, id int, tasks []ledger.TaskState) error {
	for _, q := range []string{`DELETE FROM tasks WHERE batch_id = ?`, `DELETE FROM task_items WHERE batch_id = ?`} {
		if _, err := tx.Exec(q, id); err != nil {
			return err
		}
	}
	for i, t := range tasks {
		if _, err := tx.Exec(`INSERT INTO tasks(batch_id, position, name, kind, title, status, ids, started_entry, completed_entry, last_move_clock)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, id, i, t.Name, string(t.Kind), t.Title, string(t.Status), ledger.FormatIDs(t.IDs),
			t.StartedBy, t.CompletedBy, int64(t.LastMove)); err != nil {
			return fmt.Errorf("write task %s of batch %d: %w", t.Name, id, err)
		}
		for _, item := range t.IDs {
			if _, err := tx.Exec(`INSERT OR REPLACE INTO task_items(item_kind, item_id, batch_id, task) VALUES (?,?,?,?)`, string(t.Kind), item, id, t.Name); err != nil {
				return err
			}
		}
	}
	return nil
}
