package gates

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/porttracker/porttracker/gates/config"
)

// CodeState describes the code the gates run on: the HEAD commit, whether
// the working tree differs from it (the view database porting.db and its
// journals aside), and then a digest of the differences: sha256 over the
// sorted changed paths and their current contents. It reads git through
// go-git.
func (r *Runner) CodeState() (commit string, dirty bool, diffDigest string, err error) {
	s, err := openRepo(r.RepoDir)
	if err != nil {
		return "", false, "", err
	}
	st, err := r.codeState(s)
	return st.commit, st.dirty(), st.digest, err
}

// codeState is the code state and the paths that differ from HEAD.
type codeState struct {
	commit  string
	digest  string
	changed []string // sorted, slash-separated, relative to the root
}

func (c codeState) dirty() bool { return len(c.changed) > 0 }

func (r *Runner) codeState(s *repoState) (codeState, error) {
	if s.head == nil {
		return codeState{}, errors.New("code state: the repository has no commit yet (commit the code first)")
	}
	chs, err := s.changes(nil, true)
	if err != nil {
		return codeState{}, fmt.Errorf("code state of %s: %w", s.root, err)
	}
	view := r.Config.Ledger.View
	if view == "" {
		view = config.Default().Ledger.View
	}
	view = filepath.ToSlash(filepath.Clean(view))
	h := sha256.New()
	st := codeState{commit: s.commit.String()}
	for _, c := range chs {
		switch c.path {
		case view, view + "-journal", view + "-wal", view + "-shm":
			continue
		}
		st.changed = append(st.changed, c.path)
		fmt.Fprintf(h, "%s\x00", c.path)
		if c.deleted {
			h.Write([]byte("deleted\x00"))
			continue
		}
		h.Write([]byte(strconv.Itoa(len(c.content)) + "\x00"))
		h.Write(c.content)
	}
	if st.dirty() {
		st.digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	}
	return st, nil
}

// DirtyError refuses gates whose inputs have uncommitted changes: their
// evidence would come from code that no commit holds.
type DirtyError struct {
	// Paths are the changed paths the gates read (at most a few are named
	// in the message).
	Paths []string
	// Checkpoint says the refused gates were a checkpoint's, which
	// --allow-dirty cannot let through.
	Checkpoint bool
}

func (e *DirtyError) Error() string {
	names := e.Paths
	more := ""
	if len(names) > 3 {
		names, more = names[:3], fmt.Sprintf(" and %d more", len(e.Paths)-3)
	}
	fix := "commit or stash them first, or pass --allow-dirty to record the promotion as made on a dirty tree"
	if e.Checkpoint {
		fix = "a checkpoint always needs a clean tree: commit or stash them first"
	}
	return fmt.Sprintf("uncommitted changes in what the gates read (%s%s): %s", strings.Join(names, ", "), more, fix)
}

// GatePaths are the paths of the working tree that the gates read: the
// target root (the ported code and its tests), porttracker.toml and each
// target's mapped file. A change elsewhere (notes, reports) leaves the
// evidence intact.
func (r *Runner) GatePaths(targets []Target) []string {
	root := filepath.ToSlash(filepath.Clean(r.Config.Target.Root))
	if root == "." || r.Config.Target.Root == "" {
		root = ""
	}
	out := []string{root, config.File}
	for _, t := range targets {
		if t.File != "" {
			out = append(out, filepath.ToSlash(filepath.Clean(t.File)))
		}
	}
	return out
}

// DirtyGatePaths lists the changed paths among those the gates read.
func (r *Runner) DirtyGatePaths(targets []Target) ([]string, error) {
	s, err := openRepo(r.RepoDir)
	if err != nil {
		return nil, err
	}
	st, err := r.codeState(s)
	if err != nil {
		return nil, err
	}
	return st.dirtyUnder(r.GatePaths(targets)), nil
}

func (c codeState) dirtyUnder(starts []string) []string {
	var out []string
	for _, p := range c.changed {
		if under(p, starts) {
			out = append(out, p)
		}
	}
	return out
}
