package ledger

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// RuleError is a rule of the status model that an entry breaks. Commands
// that meet one exit with status 1 and write nothing; audit reports it.
type RuleError struct{ Msg string }

func (e *RuleError) Error() string { return e.Msg }

func rulef(format string, args ...any) error { return &RuleError{Msg: fmt.Sprintf(format, args...)} }

// IsRule reports whether err is, or wraps, a RuleError.
func IsRule(err error) bool {
	var re *RuleError
	return errors.As(err, &re)
}

// ResolvePrefix starts the override reason of an entry that resolves a
// conflict.
const ResolvePrefix = "resolve:"

// Verify checks the record's signature and sets SigKey to the key that
// made it. It does not decide whether that key may sign: Apply does, with
// the signers valid at the record's place in the ledger.
func (r *Record) Verify() error {
	k, err := sshkey.VerifySignature(r.Payload, r.Armored, sshkey.Namespace)
	if err != nil {
		return err
	}
	r.SigKey = sshkey.AuthorizedKey(k)
	return nil
}

// Apply checks rec against every rule at this point of the ledger and, if
// it passes, applies it. A rejected record changes nothing. rec must have
// been verified (Verify) first.
func (s *State) Apply(rec *Record) error {
	if rec.SigKey == "" {
		return rulef("entry %s: signature not verified", rec.ID)
	}
	e := rec.Entry
	if err := s.checkSigner(rec); err != nil {
		return err
	}
	if err := CheckEvidence(e.Evidence); err != nil {
		return rulef("entry %s: %v", rec.ID, err)
	}
	if err := s.checkCodeCommit(e.Evidence); err != nil {
		return rulef("entry %s: %v", rec.ID, err)
	}
	var apply func() error
	var err error
	switch e.Kind {
	case KindGenesis:
		apply, err = s.genesis(rec)
	case KindSigner:
		apply, err = s.signerChange(rec)
	case KindInventory:
		apply, err = s.inventory(rec)
	case KindTransition:
		apply, err = s.transition(rec)
	case KindBatch:
		apply, err = s.batch(rec)
	case KindCheckpoint:
		apply, err = s.checkpoint(rec)
	case KindPolicy:
		apply, err = s.policy(rec)
	case KindPlan:
		apply, err = s.plan(rec)
	case KindTask:
		apply, err = s.task(rec)
	case KindBaseline:
		apply, err = s.baseline(rec)
	case KindRed:
		apply, err = s.red(rec)
	case KindResolution:
		apply, err = s.resolution(rec)
	default:
		err = rulef("entry %s: unknown kind %q", rec.ID, e.Kind)
	}
	if err != nil {
		return err
	}
	s.before = &Undo{Entry: rec.ID, Items: map[ItemKey]*ItemState{}, Batches: map[int]*BatchState{}, Signers: map[string]*SignerState{}}
	err = apply()
	s.Undo = append(s.Undo, *s.before)
	s.before = nil
	if err != nil {
		return err
	}
	if pos := rec.Position(); s.Last.Before(pos) {
		s.Last = pos
	}
	return nil
}

