package main

import (
	"errors"
	"fmt"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/signingkey"
)

// factMend words what to do about an error of the storage, the
// configuration or the signing key that states a fact only: the text that
// follows err's message, chosen by the error's type, never by its words.
// An error none of them explains gives "".
func factMend(err error) string {
	var format *signingkey.FormatError
	var open *gitstore.OpenError
	switch {
	case errors.Is(err, gitstore.ErrNoLedger), errors.Is(err, config.ErrNoConfig):
		return " (run porttracker init)"
	case errors.As(err, &open):
		return " (run porttracker inside a git repository, or pass --repo)"
	case errors.Is(err, signingkey.ErrNoKey):
		return ": pass --key FILE, or set git config gpg.format ssh and user.signingkey"
	case errors.Is(err, signingkey.ErrNoAgent):
		return ": start ssh-agent and ssh-add the key, or pass --key PRIVATE_KEY"
	case errors.As(err, &format):
		return ": porttracker signs with SSH keys (git config gpg.format ssh), or pass --key FILE"
	}
	return ""
}

// notSignerMend words how a writer whose key is not a signer joins: what
// to send an existing signer, what that signer runs, and what the writer
// runs then.
func notSignerMend(ns *ledger.NotSignerError) string {
	id := ns.Identity
	if id == "" {
		id = "IDENTITY"
	}
	return fmt.Sprintf(": send a signer your identity %s and public key %q, they run porttracker signer add %s KEYFILE and sync; then run porttracker sync (porttracker signer request prints this)",
		id, ns.AuthorizedKey, id)
}
