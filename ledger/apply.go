package ledger

import (
	"fmt"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

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
				return &ConflictError{Entry: rec.ID, Revocation: r.ID, RuleError: RuleError{Code: CodeSignerConflict, Entry: rec.ID, Msg: fmt.Sprintf("entry %s: conflict: signer %q was revoked by entry %s concurrently (neither is in the other's history), so the entry grants nothing until a current signer resolves it", rec.ID, e.Signer, short(r.ID))}}
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

func (s *State) putSigner(sg *SignerState) {
	if s.before != nil {
		if _, ok := s.before.Signers[sg.Identity]; !ok {
			s.before.Signers[sg.Identity] = s.signers[sg.Identity]
		}
	}
	s.signers[sg.Identity] = sg
	s.dirtySigners[sg.Identity] = true
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
