package inventory

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates/symbol"
	"github.com/porttracker/porttracker/ledger"
)

// gitFiles1 and gitFiles2 return two commits of a source tree: between them
// foo moves to b.go, bar is renamed, baz changes, qux and the first init
// disappear, added appears and TestFoo is renamed.
func gitFiles1() map[string]string {
	return map[string]string{
		"server/a.go": `package server

func foo() int {
	return 1
}

func bar(x int) int {
	return x * 2
}

func baz() string {
	return "baz"
}

func qux() { println("qux") }

func init() { println("first") }

func init() { println("second") }
`,
		"server/a_test.go": "package server\n\nimport \"testing\"\n\nfunc TestFoo(t *testing.T) {\n\tif foo() != 1 {\n\t\tt.Fatal()\n\t}\n}\n",
		"server/c.go":      "package server\n\nfunc stable() {}\n",
	}
}

// gitFiles2 returns the files that the second commit writes over gitFiles1.
func gitFiles2() map[string]string {
	return map[string]string{
		"server/a.go": `package server

// A comment that shifts every line.

func barNew(x int) int {
	return x * 2
}

func baz() string {
	return "baz changed"
}

func init() { println("second") }

func added() {}
`,
		"server/b.go":      "package server\n\nfunc foo() int {\n\treturn 1\n}\n",
		"server/a_test.go": "package server\n\nimport \"testing\"\n\nfunc TestFooRenamed(t *testing.T) {\n\tif foo() != 1 {\n\t\tt.Fatal()\n\t}\n}\n",
	}
}

