package gitstore

import (
	"errors"
	"fmt"
	"sort"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/porttracker/porttracker/internal/gitrepo"
)

// The methods in this file read the repository beyond the ledger branch:
// the code's commits (the store holds all the repository's objects), HEAD,
// revisions, remotes and configuration.

// ErrNotInTree says that a commit's tree has no file at a path.
var ErrNotInTree = errors.New("no such file in the commit's tree")

// Commit reads commit h, of the ledger or of the code, through the store's
// cache of decoded objects; a missing commit is plumbing.ErrObjectNotFound.
func (s *Store) Commit(h plumbing.Hash) (*object.Commit, error) { return s.commit(h) }

// CodeHead is the commit the repository's HEAD names (the checked-out
// code).
func (s *Store) CodeHead() (plumbing.Hash, error) {
	ref, err := s.repo.Head()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read HEAD: %w", err)
	}
	return ref.Hash(), nil
}

// ResolveRevision resolves a revision as git rev-parse does for the forms
// go-git knows (a hash, a ref, REF~N, REF^N).
func (s *Store) ResolveRevision(rev string) (plumbing.Hash, error) {
	h, err := s.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return *h, nil
}

// Remotes lists the names of the repository's configured remotes, sorted.
func (s *Store) Remotes() ([]string, error) {
	cfg, err := s.repo.Config()
	if err != nil {
		return nil, fmt.Errorf("read git config: %w", err)
	}
	names := make([]string, 0, len(cfg.Remotes))
	for name := range cfg.Remotes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// RemoteURL is the first URL of the configured remote name; ok is false
// when there is no such remote, or it has no URL.
func (s *Store) RemoteURL(name string) (url string, ok bool) {
	cfg, err := s.repo.Config()
	if err != nil {
		return "", false
	}
	rc, ok := cfg.Remotes[name]
	if !ok || len(rc.URLs) == 0 {
		return "", false
	}
	return rc.URLs[0], true
}

// Config reads the repository's git configuration as git does (see
// gitrepo.ReadConfig).
func (s *Store) Config() (*gitrepo.Config, error) { return gitrepo.ReadConfig(s.repo) }

// NewRemote is a go-git remote named name for url, over the store's
// storage; it is not written to the repository's configuration.
func (s *Store) NewRemote(name, url string) *git.Remote {
	return git.NewRemote(s.repo.Storer, &gitconfig.RemoteConfig{Name: name, URLs: []string{url}})
}

// FileAt reads the file at the slash-separated path in the tree of commit
// c; a path the tree lacks is ErrNotInTree.
func (s *Store) FileAt(c plumbing.Hash, path string) ([]byte, error) {
	f, err := s.fileAt(c, path)
	if err != nil {
		return nil, err
	}
	text, err := f.Contents()
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", path, c, err)
	}
	return []byte(text), nil
}

// BlobAt is the hash of the blob at path in the tree of commit c; a path
// the tree lacks is ErrNotInTree.
// It reads the trees down to path, never the blob: one packed long ago
// would make a new process decode the pack indexes to find it.
func (s *Store) BlobAt(c plumbing.Hash, path string) (plumbing.Hash, error) {
	commit, err := s.commit(c)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read commit %s: %w", c, err)
	}
	tree, err := object.GetTree(s.objs, commit.TreeHash)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read the tree of commit %s: %w", c, err)
	}
	e, err := tree.FindEntry(path)
	if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) || (err == nil && !e.Mode.IsFile()) {
		return plumbing.ZeroHash, fmt.Errorf("%s at %s: %w", path, c, ErrNotInTree)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read %s at %s: %w", path, c, err)
	}
	return e.Hash, nil
}

func (s *Store) fileAt(c plumbing.Hash, path string) (*object.File, error) {
	commit, err := s.commit(c)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", c, err)
	}
	// A tree go-git decodes itself: File reads subtrees through it (the
	// walk's cached trees hold only their entries).
	tree, err := object.GetTree(s.objs, commit.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("read the tree of commit %s: %w", c, err)
	}
	f, err := tree.File(path)
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, fmt.Errorf("%s at %s: %w", path, c, ErrNotInTree)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", path, c, err)
	}
	return f, nil
}

// Reachable is the set of commits reachable from h, h included.
func (s *Store) Reachable(h plumbing.Hash) (map[plumbing.Hash]bool, error) {
	out := map[plumbing.Hash]bool{}
	stack := []plumbing.Hash{h}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if out[c] {
			continue
		}
		commit, err := s.commit(c)
		if err != nil {
			return nil, fmt.Errorf("read commit %s: %w", c, err)
		}
		out[c] = true
		stack = append(stack, commit.ParentHashes...)
	}
	return out, nil
}
