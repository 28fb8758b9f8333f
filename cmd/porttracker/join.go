package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/remote"
)

// adoptRemoteLedger is what a command does in a clone that has no local
// ledger branch but a remote-tracking one (a fresh git clone): it verifies
// the remote's ledger and creates the local branch from it, tracking the
// remote, as git does with a branch checked out from a remote one; it says
// so on stderr. With no remote-tracking ledger it does nothing. Remotes
// whose ledgers disagree are refused: the user picks one with sync.
func (e *env) adoptRemoteLedger() error {
	if _, err := e.store.Head(); !errors.Is(err, gitstore.ErrNoLedger) {
		return err
	}
	remotes, err := e.store.RemoteLedgers()
	if err != nil || len(remotes) == 0 {
		return err
	}
	pick := remotes[0]
	if pick.Remote != "origin" {
		for _, r := range remotes[1:] {
			if r.Head != pick.Head {
				return usagef("no local %s branch, and remotes %s and %s have different ones: run porttracker sync REMOTE to take one", e.cfg.Ledger.Branch, pick.Remote, r.Remote)
			}
		}
	}
	branch := e.cfg.Ledger.Branch
	res, err := audit.Verify(e.store, pick.Head, e.contains)
	if err != nil {
		return fmt.Errorf("verify %s: %w", pick.TrackingName(branch), err)
	}
	if len(res.Findings) > 0 {
		return failf("%s fails verification, so no local %s branch was made from it: %s (%d findings; see porttracker audit in a clone of it)", pick.TrackingName(branch), branch, res.Findings[0], len(res.Findings))
	}
	if err := e.store.Track(pick.Remote, pick.Head); err != nil {
		if errors.Is(err, gitstore.ErrRefChanged) {
			return nil // another command made it meanwhile
		}
		return err
	}
	fmt.Fprintf(e.errOut, "porttracker: branch '%s' set up to track '%s' (%d entries verified)\n", branch, pick.TrackingName(branch), res.Entries)
	return nil
}

// refuseSecondGenesis fails when any remote already has a ledger branch:
// a team has one genesis entry, ever. It looks at the remote-tracking refs
// and asks each configured remote.
func (e *env) refuseSecondGenesis(c *cli.Context) error {
	branch := e.cfg.Ledger.Branch
	tracked, err := e.store.RemoteLedgers()
	if err != nil {
		return err
	}
	if len(tracked) > 0 {
		r := tracked[0]
		return failf("remote %s already has a ledger (%s): a team has one ledger; join it with porttracker sync %s instead of init", r.Remote, r.TrackingName(branch), r.Remote)
	}
	names, err := e.store.Remotes()
	if err != nil {
		return err
	}
	for _, name := range names {
		remote, err := remote.Open(e.store, name)
		if err != nil {
			return usagef("remote %s: %v (init must see every remote to be sure none has a ledger; fix or remove it)", name, err)
		}
		ctx, cancel := context.WithTimeout(c.Context, 30*time.Second)
		head, err := remote.Head(ctx)
		cancel()
		if err != nil {
			return usagef("cannot check remote %s for a ledger: %s (init must see every remote to be sure none has one; fix or remove it)", name, strings.TrimSpace(err.Error()))
		}
		if !head.IsZero() {
			return failf("remote %s already has a ledger (branch %s at %s): a team has one ledger; join it with porttracker sync %s instead of init", name, branch, shortHash(head.String()), name)
		}
	}
	return nil
}
