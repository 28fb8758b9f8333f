package inventory

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// treeFiles looks files up in the trees of commits, reading each tree
// object once however many files and commits share it: a scan looks up
// every file it lists in the scan's commit, and some in the commits the
// ledger recorded them at. It is used from one goroutine.
type treeFiles struct {
	repo *git.Repository
	// roots are the root trees of the commits looked up, by commit.
	roots map[string]rootTree
	// trees are the entries of each tree read, by name.
	trees map[plumbing.Hash]map[string]treeEntry
}

// rootTree is a commit's root tree, or why it could not be read.
type rootTree struct {
	hash plumbing.Hash
	err  error
}

// treeEntry is what a tree says of one name.
type treeEntry struct {
	hash plumbing.Hash
	mode filemode.FileMode
}

func newTreeFiles(repo *git.Repository) *treeFiles {
	return &treeFiles{repo: repo, roots: map[string]rootTree{}, trees: map[plumbing.Hash]map[string]treeEntry{}}
}

// blob is the hex hash of the blob that the tree of commit holds at the
// slash path p (relative to the top of the repository), as BlobAt in
// ledger/gitstore gives it: "" with no error when the tree has no file
// there. A commit that is not in the repository is an error.
func (t *treeFiles) blob(commit, p string) (string, error) {
	root, ok := t.roots[commit]
	if !ok {
		root.err = fmt.Errorf("read commit %.10s: not a commit hash", commit)
		if h, valid := parseHash(commit); valid {
			c, err := t.repo.CommitObject(h)
			if err != nil {
				root.err = fmt.Errorf("read commit %.10s: %w", commit, err)
			} else {
				root = rootTree{hash: c.TreeHash}
			}
		}
		t.roots[commit] = root
	}
	if root.err != nil {
		return "", root.err
	}
	tree := root.hash
	for {
		name, rest, more := strings.Cut(p, "/")
		ents, err := t.entries(tree)
		if err != nil {
			return "", err
		}
		e, ok := ents[name]
		switch {
		case !ok:
			return "", nil
		case more && e.mode == filemode.Dir:
			tree, p = e.hash, rest
		case more:
			return "", nil
		case e.mode.IsFile():
			return e.hash.String(), nil
		default:
			return "", nil
		}
	}
}

// entries are the entries of tree h, read once.
func (t *treeFiles) entries(h plumbing.Hash) (map[string]treeEntry, error) {
	if ents, ok := t.trees[h]; ok {
		return ents, nil
	}
	tree, err := t.repo.TreeObject(h)
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w", h, err)
	}
	ents := make(map[string]treeEntry, len(tree.Entries))
	for _, e := range tree.Entries {
		ents[e.Name] = treeEntry{hash: e.Hash, mode: e.Mode}
	}
	t.trees[h] = ents
	return ents, nil
}

// parseHash reads a full hex SHA-1.
func parseHash(s string) (plumbing.Hash, bool) {
	if !validBlob(s) {
		return plumbing.ZeroHash, false
	}
	return plumbing.NewHash(s), true
}
