package ledger

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// Remote is where sync exchanges the ledger branch.
type Remote interface {
	// Name is the remote as the user named it.
	Name() string
	// Head is the remote's ledger commit without fetching it (zero if the
	// remote has no ledger branch).
	Head(ctx context.Context) (plumbing.Hash, error)
	// Fetch brings the remote's ledger objects into the local store and
	// returns the remote's ledger commit.
	Fetch(ctx context.Context) (plumbing.Hash, error)
	// Push moves the remote's ledger branch from old to new (a
	// compare-and-swap: it fails if the remote moved meanwhile).
	Push(ctx context.Context, old, new plumbing.Hash) error
}

// OpenRemote resolves name (a configured remote, a path to a repository,
// or a URL) to a Remote for the ledger branch of s. Remotes on the local
// file system are read and written directly through go-git, with no git
// binary; others go through go-git's transports (ssh with the user's
// ssh-agent, https).
func (s *Store) OpenRemote(name string) (Remote, error) {
	addr := name
	if cfg, err := s.Repo.Config(); err == nil {
		if rc, ok := cfg.Remotes[name]; ok && len(rc.URLs) > 0 {
			addr = rc.URLs[0]
		}
	}
	if path, ok := localPath(addr, s.WorkTree()); ok {
		other, err := Open(path, s.branch)
		if err != nil {
			return nil, fmt.Errorf("remote %s: %w", name, err)
		}
		return &localRemote{name: name, local: s, remote: other}, nil
	}
	if addr == name && !strings.Contains(name, "://") && !strings.Contains(name, "@") {
		return nil, fmt.Errorf("%q is neither a configured remote nor a repository path (see git remote -v)", name)
	}
	return &netRemote{name: name, url: addr, local: s}, nil
}

// localPath reports whether addr names a repository on this file system.
func localPath(addr, base string) (string, bool) {
	if u, err := url.Parse(addr); err == nil && u.Scheme == "file" {
		return u.Path, true
	}
	if strings.Contains(addr, "://") || (strings.Contains(addr, ":") && !strings.HasPrefix(addr, "/") && !strings.HasPrefix(addr, ".")) {
		return "", false
	}
	if !filepath.IsAbs(addr) && base != "" {
		addr = filepath.Join(base, addr)
	}
	if _, err := os.Stat(addr); err != nil {
		return "", false
	}
	return addr, true
}

// localRemote is a repository on this machine.
type localRemote struct {
	name          string
	local, remote *Store
}

func (r *localRemote) Name() string { return r.name }

func (r *localRemote) Head(context.Context) (plumbing.Hash, error) {
	h, err := r.remote.Head()
	if errors.Is(err, ErrNoLedger) {
		return plumbing.ZeroHash, nil
	}
	return h, err
}

func (r *localRemote) Fetch(ctx context.Context) (plumbing.Hash, error) {
	h, err := r.Head(ctx)
	if err != nil || h.IsZero() {
		return h, err
	}
	if err := copyObjects(r.remote.objs, r.local.objs, h); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("fetch from %s: %w", r.name, err)
	}
	if err := r.local.setTracking(r.name, h); err != nil {
		return plumbing.ZeroHash, err
	}
	return h, nil
}

func (r *localRemote) Push(_ context.Context, old, new plumbing.Hash) error {
	unlock, err := r.remote.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := copyObjects(r.local.objs, r.remote.objs, new); err != nil {
		return fmt.Errorf("push to %s: %w", r.name, err)
	}
	if err := runReceiveHook(r.remote.gitDir, r.remote.ref, old, new, r.local.RemoteMessages); err != nil {
		return err
	}
	if err := r.remote.UpdateRef(old, new); err != nil {
		return fmt.Errorf("push to %s: %w (run sync again)", r.name, err)
	}
	return r.local.setTracking(r.name, new)
}

// setTracking records where the remote's ledger branch was last seen, as
// refs/remotes/NAME/BRANCH, when name is a plain remote name.
func (s *Store) setTracking(name string, h plumbing.Hash) error {
	if strings.ContainsAny(name, "/:\\ ") {
		return nil
	}
	ref := plumbing.NewRemoteReferenceName(name, s.branch)
	cur, err := s.Repo.Storer.Reference(ref)
	old := plumbing.ZeroHash
	if err == nil {
		old = cur.Hash()
	}
	if old == h {
		return nil
	}
	return s.updateRef(ref, old, h)
}

// copyObjects copies every object reachable from commit head that dst
// lacks, stopping at commits and trees dst already has. Each tree and blob
// is looked at once per copy: neighbouring commits share all but a few of
// their subtrees, and asking dst about each shared one again, for every
// commit, was most of what a sync cost.
func copyObjects(src, dst storer.EncodedObjectStorer, head plumbing.Hash) error {
	c := &copier{src: src, dst: dst, seen: map[plumbing.Hash]bool{}}
	queue := []plumbing.Hash{head}
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		if c.seen[h] {
			continue
		}
		c.seen[h] = true
		if dst.HasEncodedObject(h) == nil {
			continue
		}
		commit, err := object.GetCommit(src, h)
		if err != nil {
			return err
		}
		if err := c.tree(commit.TreeHash); err != nil {
			return err
		}
		if err := copyObject(src, dst, plumbing.CommitObject, h); err != nil {
			return err
		}
		queue = append(queue, commit.ParentHashes...)
	}
	return nil
}

