package gates

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/porttracker/porttracker/ledger"
)

// FocusedTests runs the focused test gate for several filters (the
// distinct filters of an update's items) in one invocation, with their
// combined filter (CombinedFilter), and judges each filter from the
// per-test results: its gate result holds its own tests, counts and
// verdict. A filter none of whose tests can be told apart in the results
// runs alone; when the runner gives no per-test results at all, every
// filter does (one run per filter, as with a single one).
func (r *Runner) FocusedTests(ctx context.Context, root string, filters []string) ([]ledger.GateResult, error) {
	if len(filters) == 1 {
		o, err := r.execute(ctx, r.command(root, GateTest, r.Config.Gates.Test, filters[0]))
		if err != nil {
			return nil, err
		}
		o.Result.Tests = testLines(o.Report.Tests)
		return []ledger.GateResult{o.Result}, nil
	}
	combined := r.CombinedFilter(filters)
	o, err := r.execute(ctx, r.command(root, GateTest, r.Config.Gates.Test, combined))
	if err != nil {
		return nil, err
	}
	if len(o.Report.Tests) == 0 {
		fmt.Fprintf(r.out(), "porttracker: the test runner gave no per-test results; running the focused tests of each item alone\n")
	}
	runFailed := false
	for _, t := range o.Report.Tests {
		runFailed = runFailed || t.Outcome == OutcomeFailed
	}
	var out []ledger.GateResult
	for _, f := range filters {
		own := r.testsOf(f, o.Report.Tests)
		if len(own) == 0 {
			alone, err := r.execute(ctx, r.command(root, GateTest, r.Config.Gates.Test, f))
			if err != nil {
				return nil, err
			}
			alone.Result.Tests = testLines(alone.Report.Tests)
			out = append(out, alone.Result)
			continue
		}
		c := countTests(own)
		res := o.Result
		res.Filter, res.Combined = f, combined
		res.Parsed, res.Passed, res.Failed, res.Skipped = true, c.Passed, c.Failed, c.Skipped
		res.Tests = testLines(own)
		// A non-zero exit that no failed test explains (a package that did
		// not build) fails every item; otherwise each item stands on its
		// own tests.
		exit := res.ExitCode
		if runFailed {
			exit = 0
		}
		res.OK = Judge(GateTest, r.testFormat(), c, exit)
		out = append(out, res)
	}
	return out, nil
}

// CombinedFilter makes one {filter} of several: gates.filter_open, the
// filters joined by gates.filter_join, gates.filter_close. When none of
// the three is set they follow the test output format: for go "(A|B)"
// (inside the usual -run '^{filter}$'), for dotnet
// "A|FullyQualifiedName~B" (inside --filter "FullyQualifiedName~{filter}").
func (r *Runner) CombinedFilter(filters []string) string {
	g := r.Config.Gates
	open, join, closing := g.FilterOpen, g.FilterJoin, g.FilterClose
	if open == "" && join == "" && closing == "" {
		open, join, closing = "(", "|", ")"
		if r.testFormat() == FormatDotnet {
			open, join, closing = "", "|FullyQualifiedName~", ""
		}
	}
	return open + strings.Join(filters, join) + closing
}

// testsOf picks the results that belong to a filter: for go, the tests
// whose top-level name the filter matches whole (as -run '^F$' does); for
// dotnet, the tests whose name contains it, ignoring case (as
// FullyQualifiedName~F does).
func (r *Runner) testsOf(filter string, tests []TestResult) []TestResult {
	var match func(string) bool
	if r.testFormat() == FormatDotnet {
		f := strings.ToLower(filter)
		match = func(name string) bool { return strings.Contains(strings.ToLower(name), f) }
	} else {
		re, err := regexp.Compile("^(?:" + filter + ")$")
		if err != nil {
			return nil
		}
		match = func(name string) bool { return re.MatchString(strings.SplitN(name, "/", 2)[0]) }
	}
	var out []TestResult
	for _, t := range tests {
		if match(t.Name) {
			out = append(out, t)
		}
	}
	return out
}

// testLines formats per-test results for the evidence, failures first.
func testLines(tests []TestResult) []string {
	var failed, rest []string
	for _, t := range tests {
		if t.Outcome == OutcomeFailed {
			l := "failed " + t.Name
			if m := firstLine(t.Message); m != "" {
				l += ": " + m
			}
			failed = append(failed, l)
			continue
		}
		rest = append(rest, t.Outcome+" "+t.Name)
	}
	out := append(failed, rest...)
	if len(out) > ledger.MaxGateTests {
		out = out[:ledger.MaxGateTests]
	}
	return out
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(l)
}

// execute announces and runs one gate command, keeps its raw output in a
// log and writes its summary.
func (r *Runner) execute(ctx context.Context, c Command) (Outcome, error) {
	fmt.Fprintf(r.out(), "porttracker: %s gate: %s\n", c.Name, c.Command)
	o, err := Execute(ctx, c)
	if err != nil {
		return o, err
	}
	return o, r.summarize(c, o, c.Dir)
}

// DescribeFailure names, for failed test gates, the items whose focused
// tests failed and the failing tests with the first line of their failure:
// "feature 3, feature 5 (filter TestPop): failed TestPop: got 2, want 1".
// It is "" when no test gate failed.
func DescribeFailure(gates []ledger.GateResult, targets []Target) string {
	var parts []string
	for _, g := range gates {
		if g.OK || (g.Name != GateTest && g.Name != GateClassTest && g.Name != GateFullTest) {
			continue
		}
		var items []string
		for _, t := range targets {
			if f := targetFilter(t); f != "" && f == g.Filter {
				items = append(items, t.String())
			}
		}
		who := strings.Join(items, ", ")
		if who == "" {
			who = g.Name
		}
		var failed []string
		for _, l := range g.Tests {
			if strings.HasPrefix(l, "failed ") {
				failed = append(failed, l)
			}
		}
		switch {
		case len(failed) > 0:
			parts = append(parts, fmt.Sprintf("%s (filter %s): %s", who, g.Filter, strings.Join(failed, "; ")))
		case !g.Parsed:
			parts = append(parts, fmt.Sprintf("%s (filter %s): exit %d, no test summary in the output", who, g.Filter, g.ExitCode))
		case g.Passed == 0 && g.Failed == 0:
			parts = append(parts, fmt.Sprintf("%s (filter %s): ran no test", who, g.Filter))
		default:
			parts = append(parts, fmt.Sprintf("%s (filter %s): exit %d, %d passed, %d failed", who, g.Filter, g.ExitCode, g.Passed, g.Failed))
		}
	}
	return strings.Join(parts, "; ")
}

// targetFilter is a target's focused filter as focusedFilters reads it.
func targetFilter(t Target) string {
	f := strings.TrimSpace(t.Filter)
	if f == "" && t.Kind == ledger.Test {
		f = t.Symbol
	}
	return f
}
