package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/inventory"
)

// inventoryScanCommand is `inventory scan --go DIR`: it defines a feature
// for every function and method and a test for every TestXxx of a Go tree,
// keeping the IDs of a previous scan.
func inventoryScanCommand() *cli.Command {
	return &cli.Command{
		Name:      "scan",
		Usage:     "define features and tests from Go source, keeping every ID of earlier scans",
		ArgsUsage: " ",
		Description: describe(`Parses the Go tree (go/ast) and defines a feature for every function and method and a test
for every TestXxx. A rescan keeps every ID: items that moved are remapped, items whose
source changed after promotion are marked "upstream changed", removed ones "removed".
The scan is recorded as one inventory entry.`,
			"porttracker inventory scan --go golang/nats-server/server",
			"porttracker inventory scan --go golang/nats-server/server --dry-run --emit proposals.toml  # review first"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "go", Usage: "(required) the Go tree to scan: source.root of porttracker.toml or a directory inside it"},
			&cli.BoolFlag{Name: "skip-broken", Usage: "skip Go files that do not parse (their items are left as they are) instead of refusing"},
			&cli.StringFlag{Name: "emit", Usage: "write target proposals (target.root, target.language) for unmapped items to `FILE`, an inventory file for review and inventory import; with --dry-run it holds the scan's changes too"},
			&cli.BoolFlag{Name: "dry-run", Usage: "say what would change and write nothing to the ledger"},
		},
		Action: runInventoryScan,
	}
}

// scanPlace is where the scanned tree lies.
type scanPlace struct {
	// given is --go as the user wrote it; paths in messages start with it.
	given string
	// repoRel is the tree's slash path relative to the top of the
	// repository, "" for the top itself.
	repoRel string
	// prefix is the tree's slash path relative to the configured source
	// root, "" when it is the source root.
	prefix string
}

// label names the scanned tree in the ledger entry, relative to the top of
// the repository so that it reads the same in every clone.
func (p scanPlace) label() string {
	if p.repoRel == "" {
		return "."
	}
	return p.repoRel
}

// display is how messages name a file of the tree (rel is relative to the
// tree): under --go as given, as a compiler would print it.
func (p scanPlace) display(rel string) string {
	return filepath.Join(p.given, filepath.FromSlash(rel))
}

