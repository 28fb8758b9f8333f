package ledger

import (
	"fmt"
	"reflect"
	"strings"
)

// MoveRequest asks for items of one kind to move to one status.
type MoveRequest struct {
	Kind     Kind
	IDs      []int
	To       Status
	Reason   string
	Evidence *Evidence
	// Checkpoint is the checkpoint entry a move to verified relies on.
	Checkpoint string
	// Baseline is the latest baseline entry, which a move to complete in a
	// batch with tasks relies on.
	Baseline string
}

// BuildTransition makes the transition entry for req against st: each
// item's from-status and previous entries are read from st, so that
// concurrent entries on the same item can be told apart at replay. An item
// in conflict moves only with a reason that starts with "resolve:".
func BuildTransition(st *State, req MoveRequest) (*Entry, error) {
	if len(req.IDs) == 0 {
		return nil, fmt.Errorf("no IDs given")
	}
	e := &Entry{Kind: KindTransition, ItemKind: req.Kind, Reason: strings.TrimSpace(req.Reason),
		Evidence: req.Evidence, Checkpoint: req.Checkpoint, Baseline: req.Baseline}
	from := map[Status]int{}
	for _, id := range req.IDs {
		k := ItemKey{req.Kind, id}
		it, err := st.Item(k)
		if err != nil {
			return nil, err
		}
		if it == nil {
			return nil, rulef("%s is not defined (see porttracker %s list)", k, req.Kind)
		}
		m := Move{ID: id, From: it.Status, To: req.To}
		for _, h := range it.Heads {
			m.Prev = append(m.Prev, h.Entry)
		}
		if it.Conflict {
			if !strings.HasPrefix(e.Reason, ResolvePrefix) {
				return nil, rulef("%s is in conflict (%s); settle it with --override \"resolve: why\"", k, describeHeads(it.Heads))
			}
		}
		from[m.From]++
		e.Moves = append(e.Moves, m)
	}
	e.Summary = summarizeMoves(req, from)
	if req.To != Verified {
		e.Checkpoint = ""
	}
	if req.To != Complete {
		e.Baseline = ""
	}
	return e, nil
}

func describeHeads(heads []Head) string {
	parts := make([]string, len(heads))
	for i, h := range heads {
		parts[i] = fmt.Sprintf("%s by %s in %s", h.To, h.Signer, short(h.Entry))
	}
	return strings.Join(parts, " vs ")
}

func summarizeMoves(req MoveRequest, from map[Status]int) string {
	var froms []string
	for _, st := range statuses {
		if from[st] > 0 {
			froms = append(froms, string(st))
		}
	}
	what := fmt.Sprintf("%s %d", req.Kind, req.IDs[0])
	if len(req.IDs) > 1 {
		what = fmt.Sprintf("%ss %s", req.Kind, FormatIDs(req.IDs))
	}
	return fmt.Sprintf("%s: %s -> %s", what, strings.Join(froms, "/"), req.To)
}

// BuildInventory makes the inventory entry that brings st to the given
// definitions, leaving out what is already so. It returns nil when nothing
// would change.
func BuildInventory(st *State, source string, features, tests []ItemDef, batches []BatchDef) (*Entry, error) {
	e := &Entry{Kind: KindInventory, Source: source}
	var err error
	if e.Features, err = changedItems(st, Feature, features); err != nil {
		return nil, err
	}
	if e.Tests, err = changedItems(st, Test, tests); err != nil {
		return nil, err
	}
	for _, b := range batches {
		cur, err := st.Batch(b.ID)
		if err != nil {
			return nil, err
		}
		if cur != nil && cur.Name == b.Name && reflect.DeepEqual(normInts(cur.Depends), normInts(b.Depends)) && membersMatch(st, b) {
			continue
		}
		e.Batches = append(e.Batches, b)
	}
	if len(e.Features)+len(e.Tests)+len(e.Batches) == 0 {
		return nil, nil
	}
	e.Summary = fmt.Sprintf("inventory: %d features, %d tests, %d batches defined or remapped", len(e.Features), len(e.Tests), len(e.Batches))
	return e, nil
}

func normInts(s []int) []int {
	if len(s) == 0 {
		return nil
	}
	return s
}

// membersMatch says whether every item the batch lists already belongs to it.
func membersMatch(st *State, b BatchDef) bool {
	keys, err := b.Members()
	if err != nil {
		return false
	}
	for _, k := range keys {
		it, err := st.Item(k)
		if err != nil || it == nil || it.Batch != b.ID {
			return false
		}
	}
	return true
}

// changedItems returns the definitions that change an item. A field that a
// definition leaves empty keeps the item's current value, so that a file
// which remaps targets does not erase the spans and digests a scan recorded.
func changedItems(st *State, kind Kind, defs []ItemDef) ([]ItemDef, error) {
	var out []ItemDef
	for _, d := range defs {
		it, err := st.Item(ItemKey{kind, d.ID})
		if err != nil {
			return nil, err
		}
		if it != nil {
			d.Mapping = mergeMapping(it.Mapping, d.Mapping)
			if it.Mapping == d.Mapping && it.Removed == d.Removed {
				continue
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// mergeMapping fills the empty fields of m from cur.
func mergeMapping(cur, m Mapping) Mapping {
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&m.SourceFile, cur.SourceFile)
	fill(&m.SourceSymbol, cur.SourceSymbol)
	fill(&m.SourceCommit, cur.SourceCommit)
	fill(&m.SourceDigest, cur.SourceDigest)
	fill(&m.TargetFile, cur.TargetFile)
	fill(&m.TargetSymbol, cur.TargetSymbol)
	fill(&m.TestFilter, cur.TestFilter)
	if m.SourceStart == 0 && m.SourceEnd == 0 {
		m.SourceStart, m.SourceEnd = cur.SourceStart, cur.SourceEnd
	}
	return m
}

// BuildBatch makes a batch start or complete entry.
func BuildBatch(id int, action string) *Entry {
	return &Entry{Kind: KindBatch, Batch: id, Action: action, Summary: fmt.Sprintf("batch %d: %s", id, action)}
}

// BuildSigner makes a signer add or revoke entry.
func BuildSigner(identity, key, action string) (*Entry, error) {
	if err := CheckIdentity(identity); err != nil {
		return nil, err
	}
	e := &Entry{Kind: KindSigner, Identity: identity, Action: action, Summary: fmt.Sprintf("signer %s: %s", action, identity)}
	if action == ActionAdd {
		k, err := ParsePublicKey(key)
		if err != nil {
			return nil, err
		}
		e.Key = AuthorizedKey(k)
	}
	return e, nil
}

// BuildCheckpoint makes a checkpoint entry from the checkpoint gates'
// evidence.
func BuildCheckpoint(ev *Evidence, label string) *Entry {
	s := "checkpoint at " + short(ev.CodeCommit)
	if ev.Dirty {
		s += " (dirty)"
	}
	if label != "" {
		s += ": " + label
	}
	return &Entry{Kind: KindCheckpoint, Evidence: ev, Reason: label, Summary: s}
}
