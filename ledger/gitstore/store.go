package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
	"github.com/gofrs/flock"

	"github.com/porttracker/porttracker/internal/gitrepo"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// Store is the ledger branch of one repository. It reads and writes git
// objects through go-git's object store only: it never checks the branch
// out and never touches HEAD, the index or the working tree.
type Store struct {
	// repo is the repository; it is not safe for concurrent use.
	repo   *git.Repository
	objs   storer.EncodedObjectStorer
	gitDir string
	branch string
	ref    plumbing.ReferenceName
	// Now gives the time of new commits; tests set it.
	Now func() time.Time
	// cache holds decoded objects for walks (objects never change).
	cache decoded
	// RemoteMessages receives what a remote says during a push (its hooks'
	// messages), as "remote: " lines; nil discards them.
	RemoteMessages io.Writer
	// dotgit is the git directory's file system, from which walks open
	// storages of their own for parallel reads.
	dotgit billy.Filesystem
	// packed, during a walk, reads packed objects without go-git.
	packed *packReader
}

// ErrNoLedger says that the repository has no ledger branch yet.
var ErrNoLedger = errors.New("no ledger branch")

// OpenError is a directory in which no git repository could be opened:
// Dir as the caller named it, and why.
type OpenError struct {
	Dir string
	Err error
}

func (e *OpenError) Error() string {
	return fmt.Sprintf("open git repository at %s: %v", e.Dir, e.Err)
}

// Unwrap gives the reason the repository could not be opened.
func (e *OpenError) Unwrap() error { return e.Err }

// Open opens the repository that contains dir and the ledger branch named
// branch within it.
func Open(dir, branch string) (*Store, error) {
	// A bare repository (a remote) is opened as it is.
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return nil, &OpenError{Dir: dir, Err: err}
	}
	plain, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("repository at %s is not on disk", dir)
	}
	fs := openStorage(plain.Filesystem())
	objs := newReindexing(fs)
	gitDir := commonDir(fs.Filesystem().Root())
	if fi, err := os.Stat(filepath.Join(gitDir, "objects")); err == nil && fi.IsDir() {
		objs.loose = &looseWriter{dir: filepath.Join(gitDir, "objects")}
	}
	repo.Storer = objs
	return &Store{
		dotgit: plain.Filesystem(),
		repo:   repo,
		objs:   repo.Storer,
		gitDir: gitDir,
		branch: branch,
		ref:    plumbing.NewBranchReferenceName(branch),
		Now:    time.Now,
	}, nil
}

// reindexing is go-git's on-disk storage, made to look again at the
// repository's packs when an object it expects is missing: another process
// may have packed loose objects, or joined packs, since this one listed
// them (as porttracker's own writes do, see MaybePack). It reloads the pack
// indexes only when the set of packs differs from the one it last loaded:
// a lookup of an object that is simply absent (a fetch or a push asks for
// every object it is about to copy) costs a directory listing, not a
// reload of every index, which grows with the ledger.
type reindexing struct {
	*filesystem.Storage
	// packs names the packs the indexes were last reloaded for ("" before
	// the first reload).
	packs string
	// loose, when set, writes loose objects in place of go-git (loose.go).
	loose *looseWriter
}

func newReindexing(fs *filesystem.Storage) *reindexing { return &reindexing{Storage: fs} }

func stalePacks(err error) bool {
	return errors.Is(err, plumbing.ErrObjectNotFound) || errors.Is(err, dotgit.ErrPackfileNotFound)
}

// retry reports whether a lookup that failed with err is worth doing again:
// the object may be in a pack this storage has not indexed. It reindexes
// the packs if so.
func (r *reindexing) retry(err error) bool {
	if !stalePacks(err) {
		return false
	}
	packs, lerr := r.Storage.ObjectPacks()
	if lerr != nil {
		// The listing failed: reload anyway, as a reload is what is safe.
		r.Storage.Reindex()
		r.packs = ""
		return true
	}
	names := make([]string, len(packs))
	for i, p := range packs {
		names[i] = p.String()
	}
	sort.Strings(names)
	set := strings.Join(names, ",")
	if r.packs != "" && set == r.packs {
		return false
	}
	r.Storage.Reindex()
	r.packs = set
	if r.packs == "" {
		// No packs at all: nothing to reload, and "" must keep meaning
		// "never reloaded" for the next lookup.
		return false
	}
	return true
}

