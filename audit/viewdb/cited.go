package viewdb

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
)

// The checks of a row against the entries it cites: that what it says is
// what they record. Whether it cites the last of them is not asked of the
// ledger here: a row is also the row porttracker wrote (its shadow,
// shadow.go), which replay wrote from every entry it applied. The checks
// read the small entries a row cites (moves, red runs, plans, tasks,
// checkpoints, the policy); an item's mapping and a batch's definition cite
// an inventory entry, which holds a whole import (megabytes for a large
// port), and reading it in every command would cost what the import costs
// to parse: for those the shadow vouches alone.

// anchor returns the ledger commit that added entry id: the one the view
// names for it, checked to be a commit that adds it.
func (v *View) anchor(id string) (plumbing.Hash, error) {
	if c, ok := v.integ.anchors[id]; ok {
		return c, nil
	}
	var commit string
	err := v.q.QueryRow(`SELECT commit_hash FROM entries WHERE id = ?`, id).Scan(&commit)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && commit == "") {
		return plumbing.ZeroHash, disagree("entry %s is not in the view's entries", short(id))
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	c := plumbing.NewHash(commit)
	if ok, err := v.store.AddedBy(c, id); err != nil {
		return plumbing.ZeroHash, err
	} else if !ok {
		return plumbing.ZeroHash, disagree("commit %s does not add entry %s, as the view says", short(commit), short(id))
	}
	if v.integ.anchors == nil {
		v.integ.anchors = map[string]plumbing.Hash{}
	}
	v.integ.anchors[id] = c
	return c, nil
}

// after reports whether entry other is not in the history of entry id
// (written after it, or concurrently with it).
func (v *View) after(id, other string) (bool, error) {
	c, err := v.anchor(id)
	if err != nil {
		return false, err
	}
	had, err := v.store.HasEntry(c, other)
	return !had, err
}

// checkRed checks the red run an item row cites (a complete needs one since
// the item's claim): a red entry of this feature at the code commit the row
// gives, written, while the item is claimed, after the claim.
func (v *View) checkRed(it *ledger.ItemState) error {
	if it.RedEntry == "" && it.RedCommit == "" {
		return nil
	}
	e, err := v.entry(it.RedEntry)
	if err != nil {
		return err
	}
	if e == nil || e.Kind != ledger.KindRed || e.Red == nil || it.Key.Kind != ledger.Feature || e.Red.Feature != it.Key.ID ||
		e.Evidence == nil || e.Evidence.CodeCommit != it.RedCommit {
		return disagree("%s: entry %s, which the view gives as its red run, is not a red run of it at %s", it.Key, cited(it.RedEntry), short(it.RedCommit))
	}
	if v.refreshing() || it.Status != ledger.Stub {
		// Past the claim, the red run came before the move that left it.
		return nil
	}
	for _, h := range it.Heads {
		if later, err := v.after(h.Entry, it.RedEntry); err != nil {
			return err
		} else if !later {
			return disagree("%s: its red run %s came before entry %s, which last moved it", it.Key, short(it.RedEntry), short(h.Entry))
		}
	}
	return nil
}

// refreshing reports whether a refresh's transaction is open: its rows lag
// the head by what it is replaying, so the checks against cited entries
// wait for the rows a command reads after it.
func (v *View) refreshing() bool { return v.q != v.db }

func sameInts(a, b []int) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// disagree is a ledger.ErrViewDisagrees error.
func disagree(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ledger.ErrViewDisagrees, fmt.Sprintf(format, args...))
}

// cited names an entry a row cites, or says that it cites none.
func cited(id string) string {
	if id == "" {
		return "(none)"
	}
	return short(id)
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// checkPolicy checks the policy the view keeps against the policy entry it
// cites: that entry records exactly that policy. (That no policy entry
// came after it is checkPolicyLatest's, run with the rows a decision
// rests on.)
func (v *View) checkPolicy(p *ledger.Policy, id string) error {
	switch {
	case p == nil && id == "":
		return nil
	case p == nil || id == "":
		return disagree("the view's policy and the policy entry it cites do not go together")
	}
	e, err := v.entry(id)
	if err != nil {
		return err
	}
	if e == nil || e.Kind != ledger.KindPolicy || e.Policy == nil || !e.Policy.Equal(*p) {
		return disagree("the view's policy (at most %d IDs per update; complete needs %v) is not what policy entry %s records", p.MaxIDsPerUpdate, p.RequiredGates, short(id))
	}
	return nil
}
