package ledger

import (
	"errors"
	"slices"
)

// Replay replays a whole ledger (its History as branch.Collect(s, head,
// nil) reads it) into st, head being the branch's commit: records whose clocks are not derived from their history are refused,
// the signers in force for each entry come from its commit's ancestry, and
// entries concurrent with their signer's revocation are refused (a first
// pass finds the revocations that apply) unless a resolution accepted them
// (a second pass, where they grant nothing, judges the resolutions); the
// ones a resolution rejected are left out without a finding. It returns the findings of the
// refused records, in replay order, and sets st.Clock to the head's clock.
func Replay(h *History, head string, st *State) ([]Finding, error) {
	lin, recs, findings, err := NewLineage(h, nil)
	if err != nil {
		return nil, err
	}
	var revs []*Record
	for _, r := range recs {
		if r.Entry.Kind == KindSigner && r.Entry.Action == ActionRevoke {
			revs = append(revs, r)
		}
	}
	if len(revs) > 0 {
		first := NewState(nil)
		replayWith(lin, recs, first)
		var applied []*Record
		for _, r := range revs {
			if lin.applied[r.ID] {
				applied = append(applied, r)
			}
		}
		lin.SetRevocations(applied)
		if len(applied) > 0 && slices.ContainsFunc(recs, func(r *Record) bool { return r.Entry.Kind == KindResolution }) {
			// Resolutions are judged where the conflicting entries grant
			// nothing, so that none of them can vouch for its own
			// resolution; their decisions then bind the final replay.
			refused := map[string]Finding{}
			for _, f := range replayWith(lin, recs, NewState(nil)) {
				if r := lin.byID[f.Entry]; r != nil && r.Entry.Kind == KindResolution {
					refused[f.Entry] = f
				}
			}
			lin.setDecisions(refused)
		}
	}
	findings = append(findings, replayWith(lin, recs, st)...)
	st.Clock, err = lin.Clock(head)
	return findings, err
}

func replayWith(lin *Lineage, recs []*Record, st *State) []Finding {
	st.Authority = lin
	defer func() { st.Authority = nil }()
	var out []Finding
	for _, r := range recs {
		if f, ok := lin.resolutionErr[r.ID]; ok {
			out = append(out, Finding{Commit: r.Commit, Path: EntryPath(r.ID), Entry: r.ID, Msg: f.Msg, Err: f.Err})
			continue
		}
		if err := st.Apply(r); err != nil {
			var rejected *ResolvedError
			if errors.As(err, &rejected) {
				continue
			}
			f := Finding{Commit: r.Commit, Path: EntryPath(r.ID), Entry: r.ID, Msg: err.Error()}
			if IsRule(err) {
				f.Err = err
			}
			var conflict *ConflictError
			if errors.As(err, &conflict) {
				f.ConflictWith = conflict.Revocation
			}
			out = append(out, f)
			continue
		}
		lin.Applied(r)
	}
	return out
}
