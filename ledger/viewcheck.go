package ledger

import (
	"errors"
	"fmt"
	"slices"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// ErrViewDisagrees is wrapped by the errors of the checks below: a row of
// the derived view that the ledger entries it cites do not bear out (the
// view was edited, or is damaged). The view must be rebuilt from the
// ledger before anything is decided on it.
var ErrViewDisagrees = errors.New("the view disagrees with the ledger")

// EntryLookup returns the verified entry with the given ID from the ledger,
// or nil if the ledger has no such entry.
type EntryLookup func(id string) (*Entry, error)

func disagreef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrViewDisagrees, fmt.Sprintf(format, args...))
}

// moveOf returns the move of item k in e, or nil.
func moveOf(e *Entry, k ItemKey) *Move {
	if e == nil || e.Kind != KindTransition || e.ItemKind != k.Kind {
		return nil
	}
	for i := range e.Moves {
		if e.Moves[i].ID == k.ID {
			return &e.Moves[i]
		}
	}
	return nil
}

// Moves reports whether e is a transition that moves item k.
func Moves(e *Entry, k ItemKey) bool { return moveOf(e, k) != nil }

// Defines reports whether e is an inventory entry that defines or remaps
// item k.
func Defines(e *Entry, k ItemKey) bool {
	if e == nil || e.Kind != KindInventory {
		return false
	}
	defs := e.Features
	if k.Kind == Test {
		defs = e.Tests
	}
	for _, d := range defs {
		if d.ID == k.ID {
			return true
		}
	}
	return false
}

// CheckItemRow checks an item as the view holds it against the entries it
// cites: every head is an entry that moves the item to the status the head
// names, the item's status is one of its heads' (not_started when it has
// none), and the loop evidence it cites is a move of the item to complete
// at the code commit it names, as is the checkpoint of a verified item.
func CheckItemRow(it *ItemState, entry EntryLookup) error {
	k := it.Key
	if len(it.Heads) == 0 {
		if it.Status != NotStarted || it.CompleteEntry != "" {
			return disagreef("%s is %s, but no entry moved it", k, it.Status)
		}
		return nil
	}
	var statuses []Status
	for _, h := range it.Heads {
		e, err := entry(h.Entry)
		if err != nil {
			return err
		}
		m := moveOf(e, k)
		if m == nil || m.To != h.To || e.Signer != h.Signer {
			return disagreef("%s: entry %s does not move it to %s", k, short(h.Entry), h.To)
		}
		statuses = append(statuses, h.To)
	}
	if !slices.Contains(statuses, it.Status) {
		return disagreef("%s is %s, but the entries that last moved it say %v", k, it.Status, statuses)
	}
	if it.Status == Complete || it.Status == Verified || it.CompleteEntry != "" {
		e, err := entry(it.CompleteEntry)
		if err != nil {
			return err
		}
		m := moveOf(e, k)
		if m == nil || m.To != Complete || e.Clock != it.CompleteClock || e.Evidence == nil || e.Evidence.CodeCommit != it.CompleteCommit {
			return disagreef("%s: its complete record %s is not a move to complete at %s", k, short(it.CompleteEntry), short(it.CompleteCommit))
		}
	}
	if it.Checkpoint != "" {
		e, err := entry(it.Checkpoint)
		if err != nil {
			return err
		}
		if e == nil || e.Kind != KindCheckpoint {
			return disagreef("%s: checkpoint %s is not a checkpoint entry", k, short(it.Checkpoint))
		}
	}
	return nil
}

// CheckCheckpointRow checks a checkpoint as the view holds it against its
// entry: a checkpoint entry, or a baseline entry for a row that says it is
// a baseline.
func CheckCheckpointRow(c *CheckpointState, entry EntryLookup) error {
	e, err := entry(c.Entry)
	if err != nil {
		return err
	}
	kind := KindCheckpoint
	if c.Baseline {
		kind = KindBaseline
	}
	if e == nil || e.Kind != kind || e.Clock != c.Clock || e.Evidence == nil ||
		e.Evidence.CodeCommit != c.CodeCommit || e.Evidence.Dirty != c.Dirty {
		return disagreef("checkpoint %s is not the checkpoint its entry records", short(c.Entry))
	}
	return nil
}

// CheckMoveRow checks that entry moved k to to, as the view says.
func CheckMoveRow(id string, k ItemKey, to Status, entry EntryLookup) error {
	e, err := entry(id)
	if err != nil {
		return err
	}
	if m := moveOf(e, k); m == nil || m.To != to {
		return disagreef("entry %s does not move %s to %s", short(id), k, to)
	}
	return nil
}

// CheckSignerRows checks the active signers of the view against the
// allowed-signers list of the ledger's head.
func CheckSignerRows(rows []SignerState, allowed []sshkey.AllowedSigner) error {
	want := map[string]string{}
	for _, a := range allowed {
		want[a.Identity] = a.Key
	}
	n := 0
	for _, s := range rows {
		if !s.Active {
			continue
		}
		n++
		if key, ok := want[s.Identity]; !ok || key != s.Key {
			return disagreef("signer %s is not in the ledger's allowed_signers with that key", s.Identity)
		}
	}
	if n != len(want) {
		return disagreef("the view has %d active signers, the ledger's allowed_signers %d", n, len(want))
	}
	return nil
}
