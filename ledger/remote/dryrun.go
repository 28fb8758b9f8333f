package remote

import (
	"context"
	"errors"
	"fmt"

	"github.com/porttracker/porttracker/ledger/gitstore"
)

// Step is what a sync would do, as DryRun works it out.
type Step int

// The steps of a sync.
const (
	// StepNoLedgers: neither this clone nor the remote has a ledger.
	StepNoLedgers Step = iota
	// StepPushNew: the remote has no ledger; this clone's would be pushed.
	StepPushNew
	// StepAdopt: this clone has no ledger; the remote's would be fetched
	// and taken as its own.
	StepAdopt
	// StepUpToDate: both are at the same commit.
	StepUpToDate
	// StepPush: the remote's head is behind this clone's; Commits would
	// be pushed.
	StepPush
	// StepFastForward: this clone's head is behind the remote's; Commits
	// would be fetched and the branch fast-forwarded.
	StepFastForward
	// StepMerge: the two diverged, or the remote's head is a commit this
	// clone does not have: it would be fetched, verified, merged and the
	// merge pushed.
	StepMerge
)

// Plan is what a sync would do, worked out without fetching or writing.
type Plan struct {
	Step Step
	// Local and Remote are the two ledger heads (zero for none).
	Local, Remote gitstore.Hash
	// Commits is, for StepPush and StepFastForward, how many ledger
	// commits would move.
	Commits int
}

// DryRun works out what a sync would do from the two ledger heads, asking
// the remote for its head only: nothing is fetched, merged or pushed.
func (s *Sync) DryRun(ctx context.Context) (Plan, error) {
	local, err := s.Store.Head()
	if err != nil && !errors.Is(err, gitstore.ErrNoLedger) {
		return Plan{}, err
	}
	rh, err := s.Remote.Head(ctx)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Local: local, Remote: rh}
	switch {
	case rh.IsZero() && local.IsZero():
		p.Step = StepNoLedgers
	case rh.IsZero():
		p.Step = StepPushNew
	case local.IsZero():
		p.Step = StepAdopt
	case rh == local:
		p.Step = StepUpToDate
	default:
		if _, err := s.Store.Commit(rh); err != nil {
			// Not fetched yet: only a fetch tells how the two relate.
			p.Step = StepMerge
			return p, nil
		}
		if ok, err := s.Store.IsAncestor(rh, local); err != nil {
			return Plan{}, fmt.Errorf("compare the ledger heads: %w", err)
		} else if ok {
			p.Step = StepPush
			p.Commits, err = s.countCommits(local, rh)
			return p, err
		}
		if ok, err := s.Store.IsAncestor(local, rh); err != nil {
			return Plan{}, fmt.Errorf("compare the ledger heads: %w", err)
		} else if ok {
			p.Step = StepFastForward
			p.Commits, err = s.countCommits(rh, local)
			return p, err
		}
		p.Step = StepMerge
	}
	return p, nil
}

// countCommits counts the commits reachable from head but not from base.
func (s *Sync) countCommits(head, base gitstore.Hash) (int, error) {
	n := 0
	var werr error
	err := s.Store.Walk(head, func(h gitstore.Hash) bool {
		ok, err := s.Store.IsAncestor(h, base)
		if err != nil && werr == nil {
			werr = err
		}
		return ok
	}, func(*gitstore.CommitInfo) error { n++; return nil })
	if err == nil {
		err = werr
	}
	if err != nil {
		return 0, fmt.Errorf("count commits: %w", err)
	}
	return n, nil
}
