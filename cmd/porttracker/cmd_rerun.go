package main

import (
	"errors"
	"math/rand/v2"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/gates"
)

// rerunOutput is audit --rerun's JSON document.
type rerunOutput struct {
	// OK says that every re-run entry reproduced its evidence.
	OK   bool   `json:"ok"`
	Head string `json:"head"`
	// Seed is the seed of --sample's draw (--seed repeats it).
	Seed     *uint64             `json:"seed,omitempty"`
	Entries  []audit.RerunResult `json:"entries"`
	Findings []string            `json:"findings"`
	Count    int                 `json:"count"`
}

// runRerun is audit --rerun: the chosen entries' gates re-run at their
// code commit with the working tree's commands.
func runRerun(c *cli.Context) error {
	if c.IsSet("type") {
		return usagef("--type and --rerun are separate audits: run them one after the other")
	}
	if c.Int("sample") < 0 || c.IsSet("sample") && c.Int("sample") == 0 {
		return usagef("--sample %d: give a positive number of entries", c.Int("sample"))
	}
	if c.IsSet("seed") && !c.IsSet("sample") {
		return usagef("--seed goes with --sample")
	}
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	head, err := e.store.Head()
	if err != nil {
		return err
	}
	sel := audit.RerunSelection{Entries: c.Args().Slice(), Sample: c.Int("sample")}
	if rev := c.String("since"); rev != "" {
		h, err := e.store.ResolveRevision(rev)
		if err != nil {
			return usagef("--since %s: not a revision of this repository (give a ledger commit, such as porting-ledger~10)", rev)
		}
		sel.Since = h
	}
	out := rerunOutput{Head: head.String(), Entries: []audit.RerunResult{}, Findings: []string{}}
	if sel.Sample > 0 {
		sel.Seed = c.Uint64("seed")
		if !c.IsSet("seed") {
			sel.Seed = rand.Uint64()
		}
		out.Seed = &sel.Seed
	}
	cases, err := audit.RerunCases(e.store, head, sel)
	var ue *audit.UsageError
	if errors.As(err, &ue) {
		return usagef("%w", err)
	}
	if err != nil {
		return err
	}
	if err := audit.CheckCommits(e.store, cases); err != nil {
		var missing *gates.MissingCommitError
		if errors.As(err, &missing) {
			return usagef("%v; nothing was re-run", err)
		}
		return err
	}
	if !e.json() && out.Seed != nil {
		e.printf("re-running %d entries drawn with seed %d (--seed %d repeats the draw)\n", len(cases), *out.Seed, *out.Seed)
	}
	r, stop := gateRunner(c, e)
	defer stop()
	for _, cs := range cases {
		res, err := audit.Rerun(c.Context, e.store, r, cs)
		if err != nil {
			return gateError(err)
		}
		out.Entries = append(out.Entries, res)
		found := res.Findings()
		out.Findings = append(out.Findings, found...)
		if e.json() {
			continue
		}
		if res.Reproduced {
			e.printf("entry %s (%s) at code %s: %d gates reproduced\n", res.Entry[:12], res.Who(), shortHash(res.CodeCommit), len(res.Gates))
		}
		for _, f := range found {
			e.printf("%s %s\n", e.paint("FINDING"), f)
		}
	}
	out.Count = len(out.Entries)
	out.OK = len(out.Findings) == 0
	if e.json() {
		if err := e.printJSON(out); err != nil {
			return err
		}
	} else {
		e.printf("re-ran %d entries: %d reproduced, %d did not\n", out.Count, out.Count-failedEntries(out.Entries), failedEntries(out.Entries))
	}
	if !out.OK {
		return failf("%d gates did not reproduce their evidence (listed above)", len(out.Findings))
	}
	return nil
}

func failedEntries(rs []audit.RerunResult) int {
	n := 0
	for _, r := range rs {
		if !r.Reproduced {
			n++
		}
	}
	return n
}