// copier is one copyObjects: seen holds the objects it has copied or found
// in dst already.
type copier struct {
	src, dst storer.EncodedObjectStorer
	seen     map[plumbing.Hash]bool
}

func (c *copier) tree(h plumbing.Hash) error {
	if c.seen[h] {
		return nil
	}
	c.seen[h] = true
	if c.dst.HasEncodedObject(h) == nil {
		return nil
	}
	t, err := object.GetTree(c.src, h)
	if err != nil {
		return err
	}
	for _, e := range t.Entries {
		switch e.Mode {
		case filemode.Dir:
			err = c.tree(e.Hash)
		case filemode.Submodule:
		default:
			if !c.seen[e.Hash] {
				c.seen[e.Hash] = true
				if c.dst.HasEncodedObject(e.Hash) != nil {
					err = copyObject(c.src, c.dst, plumbing.BlobObject, e.Hash)
				}
			}
		}
		if err != nil {
			return err
		}
	}
	return copyObject(c.src, c.dst, plumbing.TreeObject, h)
}

func copyObject(src, dst storer.EncodedObjectStorer, t plumbing.ObjectType, h plumbing.Hash) error {
	obj, err := src.EncodedObject(t, h)
	if err != nil {
		return fmt.Errorf("read %s %s: %w", t, h, err)
	}
	_, err = dst.SetEncodedObject(obj)
	return err
}

// netRemote is a remote reached through go-git's transports.
type netRemote struct {
	name, url string
	local     *Store
	acc       *netAccess
}

// syncRemoteName names the remote configuration that sync builds for go-git
// (it is never written to the repository's configuration).
const syncRemoteName = "porttracker-sync"

func (r *netRemote) Name() string { return r.name }

func (r *netRemote) remote() *git.Remote {
	return git.NewRemote(r.local.Repo.Storer, &gitconfig.RemoteConfig{Name: syncRemoteName, URLs: []string{r.url}})
}

func (r *netRemote) Head(ctx context.Context) (plumbing.Hash, error) {
	acc, err := r.access(ctx)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	refs, err := r.remote().ListContext(ctx, &git.ListOptions{Auth: acc.auth, CABundle: acc.caBundle, InsecureSkipTLS: acc.insecure})
	empty := errors.Is(err, transport.ErrEmptyRemoteRepository)
	if err != nil && !empty {
		return plumbing.ZeroHash, r.explain(ctx, "list", err)
	}
	// The remote accepted the credentials: the helpers may keep them.
	acc.feedback.approve(ctx)
	if empty {
		return plumbing.ZeroHash, nil
	}
	for _, ref := range refs {
		if ref.Name() == r.local.ref {
			return ref.Hash(), nil
		}
	}
	return plumbing.ZeroHash, nil
}

// trackingName is the remote name under which the remote's ledger is kept
// (refs/remotes/NAME/BRANCH): the remote's own, or syncRemoteName for a URL.
func (r *netRemote) trackingName() string {
	if strings.ContainsAny(r.name, "/:\\ @") {
		return syncRemoteName
	}
	return r.name
}

func (r *netRemote) trackingRef() plumbing.ReferenceName {
	return plumbing.NewRemoteReferenceName(r.trackingName(), r.local.branch)
}

func (r *netRemote) Fetch(ctx context.Context) (plumbing.Hash, error) {
	h, err := r.Head(ctx)
	if err != nil || h.IsZero() {
		return h, err
	}
	acc := r.acc
	spec := gitconfig.RefSpec("+" + r.local.ref.String() + ":" + r.trackingRef().String())
	err = r.remote().FetchContext(ctx, &git.FetchOptions{RemoteName: syncRemoteName, RefSpecs: []gitconfig.RefSpec{spec}, Tags: git.NoTags,
		Auth: acc.auth, CABundle: acc.caBundle, InsecureSkipTLS: acc.insecure})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return plumbing.ZeroHash, r.explain(ctx, "fetch from", err)
	}
	return h, nil
}

func (r *netRemote) Push(ctx context.Context, old, new plumbing.Hash) error {
	acc, err := r.access(ctx)
	if err != nil {
		return err
	}
	// A plain (not forced) push of a descendant is already a
	// compare-and-swap: the remote refuses it unless it fast-forwards.
	spec := gitconfig.RefSpec(r.local.ref.String() + ":" + r.local.ref.String())
	err = r.remote().PushContext(ctx, &git.PushOptions{RemoteName: syncRemoteName, RefSpecs: []gitconfig.RefSpec{spec},
		Auth: acc.auth, CABundle: acc.caBundle, InsecureSkipTLS: acc.insecure, Progress: remoteLines(r.local.RemoteMessages)})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		if perr := pushRefused(err); perr != nil {
			return perr
		}
		return fmt.Errorf("%w (run sync again)", r.explain(ctx, "push to", err))
	}
	return r.local.setTracking(r.trackingName(), new)
}

