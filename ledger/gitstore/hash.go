package gitstore

import "github.com/go-git/go-git/v5/plumbing"

// Hash names a git object: a ledger commit, a code commit, a blob. It is
// go-git's own type under the store's name, so that the packages above the
// storage (the command line among them) hold commit names without
// importing go-git.
type Hash = plumbing.Hash

// NewHash parses a hexadecimal object name (zero when s is not one).
func NewHash(s string) Hash { return plumbing.NewHash(s) }

// BlobHash is the name git gives a blob with this content.
func BlobHash(content []byte) Hash { return plumbing.ComputeHash(plumbing.BlobObject, content) }
