package gates

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

// Target is an item to be promoted: its mapped target code and focused
// tests.
type Target struct {
	ledger.ItemKey
	// File is the target file, relative to the repository root; Symbol the
	// target symbol in it (Class.Method, (*T).m, ...).
	File, Symbol string
	// Filter is the value of {filter} in the test gate: for a feature, its
	// focused tests (--filter, else test_filter of the inventory). For a
	// test it defaults to Symbol.
	Filter string
}

// String names the target's item, as "feature 12".
func (t Target) String() string { return fmt.Sprintf("%s %d", t.Kind, t.ID) }

// Runner runs the gates of a repository as its configuration says.
type Runner struct {
	// Config is the working tree's porttracker.toml, never ledger content.
	Config config.Config
	// RepoDir is the repository, or a directory inside it; gate commands
	// run at the top of its working tree.
	RepoDir string
	// Out receives the gates' raw output as they run (--verbose, or not a
	// terminal); may be nil.
	Out io.Writer
	// Summary receives one summary per gate: the command with its filter
	// written out, counts, duration, the failing tests with the first lines
	// of their failure, and the log of the raw output; may be nil.
	Summary io.Writer
	// LogDir, when set, receives each gate's raw output in a file of its
	// own, which the summary names (see LogDir).
	LogDir string
	// AllowDirty lets a promotion run while paths the gates read have
	// uncommitted changes (the evidence records it); a checkpoint never
	// runs on a dirty tree.
	AllowDirty bool
}

// Promote runs the gates that a promotion to complete needs: the stub scan
// of each target's mapped body, the build gate (when configured), then the
// focused tests of every target in one invocation with a combined filter
// (see FocusedTests), then the class_test gates. It stops at the first gate
// that fails. The evidence it returns, with the code state,
// says whether all passed (ev.Passed()). An error (a feature without
// focused tests, a missing configuration, a timeout or cancellation) means
// the evidence must not be recorded.
func (r *Runner) Promote(ctx context.Context, targets []Target) (ledger.Evidence, error) {
	if len(targets) == 0 {
		return ledger.Evidence{}, errors.New("promote: no items to check")
	}
	filters, err := focusedFilters(targets)
	if err != nil {
		return ledger.Evidence{}, err
	}
	if strings.TrimSpace(r.Config.Gates.Test) == "" {
		return ledger.Evidence{}, badInputf("promote: gates.test is not set in %s", config.File)
	}
	ev, root, err := r.start(targets, dirtyUnlessAllowed)
	if err != nil {
		return ledger.Evidence{}, err
	}
	stub, err := r.stubGate(root, targets, nil)
	if err != nil {
		return ledger.Evidence{}, err
	}
	ev.Gates = append(ev.Gates, stub)
	class, err := r.classCommands(root, targets)
	if err != nil {
		return ledger.Evidence{}, err
	}
	if ev, err = r.runAll(ctx, ev, r.buildCommands(root)); err != nil || !ev.Passed() {
		return ev, err
	}
	tests, err := r.FocusedTests(ctx, root, filters)
	if err != nil {
		return ledger.Evidence{}, err
	}
	if ev.Gates = append(ev.Gates, tests...); !ev.Passed() {
		return ev, nil
	}
	return r.runAll(ctx, ev, class)
}

