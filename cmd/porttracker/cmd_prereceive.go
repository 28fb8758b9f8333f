package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/hooks"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// runPreReceive is the central repository's hook: it reads the pushed
// objects from git's quarantine, verifies a pushed ledger as audit does
// and checks pushed code against the promoted items. It runs no gate
// command and trusts no pushed configuration beyond the stub patterns of
// the repository's own HEAD (the pushed commit's only when HEAD has none).
func runPreReceive(c *cli.Context) error {
	gitDir := os.Getenv("GIT_DIR")
	if gitDir == "" {
		gitDir = c.String("repo")
	}
	probe, err := gitstore.Open(gitDir, ledger.DefaultBranch)
	if err != nil {
		return usagef("pre-receive: %w", err)
	}
	serverHead := headCommit(probe)
	cfg := config.Default()
	if data, err := probe.ReadFile(serverHead, config.File); err == nil && !serverHead.IsZero() {
		if parsed, perr := config.Parse(config.File, data); perr == nil {
			cfg = parsed
		}
	}
	probe.Close()
	store, err := gitstore.OpenReceiving(gitDir, cfg.Ledger.Branch, os.Getenv("GIT_OBJECT_DIRECTORY"), gitstore.SplitAlternates(os.Getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES")))
	if err != nil {
		return failf("pre-receive: push refused: %v", err)
	}
	defer store.Close()
	e := &env{c: c, out: c.App.Writer, errOut: c.App.ErrWriter, cfg: cfg, store: store}
	lines, err := hooks.ReadReceive(c.App.Reader)
	if err != nil {
		return failf("pre-receive: push refused: %v", err)
	}
	states := map[string]*ledger.State{}
	verifyAt := func(sha string) (*audit.Result, *ledger.State, error) {
		res, st, err := audit.VerifiedState(store, gitstore.NewHash(sha), e.contains)
		if err == nil {
			states[sha] = st
		}
		return res, st, err
	}
	checks := hooks.ServerChecks{
		LedgerRef: cfg.RefName(),
		IsAncestor: func(a, b string) (bool, error) {
			return store.IsAncestor(gitstore.NewHash(a), gitstore.NewHash(b))
		},
		VerifyLedger: func(sha string) ([]string, error) {
			res, _, err := verifyAt(sha)
			if err != nil {
				return nil, err
			}
			out := make([]string, len(res.Findings))
			for i, f := range res.Findings {
				out[i] = f.String()
			}
			return out, nil
		},
		CheckCode: func(old, sha, ledgerSHA string) ([]string, error) {
			if ledgerSHA == "" {
				h, err := store.Head()
				if errors.Is(err, gitstore.ErrNoLedger) {
					return nil, nil
				} else if err != nil {
					return nil, err
				}
				ledgerSHA = h.String()
			}
			st := states[ledgerSHA]
			if st == nil {
				var err error
				if _, st, err = verifyAt(ledgerSHA); err != nil {
					return nil, err
				}
			}
			if old == "" && !serverHead.IsZero() {
				// A new branch is judged by what it changes from HEAD.
				old = serverHead.String()
			}
			out, err := hooks.PushedCode(e.store, st, e.cfg, old, sha, serverHead)
			return out, hookConfigError(err)
		},
	}
	refusals, err := hooks.PreReceive(lines, checks)
	for _, r := range refusals {
		fmt.Fprintf(e.errOut, "porttracker: %s\n", r)
	}
	if err != nil {
		return failf("pre-receive: push refused: %v", err)
	}
	if len(refusals) > 0 {
		return failf("pre-receive: push refused (%d problems above); nothing was updated", len(refusals))
	}
	return nil
}

// hookConfigError words a porttracker.toml the hooks cannot use as bad
// input; other errors pass through.
func hookConfigError(err error) error {
	var cfgErr *hooks.ConfigError
	if errors.As(err, &cfgErr) {
		return usagef("%w", err)
	}
	return err
}

// headCommit is the commit the repository's HEAD names, or zero.
func headCommit(s *gitstore.Store) gitstore.Hash {
	h, err := s.CodeHead()
	if err != nil {
		return gitstore.Hash{}
	}
	return h
}
