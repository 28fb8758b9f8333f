package viewdb_test

import (
	"reflect"
	"testing"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/ledger"
)

// TestTasksAcrossMerges: two clones move items of the active task at the
// same time and merge each other's ledgers in opposite orders; the task
// rows of each incremental view equal a full rebuild's, and the clones
// agree.
func TestTasksAcrossMerges(t *testing.T) {
	a := viewtest.New(t)
	var feats []ledger.ItemDef
	for id := 1; id <= 6; id++ {
		feats = append(feats, ledger.ItemDef{ID: id})
	}
	a.Inventory(feats, nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-6"}})
	a.Batch(1, ledger.ActionStart)
	a.Append(func(*ledger.State) (*ledger.Entry, error) {
		return ledger.BuildPlan(&ledger.PlanPayload{Batch: 1, MaxTaskFeatures: 20, Tasks: []ledger.PlanTask{
			{Name: "A", Kind: ledger.Feature, Count: 3, IDs: "1-3", Title: "first"},
			{Name: "B", Kind: ledger.Feature, Count: 3, IDs: "4-6"},
		}}), nil
	})
	a.Append(func(*ledger.State) (*ledger.Entry, error) {
		return ledger.BuildTask(1, "A", ledger.ActionStart, ""), nil
	})
	b := clone(t, a, "bob@example.com")

	a.Move(ledger.Feature, "1", ledger.Stub, "", "")
	b.Move(ledger.Feature, "2", ledger.Stub, "", "")
	b.Move(ledger.Feature, "3", ledger.Deferred, "blocked: bob", "")
	pull(t, a, b)
	pull(t, b, a)
	a.Move(ledger.Feature, "1", ledger.Deferred, "blocked: a", "")
	b.Move(ledger.Feature, "2", ledger.Deferred, "blocked: b", "")
	pull(t, b, a)
	pull(t, a, b)
	cp := a.Checkpoint()
	a.Append(func(*ledger.State) (*ledger.Entry, error) {
		return ledger.BuildTask(1, "A", ledger.ActionComplete, cp), nil
	})
	pull(t, b, a)

	for name, f := range map[string]*viewtest.Fixture{"a": a, "b": b} {
		got, err := f.V.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if want := rebuilt(t, f); !reflect.DeepEqual(got.Items, want.Items) {
			t.Errorf("clone %s: incremental view differs from a rebuild:\n%v", name, got.Diff(want))
		}
		tasks, err := f.V.Tasks(1)
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) != 2 || tasks[0].Status != ledger.TaskComplete || tasks[0].Items[ledger.Deferred] != 3 || tasks[1].Status != ledger.TaskPending {
			t.Fatalf("clone %s: tasks %+v", name, tasks)
		}
	}
	res, err := audit.Audit(a.V, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) > 0 {
		t.Fatalf("audit: %v", res.Findings)
	}
}
