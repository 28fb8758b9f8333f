package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/ledger"
)

// seedPlan reads shared/reference/seed-plan.md in place, found by walking
// up from the module root; the test fails without it under CI.
func seedPlan(t *testing.T) []byte {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "shared", "reference", "seed-plan.md"))
		if err == nil {
			return data
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CI") != "" {
		t.Fatal("shared/reference/seed-plan.md not found above the module root")
	}
	t.Skip("shared/reference/seed-plan.md not found above the module root")
	return nil
}

func TestParseSeedPlan(t *testing.T) {
	p, err := Parse("seed-plan.md", seedPlan(t))
	if err != nil {
		t.Fatal(err)
	}
	if p.Batch != 34 || p.Name != "JS Cluster Consumers" || len(p.Depends) != 1 || p.Depends[0] != 33 {
		t.Fatalf("scope: batch %d %q depends %v", p.Batch, p.Name, p.Depends)
	}
	if p.FeatureCount != 58 || len(p.FeatureIDs) != 58 || p.FeatureIDs[0] != 1636 || p.TestCount != 160 {
		t.Fatalf("scope: %d features %v, %d tests", p.FeatureCount, p.FeatureIDs, p.TestCount)
	}
	want := []struct {
		name  string
		kind  ledger.Kind
		count int
		first int
	}{
		{"A", ledger.Feature, 20, 1636}, {"B", ledger.Feature, 20, 1656}, {"C", ledger.Feature, 18, 1676},
		{"T1", ledger.Test, 37, 757}, {"T2", ledger.Test, 39, 271}, {"T3", ledger.Test, 33, 103},
		{"T4", ledger.Test, 32, 655}, {"T5", ledger.Test, 19, 342},
	}
	if len(p.Tasks) != len(want) {
		t.Fatalf("%d tasks, want %d", len(p.Tasks), len(want))
	}
	for i, w := range want {
		got := p.Tasks[i]
		if got.Name != w.name || got.Kind != w.kind || len(got.IDs) != w.count || got.IDs[0] != w.first {
			t.Errorf("task %d: %s %s %d IDs from %d; want %s %s %d from %d", i, got.Name, got.Kind, len(got.IDs), got.IDs[0], w.name, w.kind, w.count, w.first)
		}
	}
	if !strings.HasPrefix(p.Tasks[0].Title, "consumer assignment") {
		t.Errorf("group A title %q", p.Tasks[0].Title)
	}
	pl := p.Payload("seed-plan.md", 20)
	if pl.Batch != 34 || len(pl.Tasks) != 8 || pl.Tasks[2].IDs != "1676-1693" || pl.Tasks[2].Count != 18 {
		t.Fatalf("payload %+v", pl.Tasks[2])
	}
}

const small = "# Batch 2 plan\n\n## Batch 2 Scope\n- Batch ID: `2`\n- Name: `Helpers`\n- Dependency: `1`\n" +
	"- Features: `3` (`10-12`)\n- Tests: `2` (IDs listed below)\n\n## Feature Groups\n\n" +
	"### Group A (2): first\n\nIDs: `10,11`\n\n### Group B (1): second\n\nIDs: `12`\n\n## Test Waves\n\n" +
	"### Wave T1 (2): all tests\n\nIDs: `5,6` ---\n\n### Task 1: Preflight\n"

func TestParse(t *testing.T) {
	p, err := Parse("p.md", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tasks) != 3 || p.Tasks[2].Name != "T1" || p.Tasks[2].Kind != ledger.Test || len(p.Tasks[2].IDs) != 2 {
		t.Fatalf("tasks %+v", p.Tasks)
	}
	none, err := Parse("p.md", []byte(strings.Replace(small, "Dependency: `1`", "Dependency: `none`", 1)))
	if err != nil || len(none.Depends) != 0 {
		t.Fatalf("dependency none: %v %v", none, err)
	}
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"group count", "Group A (2)", "Group A (3)", "group A states 3 IDs but lists 2: 10-11"},
		{"wave count", "Wave T1 (2)", "Wave T1 (4)", "wave T1 states 4 IDs but lists 2"},
		{"ID twice in a line", "IDs: `10,11`", "IDs: `10,10`", "ID 10 is listed twice"},
		{"ID in two groups", "IDs: `12`", "IDs: `11`", "group B lists features 11, already in another task"},
		{"features count", "Features: `3`", "Features: `4`", "the scope states 4 features but its range holds 3"},
		{"tests count", "Tests: `2`", "Tests: `3`", "the scope states 3 tests but the waves list 2"},
		{"no IDs line", "IDs: `12`", "", "group B has no IDs: line"},
		{"no batch", "- Batch ID: `2`\n", "", "the scope has no Batch ID line"},
		{"no range", " (`10-12`)", "", "Features states no ID range"},
		{"bad batch", "Batch ID: `2`", "Batch ID: `two`", `scope Batch ID: "two" is not a positive whole number`},
		{"two names", "Group B (1)", "Group A (1)", "a second task named A"},
		{"bad ID", "IDs: `12`", "IDs: `x`", "group B: ID list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("p.md", []byte(strings.Replace(small, tc.from, tc.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// FuzzParse holds the parser to its contract on any input: no panic, and
// a plan it accepts agrees with itself.
func FuzzParse(f *testing.F) {
	f.Add([]byte(small))
	f.Add([]byte("## Batch 1 Scope\n- Batch ID: `1`\n- Name: `x`\n- Dependency: `none`\n- Features: `0` (`1`)\n- Tests: `0`\n"))
	f.Add([]byte("### Group A (1): x\nIDs: `1-3`\n### Wave T1 (0):\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.md", data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("a multi-line error: %q", err)
			}
			return
		}
		tests := 0
		for _, task := range p.Tasks {
			if len(task.IDs) != task.Count {
				t.Fatalf("task %s: count %d, %d IDs", task.Name, task.Count, len(task.IDs))
			}
			if task.Kind == ledger.Test {
				tests += len(task.IDs)
			}
		}
		if tests != p.TestCount || len(p.FeatureIDs) != p.FeatureCount || p.Batch <= 0 {
			t.Fatalf("accepted a plan that disagrees with itself: %+v", p)
		}
		pl := p.Payload("fuzz.md", 20)
		for i, task := range pl.Tasks {
			if len(p.Tasks[i].IDs) > 0 {
				if _, err := ledger.ParseIDs(task.IDs); err != nil {
					t.Fatalf("payload IDs %q do not parse: %v", task.IDs, err)
				}
			}
		}
	})
}
