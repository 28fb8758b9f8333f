// Package remote exchanges the ledger branch with another repository: a
// repository on this file system directly, others through go-git's
// transports, with the user's ssh-agent or git's credential helpers and
// ~/.git-credentials for https.
package remote
