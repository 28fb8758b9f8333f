package ledger

import (
	"errors"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// TestCheckItemRow: a row is believed only when the entries it cites bear
// it out.
func TestCheckItemRow(t *testing.T) {
	k := ItemKey{Feature, 7}
	entries := map[string]*Entry{
		"stub": {Kind: KindTransition, Signer: "a", ItemKind: Feature, Clock: 3, Moves: []Move{{ID: 7, From: NotStarted, To: Stub}}},
		"done": {Kind: KindTransition, Signer: "a", ItemKind: Feature, Clock: 4, Moves: []Move{{ID: 7, From: Stub, To: Complete}},
			Evidence: &Evidence{CodeCommit: "c0de"}},
		"ckpt":  {Kind: KindCheckpoint, Signer: "a", Clock: 5, Evidence: &Evidence{CodeCommit: "c0de"}},
		"base":  {Kind: KindBaseline, Signer: "a", Clock: 2, Evidence: &Evidence{CodeCommit: "c0de"}},
		"other": {Kind: KindTransition, Signer: "a", ItemKind: Feature, Clock: 6, Moves: []Move{{ID: 8, From: Stub, To: Verified}}},
	}
	lookup := func(id string) (*Entry, error) { return entries[id], nil }
	complete := ItemState{Key: k, Status: Complete, Heads: []Head{{Entry: "done", To: Complete, Signer: "a"}},
		CompleteEntry: "done", CompleteClock: 4, CompleteCommit: "c0de"}
	tests := []struct {
		name string
		edit func(it *ItemState)
		ok   bool
	}{
		{"as replayed", func(*ItemState) {}, true},
		{"never moved", func(it *ItemState) { *it = ItemState{Key: k, Status: NotStarted} }, true},
		{"status raised", func(it *ItemState) { it.Status = Verified }, false},
		{"status lowered", func(it *ItemState) { it.Status = NotStarted }, false},
		{"heads dropped but status kept", func(it *ItemState) { it.Heads = nil }, false},
		{"head names another item's entry", func(it *ItemState) {
			it.Heads = []Head{{Entry: "other", To: Verified, Signer: "a"}}
			it.Status = Verified
		}, false},
		{"head unknown", func(it *ItemState) { it.Heads[0].Entry = "nope" }, false},
		{"complete record moved", func(it *ItemState) { it.CompleteCommit = "beef" }, false},
		{"checkpoint not a checkpoint", func(it *ItemState) { it.Checkpoint = "stub" }, false},
		{"checkpoint real", func(it *ItemState) { it.Checkpoint = "ckpt" }, true},
	}
	for _, tt := range tests {
		it := complete
		it.Heads = append([]Head(nil), complete.Heads...)
		tt.edit(&it)
		err := CheckItemRow(&it, lookup)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrViewDisagrees)) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if err := CheckCheckpointRow(&CheckpointState{Entry: "ckpt", Clock: 5, CodeCommit: "c0de"}, lookup); err != nil {
		t.Error(err)
	}
	if err := CheckCheckpointRow(&CheckpointState{Entry: "ckpt", Clock: 5, CodeCommit: "beef"}, lookup); err == nil {
		t.Error("a checkpoint at another code commit passed")
	}
	if err := CheckCheckpointRow(&CheckpointState{Entry: "base", Clock: 2, CodeCommit: "c0de", Baseline: true}, lookup); err != nil {
		t.Errorf("a baseline as replayed: %v", err)
	}
	if err := CheckCheckpointRow(&CheckpointState{Entry: "base", Clock: 2, CodeCommit: "c0de"}, lookup); err == nil {
		t.Error("a baseline passed as a checkpoint")
	}
	if err := CheckCheckpointRow(&CheckpointState{Entry: "ckpt", Clock: 5, CodeCommit: "c0de", Baseline: true}, lookup); err == nil {
		t.Error("a checkpoint passed as a baseline")
	}
	allowed := []sshkey.AllowedSigner{{Identity: "a", Key: "ssh-ed25519 A"}}
	if err := CheckSignerRows([]SignerState{{Identity: "a", Key: "ssh-ed25519 A", Active: true}, {Identity: "b", Key: "x"}}, allowed); err != nil {
		t.Error(err)
	}
	if err := CheckSignerRows([]SignerState{{Identity: "a", Key: "ssh-ed25519 A", Active: true}, {Identity: "m", Key: "ssh-ed25519 M", Active: true}}, allowed); err == nil {
		t.Error("a forged signer row passed")
	}
}

// TestCheckEvidence: a gate is ok only if its exit status, counts and kind
// say so.
func TestCheckEvidence(t *testing.T) {
	tests := []struct {
		name string
		g    GateResult
		ok   bool
	}{
		{"passing test", GateResult{Name: "test", Parsed: true, Passed: 1, OK: true}, true},
		{"ok beside exit 1 and 3 failed", GateResult{Name: "test", ExitCode: 1, Parsed: true, Passed: 2, Failed: 3, OK: true}, false},
		{"ok with no test run", GateResult{Name: "test", Parsed: true, OK: true}, false},
		{"ok without summary, exit 1", GateResult{Name: "full_test", ExitCode: 1, OK: true}, false},
		{"failing gate says so", GateResult{Name: "test", ExitCode: 1, Parsed: true, Failed: 3}, true},
		{"stub ok with matches", GateResult{Name: "stub", Matches: []string{"a.cs:1: TODO"}, OK: true}, false},
		{"build ok with exit 2", GateResult{Name: "build", ExitCode: 2, OK: true}, false},
		{"unknown kind", GateResult{Name: "vibes", OK: true}, false},
		{"negative count", GateResult{Name: "test", Parsed: true, Passed: 1, Failed: -1, OK: true}, false},
	}
	for _, tt := range tests {
		err := CheckEvidence(&Evidence{CodeCommit: "c", Gates: []GateResult{tt.g}})
		if tt.ok != (err == nil) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// TestPolicyRules: the policy in force bounds the IDs of an update and
// names the gates a complete needs; a policy without stub and test is
// refused.
func TestPolicyRules(t *testing.T) {
	k := ItemKey{Feature, 1}
	ev := &Evidence{CodeCommit: "c", Gates: []GateResult{{Name: "stub", OK: true}, {Name: "test", Parsed: true, Passed: 1, OK: true}}}
	if err := checkCompleteEvidence(k, ev, DefaultPolicy().RequiredGates); err != nil {
		t.Fatal(err)
	}
	withBuild := NewPolicy(PolicySettings{MaxIDsPerUpdate: 3, Build: true})
	if err := checkCompleteEvidence(k, ev, withBuild.RequiredGates); err == nil || !strings.Contains(err.Error(), "no build gate") {
		t.Fatalf("a complete without the build gate the policy requires: %v", err)
	}
	v := newSnapshot()
	v.policy = &withBuild
	rec := &Record{ID: "e", Entry: &Entry{Moves: make([]Move, 4)}}
	if err := v.checkPolicyMoves(rec); err == nil {
		t.Fatal("4 moves passed a policy of 3")
	}
	if err := (Policy{MaxIDsPerUpdate: 5, RequiredGates: []string{"stub"}}).Check(); err == nil {
		t.Fatal("a policy without the test gate passed")
	}
}
