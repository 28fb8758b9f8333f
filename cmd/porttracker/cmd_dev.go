package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit/gen"
)

// devCommand is porttracker dev: tools for developing porttracker itself,
// hidden from the help.
func devCommand() *cli.Command {
	def := gen.Default()
	return &cli.Command{
		Name:   "dev",
		Usage:  "tools for developing porttracker",
		Hidden: true,
		Subcommands: []*cli.Command{
			{
				Name:      "generate",
				Usage:     "generate a realistic ledger through the real write path (several clones that sync), for benchmarks",
				ArgsUsage: "DIR",
				Description: "DIR (new or empty) becomes a git repository with porttracker.toml, a code history on main, " +
					"the ledger branch and porting.db. Sign further entries with --key DIR/.git/" + gen.KeyDir + "/key-0. " +
					"Generating 20,000 entries takes minutes; progress goes to standard error.",
				Flags: []cli.Flag{
					&cli.IntFlag{Name: "features", Value: def.Features, Usage: "features in the inventory"},
					&cli.IntFlag{Name: "tests", Value: def.Tests, Usage: "tests in the inventory"},
					&cli.IntFlag{Name: "batches", Value: def.Batches, Usage: "batches the items are split into"},
					&cli.IntFlag{Name: "entries", Value: def.Entries, Usage: "ledger entries to write"},
					&cli.IntFlag{Name: "clones", Value: def.Clones, Usage: "repositories that write and sync (each with its own signer)"},
					&cli.Uint64Flag{Name: "seed", Value: def.Seed, Usage: "the seed everything is drawn from"},
				},
				Action: runDevGenerate,
			},
		},
	}
}

func runDevGenerate(c *cli.Context) error {
	if err := args(c, 1, "one directory"); err != nil {
		return err
	}
	opt := gen.Options{Features: c.Int("features"), Tests: c.Int("tests"), Batches: c.Int("batches"),
		Entries: c.Int("entries"), Clones: c.Int("clones"), Seed: c.Uint64("seed")}
	res, err := gen.Generate(c.Args().First(), opt, c.App.ErrWriter)
	if errors.Is(err, gen.ErrOptions) {
		return usagef("%v", err)
	}
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, res)
	}
	fmt.Fprintf(c.App.Writer, "%s: %d entries, %d ledger commits (%d merges, %d syncs), %d batches complete, %d started, in %s\n",
		res.Dir, res.Entries, res.Commits, res.Merges, res.Syncs, res.BatchesComplete, res.BatchesStarted, res.Elapsed.Round(time.Second))
	fmt.Fprintf(c.App.Writer, "sign with --key %s (%s)\n", res.Keys[0], res.Identities[0])
	return nil
}
