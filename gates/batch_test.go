package gates

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

// manyRepo commits a Go module with n functions F1..Fn, each with its test
// TestF1..TestFn; the functions named in broken return a wrong result. The
// test command appends a line to a log outside the repository for each
// invocation, which runs returns.
func manyRepo(t testing.TB, n int, broken ...int) (r *Runner, targets []Target, runs func() int) {
	t.Helper()
	files := map[string]string{"go.mod": tinyMod}
	var code, tests strings.Builder
	code.WriteString("package tiny\n")
	tests.WriteString("package tiny\n\nimport \"testing\"\n")
	for i := 1; i <= n; i++ {
		op := "+"
		if slices.Contains(broken, i) {
			op = "-"
		}
		fmt.Fprintf(&code, "\n// F%d adds %d.\nfunc F%d(x int) int {\n\treturn x %s %d\n}\n", i, i, i, op, i)
		fmt.Fprintf(&tests, "\nfunc TestF%d(t *testing.T) {\n\tif got := F%d(1); got != 1+%d {\n\t\tt.Errorf(\"F%d(1) = %%d, want %d\", got)\n\t}\n}\n", i, i, i, i, 1+i)
		targets = append(targets, Target{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: i}, File: "tiny.go", Symbol: fmt.Sprintf("F%d", i), Filter: fmt.Sprintf("TestF%d", i)})
	}
	files["tiny.go"], files["tiny_test.go"] = code.String(), tests.String()
	dir := newRepo(t, files)
	log := filepath.Join(t.TempDir(), "runs.log")
	cfg := config.Default()
	cfg.Gates = config.Gates{
		Build:      "go build ./...",
		Test:       "echo run >> '" + log + "'; go test -run '^{filter}$' -json ./...",
		FullTest:   "go test -json ./...",
		TestOutput: "go",
		Timeout:    "5m",
	}
	runs = func() int {
		b, err := os.ReadFile(log)
		if err != nil {
			return 0
		}
		return strings.Count(string(b), "run\n")
	}
	return &Runner{Config: cfg, RepoDir: dir}, targets, runs
}

