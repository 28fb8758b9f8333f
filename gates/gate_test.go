package gates

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

const (
	tinyMod  = "module example.com/tiny\n\ngo 1.22\n"
	tinyCode = "package tiny\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n"
	tinyTest = "package tiny\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif got := Add(1, 2); got != 3 {\n\t\tt.Fatalf(\"Add = %d\", got)\n\t}\n}\n"
	// tinyStub stubs Add; the quote escapes keep this file clean.
	tinyStub = "package tiny\n\n// Add adds.\nfunc Add(a, b int) int {\n\tpanic(\"not implemented\")\n}\n"
	// tinyOther leaves Add alone and stubs another function.
	tinyOther = tinyCode + "\nfunc Other() {\n\tpanic(\"not implemented\")\n}\n"
)

// tinyRepo commits a tiny Go module and returns a Runner for it.
func tinyRepo(t *testing.T, code string) *Runner {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	dir := newRepo(t, map[string]string{"go.mod": tinyMod, "tiny.go": code, "tiny_test.go": tinyTest})
	cfg := config.Default()
	cfg.Gates = config.Gates{
		Build:      "go build ./...",
		Test:       "go test -run '^{filter}$' -v ./...",
		FullTest:   "go test -json ./...",
		TestOutput: "go",
		Timeout:    "5m",
	}
	return &Runner{Config: cfg, RepoDir: dir}
}

func gateNames(ev ledger.Evidence) []string {
	var names []string
	for _, g := range ev.Gates {
		names = append(names, g.Name)
	}
	return names
}

func headHash(t *testing.T, dir string) string {
	t.Helper()
	r, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	return ref.Hash().String()
}

func TestPromotePasses(t *testing.T) {
	r := tinyRepo(t, tinyOther)
	var out strings.Builder
	r.Out = &out
	ev, err := r.Promote(context.Background(), []Target{{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1}, File: "tiny.go", Symbol: "Add", Filter: "TestAdd"}})
	if err != nil {
		t.Fatalf("Promote: %v", err)
	}
	if !ev.Passed() || !slices.Equal(gateNames(ev), []string{GateStub, GateBuild, GateTest}) {
		t.Fatalf("Promote evidence %+v, want stub, build and test passing\n%s", ev, out.String())
	}
	test := ev.Gate(GateTest)
	if test.Passed != 1 || test.Failed != 0 || !test.Parsed || test.Filter != "TestAdd" || test.Command != r.Config.Gates.Test {
		t.Errorf("test gate %+v", *test)
	}
	if ev.CodeCommit != headHash(t, r.RepoDir) || ev.Dirty || ev.DiffDigest != "" {
		t.Errorf("code state %q dirty %v digest %q, want clean HEAD", ev.CodeCommit, ev.Dirty, ev.DiffDigest)
	}
	if !strings.Contains(out.String(), "--- PASS: TestAdd") {
		t.Errorf("the test output was not streamed to Out:\n%s", out.String())
	}
}

func TestPromoteTestKindUsesItsSymbol(t *testing.T) {
	r := tinyRepo(t, tinyCode)
	ev, err := r.Promote(context.Background(), []Target{{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 7}, File: "tiny_test.go", Symbol: "TestAdd"}})
	if err != nil {
		t.Fatalf("Promote: %v", err)
	}
	if !ev.Passed() || ev.Gate(GateTest).Filter != "TestAdd" {
		t.Errorf("Promote evidence %+v, want a passing test gate with filter TestAdd", ev)
	}
}

func TestPromoteRefusesStub(t *testing.T) {
	r := tinyRepo(t, tinyCode)
	writeFiles(t, r.RepoDir, map[string]string{"tiny.go": tinyStub})
	target := []Target{{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1}, File: "tiny.go", Symbol: "Add", Filter: "TestAdd"}}
	var dirty *DirtyError
	if _, err := r.Promote(context.Background(), target); !errors.As(err, &dirty) || !slices.Equal(dirty.Paths, []string{"tiny.go"}) {
		t.Fatalf("Promote on a dirty tree: error %v, want a DirtyError naming tiny.go", err)
	}
	r.AllowDirty = true
	ev, err := r.Promote(context.Background(), target)
	if err != nil {
		t.Fatalf("Promote: %v", err)
	}
	if ev.Passed() || !slices.Equal(gateNames(ev), []string{GateStub}) {
		t.Fatalf("Promote gates %v, want the stub gate alone, failing", gateNames(ev))
	}
	stub := ev.Gate(GateStub)
	if !slices.Equal(stub.Matches, []string{"tiny.go:5: only panics or fails as not implemented"}) ||
		!slices.Equal(stub.Warnings, []string{"tiny.go:5: panic(not implemented)"}) || stub.ExitCode == 0 {
		t.Errorf("stub gate %+v", *stub)
	}
	if !ev.Dirty || !ev.AllowedDirty || !strings.HasPrefix(ev.DiffDigest, "sha256:") {
		t.Errorf("dirty %v allowed %v digest %q, want a dirty tree allowed, with a digest", ev.Dirty, ev.AllowedDirty, ev.DiffDigest)
	}
}

