package ledger

import (
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// genesisKeys: the genesis entry reads the signer it names.
func genesisKeys(e *Entry, k *Keys) { k.Signers = append(k.Signers, e.Identity) }

// genesisRule is the rule of the genesis entry, the ledger's first: it
// names the first signer, who signs it with the key it names.
func genesisRule(_ *snapshot, rec *Record) (Delta, error) {
	e := rec.Entry
	if err := sshkey.CheckIdentity(e.Identity); err != nil {
		return Delta{}, rulef("entry %s: %v", rec.ID, err)
	}
	if e.Signer != e.Identity {
		return Delta{}, rulef("entry %s: genesis signer %q does not name itself", rec.ID, e.Signer)
	}
	return Delta{Genesis: true, Signers: []*SignerState{{Identity: e.Identity, Key: e.Key, Active: true, AddedBy: rec.ID}}}, nil
}
