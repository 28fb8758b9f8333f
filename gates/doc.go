// Package gates runs the checks that stand between a ported item and its
// promotion: the stub scan (patterns per target language, applied to the
// mapped method or test body and to the lines that changed), the build gate
// and the test gate (commands from porttracker.toml, whose output is parsed
// so that "1 passed, 0 failed" is checked rather than assumed).
//
// Its results are ledger.GateResult and ledger.Evidence values; recording
// them is the caller's business.
package gates
