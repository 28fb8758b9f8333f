package ledger

import (
	"fmt"
	"slices"
)

// Lineage is what replay knows of the ledger's history, so that order and
// authority follow git's history rather than what an entry claims:
//
//   - an entry's clock must be exactly one past the largest clock of the
//     valid entries in its commit's ancestry (what a writer derives); any
//     other clock is a finding and the entry is not replayed;
//   - the signers in force for an entry are those that the signer entries
//     in its commit's ancestry leave active;
//   - an entry by a signer whose revocation it is concurrent with (neither
//     before nor after it in history) grants nothing: it is reported as a
//     conflict with that revocation.
//
// It decides on the commit graph and the entries alone.
type Lineage struct {
	parents map[string][]string
	// entry is the clock-valid record each plain commit added.
	entry map[string]*Record
	clock map[string]uint64
	// known gives the clock of a commit outside the collected part.
	known func(string) (uint64, error)
	// applied are the signer entries that replay applied; events memoizes
	// the applied signer entries reachable from each commit.
	applied map[string]bool
	events  map[string][]*Record
	// revokes are applied revocations, by revoked identity, and reach the
	// commits reachable from each of them (for the concurrency rule).
	revokes map[string][]*Record
	reach   map[string]map[string]bool
	// byID are the clock-valid records by entry ID. pending collects the
	// decisions of the resolutions a replay applies; decisions and decided
	// are those that bind the final replay, and the resolutions that made
	// them; resolutionErr, the refusals of the others (see Replay).
	byID          map[string]*Record
	pending       map[string]Decision
	resolutions   []string
	decisions     map[string]Decision
	decided       map[string]bool
	resolutionErr map[string]Finding

	// While NewLineage runs: the record each commit added, and where
	// findings go.
	byCommit map[string]*Record
	findings *[]Finding
}

// NewLineage checks the clocks of the records of h, read from the commits
// of h (and, when known is set, from commits outside it whose clocks
// known gives: the part of the ledger a view already holds). It returns
// the records whose clocks are derived, in replay order, and a finding for
// each other.
func NewLineage(h *History, known func(string) (uint64, error)) (*Lineage, []*Record, []Finding, error) {
	l := &Lineage{
		parents: map[string][]string{},
		entry:   map[string]*Record{},
		clock:   map[string]uint64{},
		known:   known,
		applied: map[string]bool{},
		events:  map[string][]*Record{},
		reach:   map[string]map[string]bool{},
		byID:    map[string]*Record{},
		pending: map[string]Decision{},
	}
	byCommit := map[string]*Record{}
	for _, r := range h.Records {
		byCommit[r.Commit] = r
	}
	for _, c := range h.Graph {
		l.parents[c.ID] = c.Parents
	}
	var findings []Finding
	var valid []*Record
	l.byCommit, l.findings = byCommit, &findings
	for _, c := range h.Graph {
		if _, err := l.Clock(c.ID); err != nil {
			return nil, nil, nil, err
		}
	}
	l.byCommit, l.findings = nil, nil
	for _, r := range h.Records {
		if l.entry[r.Commit] == r {
			valid = append(valid, r)
			l.byID[r.ID] = r
		}
	}
	SortRecords(valid)
	return l, valid, findings, nil
}

// setClock computes the clock of commit h of the collected part, and
// whether the entry it added has a derived clock.
func (l *Lineage) setClock(h string) error {
	byCommit, findings := l.byCommit, l.findings
	var base uint64
	for _, p := range l.parents[h] {
		c, err := l.Clock(p)
		if err != nil {
			return err
		}
		base = max(base, c)
	}
	l.clock[h] = base
	r := byCommit[h]
	if r == nil || len(l.parents[h]) > 1 {
		return nil
	}
	if r.Entry.Clock != base+1 {
		*findings = append(*findings, Finding{Commit: r.Commit, Path: EntryPath(r.ID), Entry: r.ID,
			Msg: fmt.Sprintf("clock %d is not derived from its history: the largest clock there is %d, so a writer writes %d; the entry is not replayed", r.Entry.Clock, base, base+1)})
		return nil
	}
	l.entry[h] = r
	l.clock[h] = r.Entry.Clock
	return nil
}

// Clock is the largest clock of the valid entries reachable from commit h:
// the next entry written on h has this clock plus one.
func (l *Lineage) Clock(h string) (uint64, error) {
	if c, ok := l.clock[h]; ok {
		return c, nil
	}
	if _, inside := l.parents[h]; inside {
		if l.findings == nil {
			return 0, fmt.Errorf("ledger commit %s: its clock was not computed", h)
		}
		if err := l.setClock(h); err != nil {
			return 0, err
		}
		return l.clock[h], nil
	}
	if l.known == nil {
		return 0, fmt.Errorf("ledger commit %s is not in the history read", h)
	}
	c, err := l.known(h)
	if err != nil {
		return 0, err
	}
	l.clock[h] = c
	return c, nil
}

// Applied records that replay applied rec (signer entries count as the
// signers in force for what descends from them).
func (l *Lineage) Applied(rec *Record) {
	if rec.Entry.Kind == KindGenesis || rec.Entry.Kind == KindSigner {
		l.applied[rec.ID] = true
	}
}