// EncodedObject implements storer.EncodedObjectStorer.
func (r *reindexing) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	obj, err := r.Storage.EncodedObject(t, h)
	if r.retry(err) {
		obj, err = r.Storage.EncodedObject(t, h)
	}
	return obj, err
}

// HasEncodedObject implements storer.EncodedObjectStorer.
func (r *reindexing) HasEncodedObject(h plumbing.Hash) error {
	err := r.Storage.HasEncodedObject(h)
	if r.retry(err) {
		err = r.Storage.HasEncodedObject(h)
	}
	return err
}

// EncodedObjectSize implements storer.EncodedObjectStorer.
func (r *reindexing) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	n, err := r.Storage.EncodedObjectSize(h)
	if r.retry(err) {
		n, err = r.Storage.EncodedObjectSize(h)
	}
	return n, err
}

// openStorage opens go-git's storage of a git directory, keeping pack files
// open between reads: a walk of the branch reads tens of thousands of
// packed objects.
func openStorage(dotgit billy.Filesystem) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(dotgit, cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
}

// Close releases the files the store keeps open.
func (s *Store) Close() error {
	if l, ok := s.repo.Storer.(*layered); ok {
		return l.Close()
	}
	if r, ok := s.repo.Storer.(*reindexing); ok {
		return r.Storage.Close()
	}
	return nil
}

// GitDir is the repository's git directory; for a linked worktree, the
// main repository's (where the refs, objects and configuration are).
func (s *Store) GitDir() string { return s.gitDir }

// Branch is the ledger branch's short name.
func (s *Store) Branch() string { return s.branch }

// WorkTree is the repository's working tree root, or "" for a bare one.
func (s *Store) WorkTree() string {
	wt, err := s.repo.Worktree()
	if err != nil {
		return ""
	}
	return wt.Filesystem.Root()
}

