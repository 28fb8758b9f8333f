package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
)

func taskCommand() *cli.Command {
	return &cli.Command{
		Name:  "task",
		Usage: "a batch's tasks (the plan's groups and waves): list, show, start, complete",
		Description: describe("A batch's tasks, recorded by plan import, are worked one at a time in the plan's order.",
			"porttracker task list 34", "porttracker task start 34 A"),
		Subcommands: []*cli.Command{
			{Name: "list", Usage: "list a batch's tasks in the plan's order", ArgsUsage: "BATCH",
				Description: describe("Lists the tasks of batch BATCH in the plan's order with their kind, size and status.",
					"porttracker task list 34", "porttracker task list 34 --json"),
				Action: runTaskList},
			{Name: "show", Usage: "show a task and its items", ArgsUsage: "BATCH NAME",
				Description: describe("Shows task NAME of batch BATCH: its status and its items by status.",
					"porttracker task show 34 T2"),
				Action: runTaskShow},
			{Name: "start", Usage: "start a task (no other task active)", ArgsUsage: "BATCH NAME",
				Description: describe("Records that task NAME of batch BATCH started; refused while another task is active.",
					"porttracker task start 34 A"),
				Action: func(c *cli.Context) error { return runTaskAction(c, ledger.ActionStart) }},
			{Name: "complete", Usage: "complete the active task (its IDs verified or deferred, a checkpoint after its last move)", ArgsUsage: "BATCH NAME",
				Description: describe("Records that task NAME is complete: every one of its IDs verified or deferred, and a\ncheckpoint recorded after its last move.",
					"porttracker task complete 34 A"),
				Action: func(c *cli.Context) error { return runTaskAction(c, ledger.ActionComplete) }},
		},
	}
}

// parseTaskArgs reads BATCH [NAME].
func parseTaskArgs(c *cli.Context, withName bool) (int, string, error) {
	n, what := 1, "a batch ID"
	if withName {
		n, what = 2, "a batch ID and a task name"
	}
	if err := args(c, n, what); err != nil {
		return 0, "", err
	}
	id, err := parseBatchArg(c.Args().First())
	if err != nil {
		return 0, "", err
	}
	return id, c.Args().Get(1), nil
}

func loadTasks(e *env, id int) ([]viewdb.Task, error) {
	tasks, err := e.view.Tasks(id)
	if errors.Is(err, viewdb.ErrNotFound) {
		return nil, usagef("batch %d is not defined (see porttracker batch list)", id)
	}
	return tasks, err
}

func findTask(tasks []viewdb.Task, id int, name string) (*viewdb.Task, error) {
	if len(tasks) == 0 {
		return nil, usagef("batch %d has no tasks (porttracker plan import PLAN.md)", id)
	}
	var names []string
	for i := range tasks {
		if tasks[i].Name == name {
			return &tasks[i], nil
		}
		names = append(names, tasks[i].Name)
	}
	return nil, usagef("batch %d has no task %q (its tasks: %s)", id, name, strings.Join(names, ", "))
}

func runTaskList(c *cli.Context) error {
	id, _, err := parseTaskArgs(c, false)
	if err != nil {
		return err
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	tasks, err := loadTasks(e, id)
	if err != nil {
		return err
	}
	if e.json() {
		return e.printJSON(struct {
			Tasks []viewdb.Task `json:"tasks"`
			Count int           `json:"count"`
		}{tasks, len(tasks)})
	}
	if len(tasks) == 0 {
		e.printf("batch %d has no tasks (porttracker plan import PLAN.md)\n", id)
		return nil
	}
	printTasks(e, tasks)
	return nil
}

func printTasks(e *env, tasks []viewdb.Task) {
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "#\tTASK\tKIND\tIDS\tSTATUS\tITEMS\tTITLE\n")
	for _, t := range tasks {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", t.Order, t.Name, t.Kind.Plural(), len(t.IDs), t.Status, countsText(t.Items), t.Title)
	}
	tw.Flush()
}

func runTaskShow(c *cli.Context) error {
	id, name, err := parseTaskArgs(c, true)
	if err != nil {
		return err
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	tasks, err := loadTasks(e, id)
	if err != nil {
		return err
	}
	t, err := findTask(tasks, id, name)
	if err != nil {
		return err
	}
	items, err := e.view.List(t.Kind, viewdb.ListFilter{Batch: id})
	if err != nil {
		return err
	}
	mine := map[int]bool{}
	for _, n := range t.IDs {
		mine[n] = true
	}
	var own []viewdb.Item
	for _, it := range items {
		if mine[it.ID] {
			own = append(own, it)
		}
	}
	if e.json() {
		return e.printJSON(struct {
			viewdb.Task
			ItemRows []viewdb.Item `json:"item_rows"`
		}{*t, own})
	}
	e.printf("batch %d task %s (%d of %d): %s\n", id, t.Name, t.Order, len(tasks), t.Title)
	e.printf("  status:  %s\n", t.Status)
	e.printf("  %-8s %d: %s\n", t.Kind.Plural()+":", len(t.IDs), ledger.FormatIDs(t.IDs))
	e.printf("  items:   %s\n", countsText(t.Items))
	byStatus := map[ledger.Status][]int{}
	for _, it := range own {
		byStatus[it.Status] = append(byStatus[it.Status], it.ID)
	}
	for _, st := range []ledger.Status{ledger.NotStarted, ledger.Stub, ledger.Complete, ledger.Verified, ledger.Deferred} {
		if ids := byStatus[st]; len(ids) > 0 {
			e.printf("  %s: %s\n", st, ledger.FormatIDs(ids))
		}
	}
	return nil
}

func runTaskAction(c *cli.Context, action string) error {
	id, name, err := parseTaskArgs(c, true)
	if err != nil {
		return err
	}
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	tasks, err := loadTasks(e, id)
	if err != nil {
		return err
	}
	if _, err := findTask(tasks, id, name); err != nil {
		return err
	}
	checkpoint := ""
	if action == ledger.ActionComplete {
		if checkpoint, err = e.view.LatestCheckpoint(); err != nil {
			return err
		}
	}
	_, err = e.record(func(*ledger.State) (*ledger.Entry, error) {
		return ledger.BuildTask(id, name, action, checkpoint), nil
	})
	return err
}
