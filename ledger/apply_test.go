package ledger

import (
	"strings"
	"testing"
)

// move appends a transition and returns its error.
func move(w *Writer, kind Kind, ids []int, to Status, reason string, ev *Evidence, ckpt string) error {
	_, err := w.Append(&replayView{store: w.Store}, func(st *State) (*Entry, error) {
		return BuildTransition(st, MoveRequest{Kind: kind, IDs: ids, To: to, Reason: reason, Evidence: ev, Checkpoint: ckpt})
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
		if !IsRule(err) {
			t.Fatalf("%v is not a RuleError", err)
		}
		if msg := err.Error(); strings.Contains(msg, "porttracker ") || strings.Contains(msg, "--") {
			t.Fatalf("%q names a command or a flag: a rule states the fact, the command line words the mend", msg)
		}
	}
	before := head()
	refuse(move(w, Feature, []int{1}, Stub, "", nil, ""), "batch 1, which is planned, not started")
	refuse(appendErr(w, BuildBatch(2, ActionStart)), "depends on batch 1 (planned), not complete")
	refuse(appendErr(w, BuildBatch(9, ActionStart)), "batch 9 is not defined")
	if head() != before {
		t.Fatal("a refused entry was written")
	}
	appendEntry(t, w, BuildBatch(1, ActionStart))
	refuse(move(w, Feature, []int{1}, Complete, "", passingEvidence("stub", "build", "test"), ""), "no skipping: go through stub first")
	refuse(move(w, Feature, []int{99}, Stub, "", nil, ""), "feature 99 is not defined")
	refuse(move(w, Feature, []int{6}, Stub, "", nil, ""), "batch 2, which is planned")
	if err := move(w, Feature, []int{1, 2, 3}, Stub, "", nil, ""); err != nil {
		t.Fatal(err)
	}
	refuse(move(w, Feature, []int{1}, Stub, "", nil, ""), "already stub")
	refuse(move(w, Feature, []int{1}, Complete, "", nil, ""), "complete needs gate evidence")
	refuse(move(w, Feature, []int{1}, Complete, "", passingEvidence("stub", "build"), ""), "no test gate")
	failing := passingEvidence("stub", "build", "test")
	failing.Gates[2].OK = false
	refuse(move(w, Feature, []int{1}, Complete, "", failing, ""), "the test gate failed")
	refuse(move(w, Feature, []int{1}, Deferred, "", nil, ""), "needs a reason")
	refuse(move(w, Feature, []int{1}, NotStarted, "", nil, ""), "needs a reason")
	if err := move(w, Feature, []int{1, 2}, Complete, "", passingEvidence("stub", "build", "test"), ""); err != nil {
		t.Fatal(err)
	}
	refuse(move(w, Feature, []int{1}, Verified, "", nil, ""), "needs a checkpoint")
	refuse(appendErr(w, BuildCheckpoint(passingEvidence("stub", "build"), "")), "full_test gate missing")
	cp := appendEntry(t, w, BuildCheckpoint(passingEvidence("stub", "build", "full_test"), "task 1"))
	refuse(move(w, Feature, []int{3}, Verified, "", nil, cp.ID), "cannot move from stub to verified")
	refuse(move(w, Feature, []int{1}, Verified, "", nil, "0123456789"), "is not in the ledger")
	if err := move(w, Feature, []int{1}, Verified, "", nil, cp.ID); err != nil {
		t.Fatal(err)
	}
	// A later completion needs a later checkpoint.
	if err := move(w, Feature, []int{3}, Complete, "", passingEvidence("stub", "test"), ""); err != nil {
		t.Fatal(err)
	}
	refuse(move(w, Feature, []int{3}, Verified, "", nil, cp.ID), "recorded before the item was completed")
	// The code history is consulted when it is at hand.
	w.Contains = func(a, d string) (bool, error) { return a == d, nil }
	ev2 := passingEvidence("stub", "full_test")
	ev2.CodeCommit = "fedcba9876543210"
	cp2 := appendEntry(t, w, BuildCheckpoint(ev2, ""))
	refuse(move(w, Feature, []int{3}, Verified, "", nil, cp2.ID), "does not contain the work completed")
	w.Contains = nil
	if err := move(w, Feature, []int{2, 3}, Verified, "", nil, cp2.ID); err != nil {
		t.Fatal(err)
	}
	refuse(appendErr(w, BuildBatch(1, ActionComplete)), "not verified or deferred: feature 4 (not_started)")
	if err := move(w, Feature, []int{4, 5}, Deferred, "blocked: later", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := move(w, Test, []int{1}, Deferred, "blocked: later", nil, ""); err != nil {
		t.Fatal(err)
	}
	appendEntry(t, w, BuildBatch(1, ActionComplete))
	refuse(move(w, Feature, []int{4}, Stub, "", nil, ""), "batch 1, which is complete")
	// A verified item of a complete batch can still be demoted, with a reason.
	refuse(move(w, Feature, []int{1}, Stub, "", nil, ""), "needs a reason")
	if err := move(w, Feature, []int{1}, Stub, "regressed: flaky ack", nil, ""); err != nil {
		t.Fatal(err)
	}
	appendEntry(t, w, BuildBatch(2, ActionStart))
}

func appendErr(w *Writer, e *Entry) error {
	_, err := w.Append(&replayView{store: w.Store}, func(*State) (*Entry, error) { return e, nil })
	return err
}

func TestCheckMove(t *testing.T) {
	for _, tc := range []struct {
		from, to Status
		reason   bool
		err      string
	}{
		{NotStarted, Stub, false, ""},
		{NotStarted, Deferred, true, ""},
		{NotStarted, Complete, false, "go through stub first"},
		{NotStarted, Verified, false, "go through stub first"},
		{Stub, Complete, false, ""},
		{Stub, Verified, false, "go through complete first"},
		{Complete, Verified, false, ""},
		{Complete, Stub, true, ""},
		{Verified, Stub, true, ""},
		{Deferred, Stub, false, ""},
		{Deferred, Complete, false, "cannot move"},
		{Stub, Stub, false, "already stub"},
	} {
		reason, err := CheckMove(tc.from, tc.to)
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
	refuse := func(e *Entry, want string) {
		t.Helper()
		if err := appendErr(w, e); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v, want %q", err, want)
		}
	}
	refuse(&Entry{Kind: KindInventory, Batches: []BatchDef{{ID: 1, Name: "x", Features: "1"}}}, "feature 1, which is not defined")
	refuse(&Entry{Kind: KindInventory, Batches: []BatchDef{{ID: 1, Name: "x", Depends: []int{2}}}}, "batch 2, which is not defined")
	refuse(&Entry{Kind: KindInventory, Batches: []BatchDef{{ID: 1, Name: "x", Depends: []int{2}}, {ID: 2, Name: "y", Depends: []int{1}}}}, "cycle")
	refuse(&Entry{Kind: KindInventory, Features: []ItemDef{{ID: 1}, {ID: 1}}}, "defined twice")
	appendEntry(t, w, sampleInventory())
	// Re-importing the same definitions changes nothing.
	st, err := (&replayView{store: w.Store}).StateAt(mustHead(t, w))
	if err != nil {
		t.Fatal(err)
	}
	inv := sampleInventory()
	if e, err := BuildInventory(st, "again", inv.Features, inv.Tests, inv.Batches); err != nil || e != nil {
		t.Fatalf("re-import: %+v, %v", e, err)
	}
	// A claimed item cannot be moved to another batch.
	appendEntry(t, w, BuildBatch(1, ActionStart))
	if err := move(w, Feature, []int{1}, Stub, "", nil, ""); err != nil {
		t.Fatal(err)
	}
	refuse(&Entry{Kind: KindInventory, Batches: []BatchDef{{ID: 2, Name: "two", Depends: []int{1}, Features: "1,6-7"}}}, "cannot move to batch 2 until it is deferred")
}

func TestUpstreamChanged(t *testing.T) {
	_, w := newLedger(t)
	inv := sampleInventory()
	inv.Features[0].SourceDigest = "sha256:aaa"
	appendEntry(t, w, inv)
	appendEntry(t, w, BuildBatch(1, ActionStart))
	for _, to := range []Status{Stub, Complete} {
		if err := move(w, Feature, []int{1}, to, "", passingEvidence("stub", "test"), ""); err != nil {
			t.Fatal(err)
		}
	}
	changed := &Entry{Kind: KindInventory, Features: []ItemDef{inv.Features[0]}}
	changed.Features[0].SourceDigest = "sha256:bbb"
	appendEntry(t, w, changed)
	st, _ := (&replayView{store: w.Store}).StateAt(mustHead(t, w))
	it, _ := st.Item(ItemKey{Feature, 1})
	if !it.UpstreamChanged {
		t.Fatal("a promoted item whose source changed is not marked")
	}
	if err := move(w, Feature, []int{1}, Stub, "redo: upstream changed", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := move(w, Feature, []int{1}, Complete, "", passingEvidence("stub", "test"), ""); err != nil {
		t.Fatal(err)
	}
	st, _ = (&replayView{store: w.Store}).StateAt(mustHead(t, w))
	if it, _ := st.Item(ItemKey{Feature, 1}); it.UpstreamChanged {
		t.Fatal("completing it again does not clear the mark")
	}
}
