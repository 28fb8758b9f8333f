package remote

import (
	"context"
	"errors"
	"fmt"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// Verifier is what a sync needs of the view of the ledger (porting.db):
// it verifies what a fetched ledger adds before it can touch the local
// branch, and replays the branch once it moved.
type Verifier interface {
	// VerifyNew verifies every entry that head adds to what the view
	// holds, returning what fails.
	VerifyNew(head gitstore.Hash) ([]ledger.Finding, error)
	// StateAt brings the view up to head.
	StateAt(head gitstore.Hash) (*ledger.State, error)
}

// Sync is one exchange of the ledger branch with a remote: fetch, verify,
// merge, push.
type Sync struct {
	Store  *gitstore.Store
	Remote Remote
	View   Verifier
	// Writer gives the writer that signs a merge commit; it is called only
	// when the remote has a ledger.
	Writer func() (*branch.Writer, error)
}

// Fetched is what the fetch and merge half of a sync did.
type Fetched struct {
	// Local is the local ledger head before the sync, Remote the remote's
	// (either zero when that side has no ledger).
	Local, Remote gitstore.Hash
	// Merge says how the remote's ledger was joined; nil when the remote
	// has none.
	Merge *gitstore.MergeResult
	// Upstream: the local branch was made from the remote's, which is now
	// its upstream.
	Upstream bool
}

// Head is the local ledger head after the merge.
func (f *Fetched) Head() gitstore.Hash {
	if f.Merge != nil {
		return f.Merge.Head
	}
	return f.Local
}

// UnverifiedError says that the remote's ledger fails verification; nothing
// was merged.
type UnverifiedError struct {
	Remote   string
	Findings []ledger.Finding
}

func (e *UnverifiedError) Error() string {
	return fmt.Sprintf("the ledger of %s fails verification, nothing was merged: %s (%d findings; see porttracker audit in a clone of it)", e.Remote, e.Findings[0], len(e.Findings))
}

// ErrNoLedgers says that neither side of a sync has a ledger.
var ErrNoLedgers = errors.New("neither this clone nor the remote has a ledger")

// FetchMerge fetches the remote's ledger, verifies every entry it adds
// unless the local ledger already contains it (the code history behind the
// evidence is checked by audit, where the code is at hand), and merges it
// into the local branch. A ledger that fails verification is an
// *UnverifiedError, and the local branch is left as it was.
func (s *Sync) FetchMerge(ctx context.Context) (*Fetched, error) {
	local, err := s.Store.Head()
	if err != nil && !errors.Is(err, gitstore.ErrNoLedger) {
		return nil, err
	}
	f := &Fetched{Local: local}
	if f.Remote, err = s.Remote.Fetch(ctx); err != nil || f.Remote.IsZero() {
		return f, err
	}
	contained := false
	if !local.IsZero() {
		if contained, err = s.Store.IsAncestor(f.Remote, local); err != nil {
			return f, fmt.Errorf("compare %s's ledger with the local one: %w", s.Remote.Name(), err)
		}
	}
	if !contained {
		findings, err := s.View.VerifyNew(f.Remote)
		if err != nil {
			return f, err
		}
		if len(findings) > 0 {
			return f, &UnverifiedError{Remote: s.Remote.Name(), Findings: findings}
		}
	}
	w, err := s.Writer()
	if err != nil {
		return f, err
	}
	if f.Merge, err = w.Merge(f.Remote); err != nil {
		return f, err
	}
	if local.IsZero() {
		// As git does for a branch made from a remote one.
		if err := s.Store.SetUpstream(s.Remote.Name()); err != nil {
			return f, err
		}
		f.Upstream = true
	}
	return f, nil
}

// Publish brings the view up to the merged head and pushes it unless the
// remote is there already; it reports whether it pushed. Neither side
// having a ledger is ErrNoLedgers.
func (s *Sync) Publish(ctx context.Context, f *Fetched) (pushed bool, err error) {
	head := f.Head()
	if head.IsZero() {
		return false, ErrNoLedgers
	}
	if _, err := s.View.StateAt(head); err != nil {
		return false, err
	}
	if head == f.Remote {
		return false, nil
	}
	if err := s.Remote.Push(ctx, f.Remote, head); err != nil {
		return false, err
	}
	return true, nil
}
