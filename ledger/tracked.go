package ledger

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// Tracked reports whether the repository-relative, slash-separated path is
// a file in git's index (a file git tracks). A repository without an index
// tracks nothing yet.
func (s *Store) Tracked(rel string) (bool, error) {
	idx, err := s.Repo.Storer.Index()
	if err != nil {
		return false, fmt.Errorf("read the index: %w", err)
	}
	if _, err := idx.Entry(rel); err == nil {
		return true, nil
	} else if !errors.Is(err, index.ErrEntryNotFound) {
		return false, fmt.Errorf("read the index: %w", err)
	}
	return false, nil
}
