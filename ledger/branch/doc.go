// Package branch is the ledger branch as the domain sees it: entries
// written to it and read back from it. The Writer checks each entry against
// the rules of package ledger, signs it, commits it through ledger/gitstore
// and moves the branch (Init, Append, AppendAll, Merge); Collect reads the
// entries a part of the branch added and checks their signatures, for
// replay.
//
// It sits above both ledger (the entries, rules and replay, which know
// nothing of git) and ledger/gitstore (the git storage, which knows nothing
// of what entries say).
package branch
