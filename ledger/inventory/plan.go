package inventory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/porttracker/porttracker/ledger"
)

// Plan is what a scan would record: the changes its reconciliation with
// the items the ledger defines found, as the definitions to record.
type Plan struct {
	Changes []Change
	// Features and Tests are the definitions to record.
	Features, Tests []ledger.ItemDef
	// before holds every item the ledger defined before the scan.
	before []Known
}

// PlanScope says which of the ledger's items a scan looked at.
type PlanScope struct {
	// Prefix is the scanned tree's path in the source root ("" for all
	// of it): the scan's declarations are relative to it.
	Prefix string
	// Broken are the source files (relative to the source root) the scan
	// skipped because they do not parse.
	Broken map[string]bool
}

// in reports whether the scan looked at the source file f.
func (s PlanScope) in(f string) bool {
	return f != "" && !s.Broken[f] && (s.Prefix == "" || strings.HasPrefix(f, s.Prefix+"/"))
}

// NewPlan reconciles the scan res with items, every item the ledger
// defines (the plan keeps items: the caller must not change them). Items
// outside the scope (another tree, no source file, a broken file that was
// skipped) are left out of the reconciliation, so that they are not
// marked removed; they still count for the next free IDs.
func NewPlan(items []Known, res *ScanResult, scope PlanScope) *Plan {
	p := &Plan{before: items}
	next := map[ledger.Kind]int{ledger.Feature: 1, ledger.Test: 1}
	known := make([]Known, 0, len(items))
	for _, it := range items {
		next[it.Kind] = max(next[it.Kind], it.ID+1)
		if scope.in(it.SourceFile) {
			known = append(known, it)
		}
	}
	decls := make([]Decl, len(res.Decls))
	for i, d := range res.Decls {
		d.File = joinPrefix(scope.Prefix, d.File)
		decls[i] = d
	}
	p.Changes = Reconcile(known, decls, res.Commit, next[ledger.Feature], next[ledger.Test])
	for _, c := range p.Changes {
		def := ledger.ItemDef{ID: c.ID, Mapping: c.Mapping, Removed: c.Removed}
		if c.Kind == ledger.Test {
			p.Tests = append(p.Tests, def)
		} else {
			p.Features = append(p.Features, def)
		}
	}
	return p
}

// Before lists the items the ledger defined before the scan.
func (p *Plan) Before() []Known {
	return slices.Clone(p.before)
}

// ChangedError says that an item the scan reconciled was defined or
// remapped by another entry while the scan ran.
type ChangedError struct{ Key ledger.ItemKey }

func (e *ChangedError) Error() string {
	return fmt.Sprintf("%s was defined or remapped by another entry while scanning", e.Key)
}

// CheckCurrent makes sure that st, the state a write builds on, still
// holds the items as the scan was reconciled with them: an item defined or
// remapped meanwhile (another scan or import, a concurrent writer) could
// otherwise be overwritten, or a new ID given twice. A difference is a
// *ChangedError.
func (p *Plan) CheckCurrent(st *ledger.State) error {
	ids := map[ledger.Kind][]int{}
	before := make(map[ledger.ItemKey]Known, len(p.Changes))
	for _, c := range p.Changes {
		ids[c.ItemKey.Kind] = append(ids[c.ItemKey.Kind], c.ItemKey.ID)
		before[c.ItemKey] = Known{}
	}
	for _, it := range p.before {
		if _, ok := before[it.ItemKey]; ok {
			before[it.ItemKey] = it
		}
	}
	for kind, list := range ids {
		if err := st.Preload(kind, list); err != nil {
			return fmt.Errorf("read the scanned items: %w", err)
		}
	}
	for _, c := range p.Changes {
		cur, err := st.Item(c.ItemKey)
		if err != nil {
			return fmt.Errorf("read %s: %w", c.ItemKey, err)
		}
		old := before[c.ItemKey]
		known := old.ItemKey == c.ItemKey
		switch {
		case !known && cur == nil:
			continue
		case known && cur != nil && cur.Mapping == old.Mapping && cur.Removed == old.Removed:
			continue
		}
		return &ChangedError{Key: c.ItemKey}
	}
	return nil
}
