package branch

import (
	"strings"
	"testing"

	"github.com/porttracker/porttracker/ledger"
)

// move appends a transition and returns its error.
func move(w *Writer, kind ledger.Kind, ids []int, to ledger.Status, reason string, ev *ledger.Evidence, ckpt string) error {
	_, err := w.Append(&replayView{store: w.Store}, func(st *ledger.State) (*ledger.Entry, error) {
		return ledger.BuildTransition(st, ledger.MoveRequest{Kind: kind, IDs: ids, To: to, Reason: reason, Evidence: ev, Checkpoint: ckpt})
	})
	return err
}

func TestRules(t *testing.T) {
	_, w := newLedger(t)
	appendEntry(t, w, sampleInventory())
	head := func() string { h, _ := w.Store.Head(); return h.String() }
	refuse := func(err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v, want a refusal saying %q", err, want)
		}
		if !ledger.IsRule(err) {
			t.Fatalf("%v is not a RuleError", err)
		}
		if msg := err.Error(); strings.Contains(msg, "porttracker ") || strings.Contains(msg, "--") {
			t.Fatalf("%q names a command or a flag: a rule states the fact, the command line words the mend", msg)
		}
	}
	before := head()
	refuse(move(w, ledger.Feature, []int{1}, ledger.Stub, "", nil, ""), "batch 1, which is planned, not started")
	refuse(appendErr(w, ledger.BuildBatch(2, ledger.ActionStart)), "depends on batch 1 (planned), not complete")
	refuse(appendErr(w, ledger.BuildBatch(9, ledger.ActionStart)), "batch 9 is not defined")
	if head() != before {
		t.Fatal("a refused entry was written")
	}
	appendEntry(t, w, ledger.BuildBatch(1, ledger.ActionStart))
	refuse(move(w, ledger.Feature, []int{1}, ledger.Complete, "", passingEvidence("stub", "build", "test"), ""), "no skipping: go through stub first")
	refuse(move(w, ledger.Feature, []int{99}, ledger.Stub, "", nil, ""), "feature 99 is not defined")
	refuse(move(w, ledger.Feature, []int{6}, ledger.Stub, "", nil, ""), "batch 2, which is planned")
	if err := move(w, ledger.Feature, []int{1, 2, 3}, ledger.Stub, "", nil, ""); err != nil {
		t.Fatal(err)
	}
	refuse(move(w, ledger.Feature, []int{1}, ledger.Stub, "", nil, ""), "already stub")
	refuse(move(w, ledger.Feature, []int{1}, ledger.Complete, "", nil, ""), "complete needs gate evidence")
	refuse(move(w, ledger.Feature, []int{1}, ledger.Complete, "", passingEvidence("stub", "build"), ""), "no test gate")
	failing := passingEvidence("stub", "build", "test")
	failing.Gates[2].OK = false
	refuse(move(w, ledger.Feature, []int{1}, ledger.Complete, "", failing, ""), "the test gate failed")
	refuse(move(w, ledger.Feature, []int{1}, ledger.Deferred, "", nil, ""), "needs a reason")
	refuse(move(w, ledger.Feature, []int{1}, ledger.NotStarted, "", nil, ""), "needs a reason")
	if err := move(w, ledger.Feature, []int{1, 2}, ledger.Complete, "", passingEvidence("stub", "build", "test"), ""); err != nil {
		t.Fatal(err)
	}
	refuse(move(w, ledger.Feature, []int{1}, ledger.Verified, "", nil, ""), "needs a checkpoint")
	refuse(appendErr(w, ledger.BuildCheckpoint(passingEvidence("stub", "build"), "")), "full_test gate missing")
	cp := appendEntry(t, w, ledger.BuildCheckpoint(passingEvidence("stub", "build", "full_test"), "task 1"))
	refuse(move(w, ledger.Feature, []int{3}, ledger.Verified, "", nil, cp.ID), "cannot move from stub to verified")
	refuse(move(w, ledger.Feature, []int{1}, ledger.Verified, "", nil, "0123456789"), "is not in the ledger")
	if err := move(w, ledger.Feature, []int{1}, ledger.Verified, "", nil, cp.ID); err != nil {
		t.Fatal(err)
	}
	// A later completion needs a later checkpoint.
	if err := move(w, ledger.Feature, []int{3}, ledger.Complete, "", passingEvidence("stub", "test"), ""); err != nil {
		t.Fatal(err)
	}
	refuse(move(w, ledger.Feature, []int{3}, ledger.Verified, "", nil, cp.ID), "recorded before the item was completed")
	// The code history is consulted when it is at hand.
	w.Contains = func(a, d string) (bool, error) { return a == d, nil }
	ev2 := passingEvidence("stub", "full_test")
	ev2.CodeCommit = "fedcba9876543210"
	cp2 := appendEntry(t, w, ledger.BuildCheckpoint(ev2, ""))
	refuse(move(w, ledger.Feature, []int{3}, ledger.Verified, "", nil, cp2.ID), "does not contain the work completed")
	w.Contains = nil
	if err := move(w, ledger.Feature, []int{2, 3}, ledger.Verified, "", nil, cp2.ID); err != nil {
		t.Fatal(err)
	}
	refuse(appendErr(w, ledger.BuildBatch(1, ledger.ActionComplete)), "not verified or deferred: feature 4 (not_started)")
	if err := move(w, ledger.Feature, []int{4, 5}, ledger.Deferred, "blocked: later", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := move(w, ledger.Test, []int{1}, ledger.Deferred, "blocked: later", nil, ""); err != nil {
		t.Fatal(err)
	}
	appendEntry(t, w, ledger.BuildBatch(1, ledger.ActionComplete))
	refuse(move(w, ledger.Feature, []int{4}, ledger.Stub, "", nil, ""), "batch 1, which is complete")
	// A verified item of a complete batch can still be demoted, with a reason.
	refuse(move(w, ledger.Feature, []int{1}, ledger.Stub, "", nil, ""), "needs a reason")
	if err := move(w, ledger.Feature, []int{1}, ledger.Stub, "regressed: flaky ack", nil, ""); err != nil {
		t.Fatal(err)
	}
	appendEntry(t, w, ledger.BuildBatch(2, ledger.ActionStart))
}

