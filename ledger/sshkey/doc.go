// Package sshkey finds the user's SSH signing key (a key file, git's
// user.signingkey, an ssh-agent), signs and verifies SSHSIG signatures, and
// reads and writes ssh-keygen's allowed-signers format. It knows nothing of
// ledger entries, git storage or the network beyond the ssh-agent socket.
package sshkey
