package ledger

import (
	"fmt"
	"slices"
	"strings"
)

// KindResolution settles a revocation conflict: the entries a revoked
// signer wrote concurrently with its revocation (neither is in the other's
// history) grant nothing until a signer in force records, in a resolution
// entry, which of them stand (accepted: replayed as if the revocation had
// come after them) and which do not (rejected: never replayed). Only a
// signer in force in the resolution's own history, counting none of the
// conflicting entries, may sign it; the revoked signer may not.
const KindResolution EntryKind = "resolution"

// ResolutionPayload is what a resolution entry decides.
type ResolutionPayload struct {
	// Revocation is the ID of the revocation the entries conflict with.
	Revocation string `toml:"revocation"`
	// Accept and Reject are the IDs of the conflicting entries that stand
	// and that do not.
	Accept []string `toml:"accept,omitempty"`
	Reject []string `toml:"reject,omitempty"`
}

// Decision is what a resolution says of one conflicting entry.
type Decision struct {
	// Resolution is the resolution entry's ID, Revocation the revocation's.
	Resolution, Revocation string
	Accept                 bool
}

// BuildResolution is the entry that resolves the conflicts of revocation
// rev: accept and reject are entry IDs (at least one in all, none in both).
func BuildResolution(rev string, accept, reject []string) (*Entry, error) {
	p := &ResolutionPayload{Revocation: rev, Accept: slices.Clone(accept), Reject: slices.Clone(reject)}
	if err := p.check(); err != nil {
		return nil, err
	}
	var parts []string
	if len(accept) > 0 {
		parts = append(parts, fmt.Sprintf("accepts %d", len(accept)))
	}
	if len(reject) > 0 {
		parts = append(parts, fmt.Sprintf("rejects %d", len(reject)))
	}
	return &Entry{Kind: KindResolution, Resolution: p,
		Summary: fmt.Sprintf("resolution of revocation %s: %s", short(rev), strings.Join(parts, ", "))}, nil
}

// check reports what makes the payload malformed.
func (p *ResolutionPayload) check() error {
	if !isEntryID(p.Revocation) {
		return fmt.Errorf("revocation %q is not an entry ID (40 hex digits)", p.Revocation)
	}
	if len(p.Accept)+len(p.Reject) == 0 {
		return fmt.Errorf("a resolution must accept or reject at least one entry")
	}
	seen := map[string]bool{}
	for _, id := range append(slices.Clone(p.Accept), p.Reject...) {
		if !isEntryID(id) {
			return fmt.Errorf("%q is not an entry ID (40 hex digits)", id)
		}
		if seen[id] {
			return fmt.Errorf("entry %s is named twice", short(id))
		}
		seen[id] = true
	}
	return nil
}

// isEntryID reports whether s is an entry ID: 40 lower-case hex digits (see EntryID).
func isEntryID(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// resolutionRule checks a resolution entry. At replay (the snapshot has the Lineage) every
// entry it names must be one that conflicts with its revocation, in the
// resolution's history, and not already resolved; the decisions then bind
// the final replay (see Replay). Without the history at hand (a writer's
// check on a view) only the payload is checked: the command checks the
// conflicts on a full replay, and the view replays a resolution in full.
func resolutionRule(v *snapshot, rec *Record) (Delta, error) {
	p := rec.Entry.Resolution
	if p == nil {
		return Delta{}, rulef("entry %s: a resolution entry without a resolution", rec.ID)
	}
	if err := p.check(); err != nil {
		return Delta{}, rulef("entry %s: resolution: %v", rec.ID, err)
	}
	lin := v.authority
	if lin == nil || lin.decided[rec.ID] {
		return Delta{}, nil
	}
	rev := lin.byID[p.Revocation]
	if rev == nil || !lin.revoking(rev) || !lin.inHistory(rec, rev) {
		return Delta{}, rulef("entry %s: resolution: %s is not a revocation in its history", rec.ID, short(p.Revocation))
	}
	d := Delta{Resolution: true, Decisions: map[string]Decision{}}
	for _, list := range [][]string{p.Accept, p.Reject} {
		for _, id := range list {
			if err := lin.checkResolvable(rec, rev, id); err != nil {
				return Delta{}, err
			}
		}
	}
	for _, id := range p.Accept {
		d.Decisions[id] = Decision{Resolution: rec.ID, Revocation: rev.ID, Accept: true}
	}
	for _, id := range p.Reject {
		d.Decisions[id] = Decision{Resolution: rec.ID, Revocation: rev.ID}
	}
	return d, nil
}

// checkResolvable demands that entry id, which resolution rec names, is in
// rec's history, conflicts with revocation rev and is not resolved yet.
func (l *Lineage) checkResolvable(rec, rev *Record, id string) error {
	r := l.byID[id]
	if r == nil || !l.inHistory(rec, r) {
		return rulef("entry %s: resolution: entry %s is not in its history", rec.ID, short(id))
	}
	if c := l.Concurrent(r); c == nil || c.ID != rev.ID {
		return rulef("entry %s: resolution: entry %s does not conflict with revocation %s", rec.ID, short(id), short(rev.ID))
	}
	if d, ok := l.pending[id]; ok {
		return rulef("entry %s: resolution: entry %s was resolved already, by %s", rec.ID, short(id), short(d.Resolution))
	}
	return nil
}

// record keeps the decisions of resolution entry id, to bind the final
// replay.
func (l *Lineage) record(id string, decisions map[string]Decision) {
	for entry, d := range decisions {
		l.pending[entry] = d
	}
	l.resolutions = append(l.resolutions, id)
}

// ResolvedError is the refusal of an entry that a resolution rejected: not
// a finding, since a signer settled it.
type ResolvedError struct{ Entry, Resolution string }

func (e *ResolvedError) Error() string {
	return fmt.Sprintf("entry %s: rejected by resolution %s", short(e.Entry), short(e.Resolution))
}

// ConflictError is the refusal of an entry concurrent with its signer's
// revocation that no resolution has settled.
type ConflictError struct {
	RuleError
	Entry, Revocation string
}

// Unwrap makes a ConflictError a RuleError (see IsRule).
func (e *ConflictError) Unwrap() error { return &e.RuleError }