func TestPromoteOneRunForAllItems(t *testing.T) {
	r, targets, runs := manyRepo(t, 3)
	ev, err := r.Promote(context.Background(), targets)
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Passed() {
		t.Fatalf("Promote failed: %+v", ev.Gates)
	}
	if n := runs(); n != 1 {
		t.Errorf("the focused tests ran in %d invocations, want 1", n)
	}
	var got [][]string
	for _, g := range ev.Gates {
		if g.Name != GateTest {
			continue
		}
		if g.Combined != "(TestF1|TestF2|TestF3)" || g.Passed != 1 || g.Failed != 0 || !g.OK {
			t.Errorf("item gate %+v", g)
		}
		got = append(got, append([]string{g.Filter}, g.Tests...))
	}
	want := [][]string{{"TestF1", "passed TestF1"}, {"TestF2", "passed TestF2"}, {"TestF3", "passed TestF3"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("per-item tests %q, want %q", got, want)
	}
}

func TestPromoteBatchFailureNamesItemsAndTests(t *testing.T) {
	r, targets, runs := manyRepo(t, 4, 3)
	ev, err := r.Promote(context.Background(), targets)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Passed() || runs() != 1 {
		t.Fatalf("Promote passed %v in %d runs, want a failure in one run", ev.Passed(), runs())
	}
	d := DescribeFailure(ev.Gates, targets)
	if d != "feature 3 (filter TestF3): failed TestF3: tiny_test.go:19: F3(1) = -2, want 4" {
		t.Errorf("DescribeFailure = %q", d)
	}
	for _, g := range ev.Gates {
		if g.Name == GateTest && g.OK == (g.Filter == "TestF3") {
			t.Errorf("gate of %s: OK %v", g.Filter, g.OK)
		}
	}
}

func TestFocusedTestsFallBackWithoutPerTestResults(t *testing.T) {
	r, _, _ := manyRepo(t, 1)
	log := filepath.Join(t.TempDir(), "runs.log")
	r.Config.Gates.TestOutput = FormatDotnet
	r.Config.Gates.Test = "echo \"{filter}\" >> '" + log + "'; echo 'Passed!  - Failed: 0, Passed: 1, Skipped: 0, Total: 1, Duration: 1 ms - A.dll (net10.0)'"
	gs, err := r.FocusedTests(context.Background(), r.RepoDir, []string{"A", "B"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != "A|FullyQualifiedName~B\nA\nB\n" {
		t.Errorf("runs with filters %q, want the combined run, then one per item", got)
	}
	if len(gs) != 2 || gs[0].Filter != "A" || gs[1].Filter != "B" || !gs[0].OK || !gs[1].OK || gs[0].Combined != "" {
		t.Errorf("gates %+v", gs)
	}
}

func TestCombinedFilterConfigurable(t *testing.T) {
	r := &Runner{}
	r.Config.Gates.TestOutput = FormatGo
	if got := r.CombinedFilter([]string{"TestA", "TestB"}); got != "(TestA|TestB)" {
		t.Errorf("go: %q", got)
	}
	r.Config.Gates.TestOutput = FormatDotnet
	if got := r.CombinedFilter([]string{"A", "B"}); got != "A|FullyQualifiedName~B" {
		t.Errorf("dotnet: %q", got)
	}
	r.Config.Gates.FilterJoin = " | "
	if got := r.CombinedFilter([]string{"Name=A", "Name=B"}); got != "Name=A | Name=B" {
		t.Errorf("configured: %q", got)
	}
}

func TestTestsOf(t *testing.T) {
	tests := []TestResult{{Name: "Demo.Tests.CalcTests.Adds"}, {Name: "Demo.Tests.StackTests.Pops"}, {Name: "TestPop/empty"}, {Name: "TestPopAll"}}
	r := &Runner{}
	r.Config.Gates.TestOutput = FormatDotnet
	if got := r.testsOf("calctests", tests); len(got) != 1 || got[0].Name != "Demo.Tests.CalcTests.Adds" {
		t.Errorf("dotnet: %v", got)
	}
	r.Config.Gates.TestOutput = FormatGo
	if got := r.testsOf("TestPop", tests); len(got) != 1 || got[0].Name != "TestPop/empty" {
		t.Errorf("go: %v", got)
	}
	if got := r.testsOf("TestPop(", tests); got != nil {
		t.Errorf("a filter that is no regexp matched %v", got)
	}
}

func TestParseTRX(t *testing.T) {
	tests := []struct {
		file string
		want []TestResult
	}{
		{"vstest.trx", []TestResult{
			{Name: "Demo.Tests.CalcTests.Adds", Outcome: OutcomePassed},
			{Name: "Demo.Tests.CalcTests.Divides", Outcome: OutcomeFailed, Message: "System.DivideByZeroException : Attempted to divide by zero."},
			{Name: "Demo.Tests.StackTests.Overflows", Outcome: OutcomeSkipped},
		}},
		{"mtp.trx", []TestResult{
			{Name: "Json.Tests.ReaderTests.ParsesEmpty", Outcome: OutcomePassed},
			{Name: "Json.Tests.ReaderTests.ParsesNested", Outcome: OutcomeFailed, Message: "Assert.Equal() Failure: Values differ\nExpected: 3\nActual:   2"},
		}},
	}
	for _, tt := range tests {
		f, err := os.Open(filepath.Join("testdata", "trx", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseTRX(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.file, got, tt.want)
		}
	}
}

func TestExecuteReadsTRXFromResults(t *testing.T) {
	trx, err := filepath.Abs(filepath.Join("testdata", "trx", "vstest.trx"))
	if err != nil {
		t.Fatal(err)
	}
	c := Command{Name: GateTest, Format: FormatDotnet, Dir: t.TempDir(),
		Command: "mkdir -p {results}/sub && cp '" + trx + "' {results}/sub/run.trx; echo 'Test Run Failed.'"}
	o, err := Execute(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Report.Tests) != 3 || o.Result.Passed != 1 || o.Result.Failed != 1 || o.Result.Skipped != 1 || !o.Result.Parsed || o.Result.OK {
		t.Errorf("outcome %+v, tests %v", o.Result, o.Report.Tests)
	}
}

func FuzzParseTRX(f *testing.F) {
	for _, name := range []string{"vstest.trx", "mtp.trx"} {
		b, err := os.ReadFile(filepath.Join("testdata", "trx", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("<TestRun><Results><UnitTestResult testName=\"\" outcome=\"Failed\"/></Results></TestRun>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tests, err := ParseTRX(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		checkFuzzedReport(t, Report{Tests: tests, Counts: countTests(tests)})
	})
}

// BenchmarkFocusedTests compares the focused test gate of one item with
// that of 15 items in one invocation (what Promote does) and with 15
// invocations (the fallback), on a real Go module with go test.
func BenchmarkFocusedTests(b *testing.B) {
	r, targets, _ := manyRepo(b, 15)
	ctx := context.Background()
	filters := func(ts []Target) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Filter)
		}
		return out
	}
	// Warm the build cache, as a porting day's first run does.
	if _, err := r.FocusedTests(ctx, r.RepoDir, filters(targets[:1])); err != nil {
		b.Fatal(err)
	}
	b.Run("1-item", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.FocusedTests(ctx, r.RepoDir, filters(targets[:1])); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("15-items-one-run", func(b *testing.B) {
		for b.Loop() {
			gs, err := r.FocusedTests(ctx, r.RepoDir, filters(targets))
			if err != nil || len(gs) != 15 || gs[14].Combined == "" {
				b.Fatalf("%v %d gates", err, len(gs))
			}
		}
	})
	b.Run("15-items-one-run-each", func(b *testing.B) {
		for b.Loop() {
			for _, f := range filters(targets) {
				if _, err := r.FocusedTests(ctx, r.RepoDir, []string{f}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
