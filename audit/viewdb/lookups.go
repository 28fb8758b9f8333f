package viewdb

// The look-ups of entries that refreshes make (in the view's shadow,
// shadow.go, since only its bookkeeping reads them), and the
// indexes that keep their cost from growing with the ledger
// (TestEntryLookupsUseIndexes holds each to an index search).
const (
	// clockOfCommitQuery is the clock of the entry a ledger commit added.
	clockOfCommitQuery = `SELECT clock FROM shadow.entries WHERE commit_hash = ?`
	// signerEntriesQuery lists the IDs and clocks of the entries of a kind
	// (signer entries, where it is used).
	signerEntriesQuery = `SELECT id, clock FROM shadow.entries WHERE kind = ? AND commit_hash != ''`

	entriesKindIndex   = `CREATE INDEX IF NOT EXISTS entries_kind ON entries(kind)`
	entriesCommitIndex = `CREATE INDEX IF NOT EXISTS entries_commit ON entries(commit_hash)`
)
