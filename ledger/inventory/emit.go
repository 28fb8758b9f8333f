package inventory

import (
	"cmp"
	"slices"

	"github.com/porttracker/porttracker/ledger"
)

// EmitFile builds the inventory file that records changes and suggestions,
// for Encode: one item per changed item, with the target fields of its
// suggestion when there is one, and one item per suggestion for an item
// that did not change. A suggestion is the item's whole mapping (as Suggest
// returns it). Items are ordered by ID; the file has no batches.
func EmitFile(changes []Change, suggestions map[ledger.ItemKey]ledger.Mapping) *File {
	f := &File{}
	seen := make(map[ledger.ItemKey]bool, len(changes))
	add := func(kind ledger.Kind, it Item) {
		if kind == ledger.Test {
			f.Tests = append(f.Tests, it)
		} else {
			f.Features = append(f.Features, it)
		}
	}
	for _, c := range changes {
		m := c.Mapping
		if s, ok := suggestions[c.ItemKey]; ok && !c.Removed {
			m.TargetFile, m.TargetSymbol = s.TargetFile, s.TargetSymbol
		}
		seen[c.ItemKey] = true
		add(c.Kind, Item{ID: c.ID, Mapping: m, Removed: c.Removed})
	}
	for key, m := range suggestions {
		if !seen[key] {
			add(key.Kind, Item{ID: key.ID, Mapping: m})
		}
	}
	byID := func(a, b Item) int { return cmp.Compare(a.ID, b.ID) }
	slices.SortFunc(f.Features, byID)
	slices.SortFunc(f.Tests, byID)
	return f
}
