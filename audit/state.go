package audit

import (
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// VerifiedState verifies the ledger at head exactly as Verify does and
// also returns the state its replay reached, for a reader that has no view
// (the server's pre-receive hook).
func VerifiedState(store *gitstore.Store, head plumbing.Hash, contains func(anc, desc string) (bool, error)) (*Result, *ledger.State, error) {
	res, ver, err := verify(store, head, contains)
	if err != nil {
		return nil, nil, err
	}
	return res, ver.st, nil
}
