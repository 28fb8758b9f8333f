package ledger

import "fmt"

// The gate names that evidence may hold.
const (
	gateStub      = "stub"
	gateBuild     = "build"
	gateTest      = "test"
	gateFullTest  = "full_test"
	gateClassTest = "class_test"
)

// CheckEvidence checks that the evidence agrees with itself: a gate that
// claims to have passed is one whose kind, exit status and parsed counts
// say so. A stub gate passed only with no match and exit 0; a build gate
// only with exit 0; a test gate with a parsed summary only with no failed
// test (and, for the focused test gate, at least one passed), and without
// a summary only with exit 0. Counts are never negative, and a gate of an
// unknown kind is refused. A gate that says it failed is taken at its word.
func CheckEvidence(ev *Evidence) error {
	if ev == nil {
		return nil
	}
	for _, g := range ev.Gates {
		if g.Passed < 0 || g.Failed < 0 || g.Skipped < 0 || g.DurationMS < 0 {
			return fmt.Errorf("the %s gate's evidence has a negative count or duration", g.Name)
		}
		switch g.Name {
		case gateStub, gateBuild, gateTest, gateFullTest, gateClassTest:
		default:
			return fmt.Errorf("the evidence holds a gate of unknown kind %q", g.Name)
		}
		if !g.OK {
			continue
		}
		var why string
		switch g.Name {
		case gateStub:
			if len(g.Matches) > 0 || g.ExitCode != 0 {
				why = fmt.Sprintf("%d stub matches, exit %d", len(g.Matches), g.ExitCode)
			}
		case gateBuild:
			if g.ExitCode != 0 {
				why = fmt.Sprintf("exit %d", g.ExitCode)
			}
		default:
			switch {
			case g.Parsed && g.Failed > 0:
				why = fmt.Sprintf("%d failed tests", g.Failed)
			case g.Parsed && g.Name == gateTest && g.Passed == 0:
				why = "no test ran"
			case !g.Parsed && g.ExitCode != 0:
				why = fmt.Sprintf("exit %d and no test summary", g.ExitCode)
			}
		}
		if why != "" {
			return fmt.Errorf("the %s gate says ok, but its evidence says otherwise (%s)", g.Name, why)
		}
	}
	return nil
}

// checkCodeCommit demands, when the code's history is at hand, that the
// evidence's code commit is a commit of it.
func (v *snapshot) checkCodeCommit(ev *Evidence) error {
	if v.contains == nil || ev == nil || ev.CodeCommit == "" {
		return nil
	}
	if ok, err := v.contains(ev.CodeCommit, ev.CodeCommit); err != nil || !ok {
		return fmt.Errorf("the evidence's code commit %s is not a commit of this repository's code history (fetch the code if another clone made it)", short(ev.CodeCommit))
	}
	return nil
}
