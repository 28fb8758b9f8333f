package ledger

import (
	"fmt"
	"slices"
	"strings"
)

// inventory is the rule of an inventory entry, which defines or remaps
// items and batches.
func (s *State) inventory(rec *Record) (func() error, error) {
	e := rec.Entry
	type change struct {
		def  ItemDef
		kind Kind
	}
	var changes []change
	defined := map[ItemKey]bool{}
	for _, set := range []struct {
		kind Kind
		defs []ItemDef
	}{{Feature, e.Features}, {Test, e.Tests}} {
		for _, d := range set.defs {
			if d.ID <= 0 {
				return nil, rulef("entry %s: %s id %d is not positive", rec.ID, set.kind, d.ID)
			}
			k := ItemKey{set.kind, d.ID}
			if err := CheckMapping(d.Mapping); err != nil {
				return nil, rulef("entry %s: %s: %v", rec.ID, k, err)
			}
			if defined[k] {
				return nil, rulef("entry %s: %s defined twice", rec.ID, k)
			}
			defined[k] = true
			changes = append(changes, change{d, set.kind})
		}
	}
	// Batches: membership, dependencies (known batches, no cycles).
	member := map[ItemKey]int{}
	newBatch := map[int]BatchDef{}
	for _, b := range e.Batches {
		if b.ID <= 0 || strings.TrimSpace(b.Name) == "" {
			return nil, rulef("entry %s: batch %d needs a positive id and a name", rec.ID, b.ID)
		}
		newBatch[b.ID] = b
	}
	for _, b := range e.Batches {
		keys, err := b.Members()
		if err != nil {
			return nil, rulef("entry %s: %v", rec.ID, err)
		}
		for _, k := range keys {
			if prev, ok := member[k]; ok && prev != b.ID {
				return nil, rulef("%s is listed in batch %d and batch %d", k, prev, b.ID)
			}
			if !defined[k] {
				it, err := s.Item(k)
				if err != nil {
					return nil, err
				}
				if it == nil {
					return nil, rulef("batch %d lists %s, which is not defined (define it in the same file or import it first)", b.ID, k)
				}
			}
			member[k] = b.ID
		}
		for _, d := range b.Depends {
			if _, ok := newBatch[d]; ok {
				continue
			}
			db, err := s.Batch(d)
			if err != nil {
				return nil, err
			}
			if db == nil {
				return nil, rulef("batch %d depends on batch %d, which is not defined", b.ID, d)
			}
		}
	}
	if err := s.checkCycles(newBatch); err != nil {
		return nil, err
	}
	// Moving a claimed item to another batch would take it out from under
	// the batch that claimed it.
	for k, bid := range member {
		it, err := s.Item(k)
		if err != nil {
			return nil, err
		}
		if it != nil && it.Batch != 0 && it.Batch != bid && it.Status != NotStarted && it.Status != Deferred {
			return nil, rulef("%s is %s in batch %d; it cannot move to batch %d until it is deferred", k, it.Status, it.Batch, bid)
		}
	}
	return func() error {
		for _, c := range changes {
			k := ItemKey{c.kind, c.def.ID}
			old, err := s.Item(k)
			if err != nil {
				return err
			}
			it := &ItemState{Key: k, Status: NotStarted}
			if old != nil {
				cp := *old
				it = &cp
				promoted := old.Status == Complete || old.Status == Verified
				if promoted && old.SourceDigest != "" && c.def.SourceDigest != "" && old.SourceDigest != c.def.SourceDigest {
					it.UpstreamChanged = true
				}
			}
			it.Mapping = c.def.Mapping
			it.Removed = c.def.Removed
			it.LastEntry, it.DefEntry = rec.ID, rec.ID
			s.putItem(it)
		}
		for _, b := range e.Batches {
			old, err := s.Batch(b.ID)
			if err != nil {
				return err
			}
			nb := &BatchState{ID: b.ID, Status: BatchPlanned}
			if old != nil {
				// A redefinition renames the batch or changes what it
				// depends on; where it stands stays.
				cp := *old
				cp.Tasks = slices.Clone(old.Tasks)
				nb = &cp
			}
			nb.Name, nb.Depends, nb.DefEntry = b.Name, slices.Clone(b.Depends), rec.ID
			slices.Sort(nb.Depends)
			s.putBatch(nb)
		}
		for k, bid := range member {
			it, err := s.Item(k)
			if err != nil {
				return err
			}
			if it.Batch != bid || it.BatchEntry != rec.ID {
				cp := *it
				cp.Batch, cp.BatchEntry = bid, rec.ID
				s.putItem(&cp)
			}
		}
		return nil
	}, nil
}

// checkCycles refuses batch dependencies that would form a cycle.
func (s *State) checkCycles(changed map[int]BatchDef) error {
	deps := func(id int) ([]int, error) {
		if b, ok := changed[id]; ok {
			return b.Depends, nil
		}
		b, err := s.Batch(id)
		if err != nil || b == nil {
			return nil, err
		}
		return b.Depends, nil
	}
	for start := range changed {
		seen := map[int]bool{}
		stack := []int{start}
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			ds, err := deps(id)
			if err != nil {
				return err
			}
			for _, d := range ds {
				if d == start {
					return rulef("batch dependencies form a cycle through batch %d", start)
				}
				if !seen[d] {
					seen[d] = true
					stack = append(stack, d)
				}
			}
		}
	}
	return nil
}

// ItemDef defines or remaps one item in an inventory entry or file.
type ItemDef struct {
	ID int `toml:"id" json:"id"`
	Mapping
	// Removed marks an item whose source declaration no longer exists.
	Removed bool `toml:"removed,omitempty" json:"removed,omitempty"`
}

// BatchDef defines one batch. Features and Tests are ID lists ("1636-1693").
type BatchDef struct {
	ID       int    `toml:"id" json:"id"`
	Name     string `toml:"name" json:"name"`
	Depends  []int  `toml:"depends,omitempty" json:"depends,omitempty"`
	Features string `toml:"features,omitempty" json:"features,omitempty"`
	Tests    string `toml:"tests,omitempty" json:"tests,omitempty"`
}

// Members lists the items a batch definition names, in the order of its
// lists (features, then tests), or the first ID list that does not parse.
func (b BatchDef) Members() ([]ItemKey, error) {
	var out []ItemKey
	for _, list := range []struct {
		kind Kind
		ids  string
	}{{Feature, b.Features}, {Test, b.Tests}} {
		if list.ids == "" {
			continue
		}
		ids, err := ParseIDs(list.ids)
		if err != nil {
			return nil, fmt.Errorf("batch %d %ss: %w", b.ID, list.kind, err)
		}
		for _, id := range ids {
			out = append(out, ItemKey{list.kind, id})
		}
	}
	return out, nil
}
