package gates

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/porttracker/porttracker/ledger"
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
	return r.codeState(s)
}

func (r *Runner) codeState(s *repoState) (string, bool, string, error) {
	if s.head == nil {
		return "", false, "", errors.New("code state: the repository has no commit yet (commit the code first)")
	}
	chs, err := s.changes(nil, true)
	if err != nil {
		return "", false, "", fmt.Errorf("code state of %s: %w", s.root, err)
	}
	view := r.Config.Ledger.View
	if view == "" {
		view = ledger.DefaultConfig().Ledger.View
	}
	view = filepath.ToSlash(filepath.Clean(view))
	h := sha256.New()
	dirty := false
	for _, c := range chs {
		switch c.path {
		case view, view + "-journal", view + "-wal", view + "-shm":
			continue
		}
		dirty = true
		fmt.Fprintf(h, "%s\x00", c.path)
		if c.deleted {
			h.Write([]byte("deleted\x00"))
			continue
		}
		h.Write([]byte(strconv.Itoa(len(c.content)) + "\x00"))
		h.Write(c.content)
	}
	if !dirty {
		return s.commit.String(), false, "", nil
	}
	return s.commit.String(), true, "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