// runInventoryScan scans, reconciles the scan with the ledger's items and
// records what changed as one inventory entry.
func runInventoryScan(c *cli.Context) error {
	if err := args(c, 0, "no arguments (the tree goes in --go DIR)"); err != nil {
		return err
	}
	if err := required(c, "go"); err != nil {
		return err
	}
	dryRun := c.Bool("dry-run")
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	place, err := locateScan(e, c.String("go"))
	if err != nil {
		return err
	}
	// The view's items are read while the tree is scanned: neither needs
	// the other.
	listed := make(chan viewItems, 1)
	go func() { listed <- listItems(e) }()
	viewed := sync.OnceValue(func() viewItems { return <-listed })
	// The scan leaves unread the files whose declarations the view's
	// items record as the stat index says they are (see inventory.Scan);
	// a view that could not be read vouches for none, and is reported
	// below.
	recorded := func() (map[string][]inventory.RecordedDecl, error) {
		items := viewed()
		if items.err != nil {
			return nil, nil
		}
		return inventory.RecordedDecls(items.known, place.prefix), nil
	}
	done := e.progress("scanning " + place.given)
	res, err := scanTree(e, place, c.Bool("skip-broken"), recorded)
	done()
	items := viewed()
	if err != nil {
		return err
	}
	if items.err != nil {
		return items.err
	}
	dirty, err := inventory.Uncommitted(e.store, res, place.given)
	if err != nil {
		return err
	}
	if len(dirty) > 0 {
		msg := fmt.Sprintf("%s%s differs from commit %s", place.display(dirty[0]), andMore(len(dirty)-1, "file"), shortHash(res.Commit))
		if !dryRun {
			return usagef("%s: commit the Go source first, so that recorded spans match the source commit; nothing was written", msg)
		}
		fmt.Fprintf(e.errOut, "porttracker: warning: %s; a real scan refuses until it is committed\n", msg)
	}

	plan, err := planScan(place, res, items)
	if err != nil {
		return err
	}
	source := "scan " + place.label()
	// The proposals are written to a temporary file first, so that a file
	// that cannot be written stops the scan before the ledger is touched.
	var emitted *emitFile
	if name := c.String("emit"); name != "" {
		f, err := proposals(e, plan, dryRun)
		if err != nil {
			return err
		}
		if emitted, err = prepareEmit(name, f); err != nil {
			return err
		}
		defer emitted.discard()
	}

	// A dry run builds the entry to say what it would record; a scan
	// builds it once, in the write (which builds nothing when the plan
	// defines nothing: an inventory entry defines what differs from the
	// view's items, and the plan has only those).
	var probe *ledger.Entry
	if dryRun && len(plan.Features)+len(plan.Tests) > 0 {
		st, err := e.view.StateAt(e.head)
		if err != nil {
			return fmt.Errorf("read the ledger state: %w", err)
		}
		if probe, err = ledger.BuildInventory(st, source, plan.Features, plan.Tests, nil); err != nil {
			return err
		}
	}
	summary := plan.summary(place)
	switch {
	case len(plan.Features)+len(plan.Tests) == 0 || (dryRun && probe == nil):
		e.printf("inventory unchanged: nothing to record (%s)\n", place.label())
	case dryRun:
		e.printf("would record %s: %d features, %d tests defined or remapped\n", summary, len(probe.Features), len(probe.Tests))
		plan.printDetails(e)
		e.printf("dry run: nothing was written\n")
	default:
		if _, err := e.record(func(st *ledger.State) (*ledger.Entry, error) {
			var changed *inventory.ChangedError
			if err := plan.CheckCurrent(st); errors.As(err, &changed) {
				return nil, failf("%v: run the scan again; nothing was written", err)
			} else if err != nil {
				return nil, err
			}
			ent, err := ledger.BuildInventory(st, source, plan.Features, plan.Tests, nil)
			if err != nil {
				return nil, err
			}
			if ent == nil {
				return nil, failf("the ledger changed while scanning and already holds this scan; nothing was written")
			}
			ent.Summary = fmt.Sprintf("%s: %d features, %d tests defined or remapped", summary, len(ent.Features), len(ent.Tests))
			return ent, nil
		}); err != nil {
			return err
		}
		plan.printDetails(e)
	}
	if emitted != nil {
		if err := emitted.commit(); err != nil {
			return err
		}
		e.printf("wrote %d items to %s: review it, then porttracker inventory import %s\n", emitted.items, emitted.name, emitted.name)
	}
	return nil
}

// locateScan checks --go DIR: an existing directory inside the configured
// source root, inside the repository.
func locateScan(e *env, dir string) (scanPlace, error) {
	place := scanPlace{given: dir}
	if dir == "" {
		return place, usagef("--go needs a directory")
	}
	abs, err := realDir(dir)
	if err != nil {
		return place, usagef("--go %s: %v", dir, err)
	}
	top, err := realDir(e.root)
	if err != nil {
		return place, fmt.Errorf("locate the repository: %w", err)
	}
	rootCfg := filepath.FromSlash(e.cfg.Source.Root)
	if rootCfg == "" {
		rootCfg = "."
	}
	if !filepath.IsAbs(rootCfg) {
		rootCfg = filepath.Join(e.root, rootCfg)
	}
	root, err := realDir(rootCfg)
	if err != nil {
		return place, usagef("source.root %q of %s: %v", e.cfg.Source.Root, config.File, err)
	}
	var ok bool
	if place.prefix, ok = within(root, abs); !ok {
		return place, usagef("--go %s is outside the source root %s (source.root of %s): scan the source root or a directory inside it",
			dir, e.cfg.Source.Root, config.File)
	}
	if place.repoRel, ok = within(top, abs); !ok {
		return place, usagef("--go %s is outside the repository %s: source.root of %s must lie inside it", dir, e.root, config.File)
	}
	return place, nil
}

// realDir is the absolute path of an existing directory, with symbolic
// links resolved.
func realDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return "", errors.New("no such directory")
	}
	if err != nil {
		return "", err
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return "", errors.New("not a directory")
	}
	return real, nil
}

// within gives child's slash path relative to parent ("" for parent
// itself), and false when child is not inside parent.
func within(parent, child string) (string, bool) {
	rel, err := filepath.Rel(parent, child)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	if rel == "." {
		return "", true
	}
	return filepath.ToSlash(rel), true
}

// joinSlash joins slash paths, either of which may be "".
func joinSlash(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "/" + b
}

// andMore is " (and N more files)" for n > 0.
func andMore(n int, what string) string {
	switch {
	case n == 1:
		return " (and 1 more " + what + ")"
	case n > 1:
		return fmt.Sprintf(" (and %d more %ss)", n, what)
	}
	return ""
}