func (s *State) checkSigner(rec *Record) error {
	e := rec.Entry
	if e.Kind == KindGenesis {
		if s.Genesis != "" {
			return rulef("entry %s: a second genesis entry (the ledger began with %s)", rec.ID, s.Genesis)
		}
		if e.Key != rec.SigKey {
			return rulef("entry %s: genesis is not signed by the key it names", rec.ID)
		}
		return nil
	}
	if s.Genesis == "" && s.src == nil {
		return rulef("entry %s comes before the genesis entry", rec.ID)
	}
	var sg *SignerState
	if s.Authority != nil && rec.Commit != "" {
		if s.Authority.decided[rec.ID] {
			return nil // a resolution judged before its decisions took effect
		}
		sg = s.Authority.SignerAt(rec, e.Signer)
		if r := s.Authority.Concurrent(rec); r != nil && sg != nil && sg.Active {
			d, ok := s.Authority.decisions[rec.ID]
			switch {
			case !ok || d.Revocation != r.ID:
				return &ConflictError{Entry: rec.ID, Revocation: r.ID, RuleError: RuleError{Msg: fmt.Sprintf("entry %s: conflict: signer %q was revoked by entry %s concurrently (neither is in the other's history), so the entry grants nothing until a current signer resolves it (porttracker signer resolve --accept or --reject %s)", rec.ID, e.Signer, short(r.ID), short(rec.ID))}}
			case !d.Accept:
				return &ResolvedError{Entry: rec.ID, Resolution: d.Resolution}
			}
		}
	} else {
		var err error
		if sg, err = s.Signer(e.Signer); err != nil {
			return err
		}
	}
	switch {
	case sg == nil:
		return rulef("entry %s: unknown signer %q", rec.ID, e.Signer)
	case !sg.Active:
		return rulef("entry %s: signer %q was revoked (by entry %s) in the entry's history", rec.ID, e.Signer, short(sg.RevokedBy))
	case sg.Key != rec.SigKey:
		return rulef("entry %s: signed with a key that is not %q's", rec.ID, e.Signer)
	}
	return nil
}

func (s *State) genesis(rec *Record) (func() error, error) {
	e := rec.Entry
	if err := sshkey.CheckIdentity(e.Identity); err != nil {
		return nil, rulef("entry %s: %v", rec.ID, err)
	}
	if e.Signer != e.Identity {
		return nil, rulef("entry %s: genesis signer %q does not name itself", rec.ID, e.Signer)
	}
	return func() error {
		s.Genesis = rec.ID
		s.putSigner(&SignerState{Identity: e.Identity, Key: e.Key, Active: true, AddedBy: rec.ID})
		return nil
	}, nil
}

func (s *State) putSigner(sg *SignerState) {
	if s.before != nil {
		if _, ok := s.before.Signers[sg.Identity]; !ok {
			s.before.Signers[sg.Identity] = s.signers[sg.Identity]
		}
	}
	s.signers[sg.Identity] = sg
	s.dirtySigners[sg.Identity] = true
}

func (s *State) signerChange(rec *Record) (func() error, error) {
	e := rec.Entry
	cur, err := s.Signer(e.Identity)
	if err != nil {
		return nil, err
	}
	switch e.Action {
	case ActionAdd:
		if err := sshkey.CheckIdentity(e.Identity); err != nil {
			return nil, rulef("entry %s: %v", rec.ID, err)
		}
		if _, err := sshkey.ParsePublicKey(e.Key); err != nil {
			return nil, rulef("entry %s: %v", rec.ID, err)
		}
		if cur != nil && cur.Active {
			return nil, rulef("signer %q is already allowed", e.Identity)
		}
		if other, err := s.SignerForKey(e.Key); err != nil {
			return nil, err
		} else if other != nil {
			return nil, rulef("that key already belongs to signer %q", other.Identity)
		}
		return func() error {
			s.putSigner(&SignerState{Identity: e.Identity, Key: e.Key, Active: true, AddedBy: rec.ID})
			return nil
		}, nil
	case ActionRevoke:
		if cur == nil || !cur.Active {
			return nil, rulef("signer %q is not a current signer (see porttracker signer list)", e.Identity)
		}
		active, err := s.ActiveSigners()
		if err != nil {
			return nil, err
		}
		if len(active) == 1 {
			return nil, rulef("signer %q is the last signer; add another before revoking it", e.Identity)
		}
		return func() error {
			c := *cur
			c.Active, c.RevokedBy = false, rec.ID
			s.putSigner(&c)
			return nil
		}, nil
	}
	return nil, rulef("entry %s: signer action %q (want add or revoke)", rec.ID, e.Action)
}

func (s *State) putItem(it *ItemState) {
	if s.before != nil {
		if _, ok := s.before.Items[it.Key]; !ok {
			s.before.Items[it.Key] = s.items[it.Key]
		}
	}
	s.items[it.Key] = it
	s.dirtyItems[it.Key] = true
}

