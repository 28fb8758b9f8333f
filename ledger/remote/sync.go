package remote

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
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

// Open resolves name (a configured remote, a path to a repository,
// or a URL) to a Remote for the ledger branch of s. Remotes on the local
// file system are read and written directly through go-git, with no git
// binary; others go through go-git's transports (ssh with the user's
// ssh-agent, https).
func Open(s *gitstore.Store, name string) (Remote, error) {
	addr := name
	if url, ok := s.RemoteURL(name); ok {
		addr = url
	}
	if path, ok := localPath(addr, s.WorkTree()); ok {
		other, err := gitstore.Open(path, s.Branch())
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
	local, remote *gitstore.Store
}

func (r *localRemote) Name() string { return r.name }

func (r *localRemote) Head(context.Context) (plumbing.Hash, error) {
	h, err := r.remote.Head()
	if errors.Is(err, gitstore.ErrNoLedger) {
		return plumbing.ZeroHash, nil
	}
	return h, err
}

func (r *localRemote) Fetch(ctx context.Context) (plumbing.Hash, error) {
	h, err := r.Head(ctx)
	if err != nil || h.IsZero() {
		return h, err
	}
	have, err := r.local.Head()
	if err != nil {
		have = plumbing.ZeroHash // no ledger here yet
	}
	if err := copyObjects(r.remote.Objects(), r.local, h, have); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("fetch from %s: %w", r.name, err)
	}
	if err := r.local.SetTracking(r.name, h); err != nil {
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
	if err := copyObjects(r.local.Objects(), r.remote, new, old); err != nil {
		return fmt.Errorf("push to %s: %w", r.name, err)
	}
	if err := runReceiveHook(r.remote.GitDir(), r.remote.Ref(), old, new, r.local.RemoteMessages); err != nil {
		return err
	}
	if err := r.remote.UpdateRef(old, new); err != nil {
		return fmt.Errorf("push to %s: %w (run sync again)", r.name, err)
	}
	return r.local.SetTracking(r.name, new)
}

// unpackLimit is the number of objects below which a copy stores them
// loose; from it on, they go into one new pack (git's fetch.unpackLimit
// and receive.unpackLimit are 100). A file per object was most of what
// copying a few hundred entries cost.
const unpackLimit = 100

// copyObjects copies every object reachable from commit head that dst
// lacks, stopping at commits and trees dst already has. Each tree and blob
// is looked at once per copy: neighbouring commits share all but a few of
// their subtrees, and asking dst about each shared one again, for every
// commit, was most of what a sync cost. have, when not zero, is a commit
// dst has (its ledger head, or the remote's before a push): a tree is
// compared with the tree at the same path there, and what the two share
// is not asked about at all (a question is a file looked up in dst).
func copyObjects(src storer.EncodedObjectStorer, dst *gitstore.Store, head, have plumbing.Hash) error {
	c := &copier{src: src, dst: dst.Objects(), seen: map[plumbing.Hash]bool{}}
	if err := c.walk(head, have); err != nil {
		return err
	}
	if len(c.missing) >= unpackLimit {
		if err := dst.WritePack(src, c.missing); err != nil {
			return err
		}
		// The head commit and its trees stay loose too, as packing leaves
		// them (gitstore.Store.Pack): a write reads them, and a packed
		// one makes it decode every pack index first.
		for i, h := range c.missing[:c.headEnd] {
			if c.types[i] != plumbing.BlobObject {
				if err := copyObject(src, c.dst, c.types[i], h); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// Loose, each object after those it names, as the walk found them.
	for i, h := range c.missing {
		if err := copyObject(src, c.dst, c.types[i], h); err != nil {
			return err
		}
	}
	return nil
}

// walk lists in c.missing what dst lacks of the commits from head.
func (c *copier) walk(head, have plumbing.Hash) error {
	var haveTree plumbing.Hash
	if !have.IsZero() {
		if hc, err := object.GetCommit(c.dst, have); err == nil {
			haveTree = hc.TreeHash
		}
	}
	queue := []plumbing.Hash{head}
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		if c.seen[h] {
			continue
		}
		c.seen[h] = true
		if c.dst.HasEncodedObject(h) == nil {
			continue
		}
		commit, err := object.GetCommit(c.src, h)
		if err != nil {
			return err
		}
		if err := c.tree(commit.TreeHash, haveTree); err != nil {
			return err
		}
		c.add(plumbing.CommitObject, h)
		if h == head {
			c.headEnd = len(c.missing)
		}
		queue = append(queue, commit.ParentHashes...)
	}
	return nil
}

// copier is one copyObjects: seen holds the objects it has looked at,
// missing those dst lacks, in an order that puts every object after the
// ones it names.
type copier struct {
	src, dst storer.EncodedObjectStorer
	seen     map[plumbing.Hash]bool
	missing  []plumbing.Hash
	types    []plumbing.ObjectType
	// headEnd ends the objects of the head commit (its trees and blobs,
	// then itself) at the start of missing.
	headEnd int
}

func (c *copier) add(t plumbing.ObjectType, h plumbing.Hash) {
	c.missing = append(c.missing, h)
	c.types = append(c.types, t)
}

// tree adds tree h and what it holds that dst lacks; have is the tree at
// the same path in a commit dst has (zero for none), whose entries dst has.
func (c *copier) tree(h, have plumbing.Hash) error {
	if c.seen[h] {
		return nil
	}
	c.seen[h] = true
	if h == have || c.dst.HasEncodedObject(h) == nil {
		return nil
	}
	t, err := object.GetTree(c.src, h)
	if err != nil {
		return err
	}
	held := map[string]plumbing.Hash{}
	if !have.IsZero() {
		if ht, err := object.GetTree(c.dst, have); err == nil {
			for _, e := range ht.Entries {
				held[e.Name] = e.Hash
			}
		}
	}
	for _, e := range t.Entries {
		if held[e.Name] == e.Hash {
			continue // dst has it: it is in dst's tree
		}
		switch e.Mode {
		case filemode.Dir:
			if err := c.tree(e.Hash, held[e.Name]); err != nil {
				return err
			}
		case filemode.Submodule:
		default:
			if !c.seen[e.Hash] {
				c.seen[e.Hash] = true
				if c.dst.HasEncodedObject(e.Hash) != nil {
					c.add(plumbing.BlobObject, e.Hash)
				}
			}
		}
	}
	c.add(plumbing.TreeObject, h)
	return nil
}

func copyObject(src, dst storer.EncodedObjectStorer, t plumbing.ObjectType, h plumbing.Hash) error {
	obj, err := src.EncodedObject(t, h)
	if err != nil {
		return fmt.Errorf("read %s %s: %w", t, h, err)
	}
	got, err := dst.SetEncodedObject(obj)
	if err == nil && got != h {
		// Stored under the hash of what it holds: the object asked for is
		// still missing, and the copy must not go on as if it were there.
		err = fmt.Errorf("copy %s %s: its content is object %s (the source's copy is damaged or forged)", t, h, got)
	}
	return err
}

// netRemote is a remote reached through go-git's transports.
type netRemote struct {
	name, url string
	local     *gitstore.Store
	acc       *netAccess
}

// syncRemoteName names the remote configuration that sync builds for go-git
// (it is never written to the repository's configuration).
const syncRemoteName = "porttracker-sync"

func (r *netRemote) Name() string { return r.name }

func (r *netRemote) remote() *git.Remote {
	return r.local.NewRemote(syncRemoteName, r.url)
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
		if ref.Name() == r.local.Ref() {
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
	return plumbing.NewRemoteReferenceName(r.trackingName(), r.local.Branch())
}

func (r *netRemote) Fetch(ctx context.Context) (plumbing.Hash, error) {
	h, err := r.Head(ctx)
	if err != nil || h.IsZero() {
		return h, err
	}
	acc := r.acc
	spec := gitconfig.RefSpec("+" + r.local.Ref().String() + ":" + r.trackingRef().String())
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
	spec := gitconfig.RefSpec(r.local.Ref().String() + ":" + r.local.Ref().String())
	err = r.remote().PushContext(ctx, &git.PushOptions{RemoteName: syncRemoteName, RefSpecs: []gitconfig.RefSpec{spec},
		Auth: acc.auth, CABundle: acc.caBundle, InsecureSkipTLS: acc.insecure, Progress: remoteLines(r.local.RemoteMessages)})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		if perr := pushRefused(err); perr != nil {
			return perr
		}
		return fmt.Errorf("%w (run sync again)", r.explain(ctx, "push to", err))
	}
	return r.local.SetTracking(r.trackingName(), new)
}

// pushRefused recognizes a push that the remote's hooks refused: a failed
// rule (exit status 1), whose reasons the remote sent as "remote:" lines.
func pushRefused(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "hook declined") || strings.Contains(msg, "pre-receive") {
		return &ledger.RuleError{Msg: "the remote refused the push (" + strings.TrimSpace(msg) + "); its reasons are in the remote: lines above"}
	}
	return nil
}
