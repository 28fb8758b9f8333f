package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/hooks"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

func hooksCommand() *cli.Command {
	return &cli.Command{
		Name:  "hooks",
		Usage: "install or remove the git hooks that refuse re-stubbing promoted work and pushing a ledger that fails verification",
		Description: describe("Installs or removes porttracker's git hooks (pre-commit, pre-push); they run porttracker hook.",
			"porttracker hooks install", "porttracker hooks uninstall"),
		Subcommands: []*cli.Command{
			{
				Name:      "install",
				Usage:     "install pre-commit and pre-push hooks that run porttracker hook; a hook you already had keeps running first",
				ArgsUsage: " ",
				Flags:     []cli.Flag{&cli.BoolFlag{Name: "server", Usage: "in a bare central repository: install the pre-receive hook that refuses forged, rewound or deleted ledgers and re-stubbed code"}},
				Description: describe(`pre-commit refuses a commit that re-stubs, removes or empties the mapped body of a complete
or verified item; pre-push refuses a ledger that fails verification or would rewind the
remote's. A hook you already had keeps running first; a core.hooksPath elsewhere is refused.`,
					"porttracker hooks install"),
				Action: runHooksInstall,
			},
			{
				Name:      "uninstall",
				Usage:     "remove porttracker's hooks and put back the hooks they chained",
				ArgsUsage: " ",
				Flags:     []cli.Flag{&cli.BoolFlag{Name: "server", Usage: "remove the pre-receive hook of hooks install --server"}},
				Description: describe("Removes the hooks that hooks install wrote and puts back the ones they chained.",
					"porttracker hooks uninstall"),
				Action: runHooksUninstall,
			},
		},
	}
}

func runHooks(c *cli.Context, do func(gitDir string) ([]string, error)) error {
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	st, err := gitstore.Open(c.String("repo"), ledger.DefaultBranch)
	if err != nil {
		return usagef("%w", err)
	}
	msgs, err := do(st.GitDir())
	out := c.App.Writer
	if c.Bool("json") {
		e := &env{c: c, out: out}
		if msgs == nil {
			msgs = []string{}
		}
		if perr := e.printJSON(struct {
			Hooks []string `json:"hooks"`
		}{msgs}); perr != nil {
			return perr
		}
	} else {
		for _, m := range msgs {
			fmt.Fprintln(out, m)
		}
	}
	if err != nil {
		return failf("%w", err)
	}
	return nil
}

func hookCommand() *cli.Command {
	return &cli.Command{
		Name:      "hook",
		Usage:     "run the checks of a git hook (pre-commit, pre-merge-commit or pre-push); the hooks that hooks install writes call this",
		ArgsUsage: "NAME [ARGS...]",
		Description: describe(`Runs the checks of the git hook NAME with git's arguments; the hooks that hooks install
writes call it, so you rarely run it yourself.`,
			"porttracker hook pre-commit", "porttracker hook pre-push origin git@example.com:port.git"),
		Action: runHook,
	}
}

func runHook(c *cli.Context) error {
	if c.NArg() < 1 {
		return usagef("hook takes a hook name, pre-commit, pre-merge-commit or pre-push (porttracker hook --help)")
	}
	switch name := c.Args().First(); name {
	case hooks.PreCommitHook, hooks.PreMergeCommitHook:
		return runPreCommit(c)
	case hooks.PrePushHook:
		return runPrePush(c)
	case hooks.PreReceiveHook:
		return runPreReceive(c)
	default:
		return usagef("hook %q: porttracker has only the pre-commit, pre-merge-commit and pre-push hooks", name)
	}
}

// hookEnv opens the repository and its configuration for a hook. A
// repository without porttracker.toml gives a nil env: nothing to check.
func hookEnv(c *cli.Context) (*env, error) {
	e, err := openRepo(c)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(filepath.Join(e.root, config.File))
	if errors.Is(err, config.ErrNoConfig) {
		return nil, nil
	}
	if err != nil {
		return nil, usagef("%w", err)
	}
	e.cfg = cfg
	if e.store, err = gitstore.Open(e.root, cfg.Ledger.Branch); err != nil {
		return nil, usagef("%w", err)
	}
	return e, nil
}

