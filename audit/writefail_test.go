package audit

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

var errInjected = errors.New("injected failure")

// failingStorage is the real store with one step of a write failing: the
// n-th call of the method named step (n counts from 1), as a full disk or
// a killed process would leave it.
type failingStorage struct {
	*gitstore.Store
	step  string
	n     int
	calls map[string]int
}

// fails counts a call of step and reports whether it is the one to fail.
func (f *failingStorage) fails(step string) bool {
	f.calls[step]++
	return step == f.step && f.calls[step] == f.n
}

func (f *failingStorage) Lock() (func(), error) {
	if f.fails("lock") {
		return nil, errInjected
	}
	return f.Store.Lock()
}

func (f *failingStorage) Head() (plumbing.Hash, error) {
	if f.fails("head") {
		return plumbing.ZeroHash, errInjected
	}
	return f.Store.Head()
}

func (f *failingStorage) CommitFiles(parent plumbing.Hash, files map[string][]byte, msg string, who gitstore.Author, signer *sshkey.Signer) (plumbing.Hash, error) {
	if f.fails("objects") {
		return plumbing.ZeroHash, errInjected
	}
	return f.Store.CommitFiles(parent, files, msg, who, signer)
}

func (f *failingStorage) UpdateRef(old, new plumbing.Hash) error {
	if f.fails("ref") {
		return errInjected
	}
	return f.Store.UpdateRef(old, new)
}

func (f *failingStorage) MaybePack() error {
	if f.fails("pack") {
		return errInjected
	}
	return f.Store.MaybePack()
}

// failingView is the real view whose Save fails when fail is set; it
// counts the saves in calls.
type failingView struct {
	*viewdb.View
	fail  bool
	calls map[string]int
}

func (v *failingView) Save(st *ledger.State, from, head plumbing.Hash, recs ...*ledger.Record) error {
	v.calls["save"]++
	if v.fail {
		return errInjected
	}
	return v.View.Save(st, from, head, recs...)
}

// TestWriteFailsAtEveryStep fails each step of a write of a run of three
// entries in turn, through the Writer's storage seam with the real store
// and view underneath: the lock, the head, the objects of each of the
// three commits, the ref update, the pack and the view's save. A failure
// before the ref moves publishes nothing (the branch and the view stay
// where they were); one after it is a success with a warning. After each,
// the ledger audits clean, the view rebuilt from it agrees with the one
// kept up incrementally, and the next write succeeds.
func TestWriteFailsAtEveryStep(t *testing.T) {
	features := []ledger.ItemDef{{ID: 1}, {ID: 2}, {ID: 3}, {ID: 4}, {ID: 5}}
	batches := []ledger.BatchDef{{ID: 1, Name: "one", Features: "1-5"}}
	for _, tc := range []struct {
		step      string
		n         int
		published bool
		warning   string
	}{
		{step: "lock", n: 1},
		{step: "head", n: 1},
		{step: "objects", n: 1},
		{step: "objects", n: 2},
		{step: "objects", n: 3},
		{step: "ref", n: 1},
		{step: "pack", n: 1, published: true, warning: "packing the ledger's objects failed"},
		{step: "save", n: 1, published: true, warning: "the view was not updated"},
	} {
		t.Run(fmt.Sprintf("%s#%d", tc.step, tc.n), func(t *testing.T) {
			f := viewtest.New(t)
			before, err := f.Store.Head()
			if err != nil {
				t.Fatal(err)
			}
			fs := &failingStorage{Store: f.Store, step: tc.step, n: tc.n, calls: map[string]int{}}
			f.W.Store = fs
			v := &failingView{View: f.V, fail: tc.step == "save", calls: fs.calls}
			recs, err := f.W.AppendAll(v, ledger.ChunkedInventoryEntries(2, "test", features, nil, batches))
			if fs.calls[tc.step] < tc.n {
				t.Fatalf("the write called %s %d times: the step was never reached", tc.step, fs.calls[tc.step])
			}
			head, herr := f.Store.Head()
			if herr != nil {
				t.Fatal(herr)
			}
			viewHead, verr := f.V.Head()
			if verr != nil {
				t.Fatal(verr)
			}
			if !tc.published {
				if !errors.Is(err, errInjected) {
					t.Fatalf("the write returned %v, want the injected failure", err)
				}
				if head != before || viewHead != before {
					t.Fatalf("a failed write moved the branch (%s) or the view (%s) from %s", head, viewHead, before)
				}
			} else {
				if err != nil {
					t.Fatalf("a failure after the ref moved failed the write: %v", err)
				}
				if len(recs) != 3 || head.String() != recs[2].Commit {
					t.Fatalf("the branch is at %s after writing %d entries", head, len(recs))
				}
				w := recs[2].Warnings
				if len(w) != 1 || !strings.Contains(w[0], tc.warning) || !strings.Contains(w[0], errInjected.Error()) {
					t.Fatalf("warnings %q, want one saying %q", w, tc.warning)
				}
				if tc.step == "save" && viewHead != before {
					t.Fatalf("the view moved to %s although its save failed", viewHead)
				}
			}
			// The ledger audits clean and its rebuilt view agrees with the
			// incremental one, once that one has caught up.
			if err := f.V.Refresh(); err != nil {
				t.Fatal(err)
			}
			res, err := Audit(f.V, nil)
			if err != nil || !res.OK() {
				t.Fatalf("audit after the failed step: %v %+v", err, res)
			}
			wantEntries := 1
			if tc.published {
				wantEntries = 4
			}
			if res.Entries != wantEntries {
				t.Fatalf("the ledger holds %d entries, want %d", res.Entries, wantEntries)
			}
			// The next write, with nothing failing, succeeds.
			f.W.Store, v.fail = f.Store, false
			if _, err := f.W.AppendAll(v, ledger.ChunkedInventoryEntries(2, "test", features, nil, batches)); err != nil {
				t.Fatalf("the write after the failure: %v", err)
			}
			if it, err := f.V.Item(ledger.ItemKey{Kind: ledger.Feature, ID: 5}); err != nil || it == nil || it.Batch != 1 {
				t.Fatalf("feature 5 in the view after the next write: %+v, %v", it, err)
			}
		})
	}
}