func (s *State) putBatch(b *BatchState) {
	if s.before != nil {
		if _, ok := s.before.Batches[b.ID]; !ok {
			s.before.Batches[b.ID] = s.batches[b.ID]
		}
	}
	s.batches[b.ID] = b
	s.dirtyBatches[b.ID] = true
}

func (s *State) inventory(rec *Record) (func() error, error) {
	e := rec.Entry
	type change struct {
		def  ItemDef
		kind Kind
	}
	var changes []change
	defined := map[ItemKey]bool{}
	for _, set := range []struct {
		kind Kind
		defs []ItemDef
	}{{Feature, e.Features}, {Test, e.Tests}} {
		for _, d := range set.defs {
			if d.ID <= 0 {
				return nil, rulef("entry %s: %s id %d is not positive", rec.ID, set.kind, d.ID)
			}
			k := ItemKey{set.kind, d.ID}
			if err := CheckMapping(d.Mapping); err != nil {
				return nil, rulef("entry %s: %s: %v", rec.ID, k, err)
			}
			if defined[k] {
				return nil, rulef("entry %s: %s defined twice", rec.ID, k)
			}
			defined[k] = true
			changes = append(changes, change{d, set.kind})
		}
	}
	// Batches: membership, dependencies (known batches, no cycles).
	member := map[ItemKey]int{}
	newBatch := map[int]BatchDef{}
	for _, b := range e.Batches {
		if b.ID <= 0 || strings.TrimSpace(b.Name) == "" {
			return nil, rulef("entry %s: batch %d needs a positive id and a name", rec.ID, b.ID)
		}
		newBatch[b.ID] = b
	}
	for _, b := range e.Batches {
		keys, err := b.Members()
		if err != nil {
			return nil, rulef("entry %s: %v", rec.ID, err)
		}
		for _, k := range keys {
			if prev, ok := member[k]; ok && prev != b.ID {
				return nil, rulef("%s is listed in batch %d and batch %d", k, prev, b.ID)
			}
			if !defined[k] {
				it, err := s.Item(k)
				if err != nil {
					return nil, err
				}
				if it == nil {
					return nil, rulef("batch %d lists %s, which is not defined (define it in the same file or import it first)", b.ID, k)
				}
			}
			member[k] = b.ID
		}
		for _, d := range b.Depends {
			if _, ok := newBatch[d]; ok {
				continue
			}
			db, err := s.Batch(d)
			if err != nil {
				return nil, err
			}
			if db == nil {
				return nil, rulef("batch %d depends on batch %d, which is not defined", b.ID, d)
			}
		}
	}
	if err := s.checkCycles(newBatch); err != nil {
		return nil, err
	}
	// Moving a claimed item to another batch would take it out from under
	// the batch that claimed it.
	for k, bid := range member {
		it, err := s.Item(k)
		if err != nil {
			return nil, err
		}
		if it != nil && it.Batch != 0 && it.Batch != bid && it.Status != NotStarted && it.Status != Deferred {
			return nil, rulef("%s is %s in batch %d; it cannot move to batch %d until it is deferred", k, it.Status, it.Batch, bid)
		}
	}
	return func() error {
		for _, c := range changes {
			k := ItemKey{c.kind, c.def.ID}
			old, err := s.Item(k)
			if err != nil {
				return err
			}
			it := &ItemState{Key: k, Status: NotStarted}
			if old != nil {
				cp := *old
				it = &cp
				promoted := old.Status == Complete || old.Status == Verified
				if promoted && old.SourceDigest != "" && c.def.SourceDigest != "" && old.SourceDigest != c.def.SourceDigest {
					it.UpstreamChanged = true
				}
			}
			it.Mapping = c.def.Mapping
			it.Removed = c.def.Removed
			it.LastEntry, it.DefEntry = rec.ID, rec.ID
			s.putItem(it)
		}
		for _, b := range e.Batches {
			old, err := s.Batch(b.ID)
			if err != nil {
				return err
			}
			nb := &BatchState{ID: b.ID, Status: BatchPlanned}
			if old != nil {
				// A redefinition renames the batch or changes what it
				// depends on; where it stands stays.
				cp := *old
				cp.Tasks = slices.Clone(old.Tasks)
				nb = &cp
			}
			nb.Name, nb.Depends, nb.DefEntry = b.Name, slices.Clone(b.Depends), rec.ID
			slices.Sort(nb.Depends)
			s.putBatch(nb)
		}
		for k, bid := range member {
			it, err := s.Item(k)
			if err != nil {
				return err
			}
			if it.Batch != bid || it.BatchEntry != rec.ID {
				cp := *it
				cp.Batch, cp.BatchEntry = bid, rec.ID
				s.putItem(&cp)
			}
		}
		return nil
	}, nil
}

