// Package gitstore keeps the ledger branch in a git repository through
// go-git's object store: opening it, reading and walking its commits and
// trees, writing signed commits, moving the branch with git's lock
// protocol, packing, merge bases, merging two clones' ledgers, the pushed
// objects of a pre-receive hook and recovery after a writer died. It knows
// where entries are kept in the tree, not what they say.
package gitstore
