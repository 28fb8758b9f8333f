package hooks

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// fakeItems is a listing and a ledger check held apart, as a view whose
// rows were edited would hold them.
type fakeItems struct {
	listed []Item
	ledger map[ledger.ItemKey]ledger.Status
	err    error
}

func (f fakeItems) Mapped() ([]Item, error) { return f.listed, f.err }

func (f fakeItems) LoadItem(k ledger.ItemKey) (*ledger.ItemState, error) {
	st, ok := f.ledger[k]
	if !ok {
		return nil, nil
	}
	for _, it := range f.listed {
		if it.ItemKey == k {
			return &ledger.ItemState{Key: k, Status: st, Mapping: ledger.Mapping{TargetFile: it.File, TargetSymbol: it.Symbol}}, nil
		}
	}
	return nil, fmt.Errorf("%s is not listed", k)
}

func feature(id int) ledger.ItemKey { return ledger.ItemKey{Kind: ledger.Feature, ID: id} }

// TestPromoted: the complete and verified items mapped to a given file,
// judged by the ledger check whatever the listing says, in the listing's
// order; an item of another status, of another file or unknown to the
// ledger is none, and a listing that fails is the error.
func TestPromoted(t *testing.T) {
	listed := []Item{
		{ItemKey: feature(1), Status: ledger.Complete, File: "a.go", Symbol: "A"},
		{ItemKey: feature(2), Status: ledger.NotStarted, File: "a.go", Symbol: "B"},
		{ItemKey: feature(3), Status: ledger.Verified, File: "b.go", Symbol: "C"},
		{ItemKey: feature(4), Status: ledger.Complete, File: "a.go", Symbol: "D"},
		{ItemKey: feature(5), Status: ledger.Complete, File: "a.go", Symbol: "E"},
		{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 1}, Status: ledger.Verified, File: "a_test.go", Symbol: "TestA"},
	}
	truth := map[ledger.ItemKey]ledger.Status{
		feature(1):                 ledger.Complete,
		feature(2):                 ledger.Verified, // the listing was edited to hide it
		feature(3):                 ledger.Verified,
		feature(4):                 ledger.Stub, // the listing says complete; the ledger does not
		{Kind: ledger.Test, ID: 1}: ledger.Verified,
	}
	for _, tc := range []struct {
		name  string
		files []string
		want  string
	}{
		{"one file", []string{"a.go"}, "feature 1 complete A, feature 2 verified B"},
		{"two files", []string{"a.go", "a_test.go"}, "feature 1 complete A, feature 2 verified B, test 1 verified TestA"},
		{"another file", []string{"b.go"}, "feature 3 verified C"},
		{"no file mapped", []string{"c.go"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			for _, f := range tc.files {
				files[f] = nil
			}
			got, err := Promoted(fakeItems{listed: listed, ledger: truth}, files)
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, it := range got {
				s = append(s, fmt.Sprintf("%s %s %s", it.ItemKey, it.Status, it.Symbol))
			}
			if strings.Join(s, ", ") != tc.want {
				t.Errorf("Promoted = %q, want %q", strings.Join(s, ", "), tc.want)
			}
		})
	}
	boom := errors.New("listing failed")
	if _, err := Promoted(fakeItems{err: boom}, map[string][]byte{"a.go": nil}); !errors.Is(err, boom) {
		t.Errorf("a failing listing gives %v", err)
	}
}

// TestPushedRestubs: a pushed commit that puts a stub back in a promoted
// item's body is one line, whether the remote's commit is known (only the
// files changed since are read) or not (every mapped file is); a push that
// leaves the body alone is none.
func TestPushedRestubs(t *testing.T) {
	needGit(t)
	isolate(t)
	real := "package a\n\nfunc F() int {\n\treturn 1\n}\n"
	stub := "package a\n\nfunc F() int {\n\tpanic(\"not " + "implemented\")\n}\n"
	dir := newRepo(t, map[string]string{"a.go": real, "b.go": "package a\n"}, true)
	remote := gitRun(t, dir, "rev-parse", "HEAD")
	writeFiles(t, dir, map[string]string{"b.go": "package a\n\nvar X = 1\n"})
	gitRun(t, dir, "commit", "-qam", "b only")
	untouched := gitRun(t, dir, "rev-parse", "HEAD")
	writeFiles(t, dir, map[string]string{"a.go": stub})
	gitRun(t, dir, "commit", "-qam", "stub again")
	restubbed := gitRun(t, dir, "rev-parse", "HEAD")
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	items := fakeItems{
		listed: []Item{{ItemKey: feature(7), Status: ledger.Complete, File: "a.go", Symbol: "F"}},
		ledger: map[ledger.ItemKey]ledger.Status{feature(7): ledger.Complete},
	}
	unknown := strings.Repeat("1", 40)
	for _, tc := range []struct {
		name, sha, remote string
		want              int
	}{
		{"stub, remote known", restubbed, remote, 1},
		{"stub, remote unknown", restubbed, unknown, 1},
		{"stub, no remote commit", restubbed, "", 1},
		{"body untouched since the remote", untouched, remote, 0},
		{"body real, remote unknown", untouched, unknown, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PushedRestubs(store, config.Default(), items, tc.sha, tc.remote)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want || (tc.want == 1 && !strings.HasPrefix(got[0], "feature 7 (a.go F): stub in its body")) {
				t.Errorf("PushedRestubs = %q, want %d line(s)", got, tc.want)
			}
		})
	}
	none, err := PushedRestubs(store, config.Default(), fakeItems{}, restubbed, remote)
	if err != nil || len(none) != 0 {
		t.Errorf("without mapped items: %q, %v", none, err)
	}
}