func appendErr(w *Writer, e *ledger.Entry) error {
	_, err := w.Append(&replayView{store: w.Store}, func(*ledger.State) (*ledger.Entry, error) { return e, nil })
	return err
}

func TestCheckMove(t *testing.T) {
	for _, tc := range []struct {
		from, to ledger.Status
		reason   bool
		err      string
	}{
		{ledger.NotStarted, ledger.Stub, false, ""},
		{ledger.NotStarted, ledger.Deferred, true, ""},
		{ledger.NotStarted, ledger.Complete, false, "go through stub first"},
		{ledger.NotStarted, ledger.Verified, false, "go through stub first"},
		{ledger.Stub, ledger.Complete, false, ""},
		{ledger.Stub, ledger.Verified, false, "go through complete first"},
		{ledger.Complete, ledger.Verified, false, ""},
		{ledger.Complete, ledger.Stub, true, ""},
		{ledger.Verified, ledger.Stub, true, ""},
		{ledger.Deferred, ledger.Stub, false, ""},
		{ledger.Deferred, ledger.Complete, false, "cannot move"},
		{ledger.Stub, ledger.Stub, false, "already stub"},
	} {
		reason, err := ledger.CheckMove(tc.from, tc.to)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s -> %s: err %v, want %q", tc.from, tc.to, err, tc.err)
			}
			continue
		}
		if err != nil || reason != tc.reason {
			t.Errorf("%s -> %s: reason %v err %v", tc.from, tc.to, reason, err)
		}
	}
}

func TestInventoryRules(t *testing.T) {
	_, w := newLedger(t)
	refuse := func(e *ledger.Entry, want string) {
		t.Helper()
		if err := appendErr(w, e); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v, want %q", err, want)
		}
	}
	refuse(&ledger.Entry{Kind: ledger.KindInventory, Batches: []ledger.BatchDef{{ID: 1, Name: "x", Features: "1"}}}, "feature 1, which is not defined")
	refuse(&ledger.Entry{Kind: ledger.KindInventory, Batches: []ledger.BatchDef{{ID: 1, Name: "x", Depends: []int{2}}}}, "batch 2, which is not defined")
	refuse(&ledger.Entry{Kind: ledger.KindInventory, Batches: []ledger.BatchDef{{ID: 1, Name: "x", Depends: []int{2}}, {ID: 2, Name: "y", Depends: []int{1}}}}, "cycle")
	refuse(&ledger.Entry{Kind: ledger.KindInventory, Features: []ledger.ItemDef{{ID: 1}, {ID: 1}}}, "defined twice")
	appendEntry(t, w, sampleInventory())
	// Re-importing the same definitions changes nothing.
	st, err := (&replayView{store: w.Store}).StateAt(mustHead(t, w))
	if err != nil {
		t.Fatal(err)
	}
	inv := sampleInventory()
	if e, err := ledger.BuildInventory(st, "again", inv.Features, inv.Tests, inv.Batches); err != nil || e != nil {
		t.Fatalf("re-import: %+v, %v", e, err)
	}
	// A claimed item cannot be moved to another batch.
	appendEntry(t, w, ledger.BuildBatch(1, ledger.ActionStart))
	if err := move(w, ledger.Feature, []int{1}, ledger.Stub, "", nil, ""); err != nil {
		t.Fatal(err)
	}
	refuse(&ledger.Entry{Kind: ledger.KindInventory, Batches: []ledger.BatchDef{{ID: 2, Name: "two", Depends: []int{1}, Features: "1,6-7"}}}, "cannot move to batch 2 until it is deferred")
}

func TestUpstreamChanged(t *testing.T) {
	_, w := newLedger(t)
	inv := sampleInventory()
	inv.Features[0].SourceDigest = "sha256:aaa"
	appendEntry(t, w, inv)
	appendEntry(t, w, ledger.BuildBatch(1, ledger.ActionStart))
	for _, to := range []ledger.Status{ledger.Stub, ledger.Complete} {
		if err := move(w, ledger.Feature, []int{1}, to, "", passingEvidence("stub", "test"), ""); err != nil {
			t.Fatal(err)
		}
	}
	changed := &ledger.Entry{Kind: ledger.KindInventory, Features: []ledger.ItemDef{inv.Features[0]}}
	changed.Features[0].SourceDigest = "sha256:bbb"
	appendEntry(t, w, changed)
	st, _ := (&replayView{store: w.Store}).StateAt(mustHead(t, w))
	it, _ := st.Item(ledger.ItemKey{Kind: ledger.Feature, ID: 1})
	if !it.UpstreamChanged {
		t.Fatal("a promoted item whose source changed is not marked")
	}
	if err := move(w, ledger.Feature, []int{1}, ledger.Stub, "redo: upstream changed", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := move(w, ledger.Feature, []int{1}, ledger.Complete, "", passingEvidence("stub", "test"), ""); err != nil {
		t.Fatal(err)
	}
	st, _ = (&replayView{store: w.Store}).StateAt(mustHead(t, w))
	if it, _ := st.Item(ledger.ItemKey{Kind: ledger.Feature, ID: 1}); it.UpstreamChanged {
		t.Fatal("completing it again does not clear the mark")
	}
}
