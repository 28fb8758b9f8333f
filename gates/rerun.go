package gates

import (
	"context"
	"fmt"
	"strings"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

// Rerun runs again, in root (a checkout of the evidence's code commit),
// each gate that recorded evidence holds, with the commands of r.Config
// (the working tree's configuration, never the ledger's nor the checked-out
// commit's): the stub gate on the targets' mapped bodies, build, the
// focused test gate with the filter it recorded (alone, when it ran
// combined with others: its counts are then its own share), full_test, and
// class_test with the class it recorded. Every recorded gate runs, whatever
// an earlier one gave. It returns one result per recorded gate, in order.
// A gate whose command is not configured is an error.
func (r *Runner) Rerun(ctx context.Context, root string, recorded []ledger.GateResult, targets []Target) ([]ledger.GateResult, error) {
	out := make([]ledger.GateResult, 0, len(recorded))
	for _, g := range recorded {
		if g.Name == GateStub {
			res, err := r.stubGate(root, targets, nil)
			if err != nil {
				return nil, err
			}
			out = append(out, res)
			continue
		}
		c, err := r.rerunCommand(root, g)
		if err != nil {
			return nil, err
		}
		o, err := r.execute(ctx, c)
		if err != nil {
			return nil, err
		}
		o.Result.Tests = testLines(o.Report.Tests)
		out = append(out, o.Result)
	}
	return out, nil
}

// rerunCommand is the configured command of a recorded gate.
func (r *Runner) rerunCommand(root string, g ledger.GateResult) (Command, error) {
	gc := r.Config.Gates
	var cmd, key string
	switch g.Name {
	case GateBuild:
		cmd, key = gc.Build, "build"
	case GateTest:
		cmd, key = gc.Test, "test"
	case GateFullTest:
		cmd, key = gc.FullTest, "full_test"
	case GateClassTest:
		cmd, key = strings.ReplaceAll(gc.ClassTest, classToken, filterToken), "class_test"
	default:
		return Command{}, fmt.Errorf("the evidence holds a gate of unknown kind %q", g.Name)
	}
	if strings.TrimSpace(cmd) == "" {
		return Command{}, badInputf("the evidence has a %s gate, but gates.%s is not set in %s: set it to re-run the gate", g.Name, key, config.File)
	}
	c := r.command(root, g.Name, cmd, g.Filter)
	if g.Name == GateBuild {
		c.Format = ""
	}
	return c, nil
}

// Discrepancy says how a re-run gate differs from its recorded evidence,
// or "" when it reproduces it: the verdict, and the counts that decide it
// (the stub gate's number of findings; a test gate's parsed summary, with
// passed, failed and skipped; a build gate's exit status being zero).
// Durations, output digests and exact exit statuses of failing gates may
// differ from run to run and are not compared.
func Discrepancy(recorded, rerun ledger.GateResult) string {
	var diffs []string
	if recorded.OK != rerun.OK {
		diffs = append(diffs, fmt.Sprintf("verdict %s, re-run %s", verdictWord(recorded.OK), verdictWord(rerun.OK)))
	}
	switch recorded.Name {
	case GateStub:
		if len(recorded.Matches) != len(rerun.Matches) {
			diffs = append(diffs, fmt.Sprintf("%d stub findings, re-run %d", len(recorded.Matches), len(rerun.Matches)))
		}
	case GateBuild:
		if (recorded.ExitCode == 0) != (rerun.ExitCode == 0) {
			diffs = append(diffs, fmt.Sprintf("exit %d, re-run exit %d", recorded.ExitCode, rerun.ExitCode))
		}
	default:
		switch {
		case recorded.Parsed != rerun.Parsed:
			diffs = append(diffs, fmt.Sprintf("%s, re-run %s", summaryWord(recorded.Parsed), summaryWord(rerun.Parsed)))
		case recorded.Passed != rerun.Passed || recorded.Failed != rerun.Failed || recorded.Skipped != rerun.Skipped:
			diffs = append(diffs, fmt.Sprintf("%s, re-run %s", CountsText(recorded), CountsText(rerun)))
		}
	}
	return strings.Join(diffs, "; ")
}

// CountsText is a gate result's counts as people read them: "1 passed, 0
// failed, 0 skipped", "exit 1", "2 stub findings".
func CountsText(g ledger.GateResult) string {
	switch {
	case g.Name == GateStub:
		return fmt.Sprintf("%d stub findings", len(g.Matches))
	case g.Name == GateBuild || !g.Parsed:
		return fmt.Sprintf("exit %d", g.ExitCode)
	}
	return fmt.Sprintf("%d passed, %d failed, %d skipped", g.Passed, g.Failed, g.Skipped)
}

func verdictWord(ok bool) string {
	if ok {
		return "ok"
	}
	return "failed"
}

func summaryWord(parsed bool) string {
	if parsed {
		return "a test summary"
	}
	return "no test summary"
}
