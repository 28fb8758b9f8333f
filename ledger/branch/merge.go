package branch

import (
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger/gitstore"
)

// Merge joins the ledger at remote (whose objects are in the local store)
// into the local branch, authoring and signing a merge commit as w does
// its entries (see gitstore.Store.Merge).
func (w *Writer) Merge(remote plumbing.Hash) (*gitstore.MergeResult, error) {
	return w.Store.Merge(remote, w.Author, w.Signer)
}
