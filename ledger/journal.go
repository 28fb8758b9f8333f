package ledger

import (
	"fmt"
	"slices"
)

// journal is what a State's applied deltas changed: the records to write
// back (its dirty sets) and, for each entry, what its changes replaced.
type journal struct {
	dirtyItems   map[ItemKey]bool
	dirtyBatches map[int]bool
	dirtySigners map[string]bool
	newCkpts     []*CheckpointState
	// policyDirty says that an applied entry recorded a policy.
	policyDirty bool

	// Undo lists, for each entry applied to this State, what its changes
	// replaced, so that a view can take entries back out in reverse order.
	Undo []Undo
}

// Undo is what one entry's changes replaced: the items, batches and
// signers as they were before it (nil where one did not exist), so that
// the entry can be taken back out of a view.
type Undo struct {
	Entry   string
	Items   map[ItemKey]*ItemState
	Batches map[int]*BatchState
	Signers map[string]*SignerState
}

func newJournal() journal {
	return journal{dirtyItems: map[ItemKey]bool{}, dirtyBatches: map[int]bool{}, dirtySigners: map[string]bool{}}
}

// applyDelta applies d, the delta of rec's rule, to s: the one place that
// changes a State's records, records their before-images (undo), marks
// them dirty and makes the transition rows. A record d changes must have
// been prefetched, so that its before-image is known; else nothing is
// changed.
func (s *State) applyDelta(rec *Record, d *Delta) error {
	if err := s.checkPrefetched(d); err != nil {
		return fmt.Errorf("entry %s: %w", short(rec.ID), err)
	}
	u := Undo{Entry: rec.ID, Items: map[ItemKey]*ItemState{}, Batches: map[int]*BatchState{}, Signers: map[string]*SignerState{}}
	for _, it := range d.Items {
		u.Items[it.Key] = s.items[it.Key]
		s.items[it.Key], s.dirtyItems[it.Key] = it, true
	}
	for _, b := range d.Batches {
		u.Batches[b.ID] = s.batches[b.ID]
		s.batches[b.ID], s.dirtyBatches[b.ID] = b, true
	}
	for _, sg := range d.Signers {
		u.Signers[sg.Identity] = s.signers[sg.Identity]
		s.signers[sg.Identity], s.dirtySigners[sg.Identity] = sg, true
	}
	for _, c := range d.Checkpoints {
		s.checkpoints[c.Entry] = c
		s.newCkpts = append(s.newCkpts, c)
	}
	if d.Policy != nil {
		s.Policy, s.PolicyEntry, s.policyDirty = d.Policy, rec.ID, true
	}
	if d.Genesis {
		s.Genesis = rec.ID
	}
	for _, m := range d.Moves {
		s.moves[MoveKey{rec.ID, m.Item}] = m.To
		s.Transitions = append(s.Transitions, transitionRow(rec, m))
	}
	if d.Resolution && s.Authority != nil {
		s.Authority.record(rec.ID, d.Decisions)
	}
	s.Undo = append(s.Undo, u)
	if pos := rec.Position(); s.Last.Before(pos) {
		s.Last = pos
	}
	return nil
}

// checkPrefetched refuses a delta that changes a record the State did not
// load first: its before-image would be unknown.
func (s *State) checkPrefetched(d *Delta) error {
	if s.src == nil {
		return nil
	}
	for _, it := range d.Items {
		if _, ok := s.items[it.Key]; !ok {
			return fmt.Errorf("the rule changed %s, which was not read first", it.Key)
		}
	}
	for _, b := range d.Batches {
		if _, ok := s.batches[b.ID]; !ok {
			return fmt.Errorf("the rule changed batch %d, which was not read first", b.ID)
		}
	}
	for _, sg := range d.Signers {
		if _, ok := s.signers[sg.Identity]; !ok {
			return fmt.Errorf("the rule changed signer %q, who was not read first", sg.Identity)
		}
	}
	return nil
}

// Changes returns what Apply changed since the State was made: the items,
// batches and signers to write back, and the new checkpoints.
func (s *State) Changes() (items []*ItemState, batches []*BatchState, signers []*SignerState, ckpts []*CheckpointState) {
	for k := range s.dirtyItems {
		items = append(items, s.items[k])
	}
	slices.SortFunc(items, func(a, b *ItemState) int { return compareKeys(a.Key, b.Key) })
	for id := range s.dirtyBatches {
		batches = append(batches, s.batches[id])
	}
	slices.SortFunc(batches, func(a, b *BatchState) int { return a.ID - b.ID })
	for id := range s.dirtySigners {
		signers = append(signers, s.signers[id])
	}
	return items, batches, signers, s.newCkpts
}

// PolicyChanged returns the policy in memory and whether Apply recorded a
// new one, for a view to keep.
func (s *State) PolicyChanged() (*Policy, bool) { return s.Policy, s.policyDirty }