// checkCycles refuses batch dependencies that would form a cycle.
func (s *State) checkCycles(changed map[int]BatchDef) error {
	deps := func(id int) ([]int, error) {
		if b, ok := changed[id]; ok {
			return b.Depends, nil
		}
		b, err := s.Batch(id)
		if err != nil || b == nil {
			return nil, err
		}
		return b.Depends, nil
	}
	for start := range changed {
		seen := map[int]bool{}
		stack := []int{start}
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			ds, err := deps(id)
			if err != nil {
				return err
			}
			for _, d := range ds {
				if d == start {
					return rulef("batch dependencies form a cycle through batch %d", start)
				}
				if !seen[d] {
					seen[d] = true
					stack = append(stack, d)
				}
			}
		}
	}
	return nil
}

// allowed lists the moves of the status model. Moves marked true need an
// override reason.
var allowed = map[[2]Status]bool{
	{NotStarted, Stub}:     false,
	{NotStarted, Deferred}: true,
	{Stub, Complete}:       false,
	{Stub, NotStarted}:     true,
	{Stub, Deferred}:       true,
	{Complete, Verified}:   false,
	{Complete, Stub}:       true,
	{Complete, Deferred}:   true,
	{Verified, Complete}:   true,
	{Verified, Stub}:       true,
	{Verified, Deferred}:   true,
	{Deferred, NotStarted}: false,
	{Deferred, Stub}:       false,
}

// CheckMove says whether from → to is a move of the status model and
// whether it needs an override reason.
func CheckMove(from, to Status) (needsReason bool, err error) {
	if from == to {
		return false, rulef("it is already %s", to)
	}
	r, ok := allowed[[2]Status{from, to}]
	if !ok {
		hint := ""
		if from.rank() >= 0 && to.rank() > from.rank()+1 {
			hint = fmt.Sprintf(" (no skipping: go through %s first)", statusAfter(from))
		}
		return false, rulef("%s cannot move from %s to %s%s", "it", from, to, hint)
	}
	return r, nil
}

func statusAfter(s Status) Status {
	for _, st := range statuses {
		if st.rank() == s.rank()+1 {
			return st
		}
	}
	return s
}

func (s *State) transition(rec *Record) (func() error, error) {
	e := rec.Entry
	if e.ItemKind != Feature && e.ItemKind != Test {
		return nil, rulef("entry %s: item_kind %q", rec.ID, e.ItemKind)
	}
	if len(e.Moves) == 0 {
		return nil, rulef("entry %s: a transition with no moves", rec.ID)
	}
	if err := s.checkPolicyMoves(rec); err != nil {
		return nil, err
	}
	type planned struct {
		it   *ItemState
		move Move
	}
	var plan []planned
	seen := map[int]bool{}
	for _, m := range e.Moves {
		k := ItemKey{e.ItemKind, m.ID}
		if seen[m.ID] {
			return nil, rulef("entry %s: %s moved twice", rec.ID, k)
		}
		seen[m.ID] = true
		it, err := s.Item(k)
		if err != nil {
			return nil, err
		}
		if it == nil {
			return nil, rulef("%s is not defined (import it with porttracker inventory import)", k)
		}
		if err := s.checkItemMove(rec, it, m, false); err != nil {
			return nil, err
		}
		plan = append(plan, planned{it, m})
	}
	return func() error {
		batches := map[int]bool{}
		for _, p := range plan {
			s.applyMove(rec, p.it, p.move)
			batches[p.it.Batch] = true
		}
		return s.noteTaskMoves(rec, batches)
	}, nil
}