func TestReconcileAcrossCommits(t *testing.T) {
	r := newTestRepo(t)
	root := filepath.Join(r.dir, "server")
	writeTree(t, r.dir, gitFiles1())
	c1 := r.commitAll("one")
	res1, err := Scan(root, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	first := Reconcile(nil, res1.Decls, res1.Commit, 1636, 757)
	wantFirst := []string{
		"feature 1636 a.go foo new", "feature 1637 a.go bar new", "feature 1638 a.go baz new",
		"feature 1639 a.go qux new", "feature 1640 a.go init new", "feature 1641 a.go init#2 new",
		"feature 1642 c.go stable new", "test 757 a_test.go TestFoo new",
	}
	checkChanges(t, first, wantFirst)
	for _, c := range first {
		if c.Mapping.SourceCommit != c1 || c.Mapping.SourceDigest == "" || c.Mapping.SourceStart == 0 {
			t.Errorf("%v: mapping %+v lacks commit, digest or span", c.ItemKey, c.Mapping)
		}
	}
	known := knownFrom(first)

	writeTree(t, r.dir, gitFiles2())
	c2 := r.commitAll("two")
	res2, err := Scan(root, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	second := Reconcile(known, res2.Decls, res2.Commit, 1643, 758)
	checkChanges(t, second, []string{
		"feature 1636 b.go foo moved",
		"feature 1637 a.go barNew renamed shifted",
		"feature 1638 a.go baz shifted upstream",
		"feature 1639 a.go qux removed",
		"feature 1640 a.go init removed",
		"feature 1641 a.go init renamed shifted",
		"feature 1643 a.go added new",
		"test 757 a_test.go TestFooRenamed renamed",
	})
	for _, c := range second {
		if !c.Removed && c.Mapping.SourceCommit != c2 {
			t.Errorf("%v: commit %q, want %q", c.ItemKey, c.Mapping.SourceCommit, c2)
		}
	}
	after := Apply(known, second)
	if again := Reconcile(after, res2.Decls, res2.Commit, 1644, 758); len(again) != 0 {
		t.Errorf("rescan of the same code: %v, want no change", again)
	}
	writeTree(t, r.dir, map[string]string{"README": "unrelated\n"})
	r.commitAll("three")
	res3, err := Scan(root, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again := Reconcile(after, res3.Decls, res3.Commit, 1644, 758); len(again) != 0 {
		t.Errorf("rescan at a new commit with the same code: %v, want no change", again)
	}

	byID := map[int]Change{}
	for _, c := range append(first, second...) {
		if c.Kind == ledger.Feature {
			byID[c.ID] = c
		}
	}
	qux := byID[1639].Mapping
	text, err := SourceAt(r.dir, qux.SourceCommit, joinPrefix(res1.RepoPrefix, qux.SourceFile), qux.SourceStart, qux.SourceEnd)
	if err != nil || text != "func qux() { println(\"qux\") }\n" {
		t.Errorf("SourceAt(qux at the first commit) = %q, %v", text, err)
	}
	foo := byID[1636].Mapping
	text, err = SourceAt(root, c2[:10], "server/"+foo.SourceFile, foo.SourceStart, foo.SourceEnd)
	if err != nil || text != "func foo() int {\n\treturn 1\n}\n" {
		t.Errorf("SourceAt(foo at the second commit) = %q, %v", text, err)
	}
}

// checkChanges compares changes with one line each: "kind id file symbol
// flags...".
func checkChanges(t *testing.T, changes []Change, want []string) {
	t.Helper()
	var got []string
	for _, c := range changes {
		parts := []string{string(c.Kind), strconv.Itoa(c.ID), c.Mapping.SourceFile, c.Mapping.SourceSymbol}
		for _, f := range []struct {
			on   bool
			name string
		}{
			{c.New, "new"}, {c.Removed, "removed"}, {c.Restored, "restored"}, {c.Moved, "moved"},
			{c.Renamed, "renamed"}, {c.Shifted, "shifted"}, {c.UpstreamChanged, "upstream"},
		} {
			if f.on {
				parts = append(parts, f.name)
			}
		}
		got = append(got, strings.Join(parts, " "))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// decl is a declaration for the unit tests of Reconcile.
func decl(kind ledger.Kind, file, sym string, start int, digest string) Decl {
	return Decl{Kind: kind, File: file, Symbol: sym, Start: start, End: start + 2, Digest: digest}
}

// known is a known live item for the unit tests of Reconcile.
func known(kind ledger.Kind, id int, file, sym string, start int, digest string) Known {
	return Known{ItemKey: ledger.ItemKey{Kind: kind, ID: id}, Mapping: ledger.Mapping{
		SourceFile: file, SourceSymbol: sym, SourceStart: start, SourceEnd: start + 2,
		SourceCommit: "c0", SourceDigest: digest,
	}}
}

func TestReconcile(t *testing.T) {
	F, T := ledger.Feature, ledger.Test
	removed := func(k Known) Known { k.Removed = true; return k }
	for _, tc := range []struct {
		name  string
		known []Known
		decls []Decl
		want  []string
	}{{
		name:  "unchanged",
		known: []Known{known(F, 1, "a.go", "f", 3, "d1")},
		decls: []Decl{decl(F, "a.go", "f", 3, "d1")},
	}, {
		name:  "first scan numbers in order of decls, per kind",
		decls: []Decl{decl(F, "a.go", "f", 3, "d1"), decl(T, "a_test.go", "TestF", 3, "d2"), decl(F, "b.go", "g", 3, "d3")},
		want:  []string{"feature 10 a.go f new", "feature 11 b.go g new", "test 20 a_test.go TestF new"},
	}, {
		name:  "next IDs rise above known IDs",
		known: []Known{known(F, 40, "a.go", "f", 3, "d1")},
		decls: []Decl{decl(F, "a.go", "f", 3, "d1"), decl(F, "a.go", "g", 9, "d2")},
		want:  []string{"feature 41 a.go g new"},
	}, {
		name:  "ambiguous digest matches nothing",
		known: []Known{known(F, 1, "x.go", "a", 3, "empty"), known(F, 2, "x.go", "b", 5, "empty")},
		decls: []Decl{decl(F, "y.go", "c", 3, "empty"), decl(F, "y.go", "d", 5, "empty")},
		want:  []string{"feature 1 x.go a removed", "feature 2 x.go b removed", "feature 10 y.go c new", "feature 11 y.go d new"},
	}, {
		name:  "shared digest moved: matched by symbol",
		known: []Known{known(F, 1, "x.go", "a", 3, "empty"), known(F, 2, "x.go", "b", 5, "empty")},
		decls: []Decl{decl(F, "y.go", "b", 3, "empty"), decl(F, "y.go", "a", 5, "empty")},
		want:  []string{"feature 1 y.go a moved shifted", "feature 2 y.go b moved shifted"},
	}, {
		name:  "shared digest renamed in place: the lone pair",
		known: []Known{known(F, 1, "x.go", "a", 3, "empty"), known(F, 2, "x.go", "b", 5, "empty")},
		decls: []Decl{decl(F, "x.go", "c", 3, "empty"), decl(F, "x.go", "b", 5, "empty")},
		want:  []string{"feature 1 x.go c renamed"},
	}, {
		name:  "kinds do not mix",
		known: []Known{known(F, 1, "x.go", "TestA", 3, "d1")},
		decls: []Decl{decl(T, "x_test.go", "TestA", 3, "d1")},
		want:  []string{"feature 1 x.go TestA removed", "test 20 x_test.go TestA new"},
	}, {
		name:  "removed item comes back",
		known: []Known{removed(known(F, 1, "x.go", "a", 3, "d1"))},
		decls: []Decl{decl(F, "x.go", "a", 3, "d1")},
		want:  []string{"feature 1 x.go a restored"},
	}, {
		name:  "removed item comes back renamed",
		known: []Known{removed(known(F, 1, "x.go", "a", 3, "d1"))},
		decls: []Decl{decl(F, "x.go", "a2", 3, "d1")},
		want:  []string{"feature 1 x.go a2 restored renamed"},
	}, {
		name:  "live items are matched before removed ones",
		known: []Known{removed(known(F, 1, "x.go", "a", 3, "d1")), known(F, 2, "y.go", "b", 3, "d1")},
		decls: []Decl{decl(F, "z.go", "c", 3, "d1")},
		want:  []string{"feature 2 z.go c moved renamed"},
	}, {
		name:  "already removed stays quiet",
		known: []Known{removed(known(F, 1, "x.go", "a", 3, "d1"))},
	}, {
		name:  "imported item gets its digest",
		known: []Known{{ItemKey: ledger.ItemKey{Kind: F, ID: 5}, Mapping: ledger.Mapping{SourceFile: "x.go", SourceSymbol: "a"}}},
		decls: []Decl{decl(F, "x.go", "a", 3, "d1")},
		want:  []string{"feature 5 x.go a shifted"},
	}, {
		name:  "live item preferred over a removed one with the same symbol",
		known: []Known{removed(known(F, 1, "x.go", "a", 3, "d0")), known(F, 2, "x.go", "a", 3, "d1")},
		decls: []Decl{decl(F, "x.go", "a", 3, "d1")},
	}, {
		name:  "second init keeps its ID when the first goes",
		known: []Known{known(F, 1, "x.go", "init", 3, "d1"), known(F, 2, "x.go", "init#2", 7, "d2")},
		decls: []Decl{decl(F, "x.go", "init", 3, "d2")},
		want:  []string{"feature 1 x.go init removed", "feature 2 x.go init renamed shifted"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			for i := range tc.decls {
				sym, occ := symbol.Split(tc.decls[i].Symbol)
				tc.decls[i].Symbol, tc.decls[i].Occurrence = sym, occ
			}
			checkChanges(t, Reconcile(tc.known, tc.decls, "c0", 10, 20), tc.want)
		})
	}
}

func TestReconcileKeepsTarget(t *testing.T) {
	k := known(ledger.Feature, 1636, "jetstream_cluster.go", "(*jetStream).processConsumerAssignment", 100, "d1")
	k.TargetFile = "dotnet/src/JetStream.cs"
	k.TargetSymbol = "JetStream.ProcessConsumerAssignment"
	k.TestFilter = "JetStreamClusterConsumerTests"
	got := Reconcile([]Known{k}, []Decl{decl(ledger.Feature, "jetstream_cluster.go", "(*jetStream).processConsumerAssignment", 120, "d2")}, "c1", 1, 1)
	if len(got) != 1 {
		t.Fatalf("changes = %v", got)
	}
	c := got[0]
	want := k.Mapping
	want.SourceStart, want.SourceEnd, want.SourceDigest, want.SourceCommit = 120, 122, "d2", "c1"
	if c.Mapping != want || !c.UpstreamChanged || !c.Shifted || c.Previous != k.Mapping {
		t.Errorf("change = %+v\nwant mapping %+v", c, want)
	}
}

func TestCount(t *testing.T) {
	changes := []Change{
		{New: true},
		{Removed: true, Previous: ledger.Mapping{SourceDigest: "d"}},
		{Previous: ledger.Mapping{SourceSymbol: "F"}, Mapping: ledger.Mapping{SourceSymbol: "F"}},
		{Moved: true, Previous: ledger.Mapping{SourceDigest: "d", SourceSymbol: "F"}, Mapping: ledger.Mapping{SourceSymbol: "F"}},
		{Renamed: true, Previous: ledger.Mapping{SourceDigest: "d", SourceSymbol: "F"}, Mapping: ledger.Mapping{SourceSymbol: "G"}},
		{Renamed: true, Previous: ledger.Mapping{SourceDigest: "d", SourceSymbol: "init#2"}, Mapping: ledger.Mapping{SourceSymbol: "init"}},
		{UpstreamChanged: true, Shifted: true, Previous: ledger.Mapping{SourceDigest: "d", SourceSymbol: "H"}, Mapping: ledger.Mapping{SourceSymbol: "H"}},
	}
	want := Tally{New: 1, Removed: 1, Located: 1, Moved: 1, Renamed: 1, Upstream: 1, Shifted: 2}
	if got := Count(changes); got != want {
		t.Fatalf("Count = %+v, want %+v", got, want)
	}
}
