package ledger

import (
	"fmt"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// signerKeys: a signer entry reads the signer it adds or revokes, and every
// signer (whose its key is, who is left).
func signerKeys(e *Entry, k *Keys) {
	k.Signers = append(k.Signers, e.Identity)
	k.AllSigners = true
}

// signerRule is the rule of a signer entry, which adds or revokes a
// signer.
func signerRule(v *snapshot, rec *Record) (Delta, error) {
	e := rec.Entry
	cur := v.signer(e.Identity)
	switch e.Action {
	case ActionAdd:
		if err := sshkey.CheckIdentity(e.Identity); err != nil {
			return Delta{}, rulef("entry %s: %v", rec.ID, err)
		}
		if _, err := sshkey.ParsePublicKey(e.Key); err != nil {
			return Delta{}, rulef("entry %s: %v", rec.ID, err)
		}
		if cur != nil && cur.Active {
			return Delta{}, rulef("signer %q is already allowed", e.Identity)
		}
		if other := v.signerForKey(e.Key); other != nil {
			return Delta{}, rulef("that key already belongs to signer %q", other.Identity)
		}
		return Delta{Signers: []*SignerState{{Identity: e.Identity, Key: e.Key, Active: true, AddedBy: rec.ID}}}, nil
	case ActionRevoke:
		if cur == nil || !cur.Active {
			return Delta{}, refuse(RuleError{Code: CodeSignerUnknown}, "signer %q is not a current signer", e.Identity)
		}
		if len(v.activeSigners()) == 1 {
			return Delta{}, rulef("signer %q is the last signer; add another before revoking it", e.Identity)
		}
		c := *cur
		c.Active, c.RevokedBy = false, rec.ID
		return Delta{Signers: []*SignerState{&c}}, nil
	}
	return Delta{}, rulef("entry %s: signer action %q (want add or revoke)", rec.ID, e.Action)
}

// BuildSigner makes a signer add or revoke entry.
func BuildSigner(identity, key, action string) (*Entry, error) {
	if err := sshkey.CheckIdentity(identity); err != nil {
		return nil, err
	}
	e := &Entry{Kind: KindSigner, Identity: identity, Action: action, Summary: fmt.Sprintf("signer %s: %s", action, identity)}
	if action == ActionAdd {
		k, err := sshkey.ParsePublicKey(key)
		if err != nil {
			return nil, err
		}
		e.Key = sshkey.AuthorizedKey(k)
	}
	return e, nil
}
