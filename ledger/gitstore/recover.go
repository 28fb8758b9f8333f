package gitstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// writingFile, in the git directory, marks a porttracker write under way:
// a writer creates it once it holds porttracker's lock and removes it when
// it lets go. Found by a process that holds the lock, it says that the
// last writer died mid-write (kill -9, a power cut).
const writingFile = "porttracker-writing"

// lockName is porttracker's own lock in the git directory.
const lockName = "porttracker.lock"

// Recover clears what a porttracker writer that died mid-write left behind,
// if no writer is running now: the ledger ref's lock file (which makes git
// itself refuse to move the branch) and the temporary pack and object files
// it was writing. Only files the dead writer could have made (no older
// than its write) are removed. It returns the paths it removed.
func (s *Store) Recover() ([]string, error) {
	fl := flock.New(filepath.Join(s.gitDir, lockName))
	ok, err := fl.TryLock()
	if err != nil || !ok {
		return nil, nil // a writer is running, or the lock cannot be had: leave it be
	}
	defer fl.Unlock()
	return s.recoverLocked()
}

// recoverLocked is Recover for a caller that holds porttracker's lock.
func (s *Store) recoverLocked() ([]string, error) {
	marker := filepath.Join(s.gitDir, writingFile)
	fi, err := os.Stat(marker)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// Files the dead writer made are no older than its marker (less a
	// second for the file system's time resolution).
	since := fi.ModTime().Add(-time.Second)
	var candidates []string
	refLock := filepath.Join(s.gitDir, filepath.FromSlash(s.ref.String())) + ".lock"
	candidates = append(candidates, refLock)
	packDir := filepath.Join(s.gitDir, "objects", "pack")
	if ents, err := os.ReadDir(packDir); err == nil {
		for _, e := range ents {
			if n := e.Name(); strings.HasPrefix(n, "tmp_pack_") || strings.HasPrefix(n, "tmp_obj_") || strings.HasPrefix(n, "tmp_idx_") {
				candidates = append(candidates, filepath.Join(packDir, n))
			}
		}
	}
	var removed []string
	for _, p := range candidates {
		st, err := os.Lstat(p)
		if err != nil || !st.Mode().IsRegular() || st.ModTime().Before(since) {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, fmt.Errorf("remove %s, left by a porttracker that died mid-write: %w", p, err)
		}
		removed = append(removed, p)
	}
	if err := os.Remove(marker); err != nil && !errors.Is(err, os.ErrNotExist) {
		return removed, err
	}
	return removed, nil
}

// markWriting records that a write is under way (see writingFile).
func (s *Store) markWriting() error {
	return os.WriteFile(filepath.Join(s.gitDir, writingFile), []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644)
}

// doneWriting removes the mark of markWriting.
func (s *Store) doneWriting() {
	_ = os.Remove(filepath.Join(s.gitDir, writingFile))
}
