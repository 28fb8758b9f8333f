package main

import (
	"errors"
	"fmt"
	pathpkg "path"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/inventory"
)

func itemCommand(kind string) *cli.Command {
	k := ledger.Kind(kind)
	moveFlags := []cli.Flag{
		&cli.StringFlag{Name: "override", Usage: "the reason for a deferral, a demotion, a complete without a red run, or a conflict resolution (\"resolve: ...\")"},
		&cli.StringFlag{Name: "filter", Usage: "the focused tests to run for complete ({filter} of the test gate)"},
		&cli.BoolFlag{Name: "allow-dirty", Usage: "promote to complete or verified though what the gates read has uncommitted changes (recorded in the entry)"},
	}
	ex := exampleIDs(k)
	cmd := &cli.Command{
		Name:  kind,
		Usage: kind + "s: show, update, batch-update, list",
		Description: describe("Shows, lists and moves "+kind+"s through not_started, stub, complete, verified and deferred.",
			"porttracker "+kind+" show "+ex.one, "porttracker "+kind+" list --batch 34 --status stub"),
		Subcommands: []*cli.Command{
			{
				Name: "show", Usage: "show a " + kind + ": mapping, status, source and history", ArgsUsage: "ID",
				Description: describe("Shows "+kind+" ID: its source and target mapping, batch, status (and any conflict), its\n"+
					"source span at the recorded source commit, and every move with its signer and evidence.",
					"porttracker "+kind+" show "+ex.one, "porttracker "+kind+" show "+ex.one+" --json"),
				Action: func(c *cli.Context) error { return runShow(c, k) },
			},
			{
				Name: "update", Usage: "move one " + kind + " to a status", ArgsUsage: "ID",
				Description: describe("Moves "+kind+" ID to --status. complete runs the stub, build and focused test gates first\n"+
					"and records their evidence; verified needs a checkpoint recorded after the complete;\n"+
					"deferring, demoting and un-claiming need --override with the reason. Nothing is\n"+
					"written when a gate or rule refuses.",
					"porttracker "+kind+" update "+ex.one+" --status stub",
					"porttracker "+kind+" update "+ex.one+" --status complete",
					"porttracker "+kind+" update "+ex.one+` --status deferred --override "blocked: needs raft"`),
				Flags:  append([]cli.Flag{newEnumFlag("status", "(required) the status to move it to", statusValues()...)}, moveFlags...),
				Action: func(c *cli.Context) error { return runUpdate(c, k) },
			},
			{
				Name: "batch-update", Usage: "move several " + kind + "s to a status (says what it would do unless --execute)", ArgsUsage: " ",
				Description: describe("Moves the "+kind+"s of --ids (at most ledger.max_ids_per_update) to --set-status in one\n"+
					"entry, with the same rules and gates as update. Without --execute it only says what it\n"+
					"would do.",
					"porttracker "+kind+" batch-update --ids "+ex.many+" --set-status verified",
					"porttracker "+kind+" batch-update --ids "+ex.many+" --set-status verified --execute"),
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "ids", Usage: "(required) IDs such as 1636,1637 or 1636-1650"},
					newEnumFlag("set-status", "(required) the status to move them to", statusValues()...),
					&cli.BoolFlag{Name: "execute", Usage: "write the entry (without it, only say what would happen)"},
				}, moveFlags...),
				Action: func(c *cli.Context) error { return runBatchUpdate(c, k) },
			},
			{
				Name: "list", Usage: "list " + kind + "s", ArgsUsage: " ",
				Description: describe("Lists the "+kind+"s by ID with status, batch, source file and symbol, and target symbol.",
					"porttracker "+kind+" list --batch 34", "porttracker "+kind+" list --status deferred --json"),
				Flags: []cli.Flag{
					&cli.IntFlag{Name: "batch", Usage: "only the " + kind + "s of this batch", DefaultText: "every batch"},
					newEnumFlag("status", "only the "+kind+"s in this status", statusValues()...),
				},
				Action: func(c *cli.Context) error { return runList(c, k) },
			},
		},
	}
	if k == ledger.Feature {
		cmd.Usage = "features: show, update, batch-update, list, red"
		cmd.Subcommands = append(cmd.Subcommands, redCommand())
	}
	return cmd
}