// scanTree parses the tree, with a progress line when stderr is a
// terminal. Broken files are refused unless skipBroken; skipped ones are
// named on stderr.
func scanTree(e *env, place scanPlace, skipBroken bool, recorded func() (map[string][]inventory.RecordedDecl, error)) (*inventory.ScanResult, error) {
	opt := inventory.ScanOptions{SkipBroken: true, CacheDir: filepath.Join(e.store.GitDir(), "porttracker"), Recorded: recorded}
	prog := newProgress(e.errOut)
	if prog != nil {
		opt.Progress = prog.update
	}
	res, err := inventory.Scan(place.given, opt)
	prog.clear()
	if err != nil {
		return nil, usagef("%w", err)
	}
	if res.CacheErr != nil {
		fmt.Fprintf(e.errOut, "porttracker: %v (the next scan parses every file again)\n", res.CacheErr)
	}
	if len(res.Broken) > 0 {
		if !skipBroken {
			return nil, usagef("%v%s: fix the file or pass --skip-broken; nothing was written", res.Broken[0], andMore(len(res.Broken)-1, "broken file"))
		}
		for _, b := range res.Broken {
			fmt.Fprintf(e.errOut, "porttracker: skipped %v (its items are left as they were)\n", b)
		}
	}
	if res.Commit == "" {
		return nil, usagef("the repository of %s has no commit yet: commit the Go source first, so that items record their source commit", place.given)
	}
	if res.RepoPrefix != place.repoRel {
		return nil, usagef("--go %s lies in a nested git repository (a submodule?), not in %s: the source must be committed in the repository that holds the ledger", place.given, e.root)
	}
	return res, nil
}

// scanPlan is what a scan would record, with the statuses of the items
// the view held before it (which the details name).
type scanPlan struct {
	*inventory.Plan
	status map[ledger.ItemKey]ledger.Status
}

// viewItems are the features and tests the view holds, or why they could
// not be read.
type viewItems struct {
	items []viewdb.SourceItem
	// known are the items as the inventory reconciles them.
	known []inventory.Known
	err   error
}

// listItems reads every feature and test of the view, with the columns a
// scan reads.
func listItems(e *env) viewItems {
	items, err := e.view.SourceItems()
	if err != nil {
		return viewItems{err: fmt.Errorf("list the items: %w", err)}
	}
	known := make([]inventory.Known, len(items))
	for i, it := range items {
		known[i] = inventory.Known{ItemKey: it.ItemKey, Mapping: it.Mapping, Removed: it.Removed}
	}
	return viewItems{items: items, known: known}
}

// planScan reconciles the scan with the items the view holds (see
// inventory.NewPlan).
func planScan(place scanPlace, res *inventory.ScanResult, listed viewItems) (*scanPlan, error) {
	scope, err := planScope(place, res)
	if err != nil {
		return nil, err
	}
	p := &scanPlan{Plan: inventory.NewPlan(listed.known, res, scope)}
	p.status = make(map[ledger.ItemKey]ledger.Status, len(p.Changes))
	changed := make(map[ledger.ItemKey]bool, len(p.Changes))
	for _, c := range p.Changes {
		changed[c.ItemKey] = true
	}
	for _, it := range listed.items {
		if changed[it.ItemKey] {
			p.status[it.ItemKey] = it.Status
		}
	}
	return p, nil
}

// planScope is what the scan looked at: the tree, less the broken files
// it skipped.
func planScope(place scanPlace, res *inventory.ScanResult) (inventory.PlanScope, error) {
	scope := inventory.PlanScope{Prefix: place.prefix, Broken: map[string]bool{}}
	for _, b := range res.Broken {
		rel, err := filepath.Rel(place.given, b.Path)
		if err != nil {
			return scope, fmt.Errorf("locate broken file %s: %w", b.Path, err)
		}
		scope.Broken[joinSlash(place.prefix, filepath.ToSlash(rel))] = true
	}
	return scope, nil
}

// summary is one line: "inventory scan DIR: N new, N moved, ...".
func (p *scanPlan) summary(place scanPlace) string {
	n := inventory.Count(p.Changes)
	s := fmt.Sprintf("inventory scan %s: %d new, %d moved, %d renamed, %d changed upstream, %d removed",
		place.label(), n.New, n.Moved, n.Renamed, n.Upstream, n.Removed)
	for _, extra := range []struct {
		n    int
		what string
	}{{n.Restored, "restored"}, {n.Located, "located"}, {n.Shifted, "shifted"}} {
		if extra.n > 0 {
			s += fmt.Sprintf(", %d %s", extra.n, extra.what)
		}
	}
	return s
}

