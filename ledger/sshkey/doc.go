// Package sshkey signs and verifies SSHSIG signatures, checks identities
// and public keys, and reads and writes ssh-keygen's allowed-signers
// format. It reads no files, git configuration or sockets (finding the
// signing key is ledger/signingkey's) and knows nothing of ledger entries
// or git storage.
package sshkey
