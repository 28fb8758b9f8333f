package gitstore

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// Tracked reports whether the repository-relative, slash-separated path is
// a file in git's index (a file git tracks). A repository without an index
// tracks nothing yet.
func (s *Store) Tracked(rel string) (bool, error) {
	idx, err := s.repo.Storer.Index()
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

// ReadEntry returns the entry file with the given ID as the tree of ledger
// commit c holds it at EntryPath(id), reading the trees through the
// store's cache of decoded objects; ok is false when the tree has none.
func (s *Store) ReadEntry(c plumbing.Hash, id string) (data []byte, ok bool, err error) {
	h, ok, err := s.entryBlob(c, id)
	if err != nil || !ok {
		return nil, false, err
	}
	data, err = s.ReadBlob(h)
	return data, err == nil, err
}

// HasEntry reports whether the tree of ledger commit c holds entry id as a
// regular file at its path, without reading it: whether the entry is in
// c's history.
func (s *Store) HasEntry(c plumbing.Hash, id string) (bool, error) {
	_, ok, err := s.entryBlob(c, id)
	return ok, err
}

// entryBlob finds the blob of entry id in the tree of ledger commit c.
func (s *Store) entryBlob(c plumbing.Hash, id string) (plumbing.Hash, bool, error) {
	if len(id) != 40 || EntryIDFromPath(EntryPath(id)) == "" {
		return plumbing.ZeroHash, false, nil
	}
	commit, err := s.commit(c)
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("read ledger commit %s: %w", c, err)
	}
	h := commit.TreeHash
	for _, name := range []string{"entries", id[:2], id + ".toml"} {
		t, err := s.tree(h)
		if err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("read tree %s: %w", h, err)
		}
		found := false
		for _, e := range t.Entries {
			if e.Name == name {
				h, found = e.Hash, true
				if name == id+".toml" && e.Mode != filemode.Regular {
					return plumbing.ZeroHash, false, nil
				}
				break
			}
		}
		if !found {
			return plumbing.ZeroHash, false, nil
		}
	}
	return h, true, nil
}
