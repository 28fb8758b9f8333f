// Package audit keeps porting.db, the SQLite view derived from the ledger,
// replays and verifies the whole ledger, reconciles the recorded statuses
// with the code, and writes the progress report.
//
// The view is a cache: it records the ledger head it was built from and the
// ledger commits it has read, is brought up to date by reading only the
// commits it has not seen, and is rebuilt from scratch when it is missing,
// corrupt, or when merged entries must be replayed in another order.
package audit
