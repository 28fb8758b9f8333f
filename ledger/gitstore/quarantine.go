package gitstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// OpenReceiving opens the bare repository at gitDir as git's pre-receive
// hook sees it: the pushed objects are not in the repository yet but in a
// quarantine directory (GIT_OBJECT_DIRECTORY), with the repository's own
// objects among GIT_ALTERNATE_OBJECT_DIRECTORIES. The store reads objects
// from objectDir, then each alternate, then the repository. go-git reads
// neither variable, so the directories are passed in; each is opened as an
// object storage of its own. The store is for reading: it must not write.
func OpenReceiving(gitDir, branch, objectDir string, alternates []string) (*Store, error) {
	s, err := Open(gitDir, branch)
	if err != nil {
		return nil, err
	}
	base, ok := s.repo.Storer.(*reindexing)
	if !ok {
		s.Close()
		return nil, fmt.Errorf("repository at %s is not on disk", gitDir)
	}
	own := filepath.Join(s.gitDir, "objects")
	l := &layered{reindexing: base}
	for _, dir := range append([]string{objectDir}, alternates...) {
		if dir == "" || samePath(dir, own) {
			continue
		}
		st, err := openObjectDir(dir)
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("pushed objects at %s: %w", dir, err)
		}
		l.extra = append(l.extra, newReindexing(st))
	}
	s.repo.Storer = l
	s.objs = l
	// Walks read serially through the layers: the parallel walk opens
	// storages of the repository's directory alone.
	s.dotgit = nil
	return s, nil
}

// SplitAlternates splits GIT_ALTERNATE_OBJECT_DIRECTORIES as git does: a
// list separated by colons, in which an entry may be double-quoted.
func SplitAlternates(v string) []string {
	var out []string
	for v != "" {
		var entry string
		if strings.HasPrefix(v, `"`) {
			end := strings.Index(v[1:], `"`)
			if end < 0 {
				entry, v = v[1:], ""
			} else {
				entry, v = v[1:end+1], strings.TrimPrefix(v[end+2:], ":")
			}
		} else {
			entry, v, _ = strings.Cut(v, ":")
		}
		if entry != "" {
			out = append(out, entry)
		}
	}
	return out
}

// openObjectDir opens an objects directory (loose objects and pack/) as a
// go-git storage, which expects a git directory that holds "objects".
func openObjectDir(dir string) (*filesystem.Storage, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", abs)
	}
	return openStorage(objectsOnly{osfs.New(abs, osfs.WithBoundOS())}), nil
}

// objectsOnly shows an objects directory as a git directory's "objects",
// and nothing else, for reading.
type objectsOnly struct{ billy.Filesystem }

var errReadOnly = errors.New("pushed objects are read-only")

func (o objectsOnly) path(name string) (string, error) {
	if filepath.IsAbs(name) {
		// go-git reopens a pack by the name its file reports, which is
		// absolute: a path inside the directory is taken as it is.
		if rel, err := filepath.Rel(o.Root(), name); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return rel, nil
		}
		return "", &os.PathError{Op: "open", Path: name, Err: os.ErrNotExist}
	}
	name = filepath.ToSlash(filepath.Clean(name))
	if name == "objects" {
		return ".", nil
	}
	if rest, ok := strings.CutPrefix(name, "objects/"); ok {
		return rest, nil
	}
	return "", &os.PathError{Op: "open", Path: name, Err: os.ErrNotExist}
}

// Open implements billy.Filesystem.
func (o objectsOnly) Open(name string) (billy.File, error) {
	p, err := o.path(name)
	if err != nil {
		return nil, err
	}
	return o.Filesystem.Open(p)
}

// OpenFile implements billy.Filesystem; only reading is allowed.
func (o objectsOnly) OpenFile(name string, flag int, perm os.FileMode) (billy.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		return nil, errReadOnly
	}
	p, err := o.path(name)
	if err != nil {
		return nil, err
	}
	return o.Filesystem.OpenFile(p, flag, perm)
}

// Stat implements billy.Filesystem.
func (o objectsOnly) Stat(name string) (os.FileInfo, error) {
	p, err := o.path(name)
	if err != nil {
		return nil, err
	}
	return o.Filesystem.Stat(p)
}

// Lstat implements billy.Filesystem.
func (o objectsOnly) Lstat(name string) (os.FileInfo, error) {
	p, err := o.path(name)
	if err != nil {
		return nil, err
	}
	return o.Filesystem.Lstat(p)
}

// ReadDir implements billy.Filesystem.
func (o objectsOnly) ReadDir(name string) ([]os.FileInfo, error) {
	p, err := o.path(name)
	if err != nil {
		return nil, err
	}
	return o.Filesystem.ReadDir(p)
}

// Create implements billy.Filesystem: refused.
func (o objectsOnly) Create(string) (billy.File, error) { return nil, errReadOnly }

// Remove implements billy.Filesystem: refused.
func (o objectsOnly) Remove(string) error { return errReadOnly }

// Rename implements billy.Filesystem: refused.
func (o objectsOnly) Rename(string, string) error { return errReadOnly }

// MkdirAll implements billy.Filesystem: refused.
func (o objectsOnly) MkdirAll(string, os.FileMode) error { return errReadOnly }

// TempFile implements billy.Filesystem: refused.
func (o objectsOnly) TempFile(string, string) (billy.File, error) { return nil, errReadOnly }

// layered is the repository's storage, reading objects first from the
// pushed (quarantined) objects.
type layered struct {
	*reindexing
	extra []*reindexing
}

// EncodedObject implements storer.EncodedObjectStorer.
func (l *layered) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	for _, st := range l.extra {
		if obj, err := st.EncodedObject(t, h); err == nil {
			return obj, nil
		} else if !errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil, err
		}
	}
	return l.reindexing.EncodedObject(t, h)
}

// HasEncodedObject implements storer.EncodedObjectStorer.
func (l *layered) HasEncodedObject(h plumbing.Hash) error {
	for _, st := range l.extra {
		if st.HasEncodedObject(h) == nil {
			return nil
		}
	}
	return l.reindexing.HasEncodedObject(h)
}

// EncodedObjectSize implements storer.EncodedObjectStorer.
func (l *layered) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	for _, st := range l.extra {
		if n, err := st.EncodedObjectSize(h); err == nil {
			return n, nil
		}
	}
	return l.reindexing.EncodedObjectSize(h)
}

// Close releases every layer.
func (l *layered) Close() error {
	var errs []error
	for _, st := range l.extra {
		errs = append(errs, st.Storage.Close())
	}
	errs = append(errs, l.reindexing.Storage.Close())
	return errors.Join(errs...)
}

func samePath(a, b string) bool {
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ra == rb
}
