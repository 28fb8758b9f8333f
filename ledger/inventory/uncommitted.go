package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/porttracker/porttracker/ledger/gitstore"
)

// Uncommitted lists the files of a scan (relative to the scanned tree,
// read from dir on disk) that hold declarations and differ from their
// version at the scan's commit, since their spans would not match that
// commit: a writer must commit them before the scan is recorded, and a
// concurrent writer's edits are caught. Line-ending conversion alone does
// not count.
func Uncommitted(store *gitstore.Store, res *ScanResult, dir string) ([]string, error) {
	commit := gitstore.NewHash(res.Commit)
	var err error
	if _, err = store.Commit(commit); err != nil {
		return nil, fmt.Errorf("read source commit %.10s: %w", res.Commit, err)
	}
	var dirty []string
	seen := map[string]bool{}
	for _, d := range res.Decls {
		if seen[d.File] {
			continue
		}
		seen[d.File] = true
		repoPath := path.Join(res.RepoPrefix, d.File)
		var blob gitstore.Hash
		if res.Committed != nil {
			// The scan looked every file up in the commit's tree.
			b, ok := res.Committed[d.File]
			if !ok {
				dirty = append(dirty, d.File)
				continue
			}
			blob = gitstore.NewHash(b)
		} else if blob, err = store.BlobAt(commit, repoPath); errors.Is(err, gitstore.ErrNotInTree) {
			dirty = append(dirty, d.File)
			continue
		} else if err != nil {
			return nil, fmt.Errorf("read %s from the source commit: %w", repoPath, err)
		}
		same, err := committedAs(store, blob, repoPath, filepath.Join(dir, filepath.FromSlash(d.File)), res.Blobs[d.File])
		if err != nil {
			return nil, err
		}
		if !same {
			dirty = append(dirty, d.File)
		}
	}
	return dirty, nil
}

// committedAs reports whether the file on disk has the content of blob,
// the one the source commit's tree holds at repoPath. scanned is the
// scan's git hash of the file as it read it: when it is blob the file is
// committed as it is, and it is not read again.
func committedAs(store *gitstore.Store, blob gitstore.Hash, repoPath, diskPath, scanned string) (bool, error) {
	if blob.String() == scanned {
		return true, nil
	}
	disk, err := os.ReadFile(diskPath)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", diskPath, err)
	}
	if blob == gitstore.BlobHash(disk) {
		return true, nil
	}
	text, err := store.ReadBlob(blob)
	if err != nil {
		return false, fmt.Errorf("read %s from the source commit: %w", repoPath, err)
	}
	crlf := []byte("\r\n")
	return bytes.Equal(bytes.ReplaceAll(disk, crlf, []byte("\n")), bytes.ReplaceAll(text, crlf, []byte("\n"))), nil
}
