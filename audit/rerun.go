package audit

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// RerunSelection chooses the entries audit --rerun re-runs, among those
// with gate evidence: the entries named (full IDs or unique prefixes of at
// least MinEntryPrefix hex digits), else every one; of those, with Since,
// only the entries added after that ledger commit; then, with Sample > 0,
// that many drawn at random with Seed.
type RerunSelection struct {
	Entries []string
	Since   plumbing.Hash
	Sample  int
	Seed    uint64
}

// MinEntryPrefix is the shortest entry ID prefix RerunSelection accepts.
const MinEntryPrefix = 7

// RerunCase is one entry to re-run: its evidence and the items whose
// mapped bodies its stub gate scanned, with the mappings they had when the
// entry was written.
type RerunCase struct {
	Entry    string
	Kind     ledger.EntryKind
	Items    []ledger.ItemKey
	Targets  []gates.Target
	Evidence *ledger.Evidence
}

// UsageError is a selection that names nothing to re-run; the command
// line refuses it with exit status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// RerunCases reads the ledger at head and returns the selected entries
// with gate evidence, in replay order. Entries the replay refuses (audit
// reports them) are not re-run.
func RerunCases(store *gitstore.Store, head plumbing.Hash, sel RerunSelection) ([]RerunCase, error) {
	col, err := branch.Collect(store, head, nil)
	if err != nil {
		return nil, err
	}
	st := ledger.NewState(nil)
	refused, err := ledger.Replay(&col.History, head.String(), st)
	if err != nil {
		return nil, err
	}
	bad := map[string]bool{}
	for _, f := range refused {
		bad[f.Entry] = true
	}
	var before map[plumbing.Hash]bool
	if !sel.Since.IsZero() {
		if before, err = store.Reachable(sel.Since); err != nil {
			return nil, fmt.Errorf("read the ledger's history from %s: %w", sel.Since, err)
		}
	}
	// Replay order, tracking each item's mapping and status as the
	// entries leave them, so that each case scans what its writer's gates
	// scanned.
	mapping := map[ledger.ItemKey]ledger.Mapping{}
	status := map[ledger.ItemKey]ledger.Status{}
	var all []RerunCase
	for _, rec := range col.Records {
		if bad[rec.ID] {
			continue
		}
		e := rec.Entry
		if ev := e.Evidence; ev != nil && ev.CodeCommit != "" && len(ev.Gates) > 0 {
			c := RerunCase{Entry: rec.ID, Kind: e.Kind, Evidence: ev}
			for _, k := range caseItems(e, status) {
				m := mapping[k]
				if e.Kind == ledger.KindCheckpoint && (m.TargetFile == "" || m.TargetSymbol == "") {
					continue // the checkpoint command scans mapped items only
				}
				c.Items = append(c.Items, k)
				c.Targets = append(c.Targets, gates.Target{ItemKey: k, File: m.TargetFile, Symbol: m.TargetSymbol, Filter: m.TestFilter})
			}
			if before == nil || !before[plumbing.NewHash(rec.Commit)] {
				all = append(all, c)
			}
		}
		for _, d := range e.Features {
			mapping[ledger.ItemKey{Kind: ledger.Feature, ID: d.ID}] = d.Mapping
		}
		for _, d := range e.Tests {
			mapping[ledger.ItemKey{Kind: ledger.Test, ID: d.ID}] = d.Mapping
		}
		if e.Kind == ledger.KindTransition {
			for _, m := range e.Moves {
				status[ledger.ItemKey{Kind: e.ItemKind, ID: m.ID}] = m.To
			}
		}
	}
	return selectCases(all, col.Records, sel)
}

