package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/ledger"
)

func auditCommand() *cli.Command {
	return &cli.Command{
		Name:      "audit",
		Usage:     "replay and verify the whole ledger, rebuild porting.db; with --type, reconcile statuses with the code at HEAD",
		ArgsUsage: "[--rerun [ENTRY...]]",
		Description: describe(`Replays the whole ledger, checks every signature, rule and evidence chain and the history's
integrity, and rebuilds porting.db. With --type it also reads each promoted item's mapped
body at HEAD and reports items whose code is missing or stubbed. Exit status 1 when
anything is wrong.

With --rerun it re-runs recorded gates instead: for each chosen entry with gate evidence
(the ENTRY IDs or prefixes given, else every one; --since REV keeps those added after ledger
revision REV; --sample N draws N of them at random, --seed S makes the draw repeatable), it
checks the entry's code commit out into a temporary directory, runs the gates the evidence
holds with the commands of this working tree's porttracker.toml (never the ledger's nor the
checked-out commit's), and compares verdicts and counts with the evidence. Evidence that
does not reproduce is a finding (exit 1); a code commit missing here is exit 2 (git fetch).`,
			"porttracker audit", "porttracker audit --type features",
			"porttracker audit --rerun --sample 5", "porttracker audit --rerun --since porting-ledger~20",
			"porttracker audit --rerun 3f9c2a1b7d --json"),
		Flags: []cli.Flag{
			newEnumFlag("type", "reconcile these items with the code at HEAD", "features", "tests"),
			&cli.BoolFlag{Name: "rerun", Usage: "re-run the recorded gates of entries with evidence at their code commit and compare"},
			&cli.StringFlag{Name: "since", Usage: "with --rerun: only entries added after this ledger revision", DefaultText: "every entry"},
			&cli.IntFlag{Name: "sample", Usage: "with --rerun: re-run N entries drawn at random", DefaultText: "all chosen entries"},
			&cli.Uint64Flag{Name: "seed", Usage: "with --sample: the seed of the draw, to repeat it", DefaultText: "a random seed, printed"},
		},
		Action: runAudit,
	}
}

type auditOutput struct {
	// OK says that the ledger verified and, with --type, every promoted
	// item matches the code.
	OK bool `json:"ok"`
	*audit.Result
	Reconciled string           `json:"reconciled,omitempty"`
	Mismatches []audit.Mismatch `json:"mismatches,omitempty"`
}

func runAudit(c *cli.Context) error {
	if c.Bool("rerun") {
		return runRerun(c)
	}
	for _, f := range []string{"since", "sample", "seed"} {
		if c.IsSet(f) {
			return usagef("--%s goes with --rerun (porttracker audit --help)", f)
		}
	}
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	var kind ledger.Kind
	switch t := c.String("type"); t {
	case "":
	case "features", "feature":
		kind = ledger.Feature
	case "tests", "test":
		kind = ledger.Test
	default:
		return usagef("--type %q: want features or tests", t)
	}
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	done := e.progress("replaying and verifying the ledger")
	res, err := audit.Audit(e.view, e.contains)
	done()
	if err != nil {
		return err
	}
	out := auditOutput{Result: res}
	if kind != "" {
		check, err := e.codeCheck()
		if err != nil {
			return err
		}
		if out.Mismatches, err = audit.Reconcile(e.view, kind, check); err != nil {
			return err
		}
		out.Reconciled = kind.Plural()
	}
	failed := !res.OK()
	for _, m := range out.Mismatches {
		if !m.Info {
			failed = true
		}
	}
	out.OK = !failed
	if e.json() {
		if err := e.printJSON(out); err != nil {
			return err
		}
	} else {
		printAudit(e, out)
	}
	if failed {
		return failf("audit found problems (listed above)")
	}
	return nil
}

func printAudit(e *env, out auditOutput) {
	w := e.out
	res := out.Result
	fmt.Fprintf(w, "ledger %s: %d commits, %d entries replayed\n", shortHash(res.Head), res.Commits, res.Entries)
	for _, f := range res.Findings {
		fmt.Fprintf(w, "%s %s\n", e.paint("FINDING"), f)
	}
	for _, it := range res.Conflicts {
		var sides []string
		for _, h := range it.Heads {
			sides = append(sides, fmt.Sprintf("%s by %s (entry %s)", h.To, h.Signer, h.Entry[:12]))
		}
		fmt.Fprintf(w, "%s %s %d: %s; resolve with --override \"resolve: ...\"\n", e.paint("CONFLICT"), it.Kind, it.ID, strings.Join(sides, " vs "))
	}
	for _, m := range res.Mismatches {
		fmt.Fprintf(w, "VIEW %s\n", m)
	}
	if n := len(res.UnsignedMerges); n > 0 {
		fmt.Fprintf(w, "note: %d merge commit(s) made by plain git, unsigned (they change nothing): %s\n", n, shortHash(res.UnsignedMerges[0]))
	}
	if out.Reconciled != "" {
		problems := 0
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, m := range out.Mismatches {
			tag := e.paint("MISMATCH")
			if m.Info {
				tag = e.paintHeader("info")
			} else {
				problems++
			}
			fmt.Fprintf(tw, "%s\t%s %d\t%s\t%s\t%s\n", tag, m.Kind, m.ID, m.Status, m.Target, m.Problem)
			for _, s := range m.Stubs {
				fmt.Fprintf(tw, "\t\t\t\t  %s\n", s)
			}
		}
		tw.Flush()
		fmt.Fprintf(w, "%s reconciled with the code at HEAD: %d mismatches\n", out.Reconciled, problems)
	}
	if res.OK() {
		fmt.Fprintf(w, "ledger verified: every signature, rule and evidence chain holds; porting.db rebuilt\n")
	}
}

// codeCheck reads mapped targets from the code at HEAD, through git
// (audit.CodeAtHead); stub settings that cannot be used are bad input.
func (e *env) codeCheck() (audit.CodeCheck, error) {
	pats, err := gates.Patterns(e.cfg.Target.Language, e.cfg.Stubs.Patterns, e.cfg.Stubs.Replace)
	if err != nil {
		return nil, usagef("%w", err)
	}
	return audit.CodeAtHead(e.store, e.cfg, pats)
}
