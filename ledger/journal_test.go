package ledger

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// memSource is a Source over the fixture's records that logs what it is
// asked for.
type memSource struct {
	v     *snapshot
	reads []string
}

func (m *memSource) log(format string, args ...any) {
	m.reads = append(m.reads, fmt.Sprintf(format, args...))
}

func (m *memSource) LoadItem(k ItemKey) (*ItemState, error) {
	m.log("item %v", k)
	return m.v.items[k], nil
}
func (m *memSource) LoadItems(kind Kind, ids []int) ([]*ItemState, error) {
	m.log("items %s %v", kind, ids)
	var out []*ItemState
	for _, id := range ids {
		if it := m.v.items[ItemKey{kind, id}]; it != nil {
			out = append(out, it)
		}
	}
	return out, nil
}
func (m *memSource) LoadBatch(id int) (*BatchState, error) {
	m.log("batch %d", id)
	return m.v.batches[id], nil
}
func (m *memSource) LoadSigner(identity string) (*SignerState, error) {
	m.log("signer %s", identity)
	return m.v.signers[identity], nil
}
func (m *memSource) LoadCheckpoint(entry string) (*CheckpointState, error) {
	m.log("checkpoint %s", entry)
	return m.v.checkpoints[entry], nil
}
func (m *memSource) BatchItems(id int) ([]ItemKey, error) {
	m.log("members %d", id)
	return m.v.members[id], nil
}
func (m *memSource) MoveTo(entry string, k ItemKey) (Status, error) {
	m.log("move %s %v", entry, k)
	return m.v.moves[MoveKey{entry, k}], nil
}
func (m *memSource) Signers() ([]SignerState, error) { m.log("signers"); return m.v.all, nil }

// sourced is a State over the fixture, as a view backs one.
func sourced(t *testing.T) (*State, *memSource) {
	src := &memSource{v: fixture(t)}
	st := NewState(src)
	st.Genesis = "g"
	return st, src
}

// TestApplyReadsWhatTheEntryTouches: Apply reads from the Source the
// records the entry's kind says it touches, and no others; a refused entry
// changes nothing, an accepted one is journaled.
func TestApplyReadsWhatTheEntryTouches(t *testing.T) {
	failed := GateResult{Name: "test", ExitCode: 1, Parsed: true, Passed: 1, Failed: 2}
	m := Mapping{SourceFile: "a.go", TargetFile: "A.cs"}
	plan := &PlanPayload{Batch: 1, MaxTaskFeatures: 20, Tasks: []PlanTask{{Name: "A", Kind: Feature, Count: 2, IDs: "1,2"}, {Name: "B", Kind: Feature, Count: 2, IDs: "3,4"}}}
	for _, c := range []struct {
		name    string
		e       Entry
		reads   []string
		refused bool
	}{
		{"transition", Entry{Kind: KindTransition, ItemKind: Feature, Moves: []Move{{ID: 2, From: Stub, To: Complete, Prev: []string{"m2"}}}, Evidence: evidenceAt("c10", ok("stub"), ok("test"))},
			[]string{"items feature [2]", "batch 1", "signer alice", "move m2 feature 2"}, false},
		{"batch start", Entry{Kind: KindBatch, Batch: 2, Action: ActionStart},
			[]string{"batch 2", "batch 1", "signer alice"}, true},
		{"batch complete", Entry{Kind: KindBatch, Batch: 1, Action: ActionComplete},
			[]string{"members 1", "items feature [1 2 3 4]", "batch 1", "signer alice"}, true},
		{"task complete", Entry{Kind: KindTask, Task: &TaskPayload{Batch: 4, Name: "T1", Action: ActionComplete, Checkpoint: "ck9"}},
			[]string{"batch 4", "items feature [10 11]", "items test [20]", "signer alice", "checkpoint ck9"}, true},
		{"signer add", Entry{Kind: KindSigner, Action: ActionAdd, Identity: "dora", Key: testKey(t, 7)},
			[]string{"signer alice", "signer dora", "signers"}, false},
		{"checkpoint", Entry{Kind: KindCheckpoint, Evidence: evidenceAt("c10", ok("stub"), ok("full_test"))},
			[]string{"signer alice"}, false},
		{"red", Entry{Kind: KindRed, Red: &RedPayload{Feature: 2}, Evidence: evidenceAt("c10", failed)},
			[]string{"items feature [2]", "batch 1", "signer alice"}, false},
		{"inventory", Entry{Kind: KindInventory, Features: []ItemDef{{ID: 7, Mapping: m}}, Batches: []BatchDef{{ID: 5, Name: "five", Depends: []int{2}, Features: "7,1"}}},
			[]string{"items feature [7 1]", "batch 2", "batch 1", "batch 5", "signer alice"}, false},
		{"plan", Entry{Kind: KindPlan, Plan: plan},
			[]string{"items feature [1 2 3 4]", "members 1", "batch 1", "signer alice"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, src := sourced(t)
			r := rec("e", c.e)
			r.SigKey = testKey(t, 0)
			err := st.Apply(r)
			if !slices.Equal(src.reads, c.reads) {
				t.Fatalf("read %q, want %q", src.reads, c.reads)
			}
			items, batches, signers, ckpts := st.Changes()
			changes := len(items) + len(batches) + len(signers) + len(ckpts) + len(st.Transitions)
			switch {
			case c.refused && !IsRule(err):
				t.Fatalf("got %v, want a refusal", err)
			case c.refused && (changes > 0 || len(st.Undo) > 0):
				t.Fatal("a refused entry changed the state")
			case !c.refused && err != nil:
				t.Fatal(err)
			case !c.refused && (changes == 0 || len(st.Undo) != 1 || st.Last.ID != "e"):
				t.Fatalf("an accepted entry was not journaled: %d changes, undo %v, at %v", changes, st.Undo, st.Last)
			}
		})
	}
}

