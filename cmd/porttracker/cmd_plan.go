package main

import (
	"os"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/plan"
)

func planCommand() *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "batch plans: import",
		Description: describe("Records a batch's plan: the tasks (feature groups, test waves) it is worked in.",
			"porttracker plan import docs/plans/batch-34.md"),
		Subcommands: []*cli.Command{
			{
				Name:      "import",
				Usage:     "record a batch plan's tasks (its feature groups, then its test waves) from PLAN.md",
				ArgsUsage: "PLAN.md",
				Description: describe(`Reads a batch plan in the seed plan's format and records its tasks, the feature groups
then the test waves, in the plan's order. While a batch has tasks, one is active at a
time and moves outside it are refused.`,
					"porttracker plan import docs/plans/batch-34.md"),
				Action: runPlanImport,
			},
		},
	}
}

func runPlanImport(c *cli.Context) error {
	if err := args(c, 1, "one plan file"); err != nil {
		return err
	}
	path := c.Args().First()
	data, err := os.ReadFile(path)
	if err != nil {
		return usagef("read plan: %v", err)
	}
	p, err := plan.Parse(filepath.Base(path), data)
	if err != nil {
		return usagef("%w", err)
	}
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	payload := p.Payload(filepath.Base(path), e.taskFeatureLimit())
	// The plan is checked against the ledger's state before anything is
	// signed: a mismatch is bad input (exit 2), and nothing is written.
	st, err := e.view.StateAt(e.head)
	if err != nil {
		return err
	}
	if err := checkPlanScope(st, p); err != nil {
		return err
	}
	if err := ledger.CheckPlan(st, payload); err != nil {
		if ledger.IsRule(err) {
			return usagef("%s: %s", filepath.Base(path), ruleText(err))
		}
		return err
	}
	if b, err := st.Batch(p.Batch); err != nil {
		return err
	} else if ledger.SamePlan(b, payload) {
		e.printf("plan for batch %d is recorded already, as it is (entry %s); nothing written\n", p.Batch, shortHash(b.Plan))
		return nil
	}
	if _, err := e.record(func(*ledger.State) (*ledger.Entry, error) { return ledger.BuildPlan(payload), nil }); err != nil {
		return err
	}
	if !e.json() {
		for _, t := range p.Tasks {
			e.printf("  %-4s %-8s %3d  %s\n", t.Name, t.Kind.Plural(), len(t.IDs), t.Title)
		}
	}
	return nil
}

// taskFeatureLimit is the size limit of a feature task that porttracker.toml
// sets ([plan] max_task_features); the plan entry records it, and the rule
// refuses a limit above the signed policy's.
func (e *env) taskFeatureLimit() int { return e.cfg.TaskFeatureLimit() }

// checkPlanScope holds the plan's scope to the batch it names: the batch
// exists and its features are the stated range.
func checkPlanScope(st *ledger.State, p *plan.Plan) error {
	b, err := st.Batch(p.Batch)
	if err != nil {
		return err
	}
	if b == nil {
		return usagef("the plan is for batch %d, which is not defined (import the inventory first)", p.Batch)
	}
	keys, err := st.BatchItems(b.ID)
	if err != nil {
		return err
	}
	var have []int
	for _, k := range keys {
		if k.Kind == ledger.Feature {
			have = append(have, k.ID)
		}
	}
	want := slices.Clone(p.FeatureIDs)
	slices.Sort(want)
	if !slices.Equal(have, want) {
		return usagef("the plan's scope states features %s, but batch %d has %s", fmtIDs(want), b.ID, fmtIDs(have))
	}
	return nil
}

func fmtIDs(ids []int) string {
	if len(ids) == 0 {
		return "none"
	}
	return ledger.FormatIDs(ids)
}
