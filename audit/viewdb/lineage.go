package viewdb

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
)

// knownClock is the clock of a ledger commit the view already holds (see
// ledger.Lineage.Clock): the view's own clock at its head, else the clock of
// the entry the commit added, else the largest of its parents'.
func (v *View) knownClock(tx *sql.Tx, cur, h plumbing.Hash) (uint64, error) {
	memo := map[plumbing.Hash]uint64{}
	var clockOf func(h plumbing.Hash) (uint64, error)
	clockOf = func(h plumbing.Hash) (uint64, error) {
		if c, ok := memo[h]; ok {
			return c, nil
		}
		var c uint64
		if h == cur {
			st, err := v.state()
			if err != nil {
				return 0, err
			}
			c = st.Clock
		} else {
			var n int64
			err := tx.QueryRow(clockOfCommitQuery, h.String()).Scan(&n)
			switch {
			case err == nil:
				c = uint64(n)
			case !errors.Is(err, sql.ErrNoRows):
				return 0, err
			default:
				commit, err := v.store.Commit(h)
				if err != nil {
					return 0, fmt.Errorf("%w: ledger commit %s: %v", errRebuild, h, err)
				}
				for _, p := range commit.ParentHashes {
					pc, err := clockOf(p)
					if err != nil {
						return 0, err
					}
					c = max(c, pc)
				}
			}
		}
		memo[h] = c
		return c, nil
	}
	return clockOf(h)
}

// needsFullReplay returns errRebuild when the new commits of col cannot be
// replayed on top of the view with the view's signers standing for the
// signers in force: when they join concurrent histories that a signer
// change could tell apart. That is (a) new signer entries together with a
// merge among the new commits, or (b) new commits that start from a commit
// other than the view's head while a signer entry the view holds is not in
// that commit's history, or (c) a resolution among the new entries. A full
// replay then decides from the ancestry.
func (v *View) needsFullReplay(tx *sql.Tx, col *branch.Collected, cur plumbing.Hash, lin *ledger.Lineage) error {
	inside := map[plumbing.Hash]bool{}
	merge := false
	for _, ci := range col.Commits {
		inside[ci.Commit.Hash] = true
		merge = merge || len(ci.Commit.ParentHashes) > 1
	}
	for _, r := range col.Records {
		if merge && (r.Entry.Kind == ledger.KindSigner || r.Entry.Kind == ledger.KindGenesis) {
			return fmt.Errorf("%w: signer entries merged from concurrent histories", errRebuild)
		}
		if r.Entry.Kind == ledger.KindResolution {
			return fmt.Errorf("%w: a resolution decides on entries replayed before it", errRebuild)
		}
	}
	var forks []plumbing.Hash
	for _, ci := range col.Commits {
		for _, p := range ci.Commit.ParentHashes {
			if !inside[p] && p != cur {
				forks = append(forks, p)
			}
		}
	}
	if len(forks) == 0 {
		return nil
	}
	rows, err := tx.Query(signerEntriesQuery, string(ledger.KindSigner))
	if err != nil {
		return err
	}
	type event struct {
		entry string
		clock uint64
	}
	var events []event
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return err
		}
		events = append(events, event{id, uint64(n)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range forks {
		kc, err := lin.Clock(k.String())
		if err != nil {
			return err
		}
		for _, ev := range events {
			if ev.clock > kc {
				return fmt.Errorf("%w: a signer entry is not in the history of merged commit %s", errRebuild, k)
			}
			// In k's history is in k's tree: entries are only ever added,
			// and a commit that drops one is refused by replay. A look-up
			// of one path, where walking k's ancestry to the signer
			// entry's commit (near the ledger's start, as a rule) grew
			// with the ledger.
			ok, err := v.store.HasEntry(k, ev.entry)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: a signer entry is not in the history of merged commit %s", errRebuild, k)
			}
		}
	}
	return nil
}
