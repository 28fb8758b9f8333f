package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/remote"
)

func syncCommand() *cli.Command {
	return &cli.Command{
		Name:      "sync",
		Usage:     "fetch the remote's ledger, verify it, merge it with the local one, and push the result",
		ArgsUsage: "[REMOTE]",
		Description: describe(`Fetches REMOTE's ledger branch (default origin; a path, an SSH or an HTTPS URL), verifies
every entry it adds, merges it with the local ledger and pushes the result. Concurrent
entries that disagree are reported as conflicts, never resolved silently.`,
			"porttracker sync", "porttracker sync origin --dry-run"),
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Usage: "only say what would be fetched and pushed"},
		},
		Action: runSync,
	}
}

func runSync(c *cli.Context) error {
	if c.NArg() > 1 {
		return usagef("sync takes at most one remote")
	}
	name := c.Args().First()
	if name == "" {
		name = "origin"
	}
	e, err := openEnvAdopting(c, false)
	if err != nil {
		return err
	}
	defer e.close()
	e.store.RemoteMessages = e.errOut
	remote, err := remote.Open(e.store, name)
	if err != nil {
		return usagef("%v", err)
	}
	local, err := e.store.Head()
	if err != nil && !errors.Is(err, gitstore.ErrNoLedger) {
		return err
	}
	if c.Bool("dry-run") {
		return syncDryRun(e, remote, local)
	}
	rh, err := remote.Fetch(c.Context)
	if err != nil {
		return err
	}
	if !rh.IsZero() {
		contained := false
		if !local.IsZero() {
			if contained, err = e.store.IsAncestor(rh, local); err != nil {
				return fmt.Errorf("compare %s's ledger with the local one: %w", name, err)
			}
		}
		if !contained {
			// Verify what arrived before it can touch the local branch. The
			// code history behind the evidence is checked by audit, where
			// the code is at hand.
			findings, err := e.view.VerifyNew(rh)
			if err != nil {
				return err
			}
			if len(findings) > 0 {
				return failf("the ledger of %s fails verification, nothing was merged: %s (%d findings; see porttracker audit in a clone of it)", name, findings[0], len(findings))
			}
		}
	}
	head := local
	if !rh.IsZero() {
		w, err := e.writer()
		if err != nil {
			return err
		}
		m, err := w.Merge(rh)
		if err != nil {
			return err
		}
		head = m.Head
		if local.IsZero() {
			// As git does for a branch made from a remote one.
			if err := e.store.SetUpstream(name); err != nil {
				return err
			}
		}
		switch {
		case m.UpToDate:
			e.printf("%s: nothing new to fetch\n", name)
		case m.FastForward:
			e.printf("%s: fast-forwarded the ledger to %s\n", name, shortHash(m.Head.String()))
		default:
			e.printf("%s: merged %d new entries (merge commit %s)\n", name, m.Added, shortHash(m.Head.String()))
		}
	}
	if head.IsZero() {
		return usagef("neither this clone nor %s has a ledger (run porttracker init)", name)
	}
	if _, err := e.view.StateAt(head); err != nil {
		return err
	}
	if head != rh {
		if err := remote.Push(c.Context, rh, head); err != nil {
			return err
		}
		e.printf("%s: pushed the ledger at %s\n", name, shortHash(head.String()))
	}
	return nil
}

func syncDryRun(e *env, remote remote.Remote, local gitstore.Hash) error {
	rh, err := remote.Head(e.c.Context)
	if err != nil {
		return err
	}
	name := remote.Name()
	switch {
	case rh.IsZero() && local.IsZero():
		e.printf("neither this clone nor %s has a ledger\n", name)
	case rh.IsZero():
		e.printf("%s has no ledger: would push %s\n", name, shortHash(local.String()))
	case local.IsZero():
		e.printf("would fetch %s's ledger at %s and take it as this clone's\n", name, shortHash(rh.String()))
	case rh == local:
		e.printf("%s and this clone are both at %s: nothing to fetch or push\n", name, shortHash(local.String()))
	default:
		if ok, err := e.store.IsAncestor(rh, local); err == nil && ok {
			n, _ := countCommits(e, local, rh)
			e.printf("would push %d ledger commits to %s (%s..%s)\n", n, name, shortHash(rh.String()), shortHash(local.String()))
			return nil
		}
		if ok, err := e.store.IsAncestor(local, rh); err == nil && ok {
			n, _ := countCommits(e, rh, local)
			e.printf("would fetch %d ledger commits from %s and fast-forward to %s\n", n, name, shortHash(rh.String()))
			return nil
		}
		e.printf("would fetch %s's ledger at %s, verify it, merge it with %s and push the merge\n", name, shortHash(rh.String()), shortHash(local.String()))
	}
	return nil
}

// countCommits counts the commits reachable from head but not from base.
func countCommits(e *env, head, base gitstore.Hash) (int, error) {
	n := 0
	err := e.store.Walk(head, func(h gitstore.Hash) bool {
		ok, _ := e.store.IsAncestor(h, base)
		return ok
	}, func(*gitstore.CommitInfo) error { n++; return nil })
	if err != nil {
		return 0, fmt.Errorf("count commits: %w", err)
	}
	return n, nil
}
