package viewdb_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
)

// TestChecksBeforeDecision edits one row of the view the way sqlite3
// would (from a connection of its own), then loads what a decision rests on through a viewdb.View opened afresh
// (a new command): the load must notice the disagreement, rebuild the view
// and return the ledger's truth; an untouched view loads without notice.
func TestChecksBeforeDecision(t *testing.T) {
	f := viewtest.New(t)
	f.Inventory([]ledger.ItemDef{
		{ID: 1, Mapping: ledger.Mapping{SourceFile: "a.go", SourceSymbol: "A", TestFilter: "ATests"}},
		{ID: 2, Mapping: ledger.Mapping{SourceFile: "a.go", SourceSymbol: "B"}},
		{ID: 3, Mapping: ledger.Mapping{SourceFile: "a.go", SourceSymbol: "C"}},
	}, nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-2"}, {ID: 2, Name: "two", Depends: []int{1}, Features: "3"}})
	f.Batch(1, ledger.ActionStart)
	f.Move(ledger.Feature, "2", ledger.Stub, "", "")
	// Feature 2 remapped after its move.
	f.Inventory([]ledger.ItemDef{{ID: 2, Mapping: ledger.Mapping{SourceFile: "a.go", SourceSymbol: "B", TargetFile: "b.cs"}}}, nil, nil)
	// Batch 2 gets a plan of one task.
	f.Append(func(*ledger.State) (*ledger.Entry, error) {
		return ledger.BuildPlan(&ledger.PlanPayload{Batch: 2, Depends: []int{1}, MaxTaskFeatures: 20,
			Tasks: []ledger.PlanTask{{Name: "A", Kind: ledger.Feature, Count: 1, IDs: "3"}}}), nil
	})
	feature := func(id int) ledger.ItemKey { return ledger.ItemKey{Kind: ledger.Feature, ID: id} }
	item := func(id int, want func(*ledger.ItemState) bool) func(*viewdb.View) error {
		return func(v *viewdb.View) error {
			it, err := v.LoadItem(feature(id))
			if err == nil && !want(it) {
				err = errors.New("loaded a row the ledger does not bear out")
			}
			return err
		}
	}
	bulk := func(v *viewdb.View) error {
		its, err := v.LoadItems(ledger.Feature, []int{1, 2, 3})
		if err == nil && len(its) != 3 {
			err = errors.New("LoadItems lost an item")
		}
		for _, it := range its {
			if err == nil && it.Key.ID == 2 && it.Status != ledger.Stub {
				err = errors.New("LoadItems loaded feature 2 as " + string(it.Status))
			}
		}
		return err
	}
	members := func(v *viewdb.View) error {
		// As batch complete reads them: the candidates, each loaded.
		keys, err := ledger.NewState(v).BatchItems(1)
		if err == nil && len(keys) != 2 {
			err = errors.New("batch 1 lost a member")
		}
		return err
	}
	batch := func(v *viewdb.View) error {
		b, err := v.LoadBatch(2)
		if err == nil && (len(b.Depends) != 1 || b.Name != "two") {
			err = errors.New("loaded batch 2 as the view was edited")
		}
		return err
	}
	tasks := func(v *viewdb.View) error {
		b, err := v.LoadBatch(2)
		if err == nil && (b.Plan == "" || len(b.Tasks) != 1 || b.Tasks[0].Status != ledger.TaskPending || !slices.Equal(b.Tasks[0].IDs, []int{3})) {
			err = fmt.Errorf("loaded batch 2's tasks as the view was edited: %+v", b.Tasks)
		}
		return err
	}
	for _, tc := range []struct {
		name, edit, notice string
		load               func(*viewdb.View) error
	}{
		{"untouched", "", "", item(2, func(it *ledger.ItemState) bool { return it.Status == ledger.Stub })},
		{"depends erased", `UPDATE batches SET depends = '' WHERE id = 2`, "batch 2: the view's rows are not", batch},
		{"batch renamed", `UPDATE batches SET name = 'other' WHERE id = 2`, "batch 2: the view's rows are not", batch},
		{"planned batch started", `UPDATE batches SET status = 'planned' WHERE id = 1`, "batch 1: the view's rows are not the ones porttracker wrote", func(v *viewdb.View) error {
			b, err := v.LoadBatch(1)
			if err == nil && b.Status != ledger.BatchStarted {
				err = errors.New("batch 1 loaded as planned")
			}
			return err
		}},
		{"moved to another batch", `UPDATE features SET batch_id = 1 WHERE id = 3`, "feature 3: the view's rows are not", item(3, func(it *ledger.ItemState) bool { return it.Batch == 2 })},
		{"taken out of its batch", `UPDATE features SET batch_id = NULL, batch_entry = '' WHERE id = 1`, "the features of batch 1: the view's rows are not", members},
		{"row deleted", `DELETE FROM features WHERE id = 1`, "feature 1: the view's rows are not", item(1, func(it *ledger.ItemState) bool { return it != nil })},
		{"filter changed", `UPDATE features SET test_filter = 'Other' WHERE id = 1`, "feature 1: the view's rows are not", item(1, func(it *ledger.ItemState) bool { return it.TestFilter == "ATests" })},
		{"mapping of an older entry", `UPDATE features SET target_file = '', def_entry = (SELECT id FROM entries WHERE kind = 'inventory' ORDER BY clock LIMIT 1) WHERE id = 2`,
			"feature 2: the view's rows are not", item(2, func(it *ledger.ItemState) bool { return it.TargetFile == "b.cs" })},
		{"never moved, citing the later remap", `UPDATE features SET status = 'not_started', heads = '[]' WHERE id = 2`, "feature 2: the view's rows are not", item(2, func(it *ledger.ItemState) bool { return it.Status == ledger.Stub })},
		{"task completed", `UPDATE tasks SET status = 'complete' WHERE batch_id = 2`, "batch 2: task A is complete in the view", tasks},
		{"task IDs changed", `UPDATE tasks SET ids = '1,3' WHERE batch_id = 2`, "batch 2: its tasks in the view are not what plan entry", tasks},
		{"plan uncited", `UPDATE batches SET plan_entry = '' WHERE id = 2`, "batch 2 has tasks in the view, but cites no plan entry", tasks},
		{"tasks deleted", `UPDATE batches SET plan_entry = '' WHERE id = 2; DELETE FROM tasks WHERE batch_id = 2`, "batch 2: the view's rows are not", tasks},
		{"red run forged", `UPDATE features SET red_entry = (SELECT id FROM entries WHERE kind = 'inventory' LIMIT 1), red_commit = 'abc' WHERE id = 2`,
			"feature 2: entry", item(2, func(it *ledger.ItemState) bool { return it.RedEntry == "" })},
		{"task clock moved", `UPDATE tasks SET last_move_clock = 999 WHERE batch_id = 2`, "the tasks of batch 2: the view's rows are not", func(v *viewdb.View) error {
			b, err := v.LoadBatch(2)
			if err == nil && b.Tasks[0].LastMove == 999 {
				err = errors.New("loaded batch 2's task with the clock the view was given")
			}
			return err
		}},
		{"bulk load", `UPDATE features SET status = 'not_started', heads = '[]' WHERE id = 2`, "the rows of features 1..3: the view's rows are not", bulk},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.edit != "" {
				viewtest.EditOutside(t, f.V.Path, tc.edit)
			}
			v, seen := f.Reopen(t)
			if err := tc.load(v); err != nil {
				t.Fatal(err)
			}
			notices := *seen
			switch {
			case tc.notice == "" && len(notices) > 0:
				t.Fatalf("an untouched view was rebuilt: %v", notices)
			case tc.notice != "" && (len(notices) != 1 || !strings.Contains(notices[0], tc.notice)):
				t.Fatalf("notices %q, want one saying %q", notices, tc.notice)
			}
		})
	}
}
