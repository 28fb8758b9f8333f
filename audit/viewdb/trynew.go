package viewdb

import (
	"errors"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// Store is the ledger branch the view is of.
func (v *View) Store() *gitstore.Store { return v.store }

// TryNew reads the ledger commits at head that the view has not read and
// replays their entries on top of the view, in a transaction that is
// rolled back: the view is left as it was. check is given the commits
// read, the state the replay reached and what the replay refused, while
// that state can still be read. When the new entries cannot be replayed in
// place (the view would have to be rebuilt), check is not called and
// TryNew reports false.
func (v *View) TryNew(head plumbing.Hash, check func(col *branch.Collected, st *ledger.State, refused []ledger.Finding) error) (bool, error) {
	known, err := v.db.Prepare(`SELECT 1 FROM shadow.ledger_commits WHERE hash = ?`)
	if err != nil {
		return false, err
	}
	defer known.Close()
	col, err := branch.Collect(v.store, head, func(h plumbing.Hash) bool {
		var one int
		return known.QueryRow(h.String()).Scan(&one) == nil
	})
	if err != nil {
		return false, err
	}
	tx, err := v.db.Begin()
	if err != nil {
		return false, err
	}
	v.q = tx
	defer func() { v.q = v.db; tx.Rollback() }()
	st, _, refused, err := v.replay(tx, col)
	if errors.Is(err, errRebuild) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, check(col, st, refused)
}
