package main

import (
	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/inventory"
)

func inventoryCommand() *cli.Command {
	return &cli.Command{
		Name:  "inventory",
		Usage: "define the items of the port: import a file, or scan Go source",
		Subcommands: []*cli.Command{
			{Name: "import", Usage: "define or remap features, tests and batches from an inventory TOML file", ArgsUsage: "FILE", Action: runInventoryImport},
			inventoryScanCommand(),
		},
	}
}

func runInventoryImport(c *cli.Context) error {
	if err := args(c, 1, "one inventory file"); err != nil {
		return err
	}
	f, err := inventory.ReadFile(c.Args().First())
	if err != nil {
		return usagef("%v", err)
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	if err := e.requireLedger(); err != nil {
		return err
	}
	st, err := e.view.StateAt(e.head)
	if err != nil {
		return err
	}
	probe, err := ledger.BuildInventory(st, "import "+c.Args().First(), f.Features, f.Tests, f.Batches)
	if err != nil {
		return err
	}
	if probe == nil {
		e.printf("inventory unchanged: nothing to record\n")
		return nil
	}
	_, err = e.record(func(st *ledger.State) (*ledger.Entry, error) {
		ent, err := ledger.BuildInventory(st, "import "+c.Args().First(), f.Features, f.Tests, f.Batches)
		if err == nil && ent == nil {
			err = usagef("inventory unchanged: nothing to record")
		}
		return ent, err
	})
	return err
}
