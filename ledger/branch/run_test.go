package branch

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// defs makes n item definitions with IDs from 1.
func defs(n int) []ledger.ItemDef {
	out := make([]ledger.ItemDef, n)
	for i := range out {
		out[i] = ledger.ItemDef{ID: i + 1, Mapping: ledger.Mapping{SourceFile: "a.go", SourceSymbol: fmt.Sprintf("F%d", i+1)}}
	}
	return out
}

// TestInventoryRunChunks checks how a run splits an inventory: at most
// chunk items an entry, each batch with the entry that holds its last item
// once the batches it depends on are written, and the replay of the run
// equal to that of the one-entry inventory.
func TestInventoryRunChunks(t *testing.T) {
	features, tests := defs(10), defs(3)
	batches := []ledger.BatchDef{
		{ID: 2, Name: "two", Depends: []int{1}, Features: "1-4"}, // waits for batch 1
		{ID: 1, Name: "one", Features: "5-10"},
		{ID: 3, Name: "three", Tests: "1-3"},
	}
	for _, tc := range []struct {
		chunk       int
		wantEntries []string // features/tests/batches of each entry
	}{
		{chunk: 4, wantEntries: []string{"4/0/0", "4/0/0", "2/2/2", "0/1/1"}},
		{chunk: 6, wantEntries: []string{"6/0/0", "4/2/2", "0/1/1"}},
		{chunk: 100, wantEntries: []string{"10/3/3"}},
	} {
		t.Run(fmt.Sprint("chunk=", tc.chunk), func(t *testing.T) {
			_, w := newLedger(t)
			v := &replayView{store: w.Store}
			recs, err := w.AppendAll(v, ledger.ChunkedInventoryEntries(tc.chunk, "test", features, tests, batches))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, fmt.Sprintf("%d/%d/%d", len(r.Entry.Features), len(r.Entry.Tests), len(r.Entry.Batches)))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.wantEntries) {
				t.Fatalf("entries %v, want %v", got, tc.wantEntries)
			}
			st, err := v.StateAt(mustHead(t, w))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				k     ledger.ItemKey
				batch int
			}{{ledger.ItemKey{Kind: ledger.Feature, ID: 1}, 2}, {ledger.ItemKey{Kind: ledger.Feature, ID: 10}, 1}, {ledger.ItemKey{Kind: ledger.Test, ID: 3}, 3}} {
				it, err := st.Item(c.k)
				if err != nil || it == nil || it.Batch != c.batch {
					t.Errorf("%s: %+v (%v), want batch %d", c.k, it, err, c.batch)
				}
			}
			// The same inventory again changes nothing.
			again, err := w.AppendAll(v, ledger.ChunkedInventoryEntries(tc.chunk, "test", features, tests, batches))
			if err != nil || len(again) != 0 {
				t.Fatalf("second import wrote %d entries (%v), want none", len(again), err)
			}
		})
	}
}

// TestAppendAllAtomic checks that a run whose third entry a rule refuses
// leaves the branch where it was, and that a run that succeeds moves it
// once, to a commit whose first-parent chain holds each entry in order.
func TestAppendAllAtomic(t *testing.T) {
	_, w := newLedger(t)
	v := &replayView{store: w.Store}
	before := mustHead(t, w)
	bad := func(st *ledger.State, i int) (*ledger.Entry, error) {
		if i == 3 {
			return nil, nil
		}
		e := &ledger.Entry{Kind: ledger.KindInventory, Summary: fmt.Sprint("part ", i), Features: defs(2)}
		if i == 2 {
			e.Features = []ledger.ItemDef{{ID: -1}} // refused by the inventory rules
		} else {
			e.Features = e.Features[i : i+1]
		}
		return e, nil
	}
	if _, err := w.AppendAll(v, bad); !ledger.IsRule(err) {
		t.Fatalf("AppendAll with a bad entry: %v, want a rule error", err)
	}
	if h := mustHead(t, w); h != before {
		t.Fatalf("the branch moved to %s after a refused run", h)
	}
	saved := v.saved
	good := func(st *ledger.State, i int) (*ledger.Entry, error) {
		if i == 3 {
			return nil, nil
		}
		return &ledger.Entry{Kind: ledger.KindInventory, Summary: fmt.Sprint("part ", i), Features: defs(3)[i : i+1]}, nil
	}
	recs, err := w.AppendAll(v, good)
	if err != nil || len(recs) != 3 {
		t.Fatalf("AppendAll: %d records, %v", len(recs), err)
	}
	if v.saved != saved+1 {
		t.Errorf("the view was saved %d times, want once", v.saved-saved)
	}
	h := mustHead(t, w)
	for i := len(recs) - 1; i >= 0; i-- {
		if h.String() != recs[i].Commit {
			t.Fatalf("commit %d of the run is %s, want %s", i, h, recs[i].Commit)
		}
		out, err := exec.Command("git", "--git-dir", gitStore(w).GitDir(), "log", "-n1", "--format=%P", h.String()).Output()
		parents := strings.Fields(string(out))
		if err != nil || len(parents) != 1 {
			t.Fatalf("commit %s: parents %q, %v", h, parents, err)
		}
		h = plumbing.NewHash(parents[0])
	}
	if h != before {
		t.Fatalf("the run starts on %s, want %s", h, before)
	}
	if _, err := w.Append(v, func(*ledger.State) (*ledger.Entry, error) { return nil, nil }); err == nil || errors.Is(err, gitstore.ErrRefChanged) {
		t.Fatalf("Append of no entry: %v, want an error", err)
	}
}
