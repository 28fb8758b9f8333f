package ledger

// Keys are the records an entry's rule reads. Each entry kind says which
// (its rule's keys function, in the kind's file); the loader prefetches
// them from the Source (prefetch.go), so that the rule decides on records
// in memory.
type Keys struct {
	Items       []ItemKey
	Batches     []int
	Signers     []string
	Checkpoints []string
	// Moves are the recorded moves the rule reads: what an entry moved an
	// item to.
	Moves []MoveKey
	// Members are the batches whose items the rule lists and reads.
	Members []int
	// ItemBatches says that the rule reads the batch of each item it reads.
	ItemBatches bool
	// Depends says that the rule reads the batches that each batch it
	// reads depends on, and theirs in turn (a dependency cycle, batch
	// start's dependencies).
	Depends bool
	// TaskItems says that the rule reads the items of the tasks of each
	// batch it reads.
	TaskItems bool
	// AllSigners says that the rule reads every signer (whose a key is,
	// which signers are active).
	AllSigners bool
}

// MoveKey names a recorded move: entry's move of item Item.
type MoveKey struct {
	Entry string
	Item  ItemKey
}

// Touches says which records the rule of e's kind reads for e, beside the
// signer every entry but the genesis names.
func (e *Entry) Touches() Keys {
	var k Keys
	if e.Kind != KindGenesis {
		k.Signers = append(k.Signers, e.Signer)
	}
	if r, ok := ruleOf(e.Kind); ok && r.keys != nil {
		r.keys(e, &k)
	}
	return k
}
