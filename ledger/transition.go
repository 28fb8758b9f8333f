package ledger

import (
	"fmt"
	"slices"
	"strings"
)

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

// transitionKeys: a transition reads the items it moves, their batches,
// the moves its writer saw, and the checkpoint and baseline it cites.
func transitionKeys(e *Entry, k *Keys) {
	for _, m := range e.Moves {
		key := ItemKey{e.ItemKind, m.ID}
		k.Items = append(k.Items, key)
		for _, p := range m.Prev {
			k.Moves = append(k.Moves, MoveKey{p, key})
		}
	}
	k.ItemBatches = true
	for _, c := range []string{e.Checkpoint, e.Baseline} {
		if c != "" {
			k.Checkpoints = append(k.Checkpoints, c)
		}
	}
}

// transitionRule is the rule of a transition entry, which moves items of
// one kind from one status to another.
func transitionRule(v *snapshot, rec *Record) (Delta, error) {
	e := rec.Entry
	if e.ItemKind != Feature && e.ItemKind != Test {
		return Delta{}, rulef("entry %s: item_kind %q", rec.ID, e.ItemKind)
	}
	if len(e.Moves) == 0 {
		return Delta{}, rulef("entry %s: a transition with no moves", rec.ID)
	}
	if err := v.checkPolicyMoves(rec); err != nil {
		return Delta{}, err
	}
	seen := map[int]bool{}
	for _, m := range e.Moves {
		if seen[m.ID] {
			return Delta{}, rulef("entry %s: %s moved twice", rec.ID, ItemKey{e.ItemKind, m.ID})
		}
		seen[m.ID] = true
		if err := v.checkMove(rec, m, false); err != nil {
			return Delta{}, err
		}
	}
	var d Delta
	batches := map[int]bool{}
	for _, m := range e.Moves {
		it := v.item(ItemKey{e.ItemKind, m.ID})
		d.putItem(movedItem(rec, it, m))
		d.Moves = append(d.Moves, ItemMove{Item: it.Key, From: m.From, To: m.To})
		batches[it.Batch] = true
	}
	v.noteTaskMoves(&d, rec, batches)
	return d, nil
}

// checkMove checks move m of transition rec against the item it moves.
func (v *snapshot) checkMove(rec *Record, m Move, gatesPending bool) error {
	k := ItemKey{rec.Entry.ItemKind, m.ID}
	it := v.item(k)
	if it == nil {
		return refuse(RuleError{Code: CodeItemUndefined, Item: k}, "%s is not defined", k)
	}
	return v.checkItemMove(rec, it, m, gatesPending)
}

// CheckTransition checks a transition entry against the rules without
// applying it or checking its signer. With gatesPending, a move to complete
// is checked for everything but its evidence, which the gates have yet to
// produce: commands call it before they spend minutes on gates.
func (s *State) CheckTransition(e *Entry, gatesPending bool) error {
	var k Keys
	transitionKeys(e, &k)
	v, err := s.prefetch(k)
	if err != nil {
		return err
	}
	rec := &Record{ID: "(new entry)", Entry: e}
	for _, m := range e.Moves {
		if err := v.checkMove(rec, m, gatesPending); err != nil {
			return err
		}
	}
	return nil
}

