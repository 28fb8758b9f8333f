package hooks

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/porttracker/porttracker/internal/gitrepo"
)

// IndexFileEnv is the variable by which git names the index of the commit
// being made: git commit -a and git commit PATH hand their hooks a
// temporary index through it.
const IndexFileEnv = "GIT_INDEX_FILE"

// StagedFiles returns the files whose staged content differs from HEAD,
// by path relative to the repository root (slash-separated), with that
// content. A file that is staged for deletion maps to nil; a staged empty
// file maps to an empty, non-nil slice. Unmerged entries, intent-to-add
// entries and submodules are left out.
//
// It reads the index that $GIT_INDEX_FILE names when git sets it, else the
// repository's own, and objects through go-git only.
func StagedFiles(repoDir string) (map[string][]byte, error) {
	return stagedFiles(repoDir, os.Getenv(IndexFileEnv))
}

func stagedFiles(repoDir, indexFile string) (map[string][]byte, error) {
	repo, err := gitrepo.Open(repoDir)
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", repoDir, err)
	}
	idx, err := readIndex(repo, indexFile)
	if err != nil {
		return nil, err
	}
	head, err := headFiles(repo)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	inIndex := make(map[string]bool, len(idx.Entries))
	for _, e := range idx.Entries {
		inIndex[e.Name] = true
		// Stage 0 is a merged entry (go-git's index.Merged is 1, the
		// common ancestor's stage of an unmerged path).
		if e.Stage != 0 || e.IntentToAdd || e.Mode == filemode.Submodule {
			continue
		}
		if h, ok := head[e.Name]; ok && h == e.Hash {
			continue
		}
		data, err := gitrepo.ReadBlob(repo, e.Hash)
		if err != nil {
			return nil, fmt.Errorf("read staged %s: %w", e.Name, err)
		}
		out[e.Name] = data
	}
	for name := range head {
		if !inIndex[name] {
			out[name] = nil
		}
	}
	return out, nil
}

func readIndex(repo *git.Repository, indexFile string) (*index.Index, error) {
	if indexFile == "" {
		idx, err := repo.Storer.Index()
		if err != nil {
			return nil, fmt.Errorf("read the index: %w", err)
		}
		return idx, nil
	}
	// A relative path is relative to where git runs the hook, which is the
	// current directory.
	path, err := filepath.Abs(indexFile)
	if err != nil {
		return nil, fmt.Errorf("read the index %s: %w", indexFile, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the index named by %s: %w", IndexFileEnv, err)
	}
	defer f.Close()
	idx := &index.Index{}
	if err := index.NewDecoder(f).Decode(idx); err != nil {
		return nil, fmt.Errorf("read the index %s: %w", path, err)
	}
	return idx, nil
}

// headFiles maps the paths of the files at HEAD to their blobs; an unborn
// HEAD has none.
func headFiles(repo *git.Repository) (map[string]plumbing.Hash, error) {
	out := map[string]plumbing.Hash{}
	_, tree, err := gitrepo.HeadTree(repo)
	if err != nil || tree == nil {
		return out, err
	}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, entry, err := w.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read the tree of HEAD: %w", err)
		}
		if entry.Mode == filemode.Dir || entry.Mode == filemode.Submodule {
			continue
		}
		out[name] = entry.Hash
	}
}
