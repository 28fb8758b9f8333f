// Package audit verifies the ledger: it replays the whole ledger and checks
// every signature, rule, evidence chain and the integrity of the history,
// checks what an update or a fetched ledger adds, re-runs recorded gates at
// their code commit, and reconciles the recorded statuses with the code.
// porting.db, the view it rebuilds and compares, is package audit/viewdb's.
package audit