// CheckTransition checks a transition entry against the rules without
// applying it or checking its signer. With gatesPending, a move to complete
// is checked for everything but its evidence, which the gates have yet to
// produce: commands call it before they spend minutes on gates.
func (s *State) CheckTransition(e *Entry, gatesPending bool) error {
	rec := &Record{ID: "(new entry)", Entry: e}
	for _, m := range e.Moves {
		k := ItemKey{e.ItemKind, m.ID}
		it, err := s.Item(k)
		if err != nil {
			return err
		}
		if it == nil {
			return rulef("%s is not defined (import it with porttracker inventory import)", k)
		}
		if err := s.checkItemMove(rec, it, m, gatesPending); err != nil {
			return err
		}
	}
	return nil
}

// seenStatus is the status the writer of a move saw: the status its
// previous entries moved the item to. It does not depend on the order in
// which concurrent entries are replayed.
func (s *State) seenStatus(k ItemKey, prev []string) (Status, error) {
	if len(prev) == 0 {
		return NotStarted, nil
	}
	var st Status
	for _, p := range prev {
		to, err := s.moveTo(p, k)
		if err != nil {
			return "", err
		}
		if to == "" {
			return "", rulef("%s: previous entry %s is unknown or did not move it", k, p)
		}
		if st != "" && st != to {
			// A resolving entry saw a conflict: any from is as good as another.
			return to, nil
		}
		st = to
	}
	return st, nil
}

