package ledger

import (
	"fmt"

	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// NotSignerError is the refusal of a write by a key that is not an
// allowed signer of the ledger. It carries the facts an existing signer
// needs to add the writer; the command line words what each of them runs.
type NotSignerError struct {
	RuleError
	// Identity is the writer's identity (git's user.email), "" when the
	// writer has none configured.
	Identity string
	// Fingerprint is the key's SHA256 fingerprint, as ssh-keygen -l gives it.
	Fingerprint string
	// KeySource says where the key was found (a key file, git's
	// user.signingkey, an ssh-agent).
	KeySource string
	// AuthorizedKey is the public key, as a line of authorized_keys.
	AuthorizedKey string
}

// Unwrap makes a NotSignerError a RuleError (see IsRule).
func (e *NotSignerError) Unwrap() error { return &e.RuleError }

// NotSigner is the refusal of a write by identity with signer's key.
func NotSigner(identity string, signer *sshkey.Signer) *NotSignerError {
	fp := ssh.FingerprintSHA256(signer.PublicKey())
	return &NotSignerError{
		RuleError: RuleError{
			Msg:  fmt.Sprintf("key %s (%s) is not a signer of this ledger", fp, signer.From),
			Code: CodeNotSigner,
		},
		Identity:      identity,
		Fingerprint:   fp,
		KeySource:     signer.From,
		AuthorizedKey: signer.AuthorizedKey(),
	}
}
