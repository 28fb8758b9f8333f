package ledger

import "fmt"

// prefetch loads what keys names into the State's cache, from its Source
// where it is not held yet, and returns the snapshot a rule decides on.
// It is the one place where reading the state for a rule can fail.
func (s *State) prefetch(k Keys) (*snapshot, error) {
	v := &snapshot{
		items: s.items, batches: s.batches, signers: s.signers, checkpoints: s.checkpoints,
		policy: s.Policy, genesis: s.Genesis, partial: s.src != nil,
		authority: s.Authority, contains: s.Contains,
	}
	if err := s.loadItems(k.Items); err != nil {
		return nil, fmt.Errorf("reading the items an entry touches: %w", err)
	}
	if len(k.Members) > 0 {
		v.members = map[int][]ItemKey{}
	}
	for _, id := range k.Members {
		keys, err := s.BatchItems(id)
		if err != nil {
			return nil, fmt.Errorf("reading the items of batch %d: %w", id, err)
		}
		v.members[id] = keys
	}
	if err := s.loadBatches(k); err != nil {
		return nil, err
	}
	for _, id := range k.Signers {
		if _, err := s.Signer(id); err != nil {
			return nil, fmt.Errorf("reading signer %q: %w", id, err)
		}
	}
	if k.AllSigners {
		all, err := s.Signers()
		if err != nil {
			return nil, fmt.Errorf("reading the signers: %w", err)
		}
		v.all = all
	}
	for _, c := range k.Checkpoints {
		if _, err := s.Checkpoint(c); err != nil {
			return nil, fmt.Errorf("reading checkpoint %s: %w", short(c), err)
		}
	}
	if len(k.Moves) > 0 {
		v.moves = map[MoveKey]Status{}
	}
	for _, mk := range k.Moves {
		to, err := s.moveTo(mk.Entry, mk.Item)
		if err != nil {
			return nil, fmt.Errorf("reading entry %s's move of %s: %w", short(mk.Entry), mk.Item, err)
		}
		v.moves[mk] = to
	}
	return v, nil
}

// loadItems loads the items keys names, the items of each kind in one go.
func (s *State) loadItems(keys []ItemKey) error {
	byKind := map[Kind][]int{}
	seen := map[ItemKey]bool{}
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			byKind[k.Kind] = append(byKind[k.Kind], k.ID)
		}
	}
	for _, kind := range []Kind{Feature, Test} {
		if err := s.Preload(kind, byKind[kind]); err != nil {
			return err
		}
	}
	return nil
}

// loadBatches loads the batches k names, with the batches of its items,
// the batches they depend on and their tasks' items when k says so.
func (s *State) loadBatches(k Keys) error {
	ids := append([]int(nil), k.Batches...)
	if k.ItemBatches {
		for _, key := range k.Items {
			if it := s.items[key]; it != nil && it.Batch != 0 {
				ids = append(ids, it.Batch)
			}
		}
	}
	seen := map[int]bool{}
	for len(ids) > 0 {
		id := ids[len(ids)-1]
		ids = ids[:len(ids)-1]
		if seen[id] {
			continue
		}
		seen[id] = true
		b, err := s.Batch(id)
		if err != nil {
			return fmt.Errorf("reading batch %d: %w", id, err)
		}
		if b == nil {
			continue
		}
		if k.Depends {
			ids = append(ids, b.Depends...)
		}
		if k.TaskItems {
			for _, t := range b.Tasks {
				if err := s.Preload(t.Kind, t.IDs); err != nil {
					return fmt.Errorf("reading the items of task %s of batch %d: %w", t.Name, id, err)
				}
			}
		}
	}
	return nil
}
