package ledger

import (
	"fmt"
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
			return nil, refuse(RuleError{Code: CodeItemUndefined, Item: k}, "%s is not defined", k)
		}
		m := Move{ID: id, From: it.Status, To: req.To}
		for _, h := range it.Heads {
			m.Prev = append(m.Prev, h.Entry)
		}
		if it.Conflict {
			if !strings.HasPrefix(e.Reason, ResolvePrefix) {
				return nil, refuse(RuleError{Code: CodeItemConflict, Item: k}, "%s is in conflict (%s)", k, describeHeads(it.Heads))
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
