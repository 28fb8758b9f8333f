package viewdb

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// ledgerIndex is what one pass over the entries of the view's head finds,
// for the checks of latest.go: the entries that move each item, the
// inventory, policy and batch entries. It is built once per command and
// head, from the ledger alone (never from the view's rows).
type ledgerIndex struct {
	head         plumbing.Hash
	moves        map[ledger.ItemKey][]string
	inventory    []string
	inv          map[string]*invIndex
	policies     []string
	batchEntries map[int][]string
	// plans and tasks are the plan entries by batch and the task entries
	// by task (taskcheck.go).
	plans map[int][]string
	tasks map[taskKey][]string
}

// invIndex is what one inventory entry defines: items, the batches it
// lists them in, and batches.
type invIndex struct {
	defs    map[ledger.ItemKey]ledger.ItemDef
	listed  map[ledger.ItemKey]int
	batches map[int]ledger.BatchDef
}

func newInvIndex(e *ledger.Entry) *invIndex {
	x := &invIndex{defs: map[ledger.ItemKey]ledger.ItemDef{}, listed: map[ledger.ItemKey]int{}, batches: map[int]ledger.BatchDef{}}
	for _, d := range e.Features {
		x.defs[ledger.ItemKey{Kind: ledger.Feature, ID: d.ID}] = d
	}
	for _, d := range e.Tests {
		x.defs[ledger.ItemKey{Kind: ledger.Test, ID: d.ID}] = d
	}
	for _, b := range e.Batches {
		x.batches[b.ID] = b
		keys, err := b.Members()
		if err != nil {
			continue // replay refuses the entry; it lists nothing
		}
		for _, k := range keys {
			x.listed[k] = b.ID
		}
	}
	return x
}

// invIndexOf returns the index of inventory entry id (whose content is e),
// building it once.
func (in *integrity) invIndexOf(id string, e *ledger.Entry) *invIndex {
	if x, ok := in.invs[id]; ok {
		return x
	}
	x := newInvIndex(e)
	if in.invs == nil {
		in.invs = map[string]*invIndex{}
	}
	in.invs[id] = x
	return x
}

// rowIndex returns the ledger index that a row a decision rests on is
// checked against, or nil within a refresh, whose rows lag the head by what
// it is replaying and are not checked.
func (v *View) rowIndex() (*ledgerIndex, error) {
	if v.q != v.db {
		return nil, nil
	}
	return v.index()
}

// index returns the ledger index at the view's head, reading the head's
// entries the first time it is asked for at that head.
func (v *View) index() (*ledgerIndex, error) {
	head, err := v.Head()
	if err != nil {
		return nil, err
	}
	if x := v.integ.index; x != nil && x.head == head {
		return x, nil
	}
	x := &ledgerIndex{head: head, moves: map[ledger.ItemKey][]string{}, inv: map[string]*invIndex{}, batchEntries: map[int][]string{},
		plans: map[int][]string{}, tasks: map[taskKey][]string{}}
	if head.IsZero() {
		v.integ.index = x
		return x, nil
	}
	blobs, err := v.store.EntriesNotIn(head, plumbing.ZeroHash)
	if err != nil {
		return nil, err
	}
	for id, h := range blobs {
		rec, err := v.integ.record(v.store, id, h)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			continue
		}
		e := rec.Entry
		switch e.Kind {
		case ledger.KindTransition:
			for _, m := range e.Moves {
				k := ledger.ItemKey{Kind: e.ItemKind, ID: m.ID}
				x.moves[k] = append(x.moves[k], id)
			}
		case ledger.KindInventory:
			x.inventory = append(x.inventory, id)
			x.inv[id] = v.integ.invIndexOf(id, e)
		case ledger.KindPolicy:
			x.policies = append(x.policies, id)
		case ledger.KindBatch:
			x.batchEntries[e.Batch] = append(x.batchEntries[e.Batch], id)
		case ledger.KindPlan:
			if e.Plan != nil {
				x.plans[e.Plan.Batch] = append(x.plans[e.Plan.Batch], id)
			}
		case ledger.KindTask:
			if e.Task != nil {
				k := taskKey{e.Task.Batch, e.Task.Name}
				x.tasks[k] = append(x.tasks[k], id)
			}
		}
	}
	v.integ.index = x
	return x, nil
}

// record returns entry id read from blob h and parsed (not verified), or
// nil if it does not parse; records are kept by ID, which names their
// content.
func (in *integrity) record(store *gitstore.Store, id string, h plumbing.Hash) (*ledger.Record, error) {
	if rec, ok := in.records[id]; ok {
		return rec, nil
	}
	data, err := store.ReadBlob(h)
	if err != nil {
		return nil, fmt.Errorf("read ledger entry %s: %w", short(id), err)
	}
	rec, perr := ledger.ParseRecord(gitstore.EntryPath(id), data)
	if perr != nil {
		rec = nil
	}
	if in.records == nil {
		in.records = map[string]*ledger.Record{}
	}
	in.records[id] = rec
	return rec, nil
}
