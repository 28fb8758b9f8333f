package ledger

import (
	"crypto/ed25519"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// The rules' unit tests decide on a snapshot built in memory (no SQLite,
// no git): the fixture below, changed per case.

var (
	fFree    = ItemKey{Feature, 1}  // batch 1, not_started
	fClaimed = ItemKey{Feature, 2}  // batch 1, stub (moved by entry "m2")
	fDone    = ItemKey{Feature, 3}  // batch 1, complete at clock 6, code "c6" (by "c3")
	fVerif   = ItemKey{Feature, 4}  // batch 1, verified
	fPlanned = ItemKey{Feature, 5}  // batch 2 (planned), not_started
	fLoose   = ItemKey{Feature, 6}  // in no batch
	fTasked  = ItemKey{Feature, 10} // batch 4, task T1 (active), stub (by "m10"), red at "r1"
	fTaskOK  = ItemKey{Feature, 11} // batch 4, task T1, verified
	tWave    = ItemKey{Test, 20}    // batch 4, task T2 (pending), not_started
)

// fixture is the snapshot the rule tests start from. Signers alice and bob
// are active, carol revoked; batch 1 started (clock 5), batch 2 planned and
// depending on 1, batch 3 complete, batch 4 started (clock 5) with tasks;
// checkpoint "ck9" at clock 9, baseline "bl8" at clock 8, checkpoint "ck5"
// at clock 5.
func fixture(t *testing.T) *snapshot {
	t.Helper()
	v := newSnapshot()
	v.genesis = "g"
	for _, sg := range []SignerState{
		{Identity: "alice", Key: testKey(t, 0), Active: true, AddedBy: "g"},
		{Identity: "bob", Key: testKey(t, 1), Active: true, AddedBy: "s1"},
		{Identity: "carol", Key: testKey(t, 2), AddedBy: "s2", RevokedBy: "s3"},
	} {
		v.signers[sg.Identity] = &sg
		v.all = append(v.all, sg)
	}
	v.batches[1] = &BatchState{ID: 1, Name: "one", Status: BatchStarted, StartClock: 5}
	v.batches[2] = &BatchState{ID: 2, Name: "two", Depends: []int{1}, Status: BatchPlanned}
	v.batches[3] = &BatchState{ID: 3, Name: "three", Status: BatchComplete}
	v.batches[4] = &BatchState{ID: 4, Name: "four", Status: BatchStarted, StartClock: 5, Plan: "p4", Tasks: []TaskState{
		{Name: "T1", Kind: Feature, IDs: []int{10, 11}, Status: TaskActive, StartedBy: "t1", LastMove: 7},
		{Name: "T2", Kind: Test, IDs: []int{20}, Status: TaskPending},
	}}
	put := func(it ItemState) { v.items[it.Key] = &it }
	put(ItemState{Key: fFree, Batch: 1, Status: NotStarted})
	put(ItemState{Key: fClaimed, Batch: 1, Status: Stub, Heads: []Head{{Entry: "m2", To: Stub, Signer: "alice"}}, LastEntry: "m2"})
	put(ItemState{Key: fDone, Batch: 1, Status: Complete, CompleteEntry: "c3", CompleteClock: 6, CompleteCommit: "c6"})
	put(ItemState{Key: fVerif, Batch: 1, Status: Verified})
	put(ItemState{Key: fPlanned, Batch: 2, Status: NotStarted})
	put(ItemState{Key: fLoose, Status: NotStarted})
	put(ItemState{Key: fTasked, Batch: 4, Status: Stub, RedEntry: "red1", RedCommit: "r1"})
	put(ItemState{Key: fTaskOK, Batch: 4, Status: Verified})
	put(ItemState{Key: tWave, Batch: 4, Status: NotStarted})
	v.members[1] = []ItemKey{fFree, fClaimed, fDone, fVerif}
	v.members[2] = []ItemKey{fPlanned}
	v.members[4] = []ItemKey{fTasked, fTaskOK, tWave}
	v.checkpoints["ck9"] = &CheckpointState{Entry: "ck9", Clock: 9, CodeCommit: "c9"}
	v.checkpoints["ck5"] = &CheckpointState{Entry: "ck5", Clock: 5, CodeCommit: "c5"}
	v.checkpoints["bl8"] = &CheckpointState{Entry: "bl8", Clock: 8, CodeCommit: "c8", Baseline: true}
	v.moves[MoveKey{"m2", fClaimed}] = Stub
	v.moves[MoveKey{"c3", fDone}] = Complete
	v.moves[MoveKey{"m10", fTasked}] = Stub
	return v
}

// testKey is the public key made from seed n, as an authorized_keys
// line: the same for every call.
func testKey(t *testing.T, n byte) string {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = n
	pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
	if err != nil {
		t.Fatal(err)
	}
	return sshkey.AuthorizedKey(pub)
}

// ruleCase is one entry a rule decides on: refused (refuse names what the
// refusal says) or accepted with exactly the delta want returns.
type ruleCase struct {
	name   string
	setup  func(v *snapshot)
	rec    *Record
	refuse string
	want   func(v *snapshot) Delta
}

// runRules runs the cases of one rule. Every case also proves that the
// rule left its snapshot as it was.
func runRules(t *testing.T, rule func(*snapshot, *Record) (Delta, error), cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := fixture(t)
			if c.setup != nil {
				c.setup(v)
			}
			before := dumpSnapshot(v)
			d, err := rule(v, c.rec)
			if after := dumpSnapshot(v); after != before {
				t.Fatalf("the rule changed the snapshot it decided on:\nbefore %s\nafter  %s", before, after)
			}
			if c.refuse != "" {
				if err == nil || !strings.Contains(err.Error(), c.refuse) {
					t.Fatalf("got %v, want a refusal saying %q", err, c.refuse)
				}
				if !IsRule(err) {
					t.Fatalf("%v is not a RuleError", err)
				}
				if !d.Empty() {
					t.Fatalf("a refused entry left a delta: %s", dumpDelta(d))
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			want := c.want(fixtureWith(t, c.setup))
			if got, w := dumpDelta(d), dumpDelta(want); got != w {
				t.Fatalf("delta\n got %s\nwant %s", got, w)
			}
		})
	}
}

