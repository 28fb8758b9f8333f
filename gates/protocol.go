package gates

import (
	"context"
	"fmt"
	"strings"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

// Baseline runs the build gate (when configured) and the full suite, both
// whatever the other gave, and returns their evidence as it stands: a
// baseline records, it does not judge. Errors are as for Promote.
func (r *Runner) Baseline(ctx context.Context) (ledger.Evidence, error) {
	if strings.TrimSpace(r.Config.Gates.FullTest) == "" {
		return ledger.Evidence{}, fmt.Errorf("baseline: gates.full_test is not set in %s", config.File)
	}
	ev, root, err := r.start(nil, cleanOnly)
	if err != nil {
		return ledger.Evidence{}, err
	}
	cmds := append(r.buildCommands(root), r.command(root, GateFullTest, r.Config.Gates.FullTest, ""))
	for _, c := range cmds {
		o, err := r.execute(ctx, c)
		if err != nil {
			return ledger.Evidence{}, err
		}
		ev.Gates = append(ev.Gates, o.Result)
	}
	return ev, nil
}

// Red runs the focused test gate of one feature before its implementation,
// with nothing else: the plan's "run the focused test and confirm it
// fails". The caller decides from the result whether it failed as a red
// run must (tests ran, at least one failed).
func (r *Runner) Red(ctx context.Context, t Target) (ledger.Evidence, error) {
	filters, err := focusedFilters([]Target{t})
	if err != nil {
		return ledger.Evidence{}, err
	}
	if strings.TrimSpace(r.Config.Gates.Test) == "" {
		return ledger.Evidence{}, badInputf("red: gates.test is not set in %s", config.File)
	}
	ev, root, err := r.start([]Target{t}, dirtyRecorded)
	if err != nil {
		return ledger.Evidence{}, err
	}
	c := r.command(root, GateTest, r.Config.Gates.Test, filters[0])
	o, err := r.execute(ctx, c)
	if err != nil {
		return ledger.Evidence{}, err
	}
	ev.Gates = append(ev.Gates, o.Result)
	return ev, nil
}
