package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit"
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
	r, err := remote.Open(e.store, name)
	if err != nil {
		return usagef("%v", err)
	}
	if c.Bool("dry-run") {
		local, err := e.store.Head()
		if err != nil && !errors.Is(err, gitstore.ErrNoLedger) {
			return err
		}
		return syncDryRun(e, r, local)
	}
	sync := &remote.Sync{Store: e.store, Remote: r, View: audit.SyncVerifier{View: e.view}, Writer: e.writer}
	f, err := sync.FetchMerge(c.Context)
	var unverified *remote.UnverifiedError
	if errors.As(err, &unverified) {
		return failf("%v", err)
	}
	if err != nil {
		return err
	}
	if m := f.Merge; m != nil {
		switch {
		case m.UpToDate:
			e.printf("%s: nothing new to fetch\n", name)
		case m.FastForward:
			e.printf("%s: fast-forwarded the ledger to %s\n", name, shortHash(m.Head.String()))
		default:
			e.printf("%s: merged %d new entries (merge commit %s)\n", name, m.Added, shortHash(m.Head.String()))
		}
	}
	pushed, err := sync.Publish(c.Context, f)
	if errors.Is(err, remote.ErrNoLedgers) {
		return usagef("neither this clone nor %s has a ledger (run porttracker init)", name)
	}
	if err != nil {
		return err
	}
	if pushed {
		e.printf("%s: pushed the ledger at %s\n", name, shortHash(f.Head().String()))
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