// Checkpoint runs the checkpoint gates: the stub scan of the targets'
// mapped bodies and of every line changed (against HEAD) under the target
// root, the build gate (when configured) and the full test suite. It stops
// at the first gate that fails; errors are as for Promote.
func (r *Runner) Checkpoint(ctx context.Context, targets []Target) (ledger.Evidence, error) {
	if strings.TrimSpace(r.Config.Gates.FullTest) == "" {
		return ledger.Evidence{}, fmt.Errorf("checkpoint: gates.full_test is not set in %s", config.File)
	}
	ev, root, err := r.start(targets, cleanOnly)
	if err != nil {
		return ledger.Evidence{}, err
	}
	targetRoot := r.Config.Target.Root
	if targetRoot == "" {
		targetRoot = "."
	}
	pats, err := r.patterns()
	if err != nil {
		return ledger.Evidence{}, err
	}
	changed, err := ScanChanged(root, []string{targetRoot}, pats, Exts(r.Config.Target.Language))
	if err != nil {
		return ledger.Evidence{}, fmt.Errorf("checkpoint: %w", err)
	}
	stub, err := r.stubGate(root, targets, changed)
	if err != nil {
		return ledger.Evidence{}, err
	}
	ev.Gates = append(ev.Gates, stub)
	cmds := append(r.buildCommands(root), r.command(root, GateFullTest, r.Config.Gates.FullTest, ""))
	return r.runAll(ctx, ev, cmds)
}