// fixtureWith is the fixture changed by setup, for a case's want.
func fixtureWith(t *testing.T, setup func(*snapshot)) *snapshot {
	v := fixture(t)
	if setup != nil {
		setup(v)
	}
	return v
}

// rec is a record of entry e, signed by alice at clock 10.
func rec(id string, e Entry) *Record {
	if e.Signer == "" {
		e.Signer = "alice"
	}
	if e.Clock == 0 {
		e.Clock = 10
	}
	e.Time = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &Record{ID: id, Entry: &e, SigKey: "k"}
}

// changed is a copy of v's item k with change applied.
func changed(v *snapshot, k ItemKey, change func(*ItemState)) *ItemState {
	c := *v.item(k)
	change(&c)
	return &c
}

// changedBatch is a copy of v's batch id, its tasks copied, with change
// applied.
func changedBatch(v *snapshot, id int, change func(*BatchState)) *BatchState {
	c := v.batch(id).withTasks()
	change(c)
	return c
}

// dumpSnapshot prints every record of v, in key order.
func dumpSnapshot(v *snapshot) string {
	var b strings.Builder
	for _, k := range slices.SortedFunc(maps.Keys(v.items), compareKeys) {
		fmt.Fprintf(&b, "%v=%s ", k, dumpPtr(v.items[k]))
	}
	for _, id := range slices.Sorted(maps.Keys(v.batches)) {
		fmt.Fprintf(&b, "b%d=%s ", id, dumpPtr(v.batches[id]))
	}
	for _, id := range slices.Sorted(maps.Keys(v.signers)) {
		fmt.Fprintf(&b, "%s=%s ", id, dumpPtr(v.signers[id]))
	}
	for _, id := range slices.Sorted(maps.Keys(v.checkpoints)) {
		fmt.Fprintf(&b, "%s=%s ", id, dumpPtr(v.checkpoints[id]))
	}
	fmt.Fprintf(&b, "moves=%v members=%v all=%+v policy=%s genesis=%s", v.moves, v.members, v.all, dumpPtr(v.policy), v.genesis)
	return b.String()
}

// dumpDelta prints what d changes, without its indexes.
func dumpDelta(d Delta) string {
	var b strings.Builder
	for _, it := range d.Items {
		fmt.Fprintf(&b, "item %+v\n", *it)
	}
	for _, bt := range d.Batches {
		fmt.Fprintf(&b, "batch %+v\n", *bt)
	}
	for _, sg := range d.Signers {
		fmt.Fprintf(&b, "signer %+v\n", *sg)
	}
	for _, c := range d.Checkpoints {
		fmt.Fprintf(&b, "checkpoint %+v\n", *c)
	}
	fmt.Fprintf(&b, "moves %+v policy %s genesis %v resolution %v decisions %v", d.Moves, dumpPtr(d.Policy), d.Genesis, d.Resolution, d.Decisions)
	return b.String()
}

func dumpPtr[T any](p *T) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%+v", *p)
}

// TestDumpsSeeChanges: the helpers above notice a change to a record, so
// the rule tests' "left the snapshot as it was" can fail.
func TestDumpsSeeChanges(t *testing.T) {
	v := fixture(t)
	before := dumpSnapshot(v)
	v.batch(4).Tasks[0].LastMove = 99
	if dumpSnapshot(v) == before {
		t.Fatal("a change to a task went unseen")
	}
	if !reflect.DeepEqual(dumpDelta(Delta{}), dumpDelta(Delta{itemAt: map[ItemKey]int{}})) {
		t.Fatal("a delta's index changes its dump")
	}
	if dumpDelta(Delta{Items: []*ItemState{{Key: fFree}}}) == dumpDelta(Delta{}) {
		t.Fatal("an item in a delta went unseen")
	}
}