// caseItems are the items an entry's stub gate scanned: a transition's
// moved items, a red run's feature, a checkpoint's complete items (as the
// checkpoint command chooses them); a baseline scans none.
func caseItems(e *ledger.Entry, status map[ledger.ItemKey]ledger.Status) []ledger.ItemKey {
	var out []ledger.ItemKey
	switch e.Kind {
	case ledger.KindTransition:
		for _, m := range e.Moves {
			out = append(out, ledger.ItemKey{Kind: e.ItemKind, ID: m.ID})
		}
	case ledger.KindRed:
		if e.Red != nil {
			out = append(out, ledger.ItemKey{Kind: ledger.Feature, ID: e.Red.Feature})
		}
	case ledger.KindCheckpoint:
		for k, s := range status {
			if s == ledger.Complete {
				out = append(out, k)
			}
		}
		slices.SortFunc(out, func(a, b ledger.ItemKey) int {
			if a.Kind != b.Kind {
				return strings.Compare(string(a.Kind), string(b.Kind))
			}
			return a.ID - b.ID
		})
	}
	return out
}

// selectCases applies the entry names and the sample to the eligible cases.
func selectCases(all []RerunCase, recs []*ledger.Record, sel RerunSelection) ([]RerunCase, error) {
	if len(sel.Entries) > 0 {
		byID := map[string]int{}
		for i, c := range all {
			byID[c.Entry] = i
		}
		var picked []RerunCase
		seen := map[string]bool{}
		for _, name := range sel.Entries {
			id, err := resolveEntry(name, recs)
			if err != nil {
				return nil, err
			}
			i, ok := byID[id]
			if !ok {
				return nil, &UsageError{fmt.Sprintf("entry %s has no gate evidence to re-run here (or --since leaves it out): name an entry that records gates (porttracker log shows them)", id[:12])}
			}
			if !seen[id] {
				seen[id] = true
				picked = append(picked, all[i])
			}
		}
		all = picked
	}
	if sel.Sample > 0 && sel.Sample < len(all) {
		rng := rand.New(rand.NewPCG(sel.Seed, sel.Seed^0x9e3779b97f4a7c15))
		idx := rng.Perm(len(all))[:sel.Sample]
		slices.Sort(idx)
		picked := make([]RerunCase, len(idx))
		for i, j := range idx {
			picked[i] = all[j]
		}
		all = picked
	}
	return all, nil
}

// resolveEntry finds the one entry that name (an ID or a prefix) names.
func resolveEntry(name string, recs []*ledger.Record) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if len(n) < MinEntryPrefix || len(n) > 40 || strings.Trim(n, "0123456789abcdef") != "" {
		return "", &UsageError{fmt.Sprintf("%q is not an entry ID: give an entry's ID or its first %d or more hex digits (porttracker log shows them)", name, MinEntryPrefix)}
	}
	var found []string
	for _, r := range recs {
		if strings.HasPrefix(r.ID, n) {
			found = append(found, r.ID)
		}
	}
	switch len(found) {
	case 0:
		return "", &UsageError{fmt.Sprintf("no entry %s in the ledger (porttracker log shows the entries; run porttracker sync if another clone wrote it)", name)}
	case 1:
		return found[0], nil
	}
	return "", &UsageError{fmt.Sprintf("entry prefix %s is ambiguous (%d entries): give more digits", name, len(found))}
}

// RerunGate is one re-run gate set against its evidence.
type RerunGate struct {
	Name     string            `json:"name"`
	Filter   string            `json:"filter,omitempty"`
	Recorded ledger.GateResult `json:"recorded"`
	Rerun    ledger.GateResult `json:"rerun"`
	// Discrepancy is how the re-run differs from the evidence; "" when it
	// reproduces it.
	Discrepancy string `json:"discrepancy,omitempty"`
}

// RerunResult is one re-run entry.
type RerunResult struct {
	Entry      string           `json:"entry"`
	Kind       ledger.EntryKind `json:"kind"`
	CodeCommit string           `json:"code_commit"`
	Items      []string         `json:"items"`
	// Dirty says the evidence was recorded on a working tree with
	// uncommitted changes, which the commit does not hold: a discrepancy
	// may come from them.
	Dirty      bool        `json:"dirty"`
	Reproduced bool        `json:"reproduced"`
	Gates      []RerunGate `json:"gates"`
}