// seenStatus is the status the writer of a move saw: the status its
// previous entries moved the item to. It does not depend on the order in
// which concurrent entries are replayed.
func (v *snapshot) seenStatus(k ItemKey, prev []string) (Status, error) {
	if len(prev) == 0 {
		return NotStarted, nil
	}
	var st Status
	for _, p := range prev {
		to := v.moveTo(p, k)
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

func (v *snapshot) checkItemMove(rec *Record, it *ItemState, m Move, gatesPending bool) error {
	e := rec.Entry
	k := it.Key
	seen, err := v.seenStatus(k, m.Prev)
	if err != nil {
		return err
	}
	resolving := it.Conflict && coversHeads(m.Prev, it.Heads)
	if m.From != seen && !(resolving && headHasStatus(it.Heads, m.From)) {
		return rulef("%s: entry says it moved from %s, but it was %s", k, m.From, seen)
	}
	if resolving {
		if !strings.HasPrefix(e.Reason, ResolvePrefix) {
			return refuse(RuleError{Code: CodeItemConflict, Item: k}, "%s is in conflict (%s)", k, describeHeads(it.Heads))
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
		return refuse(RuleError{Code: CodeReasonNeeded, Item: k}, "%s: moving from %s to %s needs a reason", k, m.From, m.To)
	}
	if it.Removed && m.To != Deferred && m.To != NotStarted {
		return rulef("%s: its source declaration was removed; it can only be deferred", k)
	}
	b, err := v.checkBatchOpen(it, m)
	if err != nil {
		return err
	}
	if err := v.checkProtocol(rec, b, it, m, gatesPending); err != nil {
		return err
	}
	return v.checkPromotion(rec, it, m, gatesPending)
}

// checkPromotion demands the evidence of a promotion: gate evidence for a
// complete (unless the gates are pending), a checkpoint after the complete
// for a verified.
func (v *snapshot) checkPromotion(rec *Record, it *ItemState, m Move, gatesPending bool) error {
	switch {
	case m.To == Complete && !gatesPending:
		return checkCompleteEvidence(it.Key, rec.Entry.Evidence, v.inForce().RequiredGates)
	case m.To == Verified && m.From == Complete:
		return v.checkVerified(rec, it)
	}
	return nil
}

// checkBatchOpen demands that an item moves only while its batch is
// started; a verified item of a complete batch may still be demoted.
// It returns the batch.
func (v *snapshot) checkBatchOpen(it *ItemState, m Move) (*BatchState, error) {
	k := it.Key
	if it.Batch == 0 {
		return nil, rulef("%s belongs to no batch (add it to one with inventory import)", k)
	}
	b := v.batch(it.Batch)
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
		return nil, refuse(RuleError{Code: CodeBatchNotStarted, Item: k, Batch: it.Batch}, "%s belongs to batch %d, which is planned, not started", k, it.Batch)
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
		return refuse(RuleError{Code: CodeEvidenceMissing, Item: k}, "%s: complete needs gate evidence", k)
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

func (v *snapshot) checkVerified(rec *Record, it *ItemState) error {
	k := it.Key
	if it.CompleteEntry == "" {
		return rulef("%s: verified needs its complete record (loop evidence)", k)
	}
	if rec.Entry.Checkpoint == "" {
		return refuse(RuleError{Code: CodeCheckpointMissing, Item: k}, "%s: verified needs a checkpoint recorded after it was completed", k)
	}
	cp := v.checkpoint(rec.Entry.Checkpoint)
	if cp == nil {
		return rulef("%s: checkpoint %s is not in the ledger", k, rec.Entry.Checkpoint)
	}
	if cp.Baseline {
		return refuse(RuleError{Code: CodeCheckpointIsBaseline, Item: k}, "%s: %s is a baseline, not a checkpoint; verified needs a checkpoint", k, short(cp.Entry))
	}
	if cp.Clock <= it.CompleteClock {
		return refuse(RuleError{Code: CodeCheckpointStale, Item: k}, "%s: checkpoint %s was recorded before the item was completed", k, short(cp.Entry))
	}
	if v.contains != nil && it.CompleteCommit != "" {
		ok, err := v.contains(it.CompleteCommit, cp.CodeCommit)
		if err != nil {
			return rulef("%s: cannot tell whether checkpoint code %s contains the work completed at %s: %v", k, short(cp.CodeCommit), short(it.CompleteCommit), err)
		}
		if !ok {
			return rulef("%s: checkpoint code %s does not contain the work completed at %s", k, short(cp.CodeCommit), short(it.CompleteCommit))
		}
	}
	return nil
}

// movedItem is item old after move m of entry rec.
func movedItem(rec *Record, old *ItemState, m Move) *ItemState {
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
	return &it
}

// Move is one item's status change within a transition entry.
type Move struct {
	ID   int    `toml:"id"`
	From Status `toml:"from"`
	To   Status `toml:"to"`
	// Prev lists the entries that last moved this item as the writer saw
	// them (more than one when the writer resolved a conflict). Two entries
	// with the same Prev were written concurrently.
	Prev []string `toml:"prev,omitempty"`
}