// Head returns the ledger branch's commit. A ref that cannot be read is
// read again a few times before the branch is taken to be absent: another
// writer may be replacing it at that moment, and a torn read must never be
// mistaken for "no ledger".
func (s *Store) Head() (plumbing.Hash, error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		ref, err := s.repo.Storer.Reference(s.ref)
		if err == nil {
			if ref.Type() != plumbing.HashReference || ref.Hash().IsZero() {
				lastErr = fmt.Errorf("ledger ref %s is not a commit hash", s.ref)
			} else {
				return ref.Hash(), nil
			}
		} else {
			lastErr = err
		}
		if errors.Is(err, plumbing.ErrReferenceNotFound) && !s.refFileExists() {
			return plumbing.ZeroHash, ErrNoLedger
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
	return plumbing.ZeroHash, fmt.Errorf("read ledger ref %s: %w", s.ref, lastErr)
}

// refFileExists says whether the ref exists as a loose file, a lock in
// progress, or a packed-refs line; only when none does is the branch absent.
func (s *Store) refFileExists() bool {
	loose := filepath.Join(s.gitDir, filepath.FromSlash(s.ref.String()))
	for _, p := range []string{loose, loose + ".lock"} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	packed, err := os.ReadFile(filepath.Join(s.gitDir, "packed-refs"))
	return err == nil && bytes.Contains(packed, []byte(" "+s.ref.String()+"\n"))
}

// Lock takes the repository's porttracker lock, which the OS releases if
// the process dies. Writers hold it from reading the head to moving it.
func (s *Store) Lock() (unlock func(), err error) {
	fl := flock.New(filepath.Join(s.gitDir, lockName))
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ok, err := fl.TryLock()
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", fl.Path(), err)
		}
		if ok {
			// A writer that died holding the lock left its mark: clear
			// what it left before writing anew.
			if _, err := s.recoverLocked(); err != nil {
				_ = fl.Unlock()
				return nil, err
			}
			if err := s.markWriting(); err != nil {
				_ = fl.Unlock()
				return nil, fmt.Errorf("mark the write under way: %w", err)
			}
			return func() { s.doneWriting(); _ = fl.Unlock() }, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("another porttracker has held %s for two minutes; try again when it is done", fl.Path())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Author is the name and email written into ledger commits.
type Author struct{ Name, Email string }

// CommitFiles writes a commit whose tree is parent's tree with files set
// (path → content), signed by signer, and returns its hash. It does not
// move the branch: see UpdateRef.
func (s *Store) CommitFiles(parent plumbing.Hash, files map[string][]byte, msg string, who Author, signer *sshkey.Signer) (plumbing.Hash, error) {
	var base plumbing.Hash
	var parents []plumbing.Hash
	if !parent.IsZero() {
		c, err := object.GetCommit(s.objs, parent)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("read ledger commit %s: %w", parent, err)
		}
		base, parents = c.TreeHash, []plumbing.Hash{parent}
	}
	blobs := map[string]plumbing.Hash{}
	for p, data := range files {
		h, err := s.writeObject(plumbing.BlobObject, data)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		blobs[p] = h
	}
	tree, err := s.putFiles(base, blobs)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return s.commitTree(tree, parents, msg, who, signer)
}

// commitTree writes a signed commit of tree with the given parents.
func (s *Store) commitTree(tree plumbing.Hash, parents []plumbing.Hash, msg string, who Author, signer *sshkey.Signer) (plumbing.Hash, error) {
	now := s.Now().UTC().Truncate(time.Second)
	sig := object.Signature{Name: who.Name, Email: who.Email, When: now}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree, ParentHashes: parents}
	unsigned := &plumbing.MemoryObject{}
	if err := c.EncodeWithoutSignature(unsigned); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode commit: %w", err)
	}
	r, err := unsigned.Reader()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	payload, err := io.ReadAll(r)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	armored, err := signer.Sign(payload, sshkey.CommitNamespace)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	c.PGPSignature = string(armored)
	obj := s.objs.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode commit: %w", err)
	}
	h, err := s.objs.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write commit: %w", err)
	}
	return h, nil
}

// MergeCommit writes a signed merge commit of tree with the given parents.
func (s *Store) MergeCommit(tree plumbing.Hash, parents []plumbing.Hash, msg string, who Author, signer *sshkey.Signer) (plumbing.Hash, error) {
	return s.commitTree(tree, parents, msg, who, signer)
}

func (s *Store) writeObject(t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	obj := s.objs.NewEncodedObject()
	obj.SetType(t)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := s.objs.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object: %w", err)
	}
	return h, nil
}

// putFiles returns the hash of tree with the given files (path → blob)
// set, writing each changed tree once, from the files up to the root.
func (s *Store) putFiles(tree plumbing.Hash, files map[string]plumbing.Hash) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if !tree.IsZero() {
		t, err := object.GetTree(s.objs, tree)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("read tree %s: %w", tree, err)
		}
		entries = append(entries, t.Entries...)
	}
	index := map[string]int{}
	for i, e := range entries {
		index[e.Name] = i
	}
	set := func(e object.TreeEntry) {
		if i, ok := index[e.Name]; ok {
			entries[i] = e
		} else {
			index[e.Name] = len(entries)
			entries = append(entries, e)
		}
	}
	subdirs := map[string]map[string]plumbing.Hash{}
	for p, h := range files {
		dir, rest, nested := strings.Cut(p, "/")
		if !nested {
			set(object.TreeEntry{Name: p, Mode: filemode.Regular, Hash: h})
			continue
		}
		if subdirs[dir] == nil {
			subdirs[dir] = map[string]plumbing.Hash{}
		}
		subdirs[dir][rest] = h
	}
	for dir, sub := range subdirs {
		var base plumbing.Hash
		if i, ok := index[dir]; ok && entries[i].Mode == filemode.Dir {
			base = entries[i].Hash
		}
		h, err := s.putFiles(base, sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		set(object.TreeEntry{Name: dir, Mode: filemode.Dir, Hash: h})
	}
	sort.Sort(object.TreeEntrySorter(entries))
	obj := s.objs.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode tree: %w", err)
	}
	h, err := s.objs.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write tree: %w", err)
	}
	return h, nil
}