// pushRefused recognizes a push that the remote's hooks refused: a failed
// rule (exit status 1), whose reasons the remote sent as "remote:" lines.
func pushRefused(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "hook declined") || strings.Contains(msg, "pre-receive") {
		return &RuleError{Msg: "the remote refused the push (" + strings.TrimSpace(msg) + "); its reasons are in the remote: lines above"}
	}
	return nil
}

// MergeResult says what Merge did.
type MergeResult struct {
	Head plumbing.Hash
	// FastForward: the local branch simply moved to the remote's head;
	// UpToDate: the local branch already contained it.
	FastForward, UpToDate bool
	// Added lists the entries the merge brought in.
	Added int
}

// Merge joins the ledger at remote (whose objects are in the local store)
// into the local branch: nothing if the branch contains it, a fast-forward
// if it is behind, otherwise a signed merge commit whose tree is the union
// of both sides' entries and whose signer list keeps what both sides kept.
// A merge commit adds no entry of its own, so it never conflicts.
func (w *Writer) Merge(remote plumbing.Hash) (*MergeResult, error) {
	unlock, err := w.Store.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	s := w.Store
	local, err := s.Head()
	if errors.Is(err, ErrNoLedger) {
		if err := s.UpdateRef(plumbing.ZeroHash, remote); err != nil {
			return nil, err
		}
		return &MergeResult{Head: remote, FastForward: true}, nil
	}
	if err != nil {
		return nil, err
	}
	if ok, err := s.IsAncestor(remote, local); err != nil {
		return nil, err
	} else if ok {
		return &MergeResult{Head: local, UpToDate: true}, nil
	}
	if ok, err := s.IsAncestor(local, remote); err != nil {
		return nil, err
	} else if ok {
		if err := s.UpdateRef(local, remote); err != nil {
			return nil, err
		}
		return &MergeResult{Head: remote, FastForward: true}, nil
	}
	lc, err := object.GetCommit(s.objs, local)
	if err != nil {
		return nil, err
	}
	rc, err := object.GetCommit(s.objs, remote)
	if err != nil {
		return nil, err
	}
	diff, err := s.DiffTrees(lc.TreeHash, rc.TreeHash)
	if err != nil {
		return nil, err
	}
	files := map[string]plumbing.Hash{}
	added := 0
	for _, ch := range diff {
		if EntryIDFromPath(ch.Path) != "" && ch.Old.IsZero() {
			files[ch.Path] = ch.New
			added++
		}
	}
	signers, err := s.mergeSigners(lc, rc)
	if err != nil {
		return nil, err
	}
	blob, err := s.writeObject(plumbing.BlobObject, signers)
	if err != nil {
		return nil, err
	}
	files[AllowedSignersFile] = blob
	tree, err := s.putFiles(lc.TreeHash, files)
	if err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("Merge ledger %s into %s\n\nporttracker sync: %d entries joined; no entry is added by this commit.\n", remote.String()[:12], local.String()[:12], added)
	h, err := s.MergeCommit(tree, []plumbing.Hash{local, remote}, msg, w.Author, w.Signer)
	if err != nil {
		return nil, err
	}
	if err := s.UpdateRef(local, h); err != nil {
		return nil, err
	}
	return &MergeResult{Head: h, Added: added}, nil
}

// mergeSigners is a three-way line merge of allowed_signers: a line stays
// if either side has it, unless one side removed it since the merge base.
func (s *Store) mergeSigners(a, b *object.Commit) ([]byte, error) {
	lines := func(c *object.Commit) (map[string]bool, error) {
		out := map[string]bool{}
		if c == nil {
			return out, nil
		}
		data, err := s.ReadFile(c.Hash, AllowedSignersFile)
		if err != nil {
			return nil, err
		}
		list, err := sshkey.ParseAllowedSigners(data)
		if err != nil {
			return nil, err
		}
		for _, l := range list {
			out[l.Identity+" "+l.Key] = true
		}
		return out, nil
	}
	var base *object.Commit
	if h, err := s.MergeBase(a.Hash, b.Hash); err == nil && !h.IsZero() {
		base, _ = s.commit(h)
	}
	la, err := lines(a)
	if err != nil {
		return nil, err
	}
	lb, err := lines(b)
	if err != nil {
		return nil, err
	}
	lbase, err := lines(base)
	if err != nil {
		return nil, err
	}
	var keep []string
	for l := range la {
		if lb[l] || !lbase[l] {
			keep = append(keep, l)
		}
	}
	for l := range lb {
		if !la[l] && !lbase[l] {
			keep = append(keep, l)
		}
	}
	slices.Sort(keep)
	list := make([]sshkey.AllowedSigner, len(keep))
	for i, l := range keep {
		id, key, _ := strings.Cut(l, " ")
		list[i] = sshkey.AllowedSigner{Identity: id, Key: key}
	}
	return sshkey.FormatAllowedSigners(list), nil
}
