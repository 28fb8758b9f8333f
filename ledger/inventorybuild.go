package ledger

import (
	"fmt"
	"math"
	"reflect"
)

// BuildInventory makes the inventory entry that brings st to the given
// definitions, leaving out what is already so. It returns nil when nothing
// would change.
func BuildInventory(st *State, source string, features, tests []ItemDef, batches []BatchDef) (*Entry, error) {
	return inventoryRun(source, features, tests, batches, math.MaxInt)(st, 0)
}

// InventoryChunk is the most items that one entry of InventoryEntries
// defines: an inventory of a million items is 200 entries of a megabyte or
// two, each cheap to sign, store, fetch and replay.
const InventoryChunk = 5000

// InventoryEntries is the build function of branch.Writer.AppendAll that brings
// the state to the given definitions, leaving out what is already so: the
// changed items, features first, InventoryChunk to an entry, and the
// changed batches with the last of them (a batch may list items defined in
// the entries before it).
func InventoryEntries(source string, features, tests []ItemDef, batches []BatchDef) func(st *State, i int) (*Entry, error) {
	return ChunkedInventoryEntries(InventoryChunk, source, features, tests, batches)
}

// ChunkedInventoryEntries is InventoryEntries with at most chunk items to
// an entry.
func ChunkedInventoryEntries(chunk int, source string, features, tests []ItemDef, batches []BatchDef) func(st *State, i int) (*Entry, error) {
	return inventoryRun(source, features, tests, batches, chunk)
}

func inventoryRun(source string, features, tests []ItemDef, batches []BatchDef, chunk int) func(st *State, i int) (*Entry, error) {
	var run *inventoryPlan
	return func(st *State, i int) (*Entry, error) {
		if i == 0 {
			// A new run (the first, or a retry on a moved branch).
			var err error
			if run, err = planInventory(st, features, tests, batches); err != nil {
				return nil, err
			}
			run.parts = max(1, (len(run.items)+chunk-1)/chunk)
		}
		e := run.next(chunk)
		if e == nil {
			return nil, nil
		}
		e.Source = source
		e.Summary = fmt.Sprintf("inventory: %d features, %d tests, %d batches defined or remapped", len(e.Features), len(e.Tests), len(e.Batches))
		if run.parts > 1 {
			e.Summary += fmt.Sprintf(" (part %d of %d)", i+1, run.parts)
		}
		return e, nil
	}
}

// inventoryPlan is what an inventory run has left to write: the changed
// items, each changed batch's items right after one another, and the
// changed batches, each written with the entry that holds its last item
// (so that an item is defined and put in its batch by one entry) once the
// batches it depends on are written.
type inventoryPlan struct {
	fs, ts  []ItemDef // the changed features and tests
	items   []planned
	batches []BatchDef
	// left counts each pending batch's items not yet written; written marks
	// the batches written.
	left    map[int]int
	written map[int]bool
	parts   int
	done    bool
}

// planned is one changed item, by kind and index in the plan's lists,
// with the pending batch that lists it (0: none). A million of them must
// stay small.
type planned struct {
	test  bool
	i     int32
	batch int32
}

func planInventory(st *State, features, tests []ItemDef, batches []BatchDef) (*inventoryPlan, error) {
	fs, err := changedItems(st, Feature, features)
	if err != nil {
		return nil, err
	}
	ts, err := changedItems(st, Test, tests)
	if err != nil {
		return nil, err
	}
	p := &inventoryPlan{left: map[int]int{}, written: map[int]bool{}}
	if p.batches, err = changedBatches(st, batches); err != nil {
		return nil, err
	}
	of := map[ItemKey]int{} // the pending batch that lists an item
	for _, b := range p.batches {
		keys, err := b.Members()
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if _, ok := of[k]; !ok {
				of[k] = b.ID
			}
		}
	}
	p.fs, p.ts = fs, ts
	byBatch := map[int][]planned{}
	var loose []planned
	for _, set := range []struct {
		kind Kind
		defs []ItemDef
	}{{Feature, fs}, {Test, ts}} {
		for i, d := range set.defs {
			pl := planned{test: set.kind == Test, i: int32(i)}
			if b, ok := of[ItemKey{set.kind, d.ID}]; ok {
				pl.batch = int32(b)
				byBatch[b] = append(byBatch[b], pl)
			} else {
				loose = append(loose, pl)
			}
		}
	}
	for _, b := range p.batches {
		p.items = append(p.items, byBatch[b.ID]...)
		p.left[b.ID] = len(byBatch[b.ID])
	}
	p.items = append(p.items, loose...)
	return p, nil
}

