package branch

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// Code commits of a made-up code history: each is an ancestor of the next.
var history = []string{
	"1111111111111111111111111111111111111111",
	"2222222222222222222222222222222222222222",
	"3333333333333333333333333333333333333333",
}

func inHistory(anc, desc string) (bool, error) {
	a, d := slices.Index(history, anc), slices.Index(history, desc)
	return a >= 0 && d >= 0 && a <= d, nil
}

// forge signs e with the writer's (valid) key and commits it to the ledger
// through the store, bypassing every rule the writer checks: what an
// attacker with a signer's key and the package API can do. It returns the
// head before, to put the branch back.
func forge(t *testing.T, w *Writer, e *ledger.Entry) (before string) {
	t.Helper()
	head := mustHead(t, w)
	st, err := (&replayView{store: w.Store}).StateAt(head)
	if err != nil {
		t.Fatal(err)
	}
	e.Version, e.Signer, e.Time, e.Clock = ledger.FormatVersion, "alice@example.com", w.Store.Time().UTC().Truncate(1e9), st.Last.Clock+1
	payload, err := e.EncodePayload()
	if err != nil {
		t.Fatal(err)
	}
	armored, err := w.Signer.Sign(payload, sshkey.Namespace)
	if err != nil {
		t.Fatal(err)
	}
	file := ledger.AssembleFile(payload, armored)
	commit, err := w.Store.CommitFiles(head, map[string][]byte{gitstore.EntryPath(ledger.EntryID(payload)): file}, "forged", w.Author, w.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Store.UpdateRef(head, commit); err != nil {
		t.Fatal(err)
	}
	return head.String()
}

// replayFinding replays the whole ledger as audit does and returns what
// its last entry broke ("" if nothing), then puts the branch back to
// before.
func replayFinding(t *testing.T, w *Writer, before string) string {
	t.Helper()
	head := mustHead(t, w)
	col, err := Collect(w.Store, head, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := ledger.NewState(nil)
	st.Contains = inHistory
	var msgs []string
	for _, r := range col.Records {
		if err := st.Apply(r); err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	if err := w.Store.UpdateRef(head, mustHash(before)); err != nil {
		t.Fatal(err)
	}
	return strings.Join(msgs, "; ")
}

// attack checks that e is refused at write and, forged into the ledger,
// at replay, both saying want; the replay's finding, about an entry in
// history, names no command to run.
func attack(t *testing.T, w *Writer, e *ledger.Entry, want string) {
	t.Helper()
	cp := *e
	if err := appendErr(w, &cp); err == nil || !strings.Contains(err.Error(), want) || !ledger.IsRule(err) {
		t.Fatalf("write: got %v, want a rule saying %q", err, want)
	}
	cp = *e
	got := replayFinding(t, w, forge(t, w, &cp))
	if !strings.Contains(got, want) {
		t.Fatalf("replay of a forged entry: got %q, want %q", got, want)
	}
	if strings.Contains(got, "porttracker ") {
		t.Fatalf("replay of a forged entry: %q tells the reader to run a command about an entry in history", got)
	}
}

func moveEntry(t *testing.T, w *Writer, req ledger.MoveRequest) *ledger.Entry {
	t.Helper()
	st, err := (&replayView{store: w.Store}).StateAt(mustHead(t, w))
	if err != nil {
		t.Fatal(err)
	}
	e, err := ledger.BuildTransition(st, req)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func evidenceAt(commit string, gates ...ledger.GateResult) *ledger.Evidence {
	return &ledger.Evidence{CodeCommit: commit, Gates: gates}
}

func ok(name string) ledger.GateResult {
	return ledger.GateResult{Name: name, OK: true, Parsed: true, Passed: 1}
}

func samplePlan() *ledger.PlanPayload {
	return &ledger.PlanPayload{Batch: 1, MaxTaskFeatures: 20, Tasks: []ledger.PlanTask{
		{Name: "A", Kind: ledger.Feature, Count: 3, IDs: "1-3"},
		{Name: "B", Kind: ledger.Feature, Count: 2, IDs: "4-5"},
		{Name: "T1", Kind: ledger.Test, Count: 1, IDs: "1"},
	}}
}

func TestProtocol(t *testing.T) {
	_, w := newLedger(t)
	w.Contains = inHistory
	appendEntry(t, w, sampleInventory())
	full := ledger.GateResult{Name: "full_test", Parsed: true, Passed: 3, Failed: 1, ExitCode: 1}
	early := appendEntry(t, w, ledger.BuildBaseline(evidenceAt(history[0], full), "before the batch"))
	appendEntry(t, w, ledger.BuildBatch(1, ledger.ActionStart))

	// 1. Plans are held to themselves and to the inventory.
	for _, tc := range []struct {
		name string
		edit func(p *ledger.PlanPayload)
		want string
	}{
		{"ID in two tasks", func(p *ledger.PlanPayload) { p.Tasks[1].IDs, p.Tasks[1].Count = "3-5", 3 }, "group B lists features 3, already in another task"},
		{"ID left over", func(p *ledger.PlanPayload) { p.Tasks[1].IDs, p.Tasks[1].Count = "4", 1 }, "leaves features 5 in no task"},
		{"count", func(p *ledger.PlanPayload) { p.Tasks[0].Count = 4 }, "group A states 4 IDs but lists 3"},
		{"size", func(p *ledger.PlanPayload) { p.MaxTaskFeatures = 2 }, "group A has 3 features; a feature group holds at most 2"},
		{"limit above the policy", func(p *ledger.PlanPayload) { p.MaxTaskFeatures = 50 }, "holds feature groups to 50, but the policy in force allows at most 20"},
		{"foreign ID", func(p *ledger.PlanPayload) { p.Tasks[1].IDs = "5-6" }, "features 6, which do not belong to batch 1"},
		{"undefined ID", func(p *ledger.PlanPayload) { p.Tasks[2].IDs = "9" }, "tests 9, which are not defined"},
		{"dependency", func(p *ledger.PlanPayload) { p.Depends = []int{2} }, "states dependency 2, but the batch depends on none"},
		{"no test wave", func(p *ledger.PlanPayload) { p.Tasks = p.Tasks[:2] }, "leaves tests 1 in no task"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := samplePlan()
			tc.edit(p)
			attack(t, w, ledger.BuildPlan(p), tc.want)
		})
	}
	appendEntry(t, w, ledger.BuildPlan(samplePlan()))

	// 2. One active task; no move before one starts or outside it.
	attack(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{1}, To: ledger.Stub}), "batch 1 has a plan and no task is active")
	appendEntry(t, w, ledger.BuildTask(1, "A", ledger.ActionStart, ""))
	attack(t, w, ledger.BuildTask(1, "B", ledger.ActionStart, ""), "task A of batch 1 is active; one task at a time")
	attack(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{4}, To: ledger.Stub}), "feature 4 is in task B, outside the active task A of batch 1 (Never update IDs outside the active task)")
	attack(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Test, IDs: []int{1}, To: ledger.Stub}), "outside the active task A")
	appendEntry(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{1, 2, 3}, To: ledger.Stub}))

	// 3. No complete before a baseline recorded since the batch started.
	done := evidenceAt(history[1], ok("stub"), ok("build"), ok("test"))
	attack(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{1}, To: ledger.Complete, Evidence: done}), "moves to complete before a baseline is recorded")
	attack(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{1}, To: ledger.Complete, Evidence: done, Baseline: early.ID}), "was recorded before batch 1 started")
	attack(t, w, ledger.BuildBaseline(evidenceAt(history[0], ok("stub"), full), ""), "not a stub gate")
	attack(t, w, ledger.BuildBaseline(evidenceAt(history[0], ok("build")), ""), "needs the full suite's run")
	base := appendEntry(t, w, ledger.BuildBaseline(evidenceAt(history[0], ok("build"), full), "task 1"))

	// 4. Red before green.
	attack(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{1}, To: ledger.Complete, Evidence: done, Baseline: base.ID}), "complete needs a red run of its focused tests since its claim")
	red := ledger.GateResult{Name: "test", Parsed: true, Passed: 0, Failed: 1, ExitCode: 1}
	attack(t, w, ledger.BuildRed(1, evidenceAt(history[0], ok("test"))), "did not fail")
	attack(t, w, ledger.BuildRed(1, evidenceAt(history[0], ledger.GateResult{Name: "test", ExitCode: 1})), "ran no test")
	attack(t, w, ledger.BuildRed(1, evidenceAt(history[0], red, ok("build"))), "its focused test gate alone")
	attack(t, w, ledger.BuildRed(4, evidenceAt(history[0], red)), "feature 4 is not_started")
	appendEntry(t, w, ledger.BuildRed(1, evidenceAt(history[0], red)))
	same := evidenceAt(history[0], ok("stub"), ok("build"), ok("test"))
	attack(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{1}, To: ledger.Complete, Evidence: same, Baseline: base.ID}), "the red run and the complete are at the same code commit")
	appendEntry(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{1}, To: ledger.Complete, Evidence: done, Baseline: base.ID}))
	// --override goes without a red run, and is recorded.
	over := appendEntry(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{2}, To: ledger.Complete, Evidence: done, Baseline: base.ID, Reason: "test existed upstream"}))
	if over.Entry.Reason != "test existed upstream" {
		t.Fatalf("override not recorded: %q", over.Entry.Reason)
	}
	appendEntry(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{3}, To: ledger.Deferred, Reason: "blocked: needs raft"}))

	// 5. A task completes with its IDs verified or deferred and a checkpoint
	//    after its last move.
	cp1 := appendEntry(t, w, ledger.BuildCheckpoint(evidenceAt(history[1], ok("stub"), ok("build"), ok("full_test")), "task A"))
	attack(t, w, ledger.BuildTask(1, "A", ledger.ActionComplete, cp1.ID), "task A cannot complete: features not verified or deferred: 1 (complete), 2 (complete)")
	attack(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{1}, To: ledger.Verified, Checkpoint: base.ID}), "is a baseline, not a checkpoint")
	appendEntry(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{1, 2}, To: ledger.Verified, Checkpoint: cp1.ID}))
	attack(t, w, ledger.BuildTask(1, "A", ledger.ActionComplete, cp1.ID), "its last move came after checkpoint")
	attack(t, w, ledger.BuildTask(1, "A", ledger.ActionComplete, base.ID), "is a baseline, not a checkpoint")
	attack(t, w, ledger.BuildTask(1, "A", ledger.ActionComplete, ""), "needs a checkpoint recorded after its last move")
	cp2 := appendEntry(t, w, ledger.BuildCheckpoint(evidenceAt(history[1], ok("stub"), ok("build"), ok("full_test")), "after promotions"))
	attack(t, w, ledger.BuildTask(1, "B", ledger.ActionComplete, cp2.ID), "task B of batch 1 is pending, not active")
	appendEntry(t, w, ledger.BuildTask(1, "A", ledger.ActionComplete, cp2.ID))
	attack(t, w, ledger.BuildTask(1, "A", ledger.ActionStart, ""), "task A of batch 1 is already complete")
	attack(t, w, ledger.BuildPlan(samplePlan()), "a plan is not replaced once a task has started")
	appendEntry(t, w, ledger.BuildTask(1, "B", ledger.ActionStart, ""))
	appendEntry(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Feature, IDs: []int{4, 5}, To: ledger.Deferred, Reason: "blocked: later"}))
	cp3 := appendEntry(t, w, ledger.BuildCheckpoint(evidenceAt(history[1], ok("stub"), ok("full_test")), "task B"))
	appendEntry(t, w, ledger.BuildTask(1, "B", ledger.ActionComplete, cp3.ID))
	appendEntry(t, w, ledger.BuildTask(1, "T1", ledger.ActionStart, ""))
	appendEntry(t, w, moveEntry(t, w, ledger.MoveRequest{Kind: ledger.Test, IDs: []int{1}, To: ledger.Deferred, Reason: "blocked: later"}))
	// Every item is deferred or verified, but task T1 is still active.
	attack(t, w, ledger.BuildBatch(1, ledger.ActionComplete), "batch 1 cannot complete: task T1 is active")
}

// TestNoPlanNoProtocol: a batch without tasks moves as before.
func TestNoPlanNoProtocol(t *testing.T) {
	_, w := newLedger(t)
	appendEntry(t, w, sampleInventory())
	appendEntry(t, w, ledger.BuildBatch(1, ledger.ActionStart))
	if err := move(w, ledger.Feature, []int{4}, ledger.Stub, "", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := move(w, ledger.Feature, []int{4}, ledger.Complete, "", passingEvidence("stub", "build", "test"), ""); err != nil {
		t.Fatal(err)
	}
}

func mustHash(h string) plumbing.Hash { return plumbing.NewHash(h) }
