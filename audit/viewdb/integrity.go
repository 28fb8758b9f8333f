package viewdb

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// integrity is what a View keeps to tie the rows that decisions rest on to
// the ledger entries they cite: porting.db is a file anyone can edit, so a
// row is believed only once the entries it names bear it out.
type integrity struct {
	// entries caches the entries read, by ID.
	entries map[string]*ledger.Entry
	// missing are the IDs not found, with the head they were looked for at.
	missing map[string]plumbing.Hash
	// fresh says that this process rebuilt the view from the ledger: its
	// rows need no further check.
	fresh bool
	// anchors is the commit that added each cited entry.
	anchors map[string]plumbing.Hash
	// vouched are the tables found whole to be what porttracker wrote
	// since the view was last written (shadow.go).
	vouched map[string]bool
	// st is the last State the view handed out (state): a rebuild gives
	// it the policy of the rebuilt view, which its decisions rest on.
	st *ledger.State
}

// entry returns the entry with the given ID as the ledger branch holds it:
// read from the branch head's tree at the path its ID gives, checked
// against its name and its signature. A ledger without it yields nil.
// Entries found are kept (an ID names its content for good); an entry not
// found is looked for again once the head moved.
func (v *View) entry(id string) (*ledger.Entry, error) {
	if e, ok := v.integ.entries[id]; ok {
		return e, nil
	}
	head, err := v.store.Head()
	if err != nil {
		return nil, err
	}
	if v.integ.entries == nil {
		v.integ.entries = map[string]*ledger.Entry{}
	}
	if miss, ok := v.integ.missing[id]; ok && miss == head {
		return nil, nil
	}
	data, ok, err := v.store.ReadEntry(head, id)
	if err != nil {
		return nil, err
	}
	if ok {
		rec, perr := ledger.ParseRecord(gitstore.EntryPath(id), data)
		if perr == nil && rec.Verify() == nil {
			v.integ.entries[id] = rec.Entry
			return rec.Entry, nil
		}
	}
	if v.integ.missing == nil {
		v.integ.missing = map[string]plumbing.Hash{}
	}
	v.integ.missing[id] = head
	return nil, nil
}

// checked runs check on a row a decision is about to rest on. When the row
// disagrees with the ledger, the view is rebuilt from the ledger (the
// Notice callback says so) and reload reads the row again; within a
// refresh's transaction the error asks the refresh to rebuild instead.
func (v *View) checked(check func() error, reload func() error) error {
	if v.integ.fresh {
		return nil
	}
	err := check()
	if err == nil || !errors.Is(err, ledger.ErrViewDisagrees) {
		return err
	}
	if v.q != v.db {
		return fmt.Errorf("%w: %v", errRebuild, err)
	}
	head, herr := v.store.Head()
	if herr != nil {
		return herr
	}
	handed := v.integ.st
	fresh, rerr := v.rebuild(head)
	if rerr != nil {
		return fmt.Errorf("%v; rebuilding the view failed: %w", err, rerr)
	}
	if handed != nil {
		handed.Policy, handed.PolicyEntry = fresh.Policy, fresh.PolicyEntry
		v.integ.st = handed
	}
	if v.Notice != nil {
		v.Notice(fmt.Sprintf("%s: %v; rebuilt it from the ledger", v.Path, err))
	}
	return reload()
}

// ResetChecks forgets what the checks before a decision read in this
// process (the entries), as a new command starts.
func (v *View) ResetChecks() { v.integ = integrity{} }
