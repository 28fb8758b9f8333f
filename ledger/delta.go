package ledger

// Delta is what one entry changes, as its rule decided on a snapshot: the
// records it makes or replaces (after-images, one per record), the moves
// it made, and what it sets of the ledger as a whole. A rule that refuses
// an entry returns an empty Delta; the journal (journal.go) applies an
// accepted one.
type Delta struct {
	Items       []*ItemState
	Batches     []*BatchState
	Signers     []*SignerState
	Checkpoints []*CheckpointState
	// Moves are the status moves the entry made, in the entry's order.
	Moves []ItemMove
	// Policy is the policy the entry records, or nil.
	Policy *Policy
	// Genesis says that the entry is the genesis entry.
	Genesis bool
	// Decisions are what a resolution decides of each entry it names,
	// by entry ID; Resolution says that the entry is a resolution whose
	// decisions bind the replay (see Lineage).
	Decisions  map[string]Decision
	Resolution bool

	// itemAt and batchAt index Items and Batches by key.
	itemAt  map[ItemKey]int
	batchAt map[int]int
}

// ItemMove is one item's status move within an entry.
type ItemMove struct {
	Item     ItemKey
	From, To Status
}

// Empty reports whether the delta changes nothing.
func (d *Delta) Empty() bool {
	return len(d.Items) == 0 && len(d.Batches) == 0 && len(d.Signers) == 0 && len(d.Checkpoints) == 0 &&
		len(d.Moves) == 0 && d.Policy == nil && !d.Genesis && len(d.Decisions) == 0 && !d.Resolution
}

// putItem records it as the item's after-image, replacing one the delta
// already holds.
func (d *Delta) putItem(it *ItemState) {
	if d.itemAt == nil {
		d.itemAt = map[ItemKey]int{}
	}
	if i, ok := d.itemAt[it.Key]; ok {
		d.Items[i] = it
		return
	}
	d.itemAt[it.Key] = len(d.Items)
	d.Items = append(d.Items, it)
}

// putBatch records b as the batch's after-image, replacing one the delta
// already holds.
func (d *Delta) putBatch(b *BatchState) {
	if d.batchAt == nil {
		d.batchAt = map[int]int{}
	}
	if i, ok := d.batchAt[b.ID]; ok {
		d.Batches[i] = b
		return
	}
	d.batchAt[b.ID] = len(d.Batches)
	d.Batches = append(d.Batches, b)
}

// item is item k as the delta leaves it: its after-image, else v's.
func (d *Delta) item(v *snapshot, k ItemKey) *ItemState {
	if i, ok := d.itemAt[k]; ok {
		return d.Items[i]
	}
	return v.item(k)
}

// batch is batch id as the delta leaves it: its after-image, else v's.
func (d *Delta) batch(v *snapshot, id int) *BatchState {
	if i, ok := d.batchAt[id]; ok {
		return d.Batches[i]
	}
	return v.batch(id)
}
