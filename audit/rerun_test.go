package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// rerunLedger writes a ledger with four entries of gate evidence: feature
// 1 and 2 completed, a checkpoint, then feature 2 remapped and feature 3
// completed. It returns the fixture and the evidence entries in order, and
// the ledger head before feature 3's complete.
func rerunLedger(t *testing.T) (*viewtest.Fixture, []string, plumbing.Hash) {
	f := viewtest.New(t)
	unmapped := viewtest.Feature(4, "")
	unmapped.TargetFile, unmapped.TargetSymbol = "", ""
	f.Inventory([]ledger.ItemDef{viewtest.Feature(1, ""), viewtest.Feature(2, ""), viewtest.Feature(3, ""), unmapped}, nil, []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-4"}})
	f.Batch(1, ledger.ActionStart)
	f.Move(ledger.Feature, "1-4", ledger.Stub, "", "")
	var ids []string
	ids = append(ids, f.Move(ledger.Feature, "1", ledger.Complete, "", "").ID)
	ids = append(ids, f.Move(ledger.Feature, "2", ledger.Complete, "", "").ID)
	// Feature 4 has no target mapping: the checkpoint does not scan it.
	ids = append(ids, f.Move(ledger.Feature, "4", ledger.Complete, "", "").ID)
	ids = append(ids, f.Checkpoint())
	moved := viewtest.Feature(2, "")
	moved.TargetFile = "dotnet/Moved.cs"
	f.Inventory([]ledger.ItemDef{moved}, nil, nil)
	before, err := f.Store.Head()
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, f.Move(ledger.Feature, "3", ledger.Complete, "", "").ID)
	return f, ids, before
}

func caseIDs(cs []RerunCase) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Entry)
	}
	return out
}

