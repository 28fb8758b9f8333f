package inventory

import (
	"bytes"
	"testing"

	"github.com/porttracker/porttracker/ledger"
)

func TestEmitFile(t *testing.T) {
	m := func(file, sym string) ledger.Mapping {
		return ledger.Mapping{SourceFile: file, SourceSymbol: sym, SourceStart: 3, SourceEnd: 5, SourceCommit: "abc", SourceDigest: "sha256:00"}
	}
	changes := []Change{
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 9}, New: true, Mapping: m("b.go", "g")},
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 2}, Removed: true, Mapping: m("a.go", "gone")},
		{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 757}, New: true, Mapping: m("a_test.go", "TestA")},
	}
	withTarget := func(mp ledger.Mapping, file, sym string) ledger.Mapping {
		mp.TargetFile, mp.TargetSymbol = file, sym
		return mp
	}
	suggestions := map[ledger.ItemKey]ledger.Mapping{
		{Kind: ledger.Feature, ID: 9}: withTarget(m("b.go", "g"), "G.cs", "G.Run"),
		{Kind: ledger.Feature, ID: 2}: withTarget(m("a.go", "gone"), "X.cs", "X.Gone"),
		{Kind: ledger.Feature, ID: 1}: withTarget(m("a.go", "f"), "F.cs", "F.Run"),
	}
	f := EmitFile(changes, suggestions)
	var buf bytes.Buffer
	if err := f.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Parse("emitted", &buf)
	if err != nil {
		t.Fatalf("the emitted file does not parse: %v\n%s", err, buf.String())
	}
	want := &File{
		Features: []Item{
			{ID: 1, Mapping: withTarget(m("a.go", "f"), "F.cs", "F.Run")},
			{ID: 2, Mapping: m("a.go", "gone"), Removed: true},
			{ID: 9, Mapping: withTarget(m("b.go", "g"), "G.cs", "G.Run")},
		},
		Tests: []Item{{ID: 757, Mapping: m("a_test.go", "TestA")}},
	}
	if !equalFiles(back, want) {
		t.Errorf("emitted:\n%+v\nwant:\n%+v", back, want)
	}
	if empty := EmitFile(nil, nil); len(empty.Features)+len(empty.Tests)+len(empty.Batches) != 0 {
		t.Errorf("empty emit = %+v", empty)
	}
}

// equalFiles compares the items of two inventory files.
func equalFiles(a, b *File) bool {
	eq := func(x, y []Item) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	}
	return eq(a.Features, b.Features) && eq(a.Tests, b.Tests) && len(a.Batches) == len(b.Batches)
}

func TestApply(t *testing.T) {
	known := []Known{
		{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 1}, Mapping: ledger.Mapping{SourceSymbol: "TestA"}},
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 2}, Mapping: ledger.Mapping{SourceSymbol: "b"}},
	}
	changes := []Change{
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 2}, Removed: true, Mapping: ledger.Mapping{SourceSymbol: "b"}},
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 3}, New: true, Mapping: ledger.Mapping{SourceSymbol: "c"}},
	}
	got := Apply(known, changes)
	want := []Known{
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 2}, Mapping: ledger.Mapping{SourceSymbol: "b"}, Removed: true},
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 3}, Mapping: ledger.Mapping{SourceSymbol: "c"}},
		{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 1}, Mapping: ledger.Mapping{SourceSymbol: "TestA"}},
	}
	if len(got) != len(want) {
		t.Fatalf("Apply = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Apply[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}
