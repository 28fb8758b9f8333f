package gitrepo

import (
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ReadBlob reads the content of the blob h; an empty blob is an empty,
// non-nil slice.
func ReadBlob(repo *git.Repository, h plumbing.Hash) ([]byte, error) {
	b, err := repo.BlobObject(h)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	r, err := b.Reader()
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

// CommitTree resolves rev (a hash, a short hash, a branch or another
// revision) to a commit and returns the commit's hash and tree.
func CommitTree(repo *git.Repository, rev string) (plumbing.Hash, *object.Tree, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("resolve commit %q: %w", rev, err)
	}
	c, err := repo.CommitObject(*h)
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("read commit %s: %w", h, err)
	}
	t, err := c.Tree()
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("read the tree of commit %s: %w", h, err)
	}
	return *h, t, nil
}

// HeadTree returns HEAD's commit and tree; an unborn HEAD (no commit yet)
// has the zero hash and a nil tree, and no error.
func HeadTree(repo *git.Repository) (plumbing.Hash, *object.Tree, error) {
	ref, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil, nil
	}
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("read HEAD: %w", err)
	}
	c, err := repo.CommitObject(ref.Hash())
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("read HEAD commit %s: %w", ref.Hash(), err)
	}
	t, err := c.Tree()
	if err != nil {
		return plumbing.ZeroHash, nil, fmt.Errorf("read the tree of HEAD commit %s: %w", ref.Hash(), err)
	}
	return ref.Hash(), t, nil
}
