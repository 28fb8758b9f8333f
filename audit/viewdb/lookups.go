package viewdb

import "fmt"

// The look-ups of entries that refreshes make, and the
// indexes that keep their cost from growing with the ledger
// (TestEntryLookupsUseIndexes holds each to an index search).
const (
	// clockOfCommitQuery is the clock of the entry a ledger commit added.
	clockOfCommitQuery = `SELECT clock FROM entries WHERE commit_hash = ?`
	// signerEntriesQuery lists the commits and clocks of the entries of a
	// kind (signer entries, where it is used).
	signerEntriesQuery = `SELECT commit_hash, clock FROM entries WHERE kind = ? AND commit_hash != ''`

	entriesKindIndex   = `CREATE INDEX IF NOT EXISTS entries_kind ON entries(kind)`
	entriesCommitIndex = `CREATE INDEX IF NOT EXISTS entries_commit ON entries(commit_hash)`
)

// addIndexes creates the look-ups' indexes in a view written before they
// were part of the schema (the same version otherwise): once, since they
// are kept from then on; a view that has them is left as it is.
func (v *View) addIndexes() error {
	for _, q := range []string{entriesKindIndex, entriesCommitIndex} {
		if _, err := v.db.Exec(q); err != nil {
			return fmt.Errorf("porting.db: %s: %w", q, err)
		}
	}
	return nil
}
