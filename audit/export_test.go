package audit

// ResetChecks forgets what the checks before a decision read in this
// process (the ledger's index, the entries), as a new command starts.
func ResetChecks(v *View) { v.integ = integrity{} }