// printDetails names every item that moved, was renamed or renumbered,
// removed or restored, and every promoted item whose source changed: those
// need a look. New items and shifted spans are only counted.
func (p *scanPlan) printDetails(e *env) {
	for _, c := range p.Changes {
		if c.New || (c.Previous.SourceDigest == "" && !c.Removed) {
			continue
		}
		prev, now := c.Previous, c.Mapping
		at := func(m ledger.Mapping) string { return m.SourceFile + " " + m.SourceSymbol }
		var notes []string
		switch {
		case c.Removed:
			notes = append(notes, "removed: "+at(prev)+" is gone")
		case c.Restored:
			notes = append(notes, "restored: "+at(now)+" is back")
		}
		if !c.Removed && (c.Moved || c.Renamed) {
			what := "moved"
			switch {
			case c.Moved && c.NameChanged():
				what = "moved and renamed"
			case c.NameChanged():
				what = "renamed"
			case !c.Moved:
				what = "renumbered"
			}
			notes = append(notes, what+": "+at(prev)+" -> "+at(now))
		}
		status := p.status[c.ItemKey]
		if c.UpstreamChanged && (status == ledger.Complete || status == ledger.Verified) {
			notes = append(notes, fmt.Sprintf("changed upstream after it was %s: %s (check and re-verify it)", status, at(now)))
		}
		if c.Removed && status != ledger.NotStarted && status != ledger.Deferred {
			notes = append(notes, fmt.Sprintf("it is %s: defer it with a reason", status))
		}
		if len(notes) > 0 {
			e.printf("  %s %d %s\n", c.Kind, c.ID, strings.Join(notes, "; "))
		}
	}
}

// proposals are the target proposals for every unmapped item as the scan
// leaves them, as an inventory file: with the scan's own changes when it
// is a dry run, so that the file stands for the whole scan.
func proposals(e *env, p *scanPlan, dryRun bool) (*inventory.File, error) {
	root := filepath.FromSlash(e.cfg.Target.Root)
	if root == "" {
		root = "."
	}
	if !filepath.IsAbs(root) {
		root = filepath.Join(e.root, root)
	}
	if _, err := realDir(root); err != nil {
		return nil, usagef("target.root %q of %s: %v (--emit proposes targets found there)", e.cfg.Target.Root, config.File, err)
	}
	after := inventory.Apply(p.Before(), p.Changes)
	sugg, err := inventory.Suggest(after, root, e.cfg.Target.Language)
	if err != nil {
		return nil, usagef("propose targets under %s: %v", e.cfg.Target.Root, err)
	}
	var changes []inventory.Change
	if dryRun {
		changes = p.Changes
	}
	return inventory.EmitFile(changes, sugg), nil
}

// emitFile is an inventory file written to a temporary file beside its
// destination, until commit renames it into place.
type emitFile struct {
	name, tmp string
	items     int
}

// prepareEmit writes f to a temporary file beside name.
func prepareEmit(name string, f *inventory.File) (*emitFile, error) {
	var buf bytes.Buffer
	buf.WriteString("# Written by porttracker inventory scan --emit: target proposals by name.\n")
	buf.WriteString("# Review them, then record them with: porttracker inventory import FILE\n\n")
	if err := f.Encode(&buf); err != nil {
		return nil, fmt.Errorf("encode %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return nil, usagef("--emit %s: %v", name, err)
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	return &emitFile{name: name, tmp: tmp.Name(), items: len(f.Features) + len(f.Tests)}, nil
}

// commit moves the file into place.
func (f *emitFile) commit() error {
	if err := os.Rename(f.tmp, f.name); err != nil {
		return fmt.Errorf("write %s: %w", f.name, err)
	}
	f.tmp = ""
	return nil
}

// discard removes the temporary file unless it was committed.
func (f *emitFile) discard() {
	if f.tmp != "" {
		os.Remove(f.tmp)
	}
}

// progress draws "scanning Go files: N/M" on a terminal, at most ten
// times a second.
type progress struct {
	w     io.Writer
	last  time.Time
	shown bool
}

// newProgress returns a progress line on w, or nil when w is not a
// terminal.
func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return nil
	}
	return &progress{w: w}
}

func (p *progress) update(done, total int) {
	if done < total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\rscanning Go files: %d/%d", done, total)
	p.shown = true
}

// clear erases the line; a nil progress does nothing.
func (p *progress) clear() {
	if p != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