// TestApplyDelta: the journal records each changed record's before-image
// once, marks it dirty, makes the transition rows and moves the position.
func TestApplyDelta(t *testing.T) {
	st, _ := sourced(t)
	if _, err := st.prefetch(Keys{Items: []ItemKey{fFree, {Feature, 7}}, Batches: []int{1}}); err != nil {
		t.Fatal(err)
	}
	old := st.items[fFree]
	moved := *old
	moved.Status = Stub
	added := &ItemState{Key: ItemKey{Feature, 7}, Status: NotStarted}
	b := *st.batches[1]
	b.Name = "renamed"
	var d Delta
	d.putItem(added)
	d.putItem(&moved)
	d.putBatch(&b)
	d.Moves = []ItemMove{{fFree, NotStarted, Stub}}
	r := rec("e1", Entry{Kind: KindTransition, Clock: 12, Reason: "why"})
	r.Commit = "c1"
	if err := st.applyDelta(r, &d); err != nil {
		t.Fatal(err)
	}
	if len(st.Undo) != 1 || st.Undo[0].Items[fFree] != old || st.Undo[0].Items[added.Key] != nil || st.Undo[0].Batches[1].Name != "one" {
		t.Fatalf("undo %+v", st.Undo)
	}
	if _, ok := st.Undo[0].Items[added.Key]; !ok {
		t.Fatal("the undo does not say that feature 7 did not exist")
	}
	items, batches, signers, ckpts := st.Changes()
	if len(items) != 2 || items[0].Key != fFree || items[1] != added || len(batches) != 1 || batches[0].Name != "renamed" || len(signers)+len(ckpts) != 0 {
		t.Fatalf("changes %v %v %v %v", items, batches, signers, ckpts)
	}
	want := Transition{Entry: "e1", Commit: "c1", Item: fFree, From: NotStarted, To: Stub, Signer: "alice", Reason: "why", Clock: 12, Time: "2026-01-02T03:04:05Z"}
	if len(st.Transitions) != 1 || st.Transitions[0] != want {
		t.Fatalf("transitions %+v", st.Transitions)
	}
	if to, _ := st.moveTo("e1", fFree); to != Stub {
		t.Fatalf("the move is not known: %q", to)
	}
	if st.Last != (Position{12, "e1"}) {
		t.Fatalf("position %+v", st.Last)
	}
}

// TestApplyDeltaRefusesUnreadRecords: a delta that changes a record the
// State never read (its before-image unknown) changes nothing.
func TestApplyDeltaRefusesUnreadRecords(t *testing.T) {
	for name, d := range map[string]Delta{
		"item":   {Items: []*ItemState{{Key: fFree}}},
		"batch":  {Batches: []*BatchState{{ID: 1}}},
		"signer": {Signers: []*SignerState{{Identity: "bob"}}},
	} {
		t.Run(name, func(t *testing.T) {
			st, _ := sourced(t)
			err := st.applyDelta(rec("e1", Entry{}), &d)
			if err == nil || !strings.Contains(err.Error(), "was not read first") && !strings.Contains(err.Error(), "who was not read first") {
				t.Fatalf("got %v", err)
			}
			if len(st.Undo)+len(st.dirtyItems)+len(st.dirtyBatches)+len(st.dirtySigners) != 0 || len(st.items)+len(st.batches)+len(st.signers) != 0 {
				t.Fatal("a refused delta changed the state")
			}
		})
	}
}
