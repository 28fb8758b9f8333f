package ledger

import "slices"

// snapshot is the state a rule decides on: the records prefetched for the
// keys an entry touches (keys.go), in memory and read-only. Its look-ups
// cannot fail; a record it does not hold reads as absent, so the loader
// must prefetch every key a rule reads.
type snapshot struct {
	items       map[ItemKey]*ItemState
	batches     map[int]*BatchState
	signers     map[string]*SignerState
	checkpoints map[string]*CheckpointState
	moves       map[MoveKey]Status
	// members lists, for each batch whose items were prefetched, its
	// items, sorted.
	members map[int][]ItemKey
	// all lists every signer, sorted by identity, when they were
	// prefetched.
	all []SignerState

	policy  *Policy
	genesis string
	// partial says that the snapshot is a part of a larger state (one
	// backed by a Source): an entry before the genesis entry may be one.
	partial   bool
	authority *Lineage
	contains  func(ancestor, descendant string) (bool, error)
}

// newSnapshot is an empty snapshot, for records to be added to.
func newSnapshot() *snapshot {
	return &snapshot{
		items:       map[ItemKey]*ItemState{},
		batches:     map[int]*BatchState{},
		signers:     map[string]*SignerState{},
		checkpoints: map[string]*CheckpointState{},
		moves:       map[MoveKey]Status{},
		members:     map[int][]ItemKey{},
	}
}

func (v *snapshot) item(k ItemKey) *ItemState                { return v.items[k] }
func (v *snapshot) batch(id int) *BatchState                 { return v.batches[id] }
func (v *snapshot) signer(identity string) *SignerState      { return v.signers[identity] }
func (v *snapshot) checkpoint(entry string) *CheckpointState { return v.checkpoints[entry] }
func (v *snapshot) moveTo(entry string, k ItemKey) Status    { return v.moves[MoveKey{entry, k}] }
func (v *snapshot) batchItems(id int) []ItemKey              { return v.members[id] }
func (v *snapshot) activeSigners() []SignerState {
	return slices.DeleteFunc(slices.Clone(v.all), inactive)
}
func inactive(sg SignerState) bool { return !sg.Active }

// signerForKey is the active signer whose key is key, or nil.
func (v *snapshot) signerForKey(key string) *SignerState {
	for _, sg := range v.all {
		if sg.Active && sg.Key == key {
			return &sg
		}
	}
	return nil
}

// inForce is the policy in force: the last one recorded, else the default.
func (v *snapshot) inForce() Policy {
	if v.policy != nil {
		return *v.policy
	}
	return DefaultPolicy()
}
