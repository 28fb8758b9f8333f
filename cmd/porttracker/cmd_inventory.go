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
		Description: describe("Defines the features, tests and batches of the port, from an inventory file or from Go source.",
			"porttracker inventory import batches.toml", "porttracker inventory scan --go golang/nats-server/server"),
		Subcommands: []*cli.Command{
			{Name: "import", Usage: "define or remap features, tests and batches from an inventory TOML file", ArgsUsage: "FILE",
				Description: describe(`Reads an inventory file ([[feature]], [[test]] and [[batch]] tables, README: Files) and
records what it defines or changes as one inventory entry; an unchanged inventory records
nothing.`, "porttracker inventory import batches.toml"),
				Action: runInventoryImport},
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
		return usagef("%w", err)
	}
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	w, err := e.writer()
	if err != nil {
		return err
	}
	// A large inventory is written as a run of entries that the branch
	// takes in one move: all of it, or none.
	done := e.progress("recording the inventory")
	recs, err := w.AppendAll(e.view, ledger.InventoryEntries("import "+c.Args().First(), f.Features, f.Tests, f.Batches))
	done()
	if err != nil {
		return err
	}
	if len(recs) == 0 && !e.json() {
		e.printf("inventory unchanged: nothing to record\n")
		return nil
	}
	return e.writtenAll(recs)
}
