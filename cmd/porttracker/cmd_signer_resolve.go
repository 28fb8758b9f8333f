package main

import (
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/ledger"
)

func signerResolveCommand() *cli.Command {
	return &cli.Command{
		Name:      "resolve",
		Usage:     "settle a revocation conflict: which entries a revoked signer wrote concurrently stand",
		ArgsUsage: " ",
		Description: describe(`When a merge joins a signer's revocation with entries that signer wrote meanwhile
(neither in the other's history), audit reports each as a conflict and they grant nothing.
A current signer settles them with a signed resolution entry: --accept replays an entry as
if the revocation had come after it, --reject leaves it out for good. Name entries by
their ID or a unique prefix of at least 7 hex digits (audit lists them); every entry named
must conflict with the same revocation. The revoked signer, and signers that the
conflicting entries themselves add, cannot resolve.`,
			"porttracker signer resolve --accept 3f2a9c1,77b0e4d",
			"porttracker signer resolve --reject 3f2a9c1 --accept 77b0e4d"),
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "accept", Usage: "conflicting entries that stand (IDs or prefixes, comma-separated)"},
			&cli.StringSliceFlag{Name: "reject", Usage: "conflicting entries that do not"},
		},
		Action: runSignerResolve,
	}
}

func runSignerResolve(c *cli.Context) error {
	if err := args(c, 0, "no arguments (name the entries with --accept and --reject)"); err != nil {
		return err
	}
	accept, reject := splitList(c.StringSlice("accept")), splitList(c.StringSlice("reject"))
	if len(accept)+len(reject) == 0 {
		return usagef("signer resolve: name the conflicting entries with --accept or --reject (porttracker audit lists them)")
	}
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	res, err := audit.Verify(e.store, e.head, nil)
	if err != nil {
		return err
	}
	conflicts := map[string]string{} // entry → revocation
	for _, f := range res.Findings {
		if f.ConflictWith != "" {
			conflicts[f.Entry] = f.ConflictWith
		}
	}
	if len(conflicts) == 0 {
		return usagef("signer resolve: the ledger has no revocation conflict to resolve")
	}
	rev := ""
	resolve := func(list []string) ([]string, error) {
		var out []string
		for _, p := range list {
			id, err := conflictByPrefix(conflicts, p)
			if err != nil {
				return nil, err
			}
			if rev != "" && conflicts[id] != rev {
				return nil, usagef("signer resolve: entries conflict with different revocations (%s and %s): resolve each revocation's entries on their own", shortHash(rev), shortHash(conflicts[id]))
			}
			rev = conflicts[id]
			out = append(out, id)
		}
		return out, nil
	}
	acc, err := resolve(accept)
	if err != nil {
		return err
	}
	rej, err := resolve(reject)
	if err != nil {
		return err
	}
	ent, err := ledger.BuildResolution(rev, acc, rej)
	if err != nil {
		return usagef("signer resolve: %v", err)
	}
	_, err = e.record(func(*ledger.State) (*ledger.Entry, error) { return ent, nil })
	return err
}

// splitList splits comma-separated flag values, dropping blanks.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}

// conflictByPrefix finds the conflicting entry that prefix names.
func conflictByPrefix(conflicts map[string]string, prefix string) (string, error) {
	p := strings.ToLower(prefix)
	if len(p) < 7 || strings.Trim(p, "0123456789abcdef") != "" {
		return "", usagef("signer resolve: %q is not an entry ID or a prefix of at least 7 hex digits", prefix)
	}
	var hits []string
	for id := range conflicts {
		if strings.HasPrefix(id, p) {
			hits = append(hits, id)
		}
	}
	sort.Strings(hits)
	switch len(hits) {
	case 0:
		return "", usagef("signer resolve: %s names no entry in conflict with a revocation (porttracker audit lists them)", prefix)
	case 1:
		return hits[0], nil
	}
	return "", usagef("signer resolve: %s names %d conflicting entries (%s, …): give more digits", prefix, len(hits), shortHash(hits[0]))
}