// next takes the next entry of at most chunk items off the plan, or nil.
func (p *inventoryPlan) next(chunk int) *Entry {
	if p.done {
		return nil
	}
	e := &Entry{Kind: KindInventory}
	n := min(len(p.items), chunk)
	for _, pl := range p.items[:n] {
		if pl.test {
			e.Tests = append(e.Tests, p.ts[pl.i])
		} else {
			e.Features = append(e.Features, p.fs[pl.i])
		}
		if pl.batch != 0 {
			p.left[int(pl.batch)]--
		}
	}
	p.items = p.items[n:]
	last := len(p.items) == 0
	// Each batch goes with the entry that writes its last item, once those
	// it depends on are written; the last entry takes every batch left.
	for progress := true; progress; {
		progress = false
		var pending []BatchDef
		for _, b := range p.batches {
			if last || (p.left[b.ID] == 0 && p.depsWritten(b)) {
				e.Batches = append(e.Batches, b)
				p.written[b.ID] = true
				progress = true
			} else {
				pending = append(pending, b)
			}
		}
		p.batches = pending
	}
	p.done = last
	if len(e.Features)+len(e.Tests)+len(e.Batches) == 0 {
		return nil
	}
	return e
}

// depsWritten says whether every batch that b depends on and that the
// run changes is written.
func (p *inventoryPlan) depsWritten(b BatchDef) bool {
	for _, d := range b.Depends {
		if _, pending := p.left[d]; pending && !p.written[d] {
			return false
		}
	}
	return true
}

// changedBatches returns the batch definitions that change st.
func changedBatches(st *State, batches []BatchDef) ([]BatchDef, error) {
	var out []BatchDef
	for _, b := range batches {
		cur, err := st.Batch(b.ID)
		if err != nil {
			return nil, err
		}
		if cur != nil && cur.Name == b.Name && reflect.DeepEqual(normInts(cur.Depends), normInts(b.Depends)) && membersMatch(st, b) {
			continue
		}
		out = append(out, b)
	}
	return out, nil
}

func normInts(s []int) []int {
	if len(s) == 0 {
		return nil
	}
	return s
}

// membersMatch says whether every item the batch lists already belongs to it.
func membersMatch(st *State, b BatchDef) bool {
	keys, err := b.Members()
	if err != nil {
		return false
	}
	byKind := map[Kind][]int{}
	for _, k := range keys {
		byKind[k.Kind] = append(byKind[k.Kind], k.ID)
	}
	for kind, ids := range byKind {
		if st.Preload(kind, ids) != nil {
			return false
		}
	}
	for _, k := range keys {
		it, err := st.Item(k)
		if err != nil || it == nil || it.Batch != b.ID {
			return false
		}
	}
	return true
}

// changedItems returns the definitions that change an item. A field that a
// definition leaves empty keeps the item's current value, so that a file
// which remaps targets does not erase the spans and digests a scan recorded.
func changedItems(st *State, kind Kind, defs []ItemDef) ([]ItemDef, error) {
	ids := make([]int, len(defs))
	for i, d := range defs {
		ids[i] = d.ID
	}
	if err := st.Preload(kind, ids); err != nil {
		return nil, err
	}
	var out []ItemDef
	for _, d := range defs {
		it, err := st.Item(ItemKey{kind, d.ID})
		if err != nil {
			return nil, err
		}
		if it != nil {
			d.Mapping = mergeMapping(it.Mapping, d.Mapping)
			if it.Mapping == d.Mapping && it.Removed == d.Removed {
				continue
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// mergeMapping fills the empty fields of m from cur.
func mergeMapping(cur, m Mapping) Mapping {
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&m.SourceFile, cur.SourceFile)
	fill(&m.SourceSymbol, cur.SourceSymbol)
	fill(&m.SourceCommit, cur.SourceCommit)
	fill(&m.SourceDigest, cur.SourceDigest)
	fill(&m.TargetFile, cur.TargetFile)
	fill(&m.TargetSymbol, cur.TargetSymbol)
	fill(&m.TestFilter, cur.TestFilter)
	if m.SourceStart == 0 && m.SourceEnd == 0 {
		m.SourceStart, m.SourceEnd = cur.SourceStart, cur.SourceEnd
	}
	return m
}
