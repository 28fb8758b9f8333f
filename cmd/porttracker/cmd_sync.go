package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit"
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
		return usagef("%w", err)
	}
	if c.Bool("dry-run") {
		return syncDryRun(e, r)
	}
	sync := &remote.Sync{Store: e.store, Remote: r, View: audit.SyncVerifier{View: e.view}, Writer: e.writer}
	f, err := sync.FetchMerge(c.Context)
	var unverified *remote.UnverifiedError
	if errors.As(err, &unverified) {
		return failf("%w", err)
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

// syncDryRun says what a sync with r would do (remote.Sync.DryRun).
func syncDryRun(e *env, r remote.Remote) error {
	p, err := (&remote.Sync{Store: e.store, Remote: r}).DryRun(e.c.Context)
	if err != nil {
		return err
	}
	name := r.Name()
	local, rh := shortHash(p.Local.String()), shortHash(p.Remote.String())
	switch p.Step {
	case remote.StepNoLedgers:
		e.printf("neither this clone nor %s has a ledger\n", name)
	case remote.StepPushNew:
		e.printf("%s has no ledger: would push %s\n", name, local)
	case remote.StepAdopt:
		e.printf("would fetch %s's ledger at %s and take it as this clone's\n", name, rh)
	case remote.StepUpToDate:
		e.printf("%s and this clone are both at %s: nothing to fetch or push\n", name, local)
	case remote.StepPush:
		e.printf("would push %d ledger commits to %s (%s..%s)\n", p.Commits, name, rh, local)
	case remote.StepFastForward:
		e.printf("would fetch %d ledger commits from %s and fast-forward to %s\n", p.Commits, name, rh)
	default:
		e.printf("would fetch %s's ledger at %s, verify it, merge it with %s and push the merge\n", name, rh, local)
	}
	return nil
}
