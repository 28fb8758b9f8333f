package hooks

import (
	"errors"
	"fmt"
	"path"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// PushedFiles returns, reading the objects objs, for each of paths, its content in commit sha when it
// differs from commit old (every path when old is ""), or nil when sha
// lacks it: the pushed counterpart of StagedFiles, for PreCommit's check
// at a pushed commit.
func PushedFiles(objs storer.EncodedObjectStorer, old, sha string, paths []string) (map[string][]byte, error) {
	newTree, err := commitTree(objs, sha)
	if err != nil {
		return nil, err
	}
	var oldTree *object.Tree
	if old != "" {
		if oldTree, err = commitTree(objs, old); err != nil {
			return nil, err
		}
	}
	out := map[string][]byte{}
	for _, p := range paths {
		p = path.Clean(p)
		if _, done := out[p]; done {
			continue
		}
		nf, nerr := newTree.File(p)
		if nerr != nil && !errors.Is(nerr, object.ErrFileNotFound) && !errors.Is(nerr, object.ErrDirectoryNotFound) && !errors.Is(nerr, object.ErrEntryNotFound) {
			return nil, fmt.Errorf("read %s at %s: %w", p, short(sha), nerr)
		}
		if oldTree != nil {
			of, oerr := oldTree.File(p)
			switch {
			case oerr != nil && nerr != nil:
				continue // absent before and after
			case oerr == nil && nerr == nil && of.Hash == nf.Hash:
				continue // unchanged
			}
		}
		if nerr != nil {
			out[p] = nil
			continue
		}
		content, err := nf.Contents()
		if err != nil {
			return nil, fmt.Errorf("read %s at %s: %w", p, short(sha), err)
		}
		out[p] = []byte(content)
	}
	return out, nil
}

func commitTree(objs storer.EncodedObjectStorer, sha string) (*object.Tree, error) {
	c, err := object.GetCommit(objs, plumbing.NewHash(sha))
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(sha), err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read the tree of %s: %w", short(sha), err)
	}
	return t, nil
}