func (s *State) checkItemMove(rec *Record, it *ItemState, m Move, gatesPending bool) error {
	e := rec.Entry
	k := it.Key
	seen, err := s.seenStatus(k, m.Prev)
	if err != nil {
		return err
	}
	resolving := it.Conflict && coversHeads(m.Prev, it.Heads)
	if m.From != seen && !(resolving && headHasStatus(it.Heads, m.From)) {
		return rulef("%s: entry says it moved from %s, but it was %s", k, m.From, seen)
	}
	if resolving {
		if !strings.HasPrefix(e.Reason, ResolvePrefix) {
			return rulef("%s is in conflict (%s); settle it with --override \"resolve: why\"", k, describeHeads(it.Heads))
		}
		if headHasStatus(it.Heads, m.To) {
			// Choosing one side of the conflict: that side was earned already.
			return nil
		}
	}
	needsReason, err := CheckMove(m.From, m.To)
	if err != nil {
		return rulef("%s: %s", k, strings.TrimPrefix(err.Error(), "it "))
	}
	if needsReason && strings.TrimSpace(e.Reason) == "" {
		return rulef("%s: moving from %s to %s needs a reason (--override \"...\")", k, m.From, m.To)
	}
	if it.Removed && m.To != Deferred && m.To != NotStarted {
		return rulef("%s: its source declaration was removed; it can only be deferred", k)
	}
	b, err := s.checkBatchOpen(it, m)
	if err != nil {
		return err
	}
	if err := s.checkProtocol(rec, b, it, m, gatesPending); err != nil {
		return err
	}
	switch m.To {
	case Complete:
		if gatesPending {
			break
		}
		if err := checkCompleteEvidence(k, e.Evidence, s.InForce().RequiredGates); err != nil {
			return err
		}
	case Verified:
		if m.From == Complete {
			if err := s.checkVerified(rec, it); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkBatchOpen demands that an item moves only while its batch is
// started; a verified item of a complete batch may still be demoted.
// It returns the batch.
func (s *State) checkBatchOpen(it *ItemState, m Move) (*BatchState, error) {
	k := it.Key
	if it.Batch == 0 {
		return nil, rulef("%s belongs to no batch (add it to one with inventory import)", k)
	}
	b, err := s.Batch(it.Batch)
	if err != nil {
		return nil, err
	}
	st := BatchPlanned
	if b != nil {
		st = b.Status
	}
	if st == BatchStarted {
		return b, nil
	}
	if st == BatchComplete && m.From == Verified {
		// A demotion after the batch (and its plan) completed.
		return nil, nil
	}
	if st == BatchPlanned {
		return nil, rulef("%s belongs to batch %d, which is planned, not started (porttracker batch start %d)", k, it.Batch, it.Batch)
	}
	return nil, rulef("%s belongs to batch %d, which is %s; only a started batch's items move", k, it.Batch, st)
}

func coversHeads(prev []string, heads []Head) bool {
	for _, h := range heads {
		if !slices.Contains(prev, h.Entry) {
			return false
		}
	}
	return true
}

func headHasStatus(heads []Head, st Status) bool {
	for _, h := range heads {
		if h.To == st {
			return true
		}
	}
	return false
}

// checkCompleteEvidence demands the loop evidence of a move to complete:
// passed stub, build and focused test gates at a known code commit.
func checkCompleteEvidence(k ItemKey, ev *Evidence, required []string) error {
	if ev == nil {
		return rulef("%s: complete needs gate evidence (porttracker runs the gates itself: use feature/test update --status complete)", k)
	}
	if ev.CodeCommit == "" {
		return rulef("%s: the evidence names no code commit", k)
	}
	for _, name := range required {
		if name == gateClassTest && k.Kind != Test {
			continue
		}
		g := ev.Gate(name)
		if g == nil {
			return rulef("%s: the evidence has no %s gate", k, name)
		}
		if !g.OK {
			return rulef("%s: the %s gate failed", k, name)
		}
	}
	if !ev.Passed() {
		return rulef("%s: a gate in the evidence failed", k)
	}
	return nil
}

func (s *State) checkVerified(rec *Record, it *ItemState) error {
	k := it.Key
	if it.CompleteEntry == "" {
		return rulef("%s: verified needs its complete record (loop evidence)", k)
	}
	if rec.Entry.Checkpoint == "" {
		return rulef("%s: verified needs a checkpoint recorded after it was completed (run porttracker checkpoint)", k)
	}
	cp, err := s.Checkpoint(rec.Entry.Checkpoint)
	if err != nil {
		return err
	}
	if cp == nil {
		return rulef("%s: checkpoint %s is not in the ledger", k, rec.Entry.Checkpoint)
	}
	if cp.Baseline {
		return rulef("%s: %s is a baseline, not a checkpoint; verified needs a checkpoint (porttracker checkpoint)", k, short(cp.Entry))
	}
	if cp.Clock <= it.CompleteClock {
		return rulef("%s: checkpoint %s was recorded before the item was completed (run porttracker checkpoint again)", k, short(cp.Entry))
	}
	if s.Contains != nil && it.CompleteCommit != "" {
		ok, err := s.Contains(it.CompleteCommit, cp.CodeCommit)
		if err != nil {
			return rulef("%s: cannot tell whether checkpoint code %s contains the work completed at %s: %v", k, short(cp.CodeCommit), short(it.CompleteCommit), err)
		}
		if !ok {
			return rulef("%s: checkpoint code %s does not contain the work completed at %s", k, short(cp.CodeCommit), short(it.CompleteCommit))
		}
	}
	return nil
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func (s *State) applyMove(rec *Record, old *ItemState, m Move) {
	e := rec.Entry
	it := *old
	var heads []Head
	for _, h := range old.Heads {
		if !slices.Contains(m.Prev, h.Entry) {
			heads = append(heads, h)
		}
	}
	heads = append(heads, Head{Entry: rec.ID, To: m.To, Signer: e.Signer})
	it.Heads = heads
	it.Conflict = false
	for _, h := range heads[:len(heads)-1] {
		if h.To != m.To {
			it.Conflict = true
		}
	}
	it.Status = m.To
	it.Reason = e.Reason
	it.LastEntry = rec.ID
	switch m.To {
	case Complete:
		it.CompleteEntry, it.CompleteClock = rec.ID, e.Clock
		if e.Evidence != nil {
			it.CompleteCommit = e.Evidence.CodeCommit
		}
		it.UpstreamChanged = false
		it.Checkpoint = ""
	case Verified:
		if e.Checkpoint != "" {
			it.Checkpoint = e.Checkpoint
		}
	case Stub, NotStarted:
		it.CompleteEntry, it.CompleteClock, it.CompleteCommit, it.Checkpoint = "", 0, "", ""
		it.RedEntry, it.RedCommit = "", ""
	}
	s.putItem(&it)
	s.moves[moveKey{rec.ID, it.Key}] = m.To
	s.Transitions = append(s.Transitions, Transition{
		Entry: rec.ID, Commit: rec.Commit, Item: it.Key, From: m.From, To: m.To,
		Signer: e.Signer, Reason: e.Reason, Clock: e.Clock, Time: e.Time.UTC().Format("2006-01-02T15:04:05Z"),
	})
}

func (s *State) batch(rec *Record) (func() error, error) {
	e := rec.Entry
	b, err := s.Batch(e.Batch)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, rulef("batch %d is not defined (see porttracker batch list)", e.Batch)
	}
	switch e.Action {
	case ActionStart:
		if b.Status != BatchPlanned {
			return nil, rulef("batch %d is already %s", b.ID, b.Status)
		}
		var open []string
		for _, d := range b.Depends {
			db, err := s.Batch(d)
			if err != nil {
				return nil, err
			}
			if db == nil || db.Status != BatchComplete {
				st := "undefined"
				if db != nil {
					st = string(db.Status)
				}
				open = append(open, fmt.Sprintf("%d (%s)", d, st))
			}
		}
		if len(open) > 0 {
			return nil, rulef("batch %d cannot start: it depends on batch %s, not complete (see porttracker batch ready)", b.ID, strings.Join(open, ", "))
		}
		return func() error {
			c := *b
			c.Status = BatchStarted
			c.StartClock = e.Clock
			s.putBatch(&c)
			return nil
		}, nil
	case ActionComplete:
		if b.Status != BatchStarted {
			return nil, rulef("batch %d is %s; only a started batch can complete", b.ID, b.Status)
		}
		keys, err := s.BatchItems(b.ID)
		if err != nil {
			return nil, err
		}
		var open []string
		for _, k := range keys {
			it, err := s.Item(k)
			if err != nil {
				return nil, err
			}
			if it.Status == Verified || (it.Status == Deferred && it.Reason != "") {
				continue
			}
			if len(open) < 5 {
				open = append(open, fmt.Sprintf("%s (%s)", k, it.Status))
			} else if len(open) == 5 {
				open = append(open, "…")
			}
		}
		if len(open) > 0 {
			return nil, rulef("batch %d cannot complete: not verified or deferred: %s", b.ID, strings.Join(open, ", "))
		}
		for _, t := range b.Tasks {
			if t.Status != TaskComplete {
				return nil, rulef("batch %d cannot complete: task %s is %s (porttracker task complete %d %s)", b.ID, t.Name, t.Status, b.ID, t.Name)
			}
		}
		return func() error {
			c := *b
			c.Status = BatchComplete
			s.putBatch(&c)
			return nil
		}, nil
	}
	return nil, rulef("entry %s: batch action %q (want start or complete)", rec.ID, e.Action)
}

func (s *State) checkpoint(rec *Record) (func() error, error) {
	ev := rec.Entry.Evidence
	if ev == nil || ev.CodeCommit == "" {
		return nil, rulef("entry %s: a checkpoint needs evidence at a code commit", rec.ID)
	}
	for _, name := range []string{"stub", "full_test"} {
		if g := ev.Gate(name); g == nil || !g.OK {
			return nil, rulef("entry %s: checkpoint %s gate missing or failed", rec.ID, name)
		}
	}
	if !ev.Passed() {
		return nil, rulef("entry %s: a checkpoint gate failed", rec.ID)
	}
	return func() error {
		cp := &CheckpointState{Entry: rec.ID, Clock: rec.Entry.Clock, CodeCommit: ev.CodeCommit, Dirty: ev.Dirty}
		s.checkpoints[rec.ID] = cp
		s.newCkpts = append(s.newCkpts, cp)
		return nil
	}, nil
}
