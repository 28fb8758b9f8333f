package ledger

import (
	"fmt"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// signerChange is the rule of a signer entry, which adds or revokes a
// signer.
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
			return nil, refuse(RuleError{Code: CodeSignerUnknown}, "signer %q is not a current signer", e.Identity)
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
