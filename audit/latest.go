package audit

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// A row that cites an older entry which still bears it out (an item moved
// back to the stub it once was, the policy before the last one) passes the
// checks of ledger.CheckItemRow: what it cites is real. What shows it stale
// is an entry written after the cited one that the row does not cite. The
// entries after an entry are those of the ledger's head that the commit
// which added it lacks (Store.EntriesNotIn); they are read here, parsed
// but not verified (one that claims a move only makes the view rebuild,
// and the rebuild replays it as audit does).

// later returns the entries of the view's head (the ledger commit it was
// brought up to) that are not in the history of the commit that added
// entry id, parsed, by ID. The commit is
// the one the view names for it, checked to be the commit that adds it.
func (v *View) later(id string) (map[string]*ledger.Entry, error) {
	head, err := v.Head()
	if err != nil {
		return nil, err
	}
	key := head.String() + " " + id
	if got, ok := v.integ.later[key]; ok {
		return got, nil
	}
	var commit string
	err = v.q.QueryRow(`SELECT commit_hash FROM entries WHERE id = ?`, id).Scan(&commit)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && commit == "") {
		return nil, disagree("entry %s is not in the view's entries", id)
	}
	if err != nil {
		return nil, err
	}
	c := plumbing.NewHash(commit)
	if ok, err := v.store.AddedBy(c, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, disagree("commit %s does not add entry %s, as the view says", short(commit), short(id))
	}
	blobs, err := v.store.EntriesNotIn(head, c)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*ledger.Entry, len(blobs))
	for eid, h := range blobs {
		e, ok := v.integ.parsed[eid]
		if !ok {
			data, err := v.store.ReadBlob(h)
			if err != nil {
				return nil, fmt.Errorf("read ledger entry %s: %w", short(eid), err)
			}
			if rec, perr := ledger.ParseRecord(gitstore.EntryPath(eid), data); perr == nil {
				e = rec.Entry
			}
			if v.integ.parsed == nil {
				v.integ.parsed = map[string]*ledger.Entry{}
			}
			v.integ.parsed[eid] = e
		}
		if e != nil {
			out[eid] = e
		}
	}
	if v.integ.later == nil {
		v.integ.later = map[string]map[string]*ledger.Entry{}
	}
	v.integ.later[key] = out
	return out, nil
}

// checkLatest checks that the entries an item row cites as the last to
// move it are the last: no entry after any of them moves the item, other
// than the ones the row cites.
func (v *View) checkLatest(it *ledger.ItemState) error {
	if v.q != v.db {
		// Within a refresh the rows lag the head by what it is replaying.
		return nil
	}
	if len(it.Heads) == 0 && it.LastEntry != "" {
		// Never moved, the row says: the entry it names as the last to
		// touch the item defines it, and nothing after that moves it.
		e, err := v.entry(it.LastEntry)
		if err != nil {
			return err
		}
		if !ledger.Defines(e, it.Key) {
			return disagree("%s: entry %s, which the view gives as the last to touch it, does not define it", it.Key, short(it.LastEntry))
		}
		after, err := v.later(it.LastEntry)
		if err != nil {
			return err
		}
		for id, e := range after {
			if ledger.Moves(e, it.Key) {
				return disagree("%s is %s in the view, but entry %s moved it", it.Key, it.Status, short(id))
			}
		}
		return nil
	}
	cited := map[string]bool{}
	for _, h := range it.Heads {
		cited[h.Entry] = true
	}
	for _, h := range it.Heads {
		after, err := v.later(h.Entry)
		if err != nil {
			return err
		}
		for id, e := range after {
			if !cited[id] && ledger.Moves(e, it.Key) {
				return disagree("%s: entry %s moved it after entry %s, which the view gives as its last move", it.Key, short(id), short(h.Entry))
			}
		}
	}
	return nil
}

// disagree is a ledger.ErrViewDisagrees error.
func disagree(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ledger.ErrViewDisagrees, fmt.Sprintf(format, args...))
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// checkPolicy checks the policy the view keeps against the policy entry it
// cites: that entry records exactly that policy. (Whether a later policy
// entry exists is not checked here: audit and the hooks replay in full.)
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

// checkBatchStatus checks a batch row's status against the ledger: a
// started batch has an entry that starts it at the clock the row gives, a
// complete one an entry that completes it as well. (A batch's status only
// moves forward, so the entries' existence is what bears it out.)
func (v *View) checkBatchStatus(b *ledger.BatchState) error {
	if b.Status == ledger.BatchPlanned {
		return nil
	}
	// The summaries porttracker writes find the entries; what they say is
	// read from the ledger (a summary edited away only makes the view
	// rebuild).
	start, complete := ledger.BuildBatch(b.ID, ledger.ActionStart).Summary, ledger.BuildBatch(b.ID, ledger.ActionComplete).Summary
	rows, err := v.q.Query(`SELECT id FROM entries WHERE kind = ? AND summary IN (?, ?)`, string(ledger.KindBatch), start, complete)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	started, completed := false, false
	for _, id := range ids {
		e, err := v.entry(id)
		if err != nil {
			return err
		}
		if e == nil || e.Kind != ledger.KindBatch || e.Batch != b.ID {
			continue
		}
		switch e.Action {
		case ledger.ActionStart:
			started = started || e.Clock == b.StartClock
		case ledger.ActionComplete:
			completed = true
		}
	}
	switch {
	case !started:
		return disagree("batch %d is %s in the view, but no batch entry started it at clock %d", b.ID, b.Status, b.StartClock)
	case b.Status == ledger.BatchComplete && !completed:
		return disagree("batch %d is complete in the view, but no batch entry completes it", b.ID)
	}
	return nil
}
