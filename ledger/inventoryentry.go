package ledger

import (
	"fmt"
	"slices"
	"strings"
)

// inventoryKeys: an inventory entry reads the items it defines and lists
// in batches, the batches it defines and those they depend on, through
// their dependencies (a cycle).
func inventoryKeys(e *Entry, k *Keys) {
	for _, set := range []struct {
		kind Kind
		defs []ItemDef
	}{{Feature, e.Features}, {Test, e.Tests}} {
		for _, d := range set.defs {
			k.Items = append(k.Items, ItemKey{set.kind, d.ID})
		}
	}
	for _, b := range e.Batches {
		keys, _ := b.Members() // the rule refuses a list that does not parse
		k.Items = append(k.Items, keys...)
		k.Batches = append(k.Batches, b.ID)
		k.Batches = append(k.Batches, b.Depends...)
	}
	k.Depends = true
}

// inventoryRule is the rule of an inventory entry, which defines or remaps
// items and batches.
func inventoryRule(v *snapshot, rec *Record) (Delta, error) {
	e := rec.Entry
	defs, err := checkItemDefs(rec)
	if err != nil {
		return Delta{}, err
	}
	member, err := v.checkBatchDefs(rec, defs)
	if err != nil {
		return Delta{}, err
	}
	var d Delta
	for _, def := range defs {
		d.putItem(definedItem(rec, v.item(def.key), def))
	}
	for _, b := range e.Batches {
		d.putBatch(definedBatch(rec, v.batch(b.ID), b))
	}
	for _, m := range member {
		if it := d.item(v, m.key); it.Batch != m.batch || it.BatchEntry != rec.ID {
			cp := *it
			cp.Batch, cp.BatchEntry = m.batch, rec.ID
			d.putItem(&cp)
		}
	}
	return d, nil
}

// itemDef is one item an inventory entry defines.
type itemDef struct {
	key ItemKey
	def ItemDef
}

// checkItemDefs checks the items an inventory entry defines and lists
// them, features then tests.
func checkItemDefs(rec *Record) ([]itemDef, error) {
	var out []itemDef
	defined := map[ItemKey]bool{}
	for _, set := range []struct {
		kind Kind
		defs []ItemDef
	}{{Feature, rec.Entry.Features}, {Test, rec.Entry.Tests}} {
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
			out = append(out, itemDef{k, d})
		}
	}
	return out, nil
}

// membership is an item an inventory entry lists in a batch.
type membership struct {
	key   ItemKey
	batch int
}

// checkBatchDefs checks the batches an inventory entry defines: their
// members are defined, in one batch each and not claimed by another batch;
// their dependencies are defined and form no cycle. It lists the members,
// in the entry's order.
func (v *snapshot) checkBatchDefs(rec *Record, defs []itemDef) ([]membership, error) {
	newBatch := map[int]BatchDef{}
	for _, b := range rec.Entry.Batches {
		if b.ID <= 0 || strings.TrimSpace(b.Name) == "" {
			return nil, rulef("entry %s: batch %d needs a positive id and a name", rec.ID, b.ID)
		}
		newBatch[b.ID] = b
	}
	defined := map[ItemKey]bool{}
	for _, d := range defs {
		defined[d.key] = true
	}
	var out []membership
	member := map[ItemKey]int{}
	for _, b := range rec.Entry.Batches {
		keys, err := b.Members()
		if err != nil {
			return nil, rulef("entry %s: %v", rec.ID, err)
		}
		for _, k := range keys {
			first, err := v.checkMember(b.ID, k, member, defined)
			if err != nil {
				return nil, err
			}
			if first {
				out = append(out, membership{k, b.ID})
			}
		}
		if err := v.checkDepends(b, newBatch); err != nil {
			return nil, err
		}
	}
	if err := v.checkCycles(newBatch); err != nil {
		return nil, err
	}
	for _, m := range out {
		if err := v.checkBatchMove(m); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkMember checks item k, which batch lists: it is defined (by the
// entry or before it) and in no other batch of the entry (member, which it
// is added to). It reports whether the entry lists k for the first time.
func (v *snapshot) checkMember(batch int, k ItemKey, member map[ItemKey]int, defined map[ItemKey]bool) (bool, error) {
	prev, listed := member[k]
	if listed && prev != batch {
		return false, rulef("%s is listed in batch %d and batch %d", k, prev, batch)
	}
	if !defined[k] && v.item(k) == nil {
		return false, rulef("batch %d lists %s, which is not defined (define it in the same file or import it first)", batch, k)
	}
	member[k] = batch
	return !listed, nil
}

// checkDepends demands that the batches b depends on are defined, by the
// entry (newBatch) or before it.
func (v *snapshot) checkDepends(b BatchDef, newBatch map[int]BatchDef) error {
	for _, d := range b.Depends {
		if _, ok := newBatch[d]; !ok && v.batch(d) == nil {
			return rulef("batch %d depends on batch %d, which is not defined", b.ID, d)
		}
	}
	return nil
}

// checkBatchMove refuses to move a claimed item to another batch, which
// would take it out from under the batch that claimed it.
func (v *snapshot) checkBatchMove(m membership) error {
	it := v.item(m.key)
	if it == nil || it.Batch == 0 || it.Batch == m.batch || it.Status == NotStarted || it.Status == Deferred {
		return nil
	}
	return rulef("%s is %s in batch %d; it cannot move to batch %d until it is deferred", m.key, it.Status, it.Batch, m.batch)
}

// definedItem is item old (nil: new) as inventory entry rec defines or
// remaps it.
func definedItem(rec *Record, old *ItemState, d itemDef) *ItemState {
	it := &ItemState{Key: d.key, Status: NotStarted}
	if old != nil {
		cp := *old
		it = &cp
		promoted := old.Status == Complete || old.Status == Verified
		if promoted && old.SourceDigest != "" && d.def.SourceDigest != "" && old.SourceDigest != d.def.SourceDigest {
			it.UpstreamChanged = true
		}
	}
	it.Mapping = d.def.Mapping
	it.Removed = d.def.Removed
	it.LastEntry, it.DefEntry = rec.ID, rec.ID
	return it
}

// definedBatch is batch old (nil: new) as inventory entry rec defines it:
// a redefinition renames the batch or changes what it depends on; where it
// stands stays.
func definedBatch(rec *Record, old *BatchState, b BatchDef) *BatchState {
	nb := &BatchState{ID: b.ID, Status: BatchPlanned}
	if old != nil {
		cp := *old
		cp.Tasks = slices.Clone(old.Tasks)
		nb = &cp
	}
	nb.Name, nb.Depends, nb.DefEntry = b.Name, slices.Clone(b.Depends), rec.ID
	slices.Sort(nb.Depends)
	return nb
}

// checkCycles refuses batch dependencies that would form a cycle.
func (v *snapshot) checkCycles(changed map[int]BatchDef) error {
	deps := func(id int) []int {
		if b, ok := changed[id]; ok {
			return b.Depends
		}
		if b := v.batch(id); b != nil {
			return b.Depends
		}
		return nil
	}
	for start := range changed {
		seen := map[int]bool{}
		stack := []int{start}
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, d := range deps(id) {
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
