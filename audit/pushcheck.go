package audit

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger/gitstore"
)

// CheckPush is the pre-push hook's check of a push that moves the remote's
// ledger branch from remote (zero when the remote has none) to local: every
// finding of a full verification at local, and a push that would drop
// ledger commits the remote has (a forced push of a rewound branch), which
// rewrites history under every clone, or one against a remote head this
// clone has not seen and so cannot check. It returns the problems, one
// line each.
func CheckPush(store *gitstore.Store, local, remote plumbing.Hash, contains func(anc, desc string) (bool, error)) ([]string, error) {
	res, err := Verify(store, local, contains)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(res.Findings))
	for i, f := range res.Findings {
		out[i] = f.String()
	}
	if remote.IsZero() {
		return out, nil
	}
	if _, err := store.Commit(remote); err != nil {
		return append(out, fmt.Sprintf("the remote's ledger is at %s, which this clone has not seen, so the push cannot be checked against it: run git fetch (or porttracker sync) first", remote.String()[:10])), nil
	}
	ok, err := store.IsAncestor(remote, local)
	if err != nil {
		return nil, err
	}
	if !ok {
		out = append(out, fmt.Sprintf("the remote's ledger at %s is not contained in %s: this push would rewrite its history", remote.String()[:10], local.String()[:10]))
	}
	return out, nil
}