func TestRerunCases(t *testing.T) {
	f, ids, before := rerunLedger(t)
	store := f.Store
	head, err := store.Head()
	if err != nil {
		t.Fatal(err)
	}
	all, err := RerunCases(store, head, RerunSelection{})
	if err != nil {
		t.Fatal(err)
	}
	if got := caseIDs(all); !slices.Equal(got, ids) {
		t.Fatalf("cases %v, want the evidence entries %v", got, ids)
	}
	// The checkpoint scanned the complete items of its time, with the
	// mappings they had then.
	cp := all[3]
	if cp.Kind != ledger.KindCheckpoint || fmt.Sprint(cp.Items) != "[feature 1 feature 2]" {
		t.Errorf("checkpoint case: %s %v", cp.Kind, cp.Items)
	}
	if cp.Targets[1].File != "dotnet/Stream.cs" || cp.Targets[1].Filter != "StreamTests" {
		t.Errorf("checkpoint target of feature 2 = %+v, want its mapping before the remap", cp.Targets[1])
	}
	if all[4].Items[0].ID != 3 || all[4].Targets[0].Symbol != "Stream.Step3" {
		t.Errorf("last case = %+v", all[4])
	}

	for _, tc := range []struct {
		name string
		sel  RerunSelection
		want []string
		err  string
	}{
		{"by prefix", RerunSelection{Entries: []string{ids[1][:9], strings.ToUpper(ids[0])}}, []string{ids[1], ids[0]}, ""},
		{"twice is once", RerunSelection{Entries: []string{ids[1], ids[1][:7]}}, []string{ids[1]}, ""},
		{"since", RerunSelection{Since: before}, ids[4:], ""},
		{"since and named", RerunSelection{Since: before, Entries: []string{ids[0]}}, nil, "has no gate evidence to re-run here"},
		{"too short", RerunSelection{Entries: []string{ids[0][:6]}}, nil, "is not an entry ID"},
		{"not hex", RerunSelection{Entries: []string{"feature-1"}}, nil, "is not an entry ID"},
		{"unknown", RerunSelection{Entries: []string{"0000000"}}, nil, "no entry 0000000 in the ledger"},
		{"sample larger than all", RerunSelection{Sample: 9}, ids, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RerunCases(store, head, tc.sel)
			var ue *UsageError
			switch {
			case tc.err != "":
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want a UsageError with %q", err, tc.err)
				}
			case err != nil:
				t.Fatal(err)
			case !slices.Equal(caseIDs(got), tc.want):
				t.Errorf("cases %v, want %v", caseIDs(got), tc.want)
			}
		})
	}

	// An entry without evidence cannot be named.
	col, err := branch.Collect(store, head, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range col.Records {
		if r.Entry.Kind == ledger.KindInventory {
			_, err := RerunCases(store, head, RerunSelection{Entries: []string{r.ID}})
			if err == nil || !strings.Contains(err.Error(), "has no gate evidence") {
				t.Errorf("inventory entry: %v", err)
			}
			break
		}
	}

	// A sample is the same for the same seed, a subset in replay order.
	seen := map[string]bool{}
	for seed := uint64(1); seed <= 20; seed++ {
		a, err := RerunCases(store, head, RerunSelection{Sample: 2, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := RerunCases(store, head, RerunSelection{Sample: 2, Seed: seed})
		if len(a) != 2 || !slices.Equal(caseIDs(a), caseIDs(b)) {
			t.Fatalf("seed %d: %v then %v", seed, caseIDs(a), caseIDs(b))
		}
		if slices.Index(ids, a[0].Entry) >= slices.Index(ids, a[1].Entry) {
			t.Errorf("seed %d: sample %v is not in replay order", seed, caseIDs(a))
		}
		seen[strings.Join(caseIDs(a), ",")] = true
	}
	if len(seen) < 3 {
		t.Errorf("20 seeds drew only %d different samples of 2 out of 5", len(seen))
	}

	// The fixture's code commits are not in the repository.
	err = CheckCommits(store, all)
	var missing *gates.MissingCommitError
	if !errors.As(err, &missing) || !strings.Contains(err.Error(), "entry "+ids[0][:12]) {
		t.Errorf("CheckCommits = %v, want the first entry's missing commit", err)
	}
}

// TestRerunFindings re-runs a hand-made case at a real commit: the gate
// that reproduces is quiet, the one that does not is a finding naming the
// entry, the item, the gate and both counts.
func TestRerunFindings(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command")
	}
	dir := t.TempDir()
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "code"}} {
		if args[0] == "add" {
			if err := os.WriteFile(filepath.Join(dir, "ok"), []byte("x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command("git", append([]string{"-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	head, err := store.CodeHead()
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Gates = config.Gates{Build: "test -f ok", FullTest: "test -f ok && printf -- '--- PASS: TestA (0.00s)\\n--- FAIL: TestB (0.00s)\\n'", TestOutput: "go"}
	runner := &gates.Runner{Config: cfg}
	c := RerunCase{Entry: strings.Repeat("ab", 20), Kind: ledger.KindCheckpoint, Items: []ledger.ItemKey{{Kind: ledger.Feature, ID: 7}},
		Evidence: &ledger.Evidence{CodeCommit: head.String(), Gates: []ledger.GateResult{
			{Name: "build", OK: true},
			{Name: "full_test", Parsed: true, Passed: 2, OK: true},
		}}}
	res, err := Rerun(context.Background(), store, runner, c)
	if err != nil {
		t.Fatal(err)
	}
	if res.Reproduced || res.Gates[0].Discrepancy != "" || res.Gates[1].Discrepancy == "" {
		t.Fatalf("result %+v", res)
	}
	want := []string{"entry abababababab (checkpoint: feature 7) at code " + head.String()[:10] +
		": the full_test gate does not reproduce: recorded ok, 2 passed, 0 failed, 0 skipped; re-run failed, 1 passed, 1 failed, 0 skipped"}
	if got := res.Findings(); !slices.Equal(got, want) {
		t.Errorf("findings\n%q\nwant\n%q", got, want)
	}
	c.Evidence.Gates[1] = ledger.GateResult{Name: "full_test", Parsed: true, Passed: 1, Failed: 1}
	if res, err = Rerun(context.Background(), store, runner, c); err != nil || !res.Reproduced || len(res.Findings()) != 0 {
		t.Errorf("evidence of a failing suite reproduces as failing: %+v %v", res, err)
	}
}
