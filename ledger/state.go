package ledger

import (
	"maps"
	"slices"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// ItemState is what replay knows of one item.
type ItemState struct {
	Key ItemKey
	Mapping
	Removed bool
	Batch   int
	Status  Status
	// Reason is the override reason of the item's last move, if any
	// (why it was deferred or demoted).
	Reason string
	// Heads are the entries that last moved the item. More than one head
	// means that entries were written concurrently; Conflict says that they
	// disagree about the status.
	Heads    []Head
	Conflict bool
	// CompleteEntry, CompleteClock and CompleteCommit describe the entry
	// that last moved the item to complete: its loop evidence.
	CompleteEntry  string
	CompleteClock  uint64
	CompleteCommit string
	// Checkpoint is the checkpoint entry its move to verified relied on.
	Checkpoint string
	// UpstreamChanged says that the source declaration changed after the
	// item was promoted.
	UpstreamChanged bool
	// RedEntry and RedCommit name the red run (red.go) recorded since the
	// item was last claimed, and the code commit it ran at.
	RedEntry  string `json:",omitempty"`
	RedCommit string `json:",omitempty"`
	// LastEntry is the last entry that touched the item.
	LastEntry string
	// DefEntry is the inventory entry that last defined or remapped the
	// item (its Mapping and Removed); BatchEntry the one that last listed
	// it in a batch (its Batch). The view's rows are checked against them.
	DefEntry   string `json:",omitempty"`
	BatchEntry string `json:",omitempty"`
}

// Head is one entry that last moved an item.
type Head struct {
	Entry  string `json:"entry"`
	To     Status `json:"to"`
	Signer string `json:"signer"`
}

// BatchStatus is where a batch stands.
type BatchStatus string

// The statuses of a batch.
const (
	BatchPlanned  BatchStatus = "planned"
	BatchStarted  BatchStatus = "started"
	BatchComplete BatchStatus = "complete"
)

// BatchState is what replay knows of one batch.
type BatchState struct {
	ID      int
	Name    string
	Depends []int
	Status  BatchStatus
	// StartClock is the clock of the entry that started the batch.
	StartClock uint64 `json:",omitempty"`
	// DefEntry is the inventory entry that last defined the batch (its
	// Name and Depends).
	DefEntry string `json:",omitempty"`
	// Plan is the plan entry that recorded Tasks, in the plan's order.
	Plan  string      `json:",omitempty"`
	Tasks []TaskState `json:",omitempty"`
}

// SignerState is one signer, current or revoked.
type SignerState struct {
	Identity string
	Key      string
	Active   bool
	// AddedBy and RevokedBy are entry IDs.
	AddedBy   string
	RevokedBy string
}

// CheckpointState is one recorded checkpoint.
type CheckpointState struct {
	Entry      string
	Clock      uint64
	CodeCommit string
	Dirty      bool
	// Baseline says that this is a baseline (baseline.go): gates recorded
	// as they stood, not a checkpoint that passed.
	Baseline bool `json:",omitempty"`
}

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

// Position is a place in the replay order.
type Position struct {
	Clock uint64
	ID    string
}

// Before reports whether p sorts before q.
func (p Position) Before(q Position) bool {
	if p.Clock != q.Clock {
		return p.Clock < q.Clock
	}
	return p.ID < q.ID
}

// State is the replayed state of the ledger, or the part of it that a write
// needs. Apply changes it; the changed records are listed by Dirty.
type State struct {
	src Source

	items       map[ItemKey]*ItemState
	batches     map[int]*BatchState
	signers     map[string]*SignerState
	checkpoints map[string]*CheckpointState
	moves       map[moveKey]Status

	dirtyItems   map[ItemKey]bool
	dirtyBatches map[int]bool
	dirtySigners map[string]bool
	newCkpts     []*CheckpointState

	// Last is the position of the last applied entry; Genesis the ID of
	// the genesis entry.
	Last    Position
	Genesis string
	// Transitions are the moves applied to this State, in order.
	Transitions []Transition
	// Undo lists, for each entry applied to this State, what its changes
	// replaced, so that a view can take entries back out in reverse order.
	Undo []Undo
	// before collects the before-images of the entry being applied.
	before *Undo

	// Clock is the largest clock in the ledger's history at its head: a
	// writer gives its entry this clock plus one.
	Clock uint64
	// Policy is the policy recorded last (nil: none, see InForce);
	// policyDirty says that Apply changed it.
	Policy      *Policy
	policyDirty bool
	// PolicyEntry is the ID of the entry that recorded Policy.
	PolicyEntry string

	// Authority, when set, decides which signers are in force for an entry
	// from its commit's ancestry (Replay sets it); without it they are the
	// signers of this State, as for a write on top of the head.
	Authority *Lineage

	// Contains, when set, reports whether code commit ancestor is contained
	// in (is an ancestor of, or is) descendant; a move to verified is then
	// refused unless its checkpoint's code contains the completed work.
	Contains func(ancestor, descendant string) (bool, error)
}

type moveKey struct {
	entry string
	item  ItemKey
}

// Transition is one applied move of one item, as listed in porting.db.
type Transition struct {
	Entry  string
	Commit string
	Item   ItemKey
	From   Status
	To     Status
	Signer string
	Reason string
	Clock  uint64
	Time   string
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

// NewState returns an empty state backed by src (nil for a state kept
// wholly in memory).
func NewState(src Source) *State {
	return &State{
		src:          src,
		items:        map[ItemKey]*ItemState{},
		batches:      map[int]*BatchState{},
		signers:      map[string]*SignerState{},
		checkpoints:  map[string]*CheckpointState{},
		moves:        map[moveKey]Status{},
		dirtyItems:   map[ItemKey]bool{},
		dirtyBatches: map[int]bool{},
		dirtySigners: map[string]bool{},
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
	var out []ItemKey
	for k := range set {
		it, err := s.Item(k)
		if err != nil {
			return nil, err
		}
		if it != nil && it.Batch == id {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, compareKeys)
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
	if st, ok := s.moves[moveKey{entry, k}]; ok {
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
