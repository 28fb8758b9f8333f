// Package hooks installs the git hooks of porttracker and holds the checks
// they run.
//
// `porttracker hooks install` writes small POSIX sh shims for pre-commit
// and pre-push into the repository's hooks directory. A shim runs the hook
// the user already had (moved aside to NAME.porttracker-chained), then
// hands over to `porttracker hook NAME`. Gating hooks fail closed: a shim
// that cannot find porttracker refuses the commit or push.
//
// The checks themselves are PreCommit (a commit must not re-stub the body
// of a complete or verified item) and PrePush (ledger commits pushed must
// verify). They take the stub scan and the ledger verification as
// functions, so that this package depends on package ledger only.
package hooks