// focusedFilters returns the distinct test filters of the targets, in
// order; a feature without one is an error.
func focusedFilters(targets []Target) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, t := range targets {
		f := targetFilter(t)
		if f == "" {
			return nil, &NoFilterError{Target: t}
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// What start does with uncommitted changes in the paths the gates read.
type dirtyPolicy int

const (
	// dirtyUnlessAllowed refuses them unless Runner.AllowDirty (promotions).
	dirtyUnlessAllowed dirtyPolicy = iota
	// cleanOnly always refuses them (checkpoints, baselines).
	cleanOnly
	// dirtyRecorded only records them (a red run, which precedes the work).
	dirtyRecorded
)

// start opens the repository and records the code state. Uncommitted
// changes in the paths the gates read refuse the run with a *DirtyError as
// the policy says.
func (r *Runner) start(targets []Target, policy dirtyPolicy) (ledger.Evidence, string, error) {
	s, err := openRepo(r.RepoDir)
	if err != nil {
		return ledger.Evidence{}, "", err
	}
	st, err := r.codeState(s)
	if err != nil {
		return ledger.Evidence{}, "", err
	}
	ev := ledger.Evidence{CodeCommit: st.commit, Dirty: st.dirty(), DiffDigest: st.digest}
	if dirty := st.dirtyUnder(r.GatePaths(targets)); len(dirty) > 0 && policy != dirtyRecorded {
		if policy == cleanOnly || !r.AllowDirty {
			return ledger.Evidence{}, "", &DirtyError{Paths: dirty, Checkpoint: policy == cleanOnly}
		}
		ev.AllowedDirty = true
	}
	return ev, s.root, nil
}

func (r *Runner) patterns() ([]Pattern, error) {
	pats, err := Patterns(r.Config.Target.Language, r.Config.Stubs.Patterns, r.Config.Stubs.Replace)
	if err != nil {
		return nil, fmt.Errorf("stubs: %w", err)
	}
	return pats, nil
}

func (r *Runner) out() io.Writer {
	if r.Out == nil {
		return io.Discard
	}
	return r.Out
}

// stubGate scans the targets' mapped bodies; extra are findings from
// elsewhere (changed lines). A target whose file or symbol is missing is a
// finding.
func (r *Runner) stubGate(root string, targets []Target, extra []Match) (ledger.GateResult, error) {
	start := time.Now()
	lang := r.Config.Target.Language
	pats, err := r.patterns()
	if err != nil {
		return ledger.GateResult{}, err
	}
	var ms, warns []Match
	for _, t := range targets {
		j := judgeTarget(root, lang, t, pats, r.Config.Stubs.Strict)
		ms, warns = append(ms, j.Refusals...), append(warns, j.Warnings...)
	}
	lines := dedupe(Strings(append(ms, extra...)))
	warnings := dedupe(Strings(warns))
	out := r.out()
	fmt.Fprintf(out, "porttracker: %s gate: %s\n", GateStub, stubDescription(r.Config))
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
	for _, l := range warnings {
		fmt.Fprintf(out, "%s (warning: among real code, let through)\n", l)
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	res := ledger.GateResult{
		Name:         GateStub,
		Command:      stubDescription(r.Config),
		DurationMS:   time.Since(start).Milliseconds(),
		OutputDigest: "sha256:" + hex.EncodeToString(sum[:]),
		Matches:      lines,
		Warnings:     warnings,
		OK:           len(lines) == 0,
	}
	if !res.OK {
		res.ExitCode = 1
	}
	r.summarizeStub(res)
	return res, nil
}

func stubDescription(cfg config.Config) string {
	mode := ""
	if cfg.Stubs.Strict {
		mode = ", strict"
	}
	switch {
	case cfg.Stubs.Replace:
		return fmt.Sprintf("stub scan: %d configured patterns%s", len(cfg.Stubs.Patterns), mode)
	case len(cfg.Stubs.Patterns) > 0:
		return fmt.Sprintf("stub scan: %s preset + %d patterns%s", cfg.Target.Language, len(cfg.Stubs.Patterns), mode)
	}
	return fmt.Sprintf("stub scan: %s preset%s", cfg.Target.Language, mode)
}

// judgeTarget judges one target's mapped body; a missing mapping, file or
// symbol is a refusal.
func judgeTarget(root, lang string, t Target, pats []Pattern, strict bool) Judgement {
	refuse := func(m Match) Judgement { return Judgement{Refusals: []Match{m}} }
	if t.File == "" || t.Symbol == "" {
		return refuse(Match{File: t.String(), Pattern: "no target mapping (target_file and target_symbol)"})
	}
	src, err := ReadInside(root, t.File, MaxReadSize)
	if errors.Is(err, os.ErrNotExist) {
		return refuse(Match{File: t.File, Pattern: fmt.Sprintf("mapped file of %s not found", t)})
	}
	if err != nil {
		return refuse(Match{File: t.File, Pattern: fmt.Sprintf("read mapped file of %s: %v", t, err)})
	}
	j, err := JudgeSymbol(lang, t.File, src, t.Symbol, pats, strict)
	if err != nil {
		return refuse(Match{File: t.File, Pattern: fmt.Sprintf("%s of %s: %v", t.Symbol, t, err)})
	}
	return j
}

func dedupe(lines []string) []string {
	seen := map[string]bool{}
	out := lines[:0]
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// buildCommands is the build gate, when one is configured.
func (r *Runner) buildCommands(root string) []Command {
	if strings.TrimSpace(r.Config.Gates.Build) == "" {
		return nil
	}
	c := r.command(root, GateBuild, r.Config.Gates.Build, "")
	c.Format = ""
	return []Command{c}
}

// command prepares one gate command; test gates parse the test output.
func (r *Runner) command(root, name, cmd, filter string) Command {
	return Command{
		Name:    name,
		Command: cmd,
		Filter:  filter,
		Dir:     root,
		Timeout: r.Config.GateTimeout(),
		Format:  r.testFormat(),
		Out:     r.Out,
	}
}

// testFormat is the configured test output format, or the target
// language's usual one.
func (r *Runner) testFormat() string {
	if f := r.Config.Gates.TestOutput; f != "" {
		return f
	}
	if r.Config.Target.Language == CSharp {
		return FormatDotnet
	}
	return FormatGo
}

// runAll runs commands in order, stopping at the first that fails.
func (r *Runner) runAll(ctx context.Context, ev ledger.Evidence, cmds []Command) (ledger.Evidence, error) {
	if !ev.Gates[len(ev.Gates)-1].OK {
		return ev, nil
	}
	for _, c := range cmds {
		o, err := r.execute(ctx, c)
		if err != nil {
			return ledger.Evidence{}, err
		}
		o.Result.Tests = testLines(o.Report.Tests)
		ev.Gates = append(ev.Gates, o.Result)
		if !o.Result.OK {
			break
		}
	}
	return ev, nil
}
