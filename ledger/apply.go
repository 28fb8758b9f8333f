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
//
// It prefetches the records rec touches (Touches), decides on them with
// its kind's rule, which returns a Delta, and applies the delta.
func (s *State) Apply(rec *Record) error {
	if rec.SigKey == "" {
		return rulef("entry %s: signature not verified", rec.ID)
	}
	r, known := ruleOf(rec.Entry.Kind)
	v, err := s.prefetch(rec.Entry.Touches())
	if err != nil {
		return err
	}
	if err := v.checkEntry(rec); err != nil {
		return err
	}
	if !known {
		return rulef("entry %s: unknown kind %q", rec.ID, rec.Entry.Kind)
	}
	d, err := r.decide(v, rec)
	if err != nil {
		return err
	}
	return s.applyDelta(rec, &d)
}

// kindRule is the rule of one entry kind: the keys it reads of the state
// (added to k) and its decision on a snapshot of them.
type kindRule struct {
	keys   func(e *Entry, k *Keys)
	decide func(v *snapshot, rec *Record) (Delta, error)
}

// ruleOf is the rule of entries of kind.
func ruleOf(kind EntryKind) (kindRule, bool) {
	switch kind {
	case KindGenesis:
		return kindRule{keys: genesisKeys, decide: genesisRule}, true
	case KindSigner:
		return kindRule{keys: signerKeys, decide: signerRule}, true
	case KindInventory:
		return kindRule{keys: inventoryKeys, decide: inventoryRule}, true
	case KindTransition:
		return kindRule{keys: transitionKeys, decide: transitionRule}, true
	case KindBatch:
		return kindRule{keys: batchKeys, decide: batchRule}, true
	case KindCheckpoint:
		return kindRule{decide: checkpointRule}, true
	case KindPolicy:
		return kindRule{decide: policyRule}, true
	case KindPlan:
		return kindRule{keys: planKeys, decide: planRule}, true
	case KindTask:
		return kindRule{keys: taskKeys, decide: taskRule}, true
	case KindBaseline:
		return kindRule{decide: baselineRule}, true
	case KindRed:
		return kindRule{keys: redKeys, decide: redRule}, true
	case KindResolution:
		return kindRule{decide: resolutionRule}, true
	}
	return kindRule{}, false
}

// checkEntry checks what every entry must satisfy whatever its kind: its
// signer may sign it, and its evidence is consistent and at a commit of
// the code's history.
func (v *snapshot) checkEntry(rec *Record) error {
	if err := v.checkSigner(rec); err != nil {
		return err
	}
	if err := CheckEvidence(rec.Entry.Evidence); err != nil {
		return rulef("entry %s: %v", rec.ID, err)
	}
	if err := v.checkCodeCommit(rec.Entry.Evidence); err != nil {
		return rulef("entry %s: %v", rec.ID, err)
	}
	return nil
}

func (v *snapshot) checkSigner(rec *Record) error {
	e := rec.Entry
	if e.Kind == KindGenesis {
		if v.genesis != "" {
			return rulef("entry %s: a second genesis entry (the ledger began with %s)", rec.ID, v.genesis)
		}
		if e.Key != rec.SigKey {
			return rulef("entry %s: genesis is not signed by the key it names", rec.ID)
		}
		return nil
	}
	if v.genesis == "" && !v.partial {
		return rulef("entry %s comes before the genesis entry", rec.ID)
	}
	var sg *SignerState
	if v.authority != nil && rec.Commit != "" {
		if v.authority.decided[rec.ID] {
			return nil // a resolution judged before its decisions took effect
		}
		sg = v.authority.SignerAt(rec, e.Signer)
		if r := v.authority.Concurrent(rec); r != nil && sg != nil && sg.Active {
			d, ok := v.authority.decisions[rec.ID]
			switch {
			case !ok || d.Revocation != r.ID:
				return &ConflictError{Entry: rec.ID, Revocation: r.ID, RuleError: RuleError{Code: CodeSignerConflict, Entry: rec.ID, Msg: fmt.Sprintf("entry %s: conflict: signer %q was revoked by entry %s concurrently (neither is in the other's history), so the entry grants nothing until a current signer resolves it", rec.ID, e.Signer, short(r.ID))}}
			case !d.Accept:
				return &ResolvedError{Entry: rec.ID, Resolution: d.Resolution}
			}
		}
	} else {
		sg = v.signer(e.Signer)
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