func TestPromoteTestNotFound(t *testing.T) {
	r := tinyRepo(t, tinyCode)
	ev, err := r.Promote(context.Background(), []Target{{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1}, File: "tiny.go", Symbol: "Add", Filter: "TestNothing"}})
	if err != nil {
		t.Fatalf("Promote: %v", err)
	}
	test := ev.Gate(GateTest)
	if ev.Passed() || test == nil || test.OK || test.ExitCode != 0 || test.Passed != 0 || !test.Parsed {
		t.Errorf("Promote evidence %+v, want a test gate that exits 0, ran no test and is not OK", ev)
	}
}

func TestPromoteMappingProblems(t *testing.T) {
	r := tinyRepo(t, tinyCode)
	ctx := context.Background()
	if _, err := r.Promote(ctx, []Target{{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 3}, File: "tiny.go", Symbol: "Add"}}); err == nil ||
		!strings.Contains(err.Error(), "feature 3 needs a focused test") {
		t.Errorf("Promote without a filter: error %v", err)
	}
	ev, err := r.Promote(ctx, []Target{
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1}, File: "missing.go", Symbol: "Add", Filter: "TestAdd"},
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 2}, File: "tiny.go", Symbol: "(*calc).Add", Filter: "TestAdd"},
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 4}, Filter: "TestAdd"},
	})
	if err != nil {
		t.Fatalf("Promote: %v", err)
	}
	want := []string{
		"missing.go: mapped file of feature 1 not found",
		"tiny.go: (*calc).Add of feature 2: symbol not found: type calc has no method Add in the file",
		"feature 4: no target mapping (target_file and target_symbol)",
	}
	if got := ev.Gate(GateStub).Matches; !slices.Equal(got, want) || ev.Passed() {
		t.Errorf("stub matches\n%q\nwant\n%q", got, want)
	}
}

func TestCheckpoint(t *testing.T) {
	r := tinyRepo(t, tinyCode)
	ctx := context.Background()
	targets := []Target{{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1}, File: "tiny.go", Symbol: "Add"}}
	ev, err := r.Checkpoint(ctx, targets)
	if err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
	full := ev.Gate(GateFullTest)
	if !ev.Passed() || !slices.Equal(gateNames(ev), []string{GateStub, GateBuild, GateFullTest}) || full.Passed != 1 {
		t.Fatalf("Checkpoint evidence %+v, want stub, build and full_test passing", ev)
	}

	// A checkpoint always needs a clean tree, AllowDirty or not.
	writeFiles(t, r.RepoDir, map[string]string{"util.go": "package tiny\n\nfunc util() {\n\tpanic(\"not implemented\")\n}\n"})
	r.AllowDirty = true
	var dirty *DirtyError
	if _, err = r.Checkpoint(ctx, targets); !errors.As(err, &dirty) || !dirty.Checkpoint || !slices.Equal(dirty.Paths, []string{"util.go"}) {
		t.Errorf("Checkpoint on a dirty tree: error %v, want a DirtyError naming util.go", err)
	}

	r.Config.Gates.FullTest = ""
	if _, err := r.Checkpoint(ctx, targets); err == nil {
		t.Error("Checkpoint ran without a full_test command")
	}
}

func TestCodeState(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.go": "package a\n", "b.go": "package a\n"})
	r := &Runner{Config: config.Default(), RepoDir: dir}
	state := func() (bool, string) {
		t.Helper()
		commit, dirty, digest, err := r.CodeState()
		if err != nil {
			t.Fatal(err)
		}
		if commit != headHash(t, dir) {
			t.Errorf("commit %s, want HEAD", commit)
		}
		return dirty, digest
	}
	if dirty, digest := state(); dirty || digest != "" {
		t.Errorf("fresh commit: dirty %v digest %q", dirty, digest)
	}
	writeFiles(t, dir, map[string]string{"porting.db": "view", "porting.db-journal": "j"})
	if dirty, _ := state(); dirty {
		t.Error("porting.db made the tree dirty")
	}
	writeFiles(t, dir, map[string]string{"a.go": "package a\n\nvar x = 1\n"})
	dirty, d1 := state()
	if !dirty || !strings.HasPrefix(d1, "sha256:") {
		t.Errorf("modified tree: dirty %v digest %q", dirty, d1)
	}
	if _, again := state(); again != d1 {
		t.Errorf("digest changed without a change: %s then %s", d1, again)
	}
	writeFiles(t, dir, map[string]string{"a.go": "package a\n\nvar x = 2\n"})
	if _, d2 := state(); d2 == d1 {
		t.Error("digest did not change with the content")
	}
	writeFiles(t, dir, map[string]string{"a.go": "package a\n", "b.go": ""})
	if dirty, d3 := state(); !dirty || d3 == "" {
		t.Errorf("deleted file: dirty %v digest %q", dirty, d3)
	}

	empty := t.TempDir()
	if _, err := git.PlainInit(empty, false); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := (&Runner{RepoDir: empty}).CodeState(); err == nil {
		t.Error("CodeState accepted a repository without commits")
	}
	if _, _, _, err := (&Runner{RepoDir: filepath.Join(empty, "..", "nowhere")}).CodeState(); err == nil {
		t.Error("CodeState accepted a directory outside any repository")
	}
}
