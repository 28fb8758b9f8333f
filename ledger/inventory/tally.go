package inventory

import "github.com/porttracker/porttracker/gates/symbol"

// Tally counts a scan's changes by what happened to each item.
type Tally struct {
	New, Moved, Renamed, Upstream, Removed, Restored, Shifted, Located int
}

// Count tallies changes. An item defined by an import without a span and
// given one now is Located; one whose span merely moved in its file, or
// whose number among same-named declarations changed, is Shifted.
func Count(changes []Change) Tally {
	var n Tally
	for _, c := range changes {
		switch {
		case c.New:
			n.New++
			continue
		case c.Removed:
			n.Removed++
			continue
		case c.Previous.SourceDigest == "":
			n.Located++
			continue
		}
		if c.Restored {
			n.Restored++
		}
		if c.Moved {
			n.Moved++
		}
		if c.NameChanged() {
			n.Renamed++
		}
		if c.UpstreamChanged {
			n.Upstream++
		}
		if !c.Moved && !c.NameChanged() && (c.Shifted || c.Renamed) {
			n.Shifted++
		}
	}
	return n
}

// NameChanged says that the function's name changed, not only its number
// among same-named declarations of its file (init#2 becoming init).
func (c Change) NameChanged() bool {
	was, _ := symbol.Split(c.Previous.SourceSymbol)
	now, _ := symbol.Split(c.Mapping.SourceSymbol)
	return c.Renamed && was != now
}
