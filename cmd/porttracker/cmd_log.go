package main

import (
	"slices"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
)

func logCommand() *cli.Command {
	return &cli.Command{
		Name:      "log",
		Usage:     "the ledger's history with actors and evidence (of one item, or of everything)",
		ArgsUsage: "[feature|test ID]",
		Description: describe(`Without arguments, lists the ledger's entries with their signer and evidence, newest
first; with feature|test ID, the moves of that item. --reverse lists oldest first
(replay order); --json lists in the same order.`,
			"porttracker log --limit 20", "porttracker log feature 1636"),
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "limit", Usage: "only the last N entries (or moves)", DefaultText: "all"},
			&cli.BoolFlag{Name: "reverse", Usage: "oldest first (the default is newest first)"},
		},
		Action: runLog,
	}
}

func runLog(c *cli.Context) error {
	var key ledger.ItemKey
	switch c.NArg() {
	case 0:
	case 2:
		k, err := ledger.ParseKind(c.Args().Get(0))
		if err != nil {
			return usagef("%w", err)
		}
		id, err := strconv.Atoi(c.Args().Get(1))
		if err != nil || id <= 0 {
			return usagef("%q is not a %s ID", c.Args().Get(1), k)
		}
		key = ledger.ItemKey{Kind: k, ID: id}
	default:
		return usagef("log takes nothing, or feature|test ID")
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	if key.ID != 0 {
		hist, err := e.view.History(key)
		if err != nil {
			return err
		}
		if n := c.Int("limit"); n > 0 && len(hist) > n {
			hist = hist[len(hist)-n:]
		}
		if !c.Bool("reverse") {
			slices.Reverse(hist)
		}
		if e.json() {
			return e.printJSON(struct {
				Kind    ledger.Kind         `json:"kind"`
				ID      int                 `json:"id"`
				History []viewdb.HistoryRow `json:"history"`
			}{key.Kind, key.ID, hist})
		}
		if len(hist) == 0 {
			e.printf("%s has no recorded moves\n", key)
		}
		for _, h := range hist {
			printHistory(e, h)
		}
		return nil
	}
	entries, err := e.view.Entries(c.Int("limit"))
	if err != nil {
		return err
	}
	if !c.Bool("reverse") {
		slices.Reverse(entries)
	}
	if e.json() {
		if entries == nil {
			entries = []viewdb.EntryRow{}
		}
		return e.printJSON(struct {
			Entries []viewdb.EntryRow `json:"entries"`
			Count   int               `json:"count"`
		}{entries, len(entries)})
	}
	for _, en := range entries {
		e.printf("%s  %-20s %s  (entry %s, commit %s)\n", en.Time, en.Signer, en.Summary, en.ID[:12], shortHash(en.Commit))
		if en.Reason != "" {
			e.printf("      reason: %s\n", en.Reason)
		}
		if en.Evidence != nil {
			printEvidence(e, en.Evidence, "      ")
		}
	}
	return nil
}
