package inventory

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/internal/gitrepo"
)

// repoInfo describes the git repository that contains a directory.
type repoInfo struct {
	// Top is the absolute path of the repository's working tree.
	Top string
	// Prefix is the directory's path relative to Top, slash-separated, ""
	// for the top itself.
	Prefix string
	// Commit is the hash of HEAD, "" when HEAD has no commit yet.
	Commit string
	// repo is the repository, opened.
	repo *git.Repository
}

// findRepo finds the git repository whose working tree contains dir. It
// returns nil and no error when dir is in no repository (or in a bare one).
func findRepo(dir string) (*repoInfo, error) {
	abs, err := absReal(dir)
	if err != nil {
		return nil, err
	}
	repo, err := gitrepo.Open(abs)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open the git repository of %s: %w", dir, err)
	}
	wt, err := repo.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open the worktree of %s: %w", dir, err)
	}
	top, err := absReal(wt.Filesystem.Root())
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil {
		return nil, fmt.Errorf("locate %s in repository %s: %w", dir, top, err)
	}
	info := &repoInfo{Top: top, Prefix: filepath.ToSlash(rel), repo: repo}
	if info.Prefix == "." {
		info.Prefix = ""
	}
	head, err := repo.Head()
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
	case err != nil:
		return nil, fmt.Errorf("read HEAD of %s: %w", top, err)
	default:
		info.Commit = head.Hash().String()
	}
	return info, nil
}

// absReal returns the absolute path of p with symbolic links resolved, so
// that two spellings of one directory compare equal.
func absReal(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", p, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", p, err)
	}
	return real, nil
}

// joinPrefix joins a repository prefix and a slash path.
func joinPrefix(prefix, p string) string {
	if prefix == "" {
		return p
	}
	return prefix + "/" + p
}
