package main

import (
	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/ledger"
)

func redCommand() *cli.Command {
	return &cli.Command{
		Name:      "red",
		Usage:     "run a claimed feature's focused tests and record that they fail (before its implementation)",
		ArgsUsage: "ID",
		Description: describe(`Runs the focused tests of claimed feature ID before its implementation and records that
they fail (a red run): a feature's complete needs one first. Nothing is recorded when the
tests pass or none ran.`,
			"porttracker feature red 1636", "porttracker feature red 1636 --filter JetStreamClusterConsumerTests"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "filter", Usage: "the focused tests to run ({filter} of the test gate; default: the feature's test_filter)"},
		},
		Action: runRed,
	}
}

// runRed runs the focused test gate of one feature and records a red
// entry when the tests ran and at least one failed; it writes nothing when
// they pass or run no test.
func runRed(c *cli.Context) error {
	id, err := parseItemID(c, ledger.Feature)
	if err != nil {
		return err
	}
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	st, err := e.view.StateAt(e.head)
	if err != nil {
		return err
	}
	k := ledger.ItemKey{Kind: ledger.Feature, ID: id}
	it, err := st.Item(k)
	if err != nil {
		return err
	}
	if it == nil {
		return usagef("feature %d is not defined (see porttracker feature list)", id)
	}
	if err := st.CheckRed(it); err != nil {
		return err
	}
	t := gates.Target{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: id}, File: it.TargetFile, Symbol: it.TargetSymbol, Filter: c.String("filter")}
	if t.Filter == "" {
		t.Filter = it.TestFilter
	}
	if t.Filter == "" {
		return usagef("feature %d has no focused tests: pass --filter or set test_filter in the inventory", id)
	}
	r, stop := gateRunner(c, e)
	ev, err := r.Red(c.Context, t)
	stop()
	if err != nil {
		return gateError(err)
	}
	g := ev.Gate(gates.GateTest)
	switch {
	case g == nil:
		return failf("feature %d: no focused test gate ran; nothing was written", id)
	case !g.Parsed || g.Passed+g.Failed == 0:
		return failf("feature %d: the focused tests ran no test%s; a red run needs a failing test: nothing was written", id, gateDetail(*g))
	case g.Failed == 0:
		return failf("feature %d: the focused tests pass (%d passed); a red run needs a test that fails for the intended behaviour: nothing was written", id, g.Passed)
	}
	_, err = e.record(func(*ledger.State) (*ledger.Entry, error) { return ledger.BuildRed(id, &ev), nil })
	return err
}
