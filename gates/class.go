package gates

import (
	"fmt"
	"strings"

	"github.com/porttracker/porttracker/ledger"
)

// GateClassTest is the gate that runs a test's whole class after its
// focused run (the plan's "method filter, then class filter").
const GateClassTest = "class_test"

// classToken is what the class_test command writes where the class goes.
const classToken = "{class}"

// ClassOf is the class of a target symbol, for {class}: what comes before
// its last dot ("JetStreamClusterTests1.ConsumerState_ShouldSucceed" gives
// "JetStreamClusterTests1", "(*Stack).Push" gives "Stack"); for a Go test
// without a dot, the part before the first underscore ("TestStack_Push"
// gives "TestStack"). "" when the symbol names no class.
func ClassOf(symbol string) string {
	s := strings.TrimSpace(symbol)
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		cls := s[:i]
		cls = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(cls, "("), "*"), ")")
		return cls
	}
	if i := strings.IndexByte(s, '_'); i > 0 {
		return s[:i]
	}
	return ""
}

// classCommands are the class_test gates of the test targets, once per
// class, when a class_test command is configured. {class} travels as the
// filter does (SubstituteFilter).
func (r *Runner) classCommands(root string, targets []Target) ([]Command, error) {
	cmd := strings.TrimSpace(r.Config.Gates.ClassTest)
	if cmd == "" {
		return nil, nil
	}
	var out []Command
	seen := map[string]bool{}
	for _, t := range targets {
		if t.Kind != ledger.Test {
			continue
		}
		cls := ClassOf(t.Symbol)
		if cls == "" {
			return nil, fmt.Errorf("%s: its target symbol %q names no class for {class} of gates.class_test", t, t.Symbol)
		}
		if seen[cls] {
			continue
		}
		seen[cls] = true
		out = append(out, r.command(root, GateClassTest, strings.ReplaceAll(r.Config.Gates.ClassTest, classToken, filterToken), cls))
	}
	return out, nil
}
