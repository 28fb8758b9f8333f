// Package ledger keeps the porting ledger: signed TOML entries committed one
// per commit to a branch of the code's own git repository, the rules that
// every status transition must obey, and the deterministic replay that turns
// the set of entries into the state of every feature, test and batch.
//
// The ledger is the source of truth. Everything else (the porting.db view,
// reports) is derived from it and can be rebuilt at any time.
package ledger
