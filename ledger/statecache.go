package ledger

import (
	"maps"
	"slices"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// Source supplies state that is not yet in memory: the porting.db view
// implements it, so that a write loads only what its rules look at. A nil
// Source means that the state is wholly in memory (a full replay).
type Source interface {
	LoadItem(k ItemKey) (*ItemState, error)
	// LoadItems returns those of the items of one kind with the given IDs
	// that are defined, in any order: LoadItem for many items at once.
	LoadItems(kind Kind, ids []int) ([]*ItemState, error)
	LoadBatch(id int) (*BatchState, error)
	LoadSigner(identity string) (*SignerState, error)
	LoadCheckpoint(entry string) (*CheckpointState, error)
	// BatchItems lists the items that belong to batch id.
	BatchItems(id int) ([]ItemKey, error)
	// MoveTo is the status that entry moved item k to, or "" if it did not.
	MoveTo(entry string, k ItemKey) (Status, error)
	// Signers lists every signer, active or revoked.
	Signers() ([]SignerState, error)
}

// cache holds the records a State has in memory and loads the rest from
// its Source on demand. A record held as nil is known not to exist.
type cache struct {
	src Source

	items       map[ItemKey]*ItemState
	batches     map[int]*BatchState
	signers     map[string]*SignerState
	checkpoints map[string]*CheckpointState
	// moves are the moves applied to this State, by entry and item.
	moves map[MoveKey]Status
}

func newCache(src Source) cache {
	return cache{
		src:         src,
		items:       map[ItemKey]*ItemState{},
		batches:     map[int]*BatchState{},
		signers:     map[string]*SignerState{},
		checkpoints: map[string]*CheckpointState{},
		moves:       map[MoveKey]Status{},
	}
}

// Item returns the item, or nil if it is not defined.
func (s *State) Item(k ItemKey) (*ItemState, error) {
	if it, ok := s.items[k]; ok {
		return it, nil
	}
	if s.src == nil {
		return nil, nil
	}
	it, err := s.src.LoadItem(k)
	if err != nil {
		return nil, err
	}
	s.items[k] = it
	return it, nil
}

// Preload reads the items of one kind with the given IDs that are not yet
// in memory from the source in one go, so that a State about to look at
// thousands of items (an inventory entry) does not ask for each.
func (s *State) Preload(kind Kind, ids []int) error {
	if s.src == nil {
		return nil
	}
	var missing []int
	for _, id := range ids {
		if _, ok := s.items[ItemKey{kind, id}]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	found, err := s.src.LoadItems(kind, missing)
	if err != nil {
		return err
	}
	for _, id := range missing {
		s.items[ItemKey{kind, id}] = nil
	}
	for _, it := range found {
		if it.Key.Kind == kind {
			s.items[it.Key] = it
		}
	}
	return nil
}

// Batch returns the batch, or nil if it is not defined.
func (s *State) Batch(id int) (*BatchState, error) {
	if b, ok := s.batches[id]; ok {
		return b, nil
	}
	if s.src == nil {
		return nil, nil
	}
	b, err := s.src.LoadBatch(id)
	if err != nil {
		return nil, err
	}
	s.batches[id] = b
	return b, nil
}

// Signer returns the signer, or nil if it was never added.
func (s *State) Signer(identity string) (*SignerState, error) {
	if sg, ok := s.signers[identity]; ok {
		return sg, nil
	}
	if s.src == nil {
		return nil, nil
	}
	sg, err := s.src.LoadSigner(identity)
	if err != nil {
		return nil, err
	}
	s.signers[identity] = sg
	return sg, nil
}

// Checkpoint returns the checkpoint recorded by entry, or nil.
func (s *State) Checkpoint(entry string) (*CheckpointState, error) {
	if c, ok := s.checkpoints[entry]; ok {
		return c, nil
	}
	if s.src == nil {
		return nil, nil
	}
	c, err := s.src.LoadCheckpoint(entry)
	if err != nil {
		return nil, err
	}
	s.checkpoints[entry] = c
	return c, nil
}

// Signers lists every signer, sorted by identity.
func (s *State) Signers() ([]SignerState, error) {
	all := map[string]SignerState{}
	if s.src != nil {
		list, err := s.src.Signers()
		if err != nil {
			return nil, err
		}
		for _, sg := range list {
			all[sg.Identity] = sg
		}
	}
	for id, sg := range s.signers {
		if sg != nil {
			all[id] = *sg
		}
	}
	out := slices.Collect(maps.Values(all))
	slices.SortFunc(out, func(a, b SignerState) int {
		if a.Identity < b.Identity {
			return -1
		}
		if a.Identity > b.Identity {
			return 1
		}
		return 0
	})
	return out, nil
}

// ActiveSigners lists the current signers as allowed-signers lines.
func (s *State) ActiveSigners() ([]sshkey.AllowedSigner, error) {
	all, err := s.Signers()
	if err != nil {
		return nil, err
	}
	var out []sshkey.AllowedSigner
	for _, sg := range all {
		if sg.Active {
			out = append(out, sshkey.AllowedSigner{Identity: sg.Identity, Key: sg.Key})
		}
	}
	return out, nil
}

// SignerForKey returns the active signer whose key is key, or nil.
func (s *State) SignerForKey(key string) (*SignerState, error) {
	all, err := s.Signers()
	if err != nil {
		return nil, err
	}
	for _, sg := range all {
		if sg.Active && sg.Key == key {
			return &sg, nil
		}
	}
	return nil, nil
}

// BatchItems lists the items that belong to batch id, sorted.
func (s *State) BatchItems(id int) ([]ItemKey, error) {
	set := map[ItemKey]bool{}
	if s.src != nil {
		keys, err := s.src.BatchItems(id)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			set[k] = true
		}
	}
	for k, it := range s.items {
		if it != nil && it.Batch == id {
			set[k] = true
		}
	}
	keys := slices.SortedFunc(maps.Keys(set), compareKeys)
	if err := s.loadItems(keys); err != nil {
		return nil, err
	}
	var out []ItemKey
	for _, k := range keys {
		if it := s.items[k]; it != nil && it.Batch == id {
			out = append(out, k)
		}
	}
	return out, nil
}

func compareKeys(a, b ItemKey) int {
	if a.Kind != b.Kind {
		if a.Kind < b.Kind {
			return -1
		}
		return 1
	}
	return a.ID - b.ID
}

// moveTo is the status that entry moved k to, or "".
func (s *State) moveTo(entry string, k ItemKey) (Status, error) {
	if st, ok := s.moves[MoveKey{entry, k}]; ok {
		return st, nil
	}
	if s.src == nil {
		return "", nil
	}
	return s.src.MoveTo(entry, k)
}

// Items returns every item held in memory, sorted. For a state replayed
// wholly in memory that is every item of the ledger.
func (s *State) Items() []*ItemState {
	out := make([]*ItemState, 0, len(s.items))
	for _, it := range s.items {
		if it != nil {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b *ItemState) int { return compareKeys(a.Key, b.Key) })
	return out
}

// Batches returns every batch held in memory, sorted by ID.
func (s *State) Batches() []*BatchState {
	out := make([]*BatchState, 0, len(s.batches))
	for _, b := range s.batches {
		if b != nil {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b *BatchState) int { return a.ID - b.ID })
	return out
}
