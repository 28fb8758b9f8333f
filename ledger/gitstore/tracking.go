package gitstore

import (
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// SetTracking records where the remote's ledger branch was last seen, as
// refs/remotes/NAME/BRANCH, when name is a plain remote name.
func (s *Store) SetTracking(name string, h plumbing.Hash) error {
	if strings.ContainsAny(name, "/:\\ ") {
		return nil
	}
	ref := plumbing.NewRemoteReferenceName(name, s.branch)
	cur, err := s.repo.Storer.Reference(ref)
	old := plumbing.ZeroHash
	if err == nil {
		old = cur.Hash()
	}
	if old == h {
		return nil
	}
	return s.updateRef(ref, old, h)
}
