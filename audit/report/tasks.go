package report

import (
	"fmt"
	"io"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
)

// markdownTasks writes the report's Tasks section, when any batch has a
// plan.
func markdownTasks(w io.Writer, tasks []viewdb.Task) error {
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
