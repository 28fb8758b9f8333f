package main

import (
	"errors"
	"fmt"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/hooks"
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
	var notView *viewdb.NotViewError
	var filter *gates.FilterError
	var noFilter *gates.NoFilterError
	var shim *hooks.ShimConflictError
	var hooksPath *hooks.HooksPathError
	var notBare *hooks.NotBareError
	switch {
	case errors.As(err, &notView) && notView.Symlink:
		return "; name the view's own file with --db or ledger.view"
	case errors.As(err, &notView):
		return "; name a new file with --db or ledger.view"
	case errors.As(err, &filter):
		return "; mend it in the inventory or pass --filter"
	case errors.As(err, &noFilter):
		return ": pass --filter or set test_filter in the inventory"
	case errors.As(err, &shim):
		return ": move one of them aside and run porttracker hooks install again"
	case errors.As(err, &hooksPath):
		return ": unset it (git config --unset core.hooksPath) and run porttracker hooks install again"
	case errors.As(err, &notBare):
		return ": run hooks install --server in the central repository people push to (or hooks install, without --server, in a clone)"
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
