package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

func policyCommand() *cli.Command {
	return &cli.Command{
		Name:  "policy",
		Usage: "the team's policy in the ledger (IDs per update, required gates): show, record",
		Description: describe("The policy is a signed entry: replay holds every entry to the policy its writer was held to.",
			"porttracker policy show", "porttracker policy record"),
		Subcommands: []*cli.Command{
			{Name: "show", Usage: "show the policy in force and whether porttracker.toml agrees", ArgsUsage: " ",
				Description: describe("Shows the policy in force in the ledger and whether porttracker.toml agrees with it.", "porttracker policy show", "porttracker policy show --json"),
				Action:      runPolicyShow},
			{Name: "record", Usage: "record the policy porttracker.toml sets as a signed policy entry (a signer only)", ArgsUsage: " ",
				Description: describe("Records the policy that porttracker.toml sets (IDs per update, required gates) as a signed\npolicy entry; later entries are held to it.", "porttracker policy record"),
				Action:      runPolicyRecord},
		},
	}
}

func runPolicyShow(c *cli.Context) error {
	if err := args(c, 0, "no arguments"); err != nil {
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
	p, want := st.InForce(), e.cfg.Policy()
	if e.json() {
		return e.printJSON(struct {
			Recorded bool          `json:"recorded"`
			Policy   ledger.Policy `json:"policy"`
			Config   ledger.Policy `json:"config"`
		}{st.Policy != nil, p, want})
	}
	src := "recorded in the ledger"
	if st.Policy == nil {
		src = "the default: no policy entry recorded"
	}
	e.printf("policy (%s):\n  max_ids_per_update: %d\n  required_gates: %s\n  max_task_features: %d\n", src, p.MaxIDsPerUpdate, strings.Join(p.RequiredGates, ", "), p.TaskFeatureLimit())
	if !p.Equal(want) {
		e.printf("porttracker.toml says otherwise (max_ids_per_update %d, gates %s, max_task_features %d): a signer records it with porttracker policy record\n",
			want.MaxIDsPerUpdate, strings.Join(want.RequiredGates, ", "), want.TaskFeatureLimit())
	}
	return nil
}

func runPolicyRecord(c *cli.Context) error {
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	ent, err := ledger.BuildPolicy(e.cfg.Policy())
	if err != nil {
		return usagef("%s: %v", config.File, err)
	}
	_, err = e.record(func(st *ledger.State) (*ledger.Entry, error) {
		if st.Policy != nil && st.Policy.Equal(*ent.Policy) {
			return nil, usagef("the policy in force already says this; nothing to record")
		}
		return ent, nil
	})
	return err
}
