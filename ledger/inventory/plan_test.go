package inventory

import (
	"errors"
	"testing"

	"github.com/porttracker/porttracker/ledger"
)

// TestPlan reconciles a scan of one tree with the ledger's items: items of
// other trees, without a source file or in a skipped broken file are left
// alone but count for the next free ID, a declaration that is gone is
// marked removed; CheckCurrent then refuses a state in which another entry
// remapped a reconciled item meanwhile.
func TestPlan(t *testing.T) {
	l := newMemLedger(t)
	def := func(id int, file, symbol string) ledger.ItemDef {
		return ledger.ItemDef{ID: id, Mapping: ledger.Mapping{SourceFile: file, SourceSymbol: symbol, SourceStart: 1, SourceEnd: 3, SourceDigest: "sha256:" + symbol}}
	}
	e, err := ledger.BuildInventory(l.st, "define", []ledger.ItemDef{
		def(1, "pkg/a.go", "Kept"),
		def(2, "pkg/a.go", "Gone"),
		def(3, "other/b.go", "Elsewhere"),
		def(4, "pkg/broken.go", "Unparsed"),
		def(7, "", "Unplaced"),
	}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.apply(e)
	res := &ScanResult{Commit: "0123456789abcdef0123456789abcdef01234567", Decls: []Decl{
		{Kind: ledger.Feature, File: "a.go", Symbol: "Kept", Start: 1, End: 3, Digest: "sha256:Kept"},
		{Kind: ledger.Feature, File: "a.go", Symbol: "Added", Start: 5, End: 9, Digest: "sha256:Added"},
	}}
	p := NewPlan(l.known(), res, PlanScope{Prefix: "pkg", Broken: map[string]bool{"pkg/broken.go": true}})
	got := map[int]Change{}
	for _, c := range p.Changes {
		got[c.ID] = c
	}
	if c, ok := got[2]; !ok || !c.Removed {
		t.Errorf("feature 2, whose declaration is gone, is not marked removed: %+v", p.Changes)
	}
	for _, id := range []int{3, 4, 7} {
		if c, ok := got[id]; ok {
			t.Errorf("feature %d, outside what the scan looked at, changed: %+v", id, c)
		}
	}
	if c, ok := got[8]; !ok || !c.New || c.Mapping.SourceFile != "pkg/a.go" || c.Mapping.SourceSymbol != "Added" {
		t.Errorf("the new declaration is not feature 8 in pkg/a.go: %+v", p.Changes)
	}
	if len(p.Features) != len(p.Changes) || len(p.Tests) != 0 {
		t.Errorf("%d feature and %d test definitions for %d changes", len(p.Features), len(p.Tests), len(p.Changes))
	}
	if n := len(p.Before()); n != 5 {
		t.Errorf("Before lists %d items, want 5", n)
	}

	if err := p.CheckCurrent(l.st); err != nil {
		t.Fatalf("CheckCurrent on the state the scan saw: %v", err)
	}
	// Another writer remaps feature 2 before this scan records.
	moved := def(2, "pkg/z.go", "Gone")
	e, err = ledger.BuildInventory(l.st, "remap", []ledger.ItemDef{moved}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.apply(e)
	var changed *ChangedError
	if err := p.CheckCurrent(l.st); !errors.As(err, &changed) || changed.Key != (ledger.ItemKey{Kind: ledger.Feature, ID: 2}) {
		t.Fatalf("CheckCurrent after feature 2 was remapped: %v; want a ChangedError for it", err)
	}
	// Another writer defines the ID the scan gives its new item.
	p = NewPlan(l.known(), res, PlanScope{Prefix: "pkg", Broken: map[string]bool{"pkg/broken.go": true}})
	e, err = ledger.BuildInventory(l.st, "take 8", []ledger.ItemDef{def(8, "other/c.go", "Taken")}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.apply(e)
	if err := p.CheckCurrent(l.st); !errors.As(err, &changed) || changed.Key.ID != 8 {
		t.Fatalf("CheckCurrent after feature 8 was defined elsewhere: %v; want a ChangedError for it", err)
	}
}
