package gitstore

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// EntriesNotIn lists the entries in the tree of ledger commit head that the
// tree of commit since lacks (all of them when since is zero), by ID with their blobs: every entry that is
// not in since's history (a tree holds exactly the entries of its commit's
// history). It compares the two trees' entries/ folders one subfolder at a
// time, skipping those whose hashes agree, so its cost grows with the
// entries written since, not with the ledger.
func (s *Store) EntriesNotIn(head, since plumbing.Hash) (map[string]plumbing.Hash, error) {
	sub := func(c plumbing.Hash) (map[string]object.TreeEntry, error) {
		if c.IsZero() {
			return map[string]object.TreeEntry{}, nil
		}
		commit, err := s.commit(c)
		if err != nil {
			return nil, fmt.Errorf("read ledger commit %s: %w", c, err)
		}
		root, err := s.treeEntries(commit.TreeHash)
		if err != nil {
			return nil, err
		}
		e, ok := root["entries"]
		if !ok || e.Mode != filemode.Dir {
			return map[string]object.TreeEntry{}, nil
		}
		return s.treeEntries(e.Hash)
	}
	newer, err := sub(head)
	if err != nil {
		return nil, err
	}
	older, err := sub(since)
	if err != nil {
		return nil, err
	}
	out := map[string]plumbing.Hash{}
	for name, n := range newer {
		if n.Mode != filemode.Dir {
			continue
		}
		o, ok := older[name]
		if ok && o.Hash == n.Hash {
			continue
		}
		nt, err := s.treeEntries(n.Hash)
		if err != nil {
			return nil, err
		}
		ot := map[string]object.TreeEntry{}
		if ok && o.Mode == filemode.Dir {
			if ot, err = s.treeEntries(o.Hash); err != nil {
				return nil, err
			}
		}
		for file, f := range nt {
			if g, had := ot[file]; had && g.Hash == f.Hash {
				continue
			}
			if id := EntryIDFromPath("entries/" + name + "/" + file); id != "" {
				out[id] = f.Hash
			}
		}
	}
	return out, nil
}

// AddedBy reports whether ledger commit c is a plain commit that adds the
// entry id: its tree holds the entry and its parent's does not.
func (s *Store) AddedBy(c plumbing.Hash, id string) (bool, error) {
	commit, err := s.commit(c)
	if err != nil {
		return false, nil
	}
	if len(commit.ParentHashes) > 1 {
		return false, nil
	}
	if _, ok, err := s.ReadEntry(c, id); err != nil || !ok {
		return false, err
	}
	if len(commit.ParentHashes) == 0 {
		return true, nil
	}
	_, had, err := s.ReadEntry(commit.ParentHashes[0], id)
	return !had, err
}
