package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/gates"
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
		return usagef("pre-receive: %v", err)
	}
	serverHead := headCommit(probe)
	cfg := ledger.DefaultConfig()
	if data, err := probe.ReadFile(serverHead, ledger.ConfigFile); err == nil && !serverHead.IsZero() {
		if parsed, perr := ledger.ParseConfig(ledger.ConfigFile, data); perr == nil {
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
			return e.checkPushedCode(st, old, sha, serverHead)
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

// checkPushedCode is pre-commit's check at a pushed commit: the complete
// and verified items of st whose target file the push changes.
func (e *env) checkPushedCode(st *ledger.State, old, sha string, serverHead gitstore.Hash) ([]string, error) {
	var items []hooks.Item
	var paths []string
	for _, it := range st.Items() {
		if it.Removed || (it.Status != ledger.Complete && it.Status != ledger.Verified) || it.TargetFile == "" || it.TargetSymbol == "" {
			continue
		}
		items = append(items, hooks.Item{Kind: it.Key.Kind, ID: it.Key.ID, Status: it.Status, File: it.TargetFile, Symbol: it.TargetSymbol})
		paths = append(paths, it.TargetFile)
	}
	if len(items) == 0 {
		return nil, nil
	}
	pushed, err := hooks.PushedFiles(e.store.Objects(), old, sha, paths)
	if err != nil {
		return nil, err
	}
	cfg := e.cfg
	if serverHead.IsZero() {
		// The first code ever pushed brings the only configuration there is.
		if data, err := e.store.ReadFile(gitstore.NewHash(sha), ledger.ConfigFile); err == nil {
			if parsed, perr := ledger.ParseConfig(ledger.ConfigFile, data); perr == nil {
				cfg = parsed
			}
		}
	}
	return restubs(cfg, pushed, items)
}

// restubs is pre-commit's check of pushed files (path → content) for the
// promoted items, one line per item whose body the push undoes.
func restubs(cfg ledger.Config, pushed map[string][]byte, items []hooks.Item) ([]string, error) {
	check, err := bodyCheck(cfg)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range hooks.PreCommit(pushed, items, check) {
		out = append(out, fmt.Sprintf("%s %d (%s %s): %s; demote it with an --override reason first", p.Item.Kind, p.Item.ID, p.Item.File, p.Item.Symbol, p.Msg))
	}
	return out, nil
}

// bodyCheck is the check of a mapped body that pre-commit and pre-receive
// share: the stub patterns of cfg's target language, and a body that must
// still be there.
func bodyCheck(cfg ledger.Config) (hooks.CheckFunc, error) {
	pats, err := gates.Patterns(cfg.Target.Language, cfg.Stubs.Patterns, cfg.Stubs.Replace)
	if err != nil {
		return nil, usagef("%v", err)
	}
	lang := cfg.Target.Language
	return func(file string, src []byte, symbol string) (string, error) {
		j, err := gates.JudgeSymbol(lang, file, src, symbol, pats, cfg.Stubs.Strict)
		matches := j.Refusals
		if errors.Is(err, gates.ErrSymbolNotFound) || errors.Is(err, gates.ErrNoBody) {
			return err.Error(), nil
		}
		if err != nil {
			return "", err
		}
		if len(matches) > 0 {
			return "stub in its body: " + strings.Join(gates.Strings(matches), "; "), nil
		}
		return "", nil
	}, nil
}

// headCommit is the commit the repository's HEAD names, or zero.
func headCommit(s *gitstore.Store) gitstore.Hash {
	h, err := s.CodeHead()
	if err != nil {
		return gitstore.Hash{}
	}
	return h
}
