package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
)

func batchCommand() *cli.Command {
	return &cli.Command{
		Name:  "batch",
		Usage: "batches: show, ready, start, complete, list",
		Description: describe("Batches group the items that are ported together; a batch starts when its dependencies are complete.",
			"porttracker batch list", "porttracker batch show 34"),
		Subcommands: []*cli.Command{
			{Name: "show", Usage: "show a batch and its items", ArgsUsage: "N",
				Description: describe(`Shows batch N: status, dependencies (and whether it is ready to start), the number of
features and tests in each status, and the IDs in each status.`,
					"porttracker batch show 34", "porttracker batch show 34 --json"),
				Action: runBatchShow},
			{Name: "ready", Usage: "list the planned batches whose dependencies are complete", ArgsUsage: " ",
				Description: describe("Lists the planned batches that can start now: every batch they depend on is complete.",
					"porttracker batch ready"),
				Action: runBatchReady},
			{Name: "start", Usage: "start a batch (its dependencies must be complete)", ArgsUsage: "N",
				Description: describe("Records that batch N started; its items can then be claimed (stub) and promoted.",
					"porttracker batch start 34"),
				Action: func(c *cli.Context) error { return runBatchAction(c, ledger.ActionStart) }},
			{Name: "complete", Usage: "complete a batch (every item verified or deferred with a reason)", ArgsUsage: "N",
				Description: describe("Records that batch N is complete; refused while any of its items is neither verified nor deferred.",
					"porttracker batch complete 34"),
				Action: func(c *cli.Context) error { return runBatchAction(c, ledger.ActionComplete) }},
			{Name: "list", Usage: "list every batch with its counts", ArgsUsage: " ",
				Description: describe("Lists every batch with its status, dependencies and how many of its features and tests are verified.",
					"porttracker batch list", "porttracker batch list --json"),
				Action: runBatchList},
		},
	}
}

func parseBatchID(c *cli.Context) (int, error) {
	if err := args(c, 1, "one batch ID"); err != nil {
		return 0, err
	}
	return parseBatchArg(c.Args().First())
}

// parseBatchArg reads a batch ID given on the command line.
func parseBatchArg(s string) (int, error) {
	id, err := strconv.Atoi(s)
	if err != nil || id <= 0 {
		return 0, usagef("%q is not a batch ID (a positive whole number)", s)
	}
	return id, nil
}

func runBatchShow(c *cli.Context) error {
	id, err := parseBatchID(c)
	if err != nil {
		return err
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	b, err := e.view.Batch(id)
	if errors.Is(err, viewdb.ErrNotFound) {
		return usagef("batch %d is not defined (see porttracker batch list)", id)
	}
	if err != nil {
		return err
	}
	feats, err := e.view.List(ledger.Feature, viewdb.ListFilter{Batch: id})
	if err != nil {
		return err
	}
	tests, err := e.view.List(ledger.Test, viewdb.ListFilter{Batch: id})
	if err != nil {
		return err
	}
	tasks, err := e.view.Tasks(id)
	if err != nil {
		return err
	}
	if e.json() {
		return e.printJSON(struct {
			*viewdb.Batch
			FeatureItems []viewdb.Item `json:"feature_items"`
			TestItems    []viewdb.Item `json:"test_items"`
			Tasks        []viewdb.Task `json:"tasks"`
		}{b, feats, tests, tasks})
	}
	e.printf("batch %d: %s\n", b.ID, b.Name)
	e.printf("  status:     %s\n", e.paint(string(b.Status)))
	e.printf("  depends on: %s\n", depsText(b))
	if b.Status == ledger.BatchPlanned {
		if b.Ready {
			e.printf("  ready:      yes (porttracker batch start %d)\n", b.ID)
		} else {
			e.printf("  ready:      no, waiting for batch %s\n", joinInts(b.OpenDeps))
		}
	}
	e.printf("  features:   %s\n", countsText(b.Features))
	e.printf("  tests:      %s\n", countsText(b.Tests))
	for _, set := range []struct {
		name  string
		items []viewdb.Item
	}{{"features", feats}, {"tests", tests}} {
		byStatus := map[ledger.Status][]int{}
		for _, it := range set.items {
			byStatus[it.Status] = append(byStatus[it.Status], it.ID)
		}
		for _, st := range []ledger.Status{ledger.NotStarted, ledger.Stub, ledger.Complete, ledger.Verified, ledger.Deferred} {
			if ids := byStatus[st]; len(ids) > 0 {
				e.printf("  %s IDs %s (%d): %s\n", strings.TrimSuffix(set.name, "s"), e.paint(string(st)), len(ids), ledger.FormatIDs(ids))
			}
		}
	}
	if len(tasks) > 0 {
		e.printf("  tasks (the plan's order):\n")
		for _, t := range tasks {
			e.printf("    %d. %-4s %-8s %3d  %-8s %s\n", t.Order, t.Name, t.Kind.Plural(), len(t.IDs), t.Status, countsText(t.Items))
		}
	}
	return nil
}

func depsText(b *viewdb.Batch) string {
	if len(b.Depends) == 0 {
		return "none"
	}
	return joinInts(b.Depends)
}

func joinInts(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, ", ")
}

func countsText(c viewdb.StatusCounts) string {
	var parts []string
	for _, st := range []ledger.Status{ledger.NotStarted, ledger.Stub, ledger.Complete, ledger.Verified, ledger.Deferred} {
		if c[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[st], st))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d (%s)", c.Total(), strings.Join(parts, ", "))
}

func runBatchReady(c *cli.Context) error {
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	all, err := e.view.Batches()
	if err != nil {
		return err
	}
	ready := []viewdb.Batch{}
	for _, b := range all {
		if b.Status == ledger.BatchPlanned && b.Ready {
			ready = append(ready, b)
		}
	}
	if e.json() {
		return e.printJSON(struct {
			Batches []viewdb.Batch `json:"batches"`
			Count   int            `json:"count"`
		}{ready, len(ready)})
	}
	if len(ready) == 0 {
		e.printf("no batch is ready to start\n")
		return nil
	}
	for _, b := range ready {
		e.printf("%d\t%s (%d features, %d tests)\n", b.ID, b.Name, b.Features.Total(), b.Tests.Total())
	}
	return nil
}

func runBatchList(c *cli.Context) error {
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	all, err := e.view.Batches()
	if err != nil {
		return err
	}
	if e.json() {
		if all == nil {
			all = []viewdb.Batch{}
		}
		return e.printJSON(struct {
			Batches []viewdb.Batch `json:"batches"`
			Count   int            `json:"count"`
		}{all, len(all)})
	}
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tNAME\t%s\tDEPENDS\tFEATURES\tTESTS\n", e.paintHeader("STATUS"))
	for _, b := range all {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d/%d verified\t%d/%d verified\n", b.ID, b.Name, e.paint(string(b.Status)), depsText(&b),
			b.Features[ledger.Verified], b.Features.Total(), b.Tests[ledger.Verified], b.Tests.Total())
	}
	return tw.Flush()
}

func runBatchAction(c *cli.Context, action string) error {
	id, err := parseBatchID(c)
	if err != nil {
		return err
	}
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	if b, err := e.view.LoadBatch(id); err != nil {
		return err
	} else if b == nil {
		return usagef("batch %d is not defined (see porttracker batch list)", id)
	}
	_, err = e.record(func(*ledger.State) (*ledger.Entry, error) { return ledger.BuildBatch(id, action), nil })
	return err
}
