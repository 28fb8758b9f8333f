package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

func stubScanCommand() *cli.Command {
	return &cli.Command{
		Name:      "stub-scan",
		Usage:     "run stub detection alone and print each match as file:line: pattern (exit 1 when any)",
		ArgsUsage: "[PATH...]",
		Description: describe(`Scans the target tree (target.root of porttracker.toml), or each PATH, with the stub
patterns of target.language plus [stubs] patterns, and prints every match. Exit status 1
when any is found.`,
			"porttracker stub-scan", "porttracker stub-scan --changed dotnet/src", "porttracker stub-scan --json"),
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "changed", Usage: "only lines added since HEAD (uncommitted changes and untracked files)"},
		},
		Action: runStubScan,
	}
}

func runStubScan(c *cli.Context) error {
	e, err := openConfigured(c)
	if err != nil {
		return err
	}
	pats, err := gates.Patterns(e.cfg.Target.Language, e.cfg.Stubs.Patterns, e.cfg.Stubs.Replace)
	if err != nil {
		return usagef("%s: %v", config.File, err)
	}
	exts := gates.Exts(e.cfg.Target.Language)
	paths := c.Args().Slice()
	var matches []gates.Match
	if c.Bool("changed") {
		rel := make([]string, 0, len(paths))
		for _, p := range paths {
			r, err := repoRelative(e.root, p)
			if err != nil {
				return err
			}
			rel = append(rel, r)
		}
		if len(rel) == 0 {
			rel = []string{e.cfg.Target.Root}
		}
		matches, err = gates.ScanChanged(e.root, rel, pats, exts)
	} else {
		if len(paths) == 0 {
			paths = []string{filepath.Join(e.root, e.cfg.Target.Root)}
		}
		matches, err = gates.ScanPaths(paths, pats, exts)
	}
	if err != nil {
		return usagef("%w", err)
	}
	if e.json() {
		type jsonMatch struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Pattern string `json:"pattern"`
			Text    string `json:"text"`
		}
		list := make([]jsonMatch, len(matches))
		for i, m := range matches {
			list[i] = jsonMatch{m.File, m.Line, m.Pattern, m.Text}
		}
		if err := e.printJSON(struct {
			Matches []jsonMatch `json:"matches"`
			Count   int         `json:"count"`
		}{list, len(list)}); err != nil {
			return err
		}
	} else {
		for _, m := range matches {
			e.printf("%s\n", m)
		}
	}
	if len(matches) > 0 {
		return failf("%d stub matches", len(matches))
	}
	return nil
}

// repoRelative turns a path given on the command line into a path relative
// to the repository root.
func repoRelative(root, p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", usagef("%s is outside the repository %s", p, root)
	}
	return filepath.ToSlash(rel), nil
}

// openConfigured opens the repository and its configuration, without the
// ledger view.
func openConfigured(c *cli.Context) (*env, error) {
	e, err := openRepo(c)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(filepath.Join(e.root, config.File))
	if err != nil {
		return nil, usagef("%w", err)
	}
	e.cfg = cfg
	return e, nil
}

func checkpointCommand() *cli.Command {
	return &cli.Command{
		Name:      "checkpoint",
		Usage:     "run the checkpoint gates (stub scan, build, full suite) and record them",
		ArgsUsage: " ",
		Description: describe(`Runs the stub scan of every completed item's body, the build gate and the full test suite
at the current code, and records them as a checkpoint entry: the evidence that lets
completed items become verified. Nothing is recorded when a gate fails.`,
			`porttracker checkpoint --label "task 2"`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "label", Usage: "a note for the checkpoint (the task it closes)"},
			&cli.BoolFlag{Name: "baseline", Usage: "record the build and the full suite as they stand, passing or failing (the plan's baseline)"},
		},
		Action: runCheckpoint,
	}
}

func runCheckpoint(c *cli.Context) error {
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	if c.Bool("baseline") {
		return runBaseline(c, e)
	}
	// The bodies of every completed item are scanned again: they are the
	// ones the checkpoint will let become verified.
	var targets []gates.Target
	for _, k := range []ledger.Kind{ledger.Feature, ledger.Test} {
		items, err := e.view.List(k, viewdb.ListFilter{Status: ledger.Complete})
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.Mapping.TargetFile != "" && it.Mapping.TargetSymbol != "" {
				targets = append(targets, gates.Target{ItemKey: ledger.ItemKey{Kind: k, ID: it.ID}, File: it.Mapping.TargetFile, Symbol: it.Mapping.TargetSymbol})
			}
		}
	}
	r, stop := gateRunner(c, e)
	ev, err := r.Checkpoint(c.Context, targets)
	stop()
	if err != nil {
		return gateError(err)
	}
	if !ev.Passed() {
		for _, g := range ev.Gates {
			if !g.OK {
				return failf("the %s gate failed%s; no checkpoint was recorded", g.Name, gateDetail(g))
			}
		}
	}
	if _, err := e.record(func(*ledger.State) (*ledger.Entry, error) {
		return ledger.BuildCheckpoint(&ev, c.String("label")), nil
	}); err != nil {
		return err
	}
	if !e.json() {
		e.printf("%d completed items can now be verified\n", len(targets))
	}
	return nil
}

// gateError words an error that kept the gates from giving evidence.
func gateError(err error) error {
	var dirty *gates.DirtyError
	if errors.As(err, &dirty) {
		return failf("%v; nothing was written", err)
	}
	if errors.Is(err, gates.ErrBadInput) {
		return usagef("%v%s", err, mendOf(err))
	}
	return fmt.Errorf("gates did not finish, nothing was written: %w", err)
}

// runBaseline runs the build and the full suite and records them as they
// stand: a baseline records, it does not judge.
func runBaseline(c *cli.Context, e *env) error {
	r, stop := gateRunner(c, e)
	ev, err := r.Baseline(c.Context)
	stop()
	if err != nil {
		return gateError(err)
	}
	if _, err := e.record(func(*ledger.State) (*ledger.Entry, error) {
		return ledger.BuildBaseline(&ev, c.String("label")), nil
	}); err != nil {
		return err
	}
	if !e.json() {
		for _, g := range ev.Gates {
			verdict := "ok"
			if !g.OK {
				verdict = "FAILED"
			}
			e.printf("  %-9s %s%s\n", g.Name, verdict, gateCounts(g))
		}
	}
	return nil
}

// gateCounts is a test gate's parsed counts, for a summary line.
func gateCounts(g ledger.GateResult) string {
	if !g.Parsed {
		return fmt.Sprintf(" (exit %d)", g.ExitCode)
	}
	return fmt.Sprintf(" (exit %d: %d passed, %d failed)", g.ExitCode, g.Passed, g.Failed)
}
