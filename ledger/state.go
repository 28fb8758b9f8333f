package ledger

// State is the replayed state of the ledger, or the part of it that a write
// needs. Its concerns are kept apart, a file each: the records it holds and
// loads from its Source (statecache.go), what the rules read (snapshot.go),
// the keys an entry's rule reads (keys.go), what a rule returns (delta.go),
// the one place a delta is applied, with its dirty sets and undo journal
// (journal.go), and the transition rows it makes (transitionrows.go).
// Apply changes it; the changed records are listed by Changes.
type State struct {
	cache
	journal

	// Last is the position of the last applied entry; Genesis the ID of
	// the genesis entry.
	Last    Position
	Genesis string
	// Transitions are the moves applied to this State, in order.
	Transitions []Transition

	// Clock is the largest clock in the ledger's history at its head: a
	// writer gives its entry this clock plus one.
	Clock uint64
	// Policy is the policy recorded last (nil: none, see InForce).
	Policy *Policy
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

// NewState returns an empty state backed by src (nil for a state kept
// wholly in memory).
func NewState(src Source) *State {
	return &State{cache: newCache(src), journal: newJournal()}
}