// refLockWait is how long a writer waits for a git command's ref lock to
// go. A lock a dead porttracker left is cleared before (Store.Lock runs the
// crash recovery); one that stays longer is another program's, and is left
// for its owner or the user.
const refLockWait = time.Second

// ErrRefChanged says that the branch moved between reading and updating it.
var ErrRefChanged = errors.New("the ledger branch moved under us")

// UpdateRef moves the ledger branch from old (zero: the branch must not
// exist) to new, atomically. It takes git's own ref lock
// (<ref>.lock, created exclusively, then renamed over the ref), so that it
// excludes a concurrent git command as well as another porttracker, and so
// that a process killed at any moment leaves the ref at old or at new,
// never empty or torn. It returns ErrRefChanged if the branch is not at old.
func (s *Store) UpdateRef(old, new plumbing.Hash) error {
	return s.updateRef(s.ref, old, new)
}

// updateRef moves ref from old to new with git's lock protocol.
func (s *Store) updateRef(ref plumbing.ReferenceName, old, new plumbing.Hash) error {
	path := filepath.Join(s.gitDir, filepath.FromSlash(ref.String()))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	lock := path + ".lock"
	var f *os.File
	var err error
	start := time.Now()
	for {
		f, err = os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("lock %s: %w", lock, err)
		}
		// A git command holds a ref lock for milliseconds. What a dead
		// porttracker left was cleared when its lock was taken (see
		// recoverLocked); anything else is not ours to remove.
		if time.Since(start) > refLockWait {
			return fmt.Errorf("lock %s: %w (another program holds the ref; if no git command is running, remove that file)", lock, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(lock)
		}
	}()
	cur, err := s.repo.Storer.Reference(ref)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		if !old.IsZero() {
			return fmt.Errorf("%w: it no longer exists", ErrRefChanged)
		}
	case err != nil:
		return fmt.Errorf("read %s: %w", ref, err)
	case cur.Hash() != old:
		return fmt.Errorf("%w: it is at %s, not %s", ErrRefChanged, cur.Hash(), old)
	}
	if _, err := f.WriteString(new.String() + "\n"); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(lock, path); err != nil {
		return fmt.Errorf("move %s: %w", ref, err)
	}
	done = true
	return nil
}

// ReadFile returns the content of path in the tree of commit c.
func (s *Store) ReadFile(c plumbing.Hash, path string) ([]byte, error) {
	commit, err := object.GetCommit(s.objs, c)
	if err != nil {
		return nil, fmt.Errorf("read ledger commit %s: %w", c, err)
	}
	tree, err := object.GetTree(s.objs, commit.TreeHash)
	if err != nil {
		return nil, err
	}
	f, err := tree.File(path)
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", path, c, err)
	}
	r, err := f.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// ReadBlob returns the content of a blob.
func (s *Store) ReadBlob(h plumbing.Hash) ([]byte, error) {
	if typ, data, ok, err := s.readPacked(h); ok || err != nil {
		if err == nil && typ != plumbing.BlobObject {
			err = plumbing.ErrObjectNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("read blob %s: %w", h, err)
		}
		return slices.Clone(data), nil
	}
	obj, err := s.objs.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	r, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// Objects is the store's object storage, for copying objects between
// repositories on this machine.
func (s *Store) Objects() storer.EncodedObjectStorer { return s.objs }

// Ref is the full name of the ledger branch (refs/heads/BRANCH).
func (s *Store) Ref() plumbing.ReferenceName { return s.ref }

// Time is the time of a new commit, as Now gives it.
func (s *Store) Time() time.Time { return s.Now() }