// runPreCommit refuses a commit whose staged content re-stubs, or loses,
// the mapped body of a complete or verified item.
func runPreCommit(c *cli.Context) error {
	e, err := hookEnv(c)
	if err != nil || e == nil {
		return err
	}
	if _, err := e.store.Head(); errors.Is(err, gitstore.ErrNoLedger) {
		return nil
	} else if err != nil {
		return err
	}
	staged, err := hooks.StagedFiles(e.root)
	if err != nil {
		return err
	}
	if len(staged) == 0 {
		return nil
	}
	if err := e.openView(); err != nil {
		return err
	}
	defer e.close()
	items, err := hooks.Promoted(hookItems{e.view}, staged)
	if err != nil {
		return err
	}
	check, err := hooks.BodyCheck(e.cfg)
	if err != nil {
		return hookConfigError(err)
	}
	problems := hooks.PreCommit(staged, items, check)
	if len(problems) == 0 {
		return nil
	}
	for _, p := range problems {
		fmt.Fprintf(e.errOut, "porttracker: pre-commit: %s %d (%s %s): %s\n", p.Item.Kind, p.Item.ID, p.Item.File, p.Item.Symbol, p.Msg)
	}
	return failf("pre-commit: commit refused: it would undo %d promoted item(s); fix the body, demote the item with an --override reason, or bypass the hook with git commit --no-verify", len(problems))
}

// hookItems gives the hooks the view's items: its listing, and each item
// read through its ledger check (see hooks.Items).
type hookItems struct{ v *viewdb.View }

func (h hookItems) Mapped() ([]hooks.Item, error) {
	var out []hooks.Item
	for _, k := range []ledger.Kind{ledger.Feature, ledger.Test} {
		list, err := h.v.List(k, viewdb.ListFilter{})
		if err != nil {
			return nil, err
		}
		for _, row := range list {
			if row.Mapping.TargetFile != "" {
				out = append(out, hooks.Item{ItemKey: ledger.ItemKey{Kind: k, ID: row.ID}, Status: row.Status, File: row.Mapping.TargetFile, Symbol: row.Mapping.TargetSymbol})
			}
		}
	}
	return out, nil
}

func (h hookItems) LoadItem(k ledger.ItemKey) (*ledger.ItemState, error) { return h.v.LoadItem(k) }

// runPrePush refuses a push of ledger commits that fail verification.
// Without porttracker.toml the default ledger branch is checked.
func runPrePush(c *cli.Context) error {
	e, err := hookEnv(c)
	if err != nil {
		return err
	}
	var code hooks.CodeFunc
	restubbed := 0
	if e != nil {
		code = func(sha, remoteSHA string) ([]string, error) {
			out, err := pushedRestubs(e, sha, remoteSHA)
			restubbed += len(out)
			return out, err
		}
		defer e.close()
	} else {
		if e, err = openRepo(c); err != nil {
			return err
		}
		e.cfg = config.Default()
		if e.store, err = gitstore.Open(e.root, e.cfg.Ledger.Branch); err != nil {
			return usagef("%w", err)
		}
	}
	problems, err := hooks.PrePush(c.App.Reader, e.cfg.RefName(), func(sha, remoteSHA string) ([]string, error) {
		return audit.CheckPush(e.store, gitstore.NewHash(sha), gitstore.NewHash(remoteSHA), e.contains)
	}, code)
	if err != nil {
		return failf("pre-push: push refused: %v", err)
	}
	if len(problems) == 0 {
		return nil
	}
	for _, p := range problems {
		fmt.Fprintf(e.errOut, "porttracker: pre-push: %s\n", p)
	}
	if restubbed == 0 {
		return failf("pre-push: push refused: the %s branch fails verification (%d findings; see porttracker audit)", e.cfg.Ledger.Branch, len(problems))
	}
	return failf("pre-push: push refused: it would undo promoted work (%d problems above); fix the body, or demote the item with an --override reason first", len(problems))
}

// pushedRestubs is hooks.PushedRestubs at a pushed code commit sha, on
// the view's items; nothing without a ledger.
func pushedRestubs(e *env, sha, remoteSHA string) ([]string, error) {
	if _, err := e.store.Head(); errors.Is(err, gitstore.ErrNoLedger) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if e.view == nil {
		if err := e.openView(); err != nil {
			return nil, err
		}
	}
	out, err := hooks.PushedRestubs(e.store, e.cfg, hookItems{e.view}, sha, remoteSHA)
	return out, hookConfigError(err)
}
