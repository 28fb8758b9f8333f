package ledger

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
