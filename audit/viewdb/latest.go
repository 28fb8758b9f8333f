package viewdb

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
)

// A row that cites an older entry which still bears it out (an item moved
// back to the stub it once was, the mapping before the last remap, the
// policy before the last one) passes the checks of ledger.CheckItemRow:
// what it cites is real. What shows it stale is an entry the row does not
// cite that is not in the history of the one it cites (written after it,
// or concurrently) and says otherwise. To find those, one pass per command
// reads the entries of the view's head (index.go): which entries move each
// item, and which are inventory and policy entries. Whether an entry is
// after the cited one is then a look-up in the tree of the commit that
// added the cited one. Entries are parsed there but not verified: one that
// claims a move only makes the view rebuild, and the rebuild replays it as
// audit does.

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

// checkLatest checks that the entries an item row cites as the last to
// move it are the last: no entry that moves the item, other than the ones
// the row cites, is outside their history. A row that says the item never
// moved is held to it: no entry of the ledger moves it.
func (v *View) checkLatest(it *ledger.ItemState) error {
	idx, err := v.rowIndex()
	if idx == nil {
		return err
	}
	if err := v.checkPolicyLatest(); err != nil {
		return err
	}
	moves := idx.moves[it.Key]
	if len(it.Heads) == 0 {
		if len(moves) > 0 {
			return disagree("%s is %s in the view, but entry %s moved it", it.Key, it.Status, short(moves[0]))
		}
		return nil
	}
	for _, m := range moves {
		if slices.ContainsFunc(it.Heads, func(h ledger.Head) bool { return h.Entry == m }) {
			continue
		}
		for _, h := range it.Heads {
			later, err := v.after(h.Entry, m)
			if err != nil {
				return err
			}
			if later {
				return disagree("%s: entry %s moved it after entry %s, which the view gives as its last move", it.Key, short(m), short(h.Entry))
			}
		}
	}
	return nil
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
	if v.q != v.db || it.Status != ledger.Stub {
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

// checkDefinition checks an item row's mapping and batch against the
// inventory entries it cites (DefEntry, BatchEntry) and those not in their
// history: the cited entry says what the row says, and no later one says
// otherwise. A row in no batch is held to it: no inventory entry lists the
// item in one.
func (v *View) checkDefinition(it *ledger.ItemState) error {
	k := it.Key
	idx, err := v.rowIndex()
	if idx == nil {
		return err
	}
	same := func(d ledger.ItemDef) bool { return d.Mapping == it.Mapping && d.Removed == it.Removed }
	def, err := v.invOf(it.DefEntry)
	if err != nil {
		return err
	}
	if d, ok := def.defs[k]; !ok || !same(d) {
		return disagree("%s: its mapping in the view is not what inventory entry %s records", k, cited(it.DefEntry))
	}
	for _, id := range idx.inventory {
		d, ok := idx.inv[id].defs[k]
		if !ok || id == it.DefEntry || same(d) {
			continue
		}
		if later, err := v.after(it.DefEntry, id); err != nil {
			return err
		} else if later {
			return disagree("%s: inventory entry %s remapped it after entry %s, which the view cites", k, short(id), short(it.DefEntry))
		}
	}
	if it.Batch == 0 {
		for _, id := range idx.inventory {
			if b, ok := idx.inv[id].listed[k]; ok {
				return disagree("%s is in no batch in the view, but inventory entry %s lists it in batch %d", k, short(id), b)
			}
		}
		return nil
	}
	listing, err := v.invOf(it.BatchEntry)
	if err != nil {
		return err
	}
	if b, ok := listing.listed[k]; !ok || b != it.Batch {
		return disagree("%s is in batch %d in the view, but inventory entry %s does not list it there", k, it.Batch, cited(it.BatchEntry))
	}
	for _, id := range idx.inventory {
		b, ok := idx.inv[id].listed[k]
		if !ok || id == it.BatchEntry || b == it.Batch {
			continue
		}
		if later, err := v.after(it.BatchEntry, id); err != nil {
			return err
		} else if later {
			return disagree("%s is in batch %d in the view, but inventory entry %s lists it in batch %d", k, it.Batch, short(id), b)
		}
	}
	return nil
}

// checkUndefined checks that an item the view has no row for is defined
// by no inventory entry.
func (v *View) checkUndefined(k ledger.ItemKey) error {
	idx, err := v.rowIndex()
	if idx == nil {
		return err
	}
	for _, id := range idx.inventory {
		if _, ok := idx.inv[id].defs[k]; ok {
			return disagree("%s is missing from the view, but inventory entry %s defines it", k, short(id))
		}
	}
	return nil
}

// checkBatchDef checks a batch row's name and dependencies against the
// inventory entry that defined it (DefEntry) and those not in its history.
func (v *View) checkBatchDef(b *ledger.BatchState) error {
	idx, err := v.rowIndex()
	if idx == nil {
		return err
	}
	if err := v.checkPolicyLatest(); err != nil {
		return err
	}
	same := func(d ledger.BatchDef) bool { return d.Name == b.Name && sameInts(d.Depends, b.Depends) }
	def, err := v.invOf(b.DefEntry)
	if err != nil {
		return err
	}
	if d, ok := def.batches[b.ID]; !ok || !same(d) {
		return disagree("batch %d: its name or dependencies in the view (depends on %v) are not what inventory entry %s records", b.ID, b.Depends, cited(b.DefEntry))
	}
	for _, id := range idx.inventory {
		d, ok := idx.inv[id].batches[b.ID]
		if !ok || id == b.DefEntry || same(d) {
			continue
		}
		if later, err := v.after(b.DefEntry, id); err != nil {
			return err
		} else if later {
			return disagree("batch %d: inventory entry %s redefined it after entry %s, which the view cites", b.ID, short(id), short(b.DefEntry))
		}
	}
	return nil
}

// listedIn lists the items that some inventory entry lists in batch id:
// the candidates for its members, each of which a reader then loads (and
// so checks) to see whether it is still there.
func (v *View) listedIn(id int) ([]ledger.ItemKey, error) {
	idx, err := v.rowIndex()
	if idx == nil {
		return nil, err
	}
	var out []ledger.ItemKey
	for _, e := range idx.inventory {
		for k, b := range idx.inv[e].listed {
			if b == id {
				out = append(out, k)
			}
		}
	}
	return out, nil
}

// invOf returns what the verified inventory entry id defines and lists; an
// ID that names no such entry disagrees.
func (v *View) invOf(id string) (*invIndex, error) {
	e, err := v.entry(id)
	if err != nil {
		return nil, err
	}
	if e == nil || e.Kind != ledger.KindInventory {
		return nil, disagree("entry %s, which the view cites as a definition, is not an inventory entry of the ledger", cited(id))
	}
	return v.integ.invIndexOf(id, e), nil
}

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

// checkPolicyLatest checks, once per head, that no policy entry is outside
// the history of the one the view's policy cites (none at all when the
// view has no policy). It runs with the first row a decision rests on, so
// that commands which decide nothing do not pay for the ledger's index.
func (v *View) checkPolicyLatest() error {
	idx, err := v.rowIndex()
	if idx == nil {
		return err
	}
	if v.integ.policyChecked == idx.head && !idx.head.IsZero() {
		return nil
	}
	id, err := v.meta("policy_entry")
	if err != nil {
		return err
	}
	for _, other := range idx.policies {
		if other == id {
			continue
		}
		if id == "" {
			return disagree("the view has no policy, but entry %s records one", short(other))
		}
		if later, err := v.after(id, other); err != nil {
			return err
		} else if later {
			return disagree("the view's policy is the one policy entry %s records, but policy entry %s came after it", short(id), short(other))
		}
	}
	v.integ.policyChecked = idx.head
	return nil
}

// checkBatchStatus checks a batch row's status against the batch entries
// of the ledger: a planned batch has no entry that starts it, a started one
// has the entry that starts it at the clock the row gives and none that
// completes it, a complete one an entry that completes it as well.
func (v *View) checkBatchStatus(b *ledger.BatchState) error {
	idx, err := v.rowIndex()
	if idx == nil {
		return err
	}
	started, completed := false, false
	for _, id := range idx.batchEntries[b.ID] {
		e, err := v.entry(id)
		if err != nil {
			return err
		}
		if e == nil || e.Kind != ledger.KindBatch || e.Batch != b.ID {
			continue
		}
		switch e.Action {
		case ledger.ActionStart:
			if b.Status == ledger.BatchPlanned {
				return disagree("batch %d is planned in the view, but entry %s started it", b.ID, short(id))
			}
			started = started || e.Clock == b.StartClock
		case ledger.ActionComplete:
			if b.Status != ledger.BatchComplete {
				return disagree("batch %d is %s in the view, but entry %s completed it", b.ID, b.Status, short(id))
			}
			completed = true
		}
	}
	switch {
	case b.Status == ledger.BatchPlanned:
	case !started:
		return disagree("batch %d is %s in the view, but no batch entry started it at clock %d", b.ID, b.Status, b.StartClock)
	case b.Status == ledger.BatchComplete && !completed:
		return disagree("batch %d is complete in the view, but no batch entry completes it", b.ID)
	}
	return nil
}
