package audit

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// VerifyUpdate verifies a move of the ledger branch from old, the last
// verified point, to head, as a server's pre-receive hook must before it
// accepts a push: head is verified in full (see Verify), it must contain
// old (a zero old is a new branch), and a zero head (the branch deleted)
// is refused. It writes nothing.
func VerifyUpdate(store *gitstore.Store, old, head plumbing.Hash, contains func(anc, desc string) (bool, error)) (*Result, error) {
	if head.IsZero() {
		return &Result{Head: head.String(), Findings: []ledger.Finding{{Msg: "the update deletes the ledger branch; the ledger is append-only"}}, Conflicts: []viewdb.Item{}}, nil
	}
	res, err := Verify(store, head, contains)
	if err != nil {
		return nil, err
	}
	if !old.IsZero() && old != head {
		ok, err := store.IsAncestor(old, head)
		if err != nil {
			return nil, fmt.Errorf("compare %s with %s: %w", old, head, err)
		}
		if !ok {
			res.Findings = append(res.Findings, ledger.Finding{Commit: head.String(),
				Msg: fmt.Sprintf("the update does not contain %s, the last verified ledger head: it rewinds or rewrites the ledger's history", old)})
		}
	}
	return res, nil
}
