// Package signingkey finds the user's SSH signing key: a key file, git's
// user.signingkey (with gpg.format=ssh), or a key an ssh-agent holds. It
// is apart from ledger/sshkey, which signs and verifies and which the
// domain core uses, so that the core links nothing that reads key files,
// git configuration or the agent's socket.
package signingkey
