// Package viewdb keeps porting.db, the SQLite view derived from the
// ledger: its incremental refresh, rewind and rebuild, the undo records
// that let merged entries be replayed in place, the read queries the
// commands show, and the progress report as a value.
//
// The view is a cache: it records the ledger head it was built from and the
// ledger commits it has read, is brought up to date by reading only the
// commits it has not seen, and is rebuilt from scratch when it is missing,
// corrupt, or when merged entries must be replayed in another order.
package viewdb
