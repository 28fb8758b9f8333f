package gates

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// MissingCommitError says that a commit the evidence names is not in the
// repository: another clone made it and it was never fetched here.
type MissingCommitError struct {
	Commit string
}

func (e *MissingCommitError) Error() string {
	return fmt.Sprintf("code commit %s is not in this repository: fetch it (git fetch) from the clone that recorded it", e.Commit)
}

// Checkout writes the files of commit's tree into dir, a new empty
// directory, as git's checkout would: regular files with their executable
// bit, symbolic links as links; submodules are left out. It reads git
// through go-git and runs no git binary. A tree entry whose name could
// leave dir (".." or ".git", a name with a slash) is refused.
func Checkout(objs storer.EncodedObjectStorer, commit plumbing.Hash, dir string) error {
	c, err := object.GetCommit(objs, commit)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return &MissingCommitError{Commit: commit.String()}
	}
	if err != nil {
		return fmt.Errorf("read code commit %s: %w", commit, err)
	}
	tree, err := c.Tree()
	if err != nil {
		return fmt.Errorf("read the tree of code commit %s: %w", commit, err)
	}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("walk the tree of code commit %s: %w", commit, err)
		}
		if err := checkTreePath(name); err != nil {
			return fmt.Errorf("code commit %s: %w", commit, err)
		}
		if err := writeEntry(objs, dir, name, e); err != nil {
			return fmt.Errorf("check out %s of code commit %s: %w", name, commit, err)
		}
	}
}

// checkTreePath refuses a tree path that could write outside the checkout.
func checkTreePath(name string) error {
	if name == "" || path.IsAbs(name) || strings.Contains(name, "\\") {
		return fmt.Errorf("tree path %q is not a plain relative path", name)
	}
	for _, part := range strings.Split(name, "/") {
		switch strings.ToLower(part) {
		case "", ".", "..", ".git":
			return fmt.Errorf("tree path %q has a %q component", name, part)
		}
	}
	return nil
}

func writeEntry(objs storer.EncodedObjectStorer, dir, name string, e object.TreeEntry) error {
	p := filepath.Join(dir, filepath.FromSlash(name))
	switch e.Mode {
	case filemode.Dir:
		return os.MkdirAll(p, 0o755)
	case filemode.Submodule:
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	b, err := object.GetBlob(objs, e.Hash)
	if err != nil {
		return err
	}
	r, err := b.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	if e.Mode == filemode.Symlink {
		target, err := io.ReadAll(io.LimitReader(r, 4096))
		if err != nil {
			return err
		}
		return os.Symlink(filepath.FromSlash(string(target)), p)
	}
	perm := os.FileMode(0o644)
	if e.Mode == filemode.Executable {
		perm = 0o755
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
