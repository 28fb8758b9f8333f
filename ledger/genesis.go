package ledger

import (
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// genesis is the rule of the genesis entry, the ledger's first: it names
// the first signer, who signs it with the key it names.
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