// Findings are the entry's gates that did not reproduce, one line each,
// naming the entry, its items, the gate and both counts.
func (r RerunResult) Findings() []string {
	var out []string
	for _, g := range r.Gates {
		if g.Discrepancy == "" {
			continue
		}
		who := r.Who()
		gate := g.Name + " gate"
		if g.Filter != "" {
			gate += " (filter " + g.Filter + ")"
		}
		note := ""
		if r.Dirty {
			note = " (recorded on a dirty tree)"
		}
		out = append(out, fmt.Sprintf("entry %s (%s) at code %s: the %s does not reproduce: recorded %s, %s; re-run %s, %s%s",
			r.Entry[:12], who, shortCommit(r.CodeCommit), gate, gateVerdict(g.Recorded), gates.CountsText(g.Recorded), gateVerdict(g.Rerun), gates.CountsText(g.Rerun), note))
	}
	return out
}

// Who names what the entry is about: a transition's items, else its kind
// and the items its stub gate scanned ("checkpoint: feature 1, feature 2").
func (r RerunResult) Who() string {
	items := strings.Join(r.Items, ", ")
	switch {
	case r.Kind == ledger.KindTransition:
		return items
	case items == "":
		return string(r.Kind)
	}
	return string(r.Kind) + ": " + items
}

func gateVerdict(g ledger.GateResult) string {
	if g.OK {
		return "ok"
	}
	return "failed"
}

func shortCommit(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

// CheckCommits demands that every case's code commit is in store, before
// anything runs; the error is a *gates.MissingCommitError naming the first
// missing one and its entry.
func CheckCommits(store *gitstore.Store, cases []RerunCase) error {
	for _, c := range cases {
		_, err := store.Commit(plumbing.NewHash(c.Evidence.CodeCommit))
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return fmt.Errorf("entry %s: %w", c.Entry[:12], &gates.MissingCommitError{Commit: c.Evidence.CodeCommit})
		}
		if err != nil {
			return fmt.Errorf("entry %s: read code commit %s: %w", c.Entry[:12], c.Evidence.CodeCommit, err)
		}
	}
	return nil
}

// Rerun re-runs one case: it checks the code commit out into a temporary
// directory, runs the recorded gates there with runner (whose Config is the
// working tree's porttracker.toml) and sets each against its evidence.
// The directory is removed afterwards.
func Rerun(ctx context.Context, store *gitstore.Store, runner *gates.Runner, c RerunCase) (RerunResult, error) {
	ev := c.Evidence
	res := RerunResult{Entry: c.Entry, Kind: c.Kind, CodeCommit: ev.CodeCommit, Items: []string{}, Dirty: ev.Dirty || ev.AllowedDirty, Gates: []RerunGate{}}
	for _, k := range c.Items {
		res.Items = append(res.Items, k.String())
	}
	dir, err := os.MkdirTemp("", "porttracker-rerun-")
	if err != nil {
		return res, fmt.Errorf("re-run entry %s: %w", c.Entry[:12], err)
	}
	defer os.RemoveAll(dir)
	if err := gates.Checkout(store.Objects(), plumbing.NewHash(ev.CodeCommit), dir); err != nil {
		return res, fmt.Errorf("re-run entry %s: %w", c.Entry[:12], err)
	}
	got, err := runner.Rerun(ctx, dir, ev.Gates, c.Targets)
	if err != nil {
		return res, fmt.Errorf("re-run entry %s: %w", c.Entry[:12], err)
	}
	res.Reproduced = true
	for i, g := range ev.Gates {
		rg := RerunGate{Name: g.Name, Filter: g.Filter, Recorded: g, Rerun: got[i], Discrepancy: gates.Discrepancy(g, got[i])}
		if rg.Discrepancy != "" {
			res.Reproduced = false
		}
		res.Gates = append(res.Gates, rg)
	}
	return res, nil
}