// eventsAt lists the applied signer entries reachable from commit h.
func (l *Lineage) eventsAt(h string) []*Record {
	if ev, ok := l.events[h]; ok {
		return ev
	}
	var out []*Record
	ps := l.parents[h]
	for i, p := range ps {
		ev := l.eventsAt(p)
		if i == 0 {
			out = ev
			continue
		}
		for _, e := range ev {
			if !slices.Contains(out, e) {
				out = append(slices.Clip(out), e)
			}
		}
	}
	if r := l.entry[h]; r != nil && l.applied[r.ID] {
		out = append(slices.Clip(out), r)
	}
	l.events[h] = out
	return out
}

// before lists the applied signer entries in the ancestry of rec's commit.
func (l *Lineage) before(rec *Record) []*Record {
	h := rec.Commit
	var out []*Record
	for i, p := range l.parents[h] {
		if i == 0 {
			out = l.eventsAt(p)
			continue
		}
		for _, e := range l.eventsAt(p) {
			if !slices.Contains(out, e) {
				out = append(slices.Clip(out), e)
			}
		}
	}
	return out
}

// SignerAt returns the signer identity as the signer entries in rec's
// ancestry leave it, or nil if none added it. A signer is in force if some
// entry added it and every revocation of it in that ancestry came before
// that addition; a revocation concurrent with an addition wins.
func (l *Lineage) SignerAt(rec *Record, identity string) *SignerState {
	evs := l.before(rec)
	var adds, revokes []*Record
	for _, e := range evs {
		switch {
		case e.Entry.Kind == KindGenesis && e.Entry.Identity == identity,
			e.Entry.Kind == KindSigner && e.Entry.Action == ActionAdd && e.Entry.Identity == identity:
			adds = append(adds, e)
		case e.Entry.Kind == KindSigner && e.Entry.Action == ActionRevoke && e.Entry.Identity == identity:
			revokes = append(revokes, e)
		}
	}
	if len(adds) == 0 {
		return nil
	}
	var live *Record
	for _, a := range adds {
		prior := l.before(a)
		covered := true
		for _, r := range revokes {
			if !slices.Contains(prior, r) {
				covered = false
			}
		}
		if covered && (live == nil || live.Position().Before(a.Position())) {
			live = a
		}
	}
	if live == nil {
		last := revokes[len(revokes)-1]
		return &SignerState{Identity: identity, Key: adds[len(adds)-1].Entry.Key, AddedBy: adds[len(adds)-1].ID, RevokedBy: last.ID}
	}
	return &SignerState{Identity: identity, Key: live.Entry.Key, Active: true, AddedBy: live.ID}
}

// SetRevocations gives the revocations a first replay applied, so that a
// second one can refuse the entries concurrent with them.
func (l *Lineage) SetRevocations(revs []*Record) {
	l.revokes = map[string][]*Record{}
	for _, r := range revs {
		l.revokes[r.Entry.Identity] = append(l.revokes[r.Entry.Identity], r)
	}
	l.applied = map[string]bool{}
	l.events = map[string][]*Record{}
}

// setDecisions makes the decisions of the resolutions a replay applied
// bind the next one, and remembers why the others were refused (refused
// maps their IDs to their findings).
func (l *Lineage) setDecisions(refused map[string]Finding) {
	l.decisions, l.pending = l.pending, map[string]Decision{}
	l.decided = map[string]bool{}
	for _, id := range l.resolutions {
		l.decided[id] = true
	}
	l.resolutions = nil
	l.resolutionErr = refused
	l.applied = map[string]bool{}
	l.events = map[string][]*Record{}
}

// revoking reports whether r is an applied revocation (SetRevocations).
func (l *Lineage) revoking(r *Record) bool {
	return slices.Contains(l.revokes[r.Entry.Identity], r)
}

// inHistory reports whether r's commit is in the history of rec's commit.
func (l *Lineage) inHistory(rec, r *Record) bool {
	return l.reaches(rec, r.Commit)
}

// Concurrent returns the revocation of rec's signer that rec is concurrent
// with, or nil: rec is not in the revocation's history, and the revocation
// is not in rec's (an entry after its signer's revocation is refused as
// revoked instead).
func (l *Lineage) Concurrent(rec *Record) *Record {
	for _, r := range l.revokes[rec.Entry.Signer] {
		if r.ID == rec.ID {
			continue
		}
		if !l.reaches(r, rec.Commit) && !slices.Contains(l.before(rec), r) {
			return r
		}
	}
	return nil
}

// reaches reports whether commit h is in the history of record r's commit.
func (l *Lineage) reaches(r *Record, h string) bool {
	set, ok := l.reach[r.ID]
	if !ok {
		set = map[string]bool{}
		stack := slices.Clone(l.parents[r.Commit])
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if set[c] {
				continue
			}
			set[c] = true
			stack = append(stack, l.parents[c]...)
		}
		l.reach[r.ID] = set
	}
	return set[h]
}
