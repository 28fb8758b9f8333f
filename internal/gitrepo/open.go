// Package gitrepo is how porttracker opens a git repository and reads its
// configuration, blobs and trees, through go-git and the same way
// everywhere: from any directory of a working tree (a linked `git worktree`
// included, whose objects, refs and configuration live in the main
// repository's common directory) or a bare repository.
package gitrepo

import (
	"errors"

	"github.com/go-git/go-git/v5"
)

// Open opens the git repository that contains dir: the working tree dir
// lies in (looking upwards for .git, and through a linked worktree's .git
// file to its common directory), or else the bare repository dir is. The
// error is go-git's, for the caller to word with what it was opening the
// repository for: git.ErrRepositoryNotExists when there is neither.
func Open(dir string) (*git.Repository, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if bare, berr := git.PlainOpen(dir); berr == nil {
			return bare, nil
		}
	}
	return repo, err
}