// exampleIDs are the IDs the help's examples use (the plan's).
func exampleIDs(k ledger.Kind) struct{ one, many string } {
	if k == ledger.Test {
		return struct{ one, many string }{"757", "757,761"}
	}
	return struct{ one, many string }{"1636", "1636-1650"}
}

func parseItemID(c *cli.Context, k ledger.Kind) (int, error) {
	if err := args(c, 1, "one "+string(k)+" ID"); err != nil {
		return 0, err
	}
	id, err := strconv.Atoi(c.Args().First())
	if err != nil || id <= 0 {
		return 0, usagef("%q is not a %s ID (a positive whole number)", c.Args().First(), k)
	}
	return id, nil
}

func runShow(c *cli.Context, k ledger.Kind) error {
	id, err := parseItemID(c, k)
	if err != nil {
		return err
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	it, err := e.view.Item(ledger.ItemKey{Kind: k, ID: id})
	if errors.Is(err, viewdb.ErrNotFound) {
		return usagef("%s %d is not defined (see porttracker %s list)", k, id, k)
	}
	if err != nil {
		return err
	}
	hist, err := e.view.History(ledger.ItemKey{Kind: k, ID: id})
	if err != nil {
		return err
	}
	src := sourceText(e, it)
	if e.json() {
		return e.printJSON(struct {
			*viewdb.Item
			Source  string              `json:"source,omitempty"`
			History []viewdb.HistoryRow `json:"history"`
		}{it, src, hist})
	}
	printItem(e, it)
	if src != "" {
		e.printf("\n%s", src)
		if !strings.HasSuffix(src, "\n") {
			e.printf("\n")
		}
	}
	e.printf("\nhistory:\n")
	if len(hist) == 0 {
		e.printf("  (no moves yet)\n")
	}
	for _, h := range hist {
		printHistory(e, h)
	}
	return nil
}

func printItem(e *env, it *viewdb.Item) {
	m := it.Mapping
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s %d\t%s\n", it.Kind, it.ID, m.SourceSymbol)
	status := e.paint(string(it.Status))
	if it.Conflict {
		status += "  " + e.paint("CONFLICT")
	}
	if it.UpstreamChanged {
		status += "  (upstream changed after promotion)"
	}
	if it.Removed {
		status += "  (source removed)"
	}
	fmt.Fprintf(tw, "  status:\t%s\n", status)
	if it.Reason != "" {
		fmt.Fprintf(tw, "  reason:\t%s\n", it.Reason)
	}
	for _, h := range it.Heads {
		fmt.Fprintf(tw, "  conflicting:\t%s by %s (entry %s)\n", h.To, h.Signer, h.Entry[:12])
	}
	if it.Batch != 0 {
		b, err := e.view.Batch(it.Batch)
		name := ""
		if err == nil {
			name = fmt.Sprintf(" %s (%s)", b.Name, b.Status)
		}
		fmt.Fprintf(tw, "  batch:\t%d%s\n", it.Batch, name)
	}
	src := m.SourceFile
	if m.SourceStart > 0 {
		src += fmt.Sprintf(":%d-%d", m.SourceStart, m.SourceEnd)
	}
	if m.SourceCommit != "" {
		src += " @ " + shortHash(m.SourceCommit)
	}
	fmt.Fprintf(tw, "  source:\t%s\n", src)
	fmt.Fprintf(tw, "  target:\t%s  %s\n", orDash(m.TargetFile), orDash(m.TargetSymbol))
	if m.TestFilter != "" {
		fmt.Fprintf(tw, "  tests:\t%s\n", m.TestFilter)
	}
	tw.Flush()
}

func printHistory(e *env, h viewdb.HistoryRow) {
	e.printf("  %s  %-20s %s -> %s  (entry %s", h.Time, h.Actor, e.paint(string(h.From)), e.paint(string(h.To)), h.Entry[:12])
	if h.Commit != "" {
		e.printf(", commit %s", shortHash(h.Commit))
	}
	e.printf(")\n")
	if h.Reason != "" {
		e.printf("      reason: %s\n", h.Reason)
	}
	if h.Evidence != nil {
		printEvidence(e, h.Evidence, "      ")
	}
}

func printEvidence(e *env, ev *ledger.Evidence, indent string) {
	state := "clean"
	if ev.Dirty {
		state = "dirty, diff " + shortDigest(ev.DiffDigest)
	}
	if ev.AllowedDirty {
		state += ", --allow-dirty"
	}
	e.printf("%sevidence at code %s (%s):\n", indent, shortHash(ev.CodeCommit), state)
	for _, g := range ev.Gates {
		verdict := "ok    "
		if !g.OK {
			verdict = e.paint("FAILED")
		}
		e.printf("%s  %-9s %s exit %d", indent, g.Name, verdict, g.ExitCode)
		if g.Parsed {
			e.printf(", %d passed, %d failed, %d skipped", g.Passed, g.Failed, g.Skipped)
		}
		e.printf(", %.1fs", float64(g.DurationMS)/1000)
		if g.OutputDigest != "" {
			e.printf(", output %s", shortDigest(g.OutputDigest))
		}
		e.printf("\n")
		if g.Command != "" {
			e.printf("%s            $ %s", indent, g.Command)
			if g.Filter != "" {
				e.printf("   [filter %s]", g.Filter)
			}
			if g.Combined != "" {
				e.printf("   [one run for the update: filter %s]", g.Combined)
			}
			e.printf("\n")
		}
		for _, m := range g.Matches {
			e.printf("%s            %s\n", indent, m)
		}
		for _, w := range g.Warnings {
			e.printf("%s            warning: %s\n", indent, w)
		}
		for _, t := range g.Tests {
			e.printf("%s            %s\n", indent, t)
		}
	}
}

func shortHash(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runList(c *cli.Context, k ledger.Kind) error {
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	var f viewdb.ListFilter
	f.Batch = c.Int("batch")
	if s := c.String("status"); s != "" {
		st, err := ledger.ParseStatus(s)
		if err != nil {
			return usagef("--status: %v", err)
		}
		f.Status = st
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	items, err := e.view.List(k, f)
	if err != nil {
		return err
	}
	if e.json() {
		return e.printJSON(struct {
			Items []viewdb.Item `json:"items"`
			Count int           `json:"count"`
		}{items, len(items)})
	}
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	// Every cell of the painted column carries an escape of one length,
	// so that the columns stay aligned in colour.
	fmt.Fprintf(tw, "ID\t%s\tBATCH\tSOURCE FILE\tSOURCE SYMBOL\tTARGET\n", e.paintHeader("STATUS"))
	for _, it := range items {
		st := string(it.Status)
		if it.Conflict {
			st += " (conflict)"
		}
		if it.UpstreamChanged {
			st += " (upstream changed)"
		}
		if it.Removed {
			st += " (removed)"
		}
		batch := "-"
		if it.Batch != 0 {
			batch = strconv.Itoa(it.Batch)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", it.ID, paint(e.term.outColor, statusStyle(string(it.Status)), st), batch,
			orDash(it.Mapping.SourceFile), orDash(it.Mapping.SourceSymbol), orDash(it.Mapping.TargetSymbol))
	}
	tw.Flush()
	fmt.Fprintf(e.out, "%d %ss\n", len(items), k)
	return nil
}

func runUpdate(c *cli.Context, k ledger.Kind) error {
	id, err := parseItemID(c, k)
	if err != nil {
		return err
	}
	if err := required(c, "status"); err != nil {
		return err
	}
	return move(c, k, []int{id}, c.String("status"), true)
}

func runBatchUpdate(c *cli.Context, k ledger.Kind) error {
	if err := args(c, 0, "no arguments (IDs go in --ids)"); err != nil {
		return err
	}
	if err := required(c, "ids", "set-status"); err != nil {
		return err
	}
	ids, err := ledger.ParseIDs(c.String("ids"))
	if err != nil {
		return usagef("--ids: %v", err)
	}
	return move(c, k, ids, c.String("set-status"), c.Bool("execute"))
}

// move checks, earns (by running the gates) and records a status move.
func move(c *cli.Context, k ledger.Kind, ids []int, status string, execute bool) error {
	to, err := ledger.ParseStatus(status)
	if err != nil {
		return usagef("%w", err)
	}
	reason := strings.TrimSpace(c.String("override"))
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	if max := e.cfg.Ledger.MaxIDsPerUpdate; len(ids) > max {
		return usagef("%d IDs given; at most %d in one update (ledger.max_ids_per_update): split the list", len(ids), max)
	}
	if to == ledger.Deferred && reason == "" {
		return usagef("deferring needs a reason: --override \"blocked: why\"")
	}
	if err := e.requireLedger(); err != nil {
		return err
	}
	req := ledger.MoveRequest{Kind: k, IDs: ids, To: to, Reason: reason}
	switch to {
	case ledger.Verified:
		if req.Checkpoint, err = e.view.LatestCheckpoint(); err != nil {
			return err
		}
	case ledger.Complete:
		if req.Baseline, err = e.view.LatestBaseline(); err != nil {
			return err
		}
	}
	// Check the rules against the current state before running any gate.
	st, err := e.view.StateAt(e.head)
	if err != nil {
		return err
	}
	st.Contains = e.contains
	ent, err := ledger.BuildTransition(st, req)
	if err != nil {
		return err
	}
	if err := st.CheckTransition(ent, to == ledger.Complete); err != nil {
		return err
	}
	if !execute {
		if e.json() {
			return e.printJSON(struct {
				Kind     ledger.Kind   `json:"kind"`
				IDs      []int         `json:"ids"`
				To       ledger.Status `json:"to"`
				Executed bool          `json:"executed"`
				Gates    bool          `json:"runs_gates"`
			}{k, ids, to, false, to == ledger.Complete})
		}
		e.printf("would move %s %s to %s (%d IDs); add --execute to record it\n", k.Plural(), ledger.FormatIDs(ids), to, len(ids))
		if to == ledger.Complete {
			e.printf("the stub, build and test gates run first\n")
		}
		return nil
	}
	switch to {
	case ledger.Complete:
		ev, err := runPromotionGates(c, e, st, k, ids)
		if err != nil {
			return err
		}
		req.Evidence = ev
	case ledger.Verified:
		if req.Evidence, err = verifiedCodeState(c, e, st, k, ids); err != nil {
			return err
		}
	}
	_, err = e.record(func(st *ledger.State) (*ledger.Entry, error) { return ledger.BuildTransition(st, req) })
	return err
}

// verifiedCodeState refuses a move to verified while what the gates read
// has uncommitted changes, unless --allow-dirty is given; the code state
// is then recorded with the entry.
func verifiedCodeState(c *cli.Context, e *env, st *ledger.State, k ledger.Kind, ids []int) (*ledger.Evidence, error) {
	var targets []gates.Target
	for _, id := range ids {
		it, err := st.Item(ledger.ItemKey{Kind: k, ID: id})
		if err != nil {
			return nil, err
		}
		targets = append(targets, gates.Target{ItemKey: ledger.ItemKey{Kind: k, ID: id}, File: it.TargetFile, Symbol: it.TargetSymbol})
	}
	r := &gates.Runner{Config: e.cfg, RepoDir: e.root}
	dirty, err := r.DirtyGatePaths(targets)
	if err != nil {
		return nil, err
	}
	if len(dirty) == 0 {
		return nil, nil
	}
	if !c.Bool("allow-dirty") {
		return nil, failf("%v", &gates.DirtyError{Paths: dirty})
	}
	commit, isDirty, digest, err := r.CodeState()
	if err != nil {
		return nil, err
	}
	return &ledger.Evidence{CodeCommit: commit, Dirty: isDirty, DiffDigest: digest, AllowedDirty: true}, nil
}

func runPromotionGates(c *cli.Context, e *env, st *ledger.State, k ledger.Kind, ids []int) (*ledger.Evidence, error) {
	var targets []gates.Target
	for _, id := range ids {
		it, err := st.Item(ledger.ItemKey{Kind: k, ID: id})
		if err != nil {
			return nil, err
		}
		t := gates.Target{ItemKey: ledger.ItemKey{Kind: k, ID: id}, File: it.TargetFile, Symbol: it.TargetSymbol}
		switch k {
		case ledger.Feature:
			t.Filter = c.String("filter")
			if t.Filter == "" {
				t.Filter = it.TestFilter
			}
			if t.Filter == "" {
				return nil, usagef("feature %d has no focused tests: pass --filter or set test_filter in the inventory", id)
			}
		case ledger.Test:
			t.Filter = c.String("filter")
			if t.Filter == "" {
				t.Filter = it.TargetSymbol
			}
		}
		if it.TargetFile == "" || it.TargetSymbol == "" {
			return nil, usagef("%s %d has no target mapping (target_file and target_symbol in the inventory)", k, id)
		}
		if err := ledger.CheckRelPath(it.TargetFile); err != nil {
			return nil, usagef("%s %d: target_file: %v; mend it with inventory import", k, id, err)
		}
		if err := gates.CheckFilterInput(fmt.Sprintf("%s %d", k, id), t.Filter); err != nil {
			return nil, usagef("%w", err)
		}
		targets = append(targets, t)
	}
	r, stop := gateRunner(c, e)
	defer stop()
	r.AllowDirty = c.Bool("allow-dirty")
	ev, err := r.Promote(c.Context, targets)
	if err != nil {
		return nil, gateError(err)
	}
	if !ev.Passed() {
		if d := testFailures(ev.Gates, targets); d != "" {
			return nil, failf("the test gate failed for %s; nothing was written", d)
		}
		for _, g := range ev.Gates {
			if !g.OK {
				return nil, failf("the %s gate failed%s; nothing was written", g.Name, gateDetail(g))
			}
		}
	}
	return &ev, nil
}

// testFailures names the items and tests of failed test gates when the
// runner reported failing tests or more than one item's gate failed; ""
// leaves the wording to gateDetail.
func testFailures(gs []ledger.GateResult, targets []gates.Target) string {
	failed, named := 0, false
	for _, g := range gs {
		if g.OK || g.Name != gates.GateTest {
			continue
		}
		failed++
		for _, l := range g.Tests {
			named = named || strings.HasPrefix(l, "failed ")
		}
	}
	if failed == 0 || (failed == 1 && !named) {
		return ""
	}
	var tests []ledger.GateResult
	for _, g := range gs {
		if g.Name == gates.GateTest {
			tests = append(tests, g)
		}
	}
	return gates.DescribeFailure(tests, targets)
}

func gateDetail(g ledger.GateResult) string {
	switch {
	case len(g.Matches) > 0:
		more := ""
		if len(g.Matches) > 1 {
			more = fmt.Sprintf(" (and %d more)", len(g.Matches)-1)
		}
		return ": " + g.Matches[0] + more
	case g.Name == "test" || g.Name == "full_test":
		if !g.Parsed {
			return fmt.Sprintf(" (exit %d, no test summary found in the output)", g.ExitCode)
		}
		if g.Passed == 0 && g.Failed == 0 {
			return fmt.Sprintf(" (filter %q ran no test)", g.Filter)
		}
		return fmt.Sprintf(" (exit %d: %d passed, %d failed)", g.ExitCode, g.Passed, g.Failed)
	}
	return fmt.Sprintf(" (exit %d)", g.ExitCode)
}

// sourceText is the item's Go source span at its recorded source commit,
// read through git, or "" when the item has no recorded span.
func sourceText(e *env, it *viewdb.Item) string {
	m := it.Mapping
	if m.SourceCommit == "" || m.SourceStart == 0 || m.SourceFile == "" {
		return ""
	}
	path := m.SourceFile
	if root := pathpkg.Clean(filepath.ToSlash(e.cfg.Source.Root)); root != "" && root != "." {
		path = root + "/" + path
	}
	text, err := inventory.SourceAt(e.root, m.SourceCommit, path, m.SourceStart, m.SourceEnd)
	if err != nil {
		return fmt.Sprintf("(source not available: %v)\n", err)
	}
	return text
}
