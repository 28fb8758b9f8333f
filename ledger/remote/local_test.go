package remote

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// TestLocalRemote exchanges the ledger with a bare repository on this file
// system, made and checked by stock git: push to a configured remote, the
// compare-and-swap, fetch into another clone, and a pre-receive hook that
// refuses.
func TestLocalRemote(t *testing.T) {
	ctx := context.Background()
	w := newWriter(t)
	_, head := w.add(t)
	bare := filepath.Join(t.TempDir(), "shared.git")
	stockGit(t, "init", "-q", "--bare", bare)
	stockGit(t, "-C", w.dir, "remote", "add", "origin", bare)

	r, err := Open(w.s, "origin")
	if err != nil {
		t.Fatal(err)
	}
	if r.Name() != "origin" {
		t.Errorf("Name = %q", r.Name())
	}
	if h, err := r.Head(ctx); err != nil || !h.IsZero() {
		t.Fatalf("Head of a remote without a ledger = %s, %v; want zero", h, err)
	}
	if err := r.Push(ctx, plumbing.ZeroHash, head); err != nil {
		t.Fatal(err)
	}
	if got := stockGit(t, "--git-dir", bare, "rev-parse", "refs/heads/"+ledgerBranch); got != head.String() {
		t.Fatalf("the remote's branch is at %s, want %s", got, head)
	}
	if got := stockGit(t, "-C", w.dir, "rev-parse", "refs/remotes/origin/"+ledgerBranch); got != head.String() {
		t.Fatalf("the tracking ref is at %s, want %s", got, head)
	}
	stockGit(t, "--git-dir", bare, "fsck", "--strict")
	// The remote is no longer without a ledger: a push from zero is stale.
	if err := r.Push(ctx, plumbing.ZeroHash, head); !errors.Is(err, gitstore.ErrRefChanged) {
		t.Fatalf("push from a stale head: %v, want ErrRefChanged", err)
	}

	// Another clone fetches it by path.
	other := newWriter(t)
	rr, err := Open(other.s, bare)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := rr.Fetch(ctx); err != nil || h != head {
		t.Fatalf("Fetch = %s, %v; want %s", h, err, head)
	}
	stockGit(t, "-C", other.dir, "cat-file", "-e", head.String()+"^{tree}")

	// A pre-receive hook that refuses: a rule error, its words as
	// "remote:" lines, and the remote's branch where it was.
	hook := filepath.Join(bare, "hooks", "pre-receive")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'entry refused: no thanks'\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var said bytes.Buffer
	w.s.RemoteMessages = &said
	old, next := w.add(t)
	err = r.Push(ctx, old, next)
	var rule *ledger.RuleError
	if !errors.As(err, &rule) {
		t.Fatalf("push refused by the hook: %v, want a RuleError", err)
	}
	if !strings.Contains(said.String(), "remote: entry refused: no thanks") {
		t.Errorf("the hook's words were not passed on as remote: lines: %q", said.String())
	}
	if got := stockGit(t, "--git-dir", bare, "rev-parse", "refs/heads/"+ledgerBranch); got != head.String() {
		t.Fatalf("a refused push moved the remote's branch to %s", got)
	}
	// Without the hook the same push goes through.
	if err := os.Remove(hook); err != nil {
		t.Fatal(err)
	}
	if err := r.Push(ctx, old, next); err != nil {
		t.Fatal(err)
	}
	if got := stockGit(t, "--git-dir", bare, "rev-parse", "refs/heads/"+ledgerBranch); got != next.String() {
		t.Fatalf("the remote's branch is at %s, want %s", got, next)
	}
}

// TestOpenChoosesTransport: a configured name or a path is a repository on
// this machine, a URL goes through the network, and anything else is bad
// input naming what to check.
func TestOpenChoosesTransport(t *testing.T) {
	w := newWriter(t)
	stockGit(t, "-C", w.dir, "remote", "add", "web", "https://git.example.com/team/port.git")
	bare := filepath.Join(t.TempDir(), "b.git")
	stockGit(t, "init", "-q", "--bare", bare)
	for _, tc := range []struct {
		name, want string
	}{
		{bare, "local"},
		{"file://" + bare, "local"},
		{"web", "net"},
		{"https://git.example.com/x.git", "net"},
		{"git@git.example.com:team/port.git", "net"},
		{"nosuchremote", "error"},
		{filepath.Join(t.TempDir(), "missing"), "error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(w.s, tc.name)
			got := "error"
			switch r.(type) {
			case *localRemote:
				got = "local"
			case *netRemote:
				got = "net"
			}
			if got != tc.want {
				t.Fatalf("Open(%q) = %T, %v; want %s", tc.name, r, err, tc.want)
			}
			if got == "error" && !strings.Contains(err.Error(), "git remote -v") {
				t.Errorf("the error does not say what to check: %v", err)
			}
		})
	}
}

// pushedLedger writes a ledger of entries entries and pushes it to a new
// bare repository made by stock git, the remote r.
func pushedLedger(t *testing.T, entries int) (w *writer, bare string, r Remote, head plumbing.Hash) {
	t.Helper()
	w = newWriter(t)
	for i := 0; i < entries; i++ {
		_, head = w.add(t)
	}
	bare = filepath.Join(t.TempDir(), "shared.git")
	stockGit(t, "init", "-q", "--bare", bare)
	r, err := Open(w.s, bare)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Push(context.Background(), plumbing.ZeroHash, head); err != nil {
		t.Fatal(err)
	}
	return w, bare, r, head
}

// TestLocalCopiesPack: a push or fetch between repositories on this file
// system that copies many objects stores them in one pack, as git's own
// transfers do, and a small one as loose objects; stock git reads and
// checks both repositories afterwards.
func TestLocalCopiesPack(t *testing.T) {
	ctx := context.Background()
	countFiles := func(dir, pattern string) int {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		return len(m)
	}
	const entries = 30 // five objects each
	w, bare, r, head := pushedLedger(t, entries)
	if n := countFiles(bare, "objects/pack/*.pack"); n != 1 {
		t.Errorf("the push left %d packs in the remote, want 1", n)
	}
	// The head commit and its three trees stay loose, as packing leaves
	// them, so that a write there reads no pack index.
	if n := countFiles(bare, "objects/??/*"); n != 4 {
		t.Errorf("the push left %d loose objects in the remote, want the head commit and its 3 trees", n)
	}
	if n := countFiles(bare, "objects/"+head.String()[:2]+"/"+head.String()[2:]); n != 1 {
		t.Errorf("the pushed head commit is not loose in the remote")
	}
	stockGit(t, "--git-dir", bare, "fsck", "--strict")
	if got := stockGit(t, "--git-dir", bare, "rev-list", "--count", head.String()); got != "30" {
		t.Errorf("stock git counts %s commits in the remote, want 30", got)
	}

	// A small fetch: loose objects.
	other := newWriter(t)
	rr, err := Open(other.s, bare)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rr.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countFiles(other.dir, ".git/objects/pack/*.pack"); n != 1 {
		t.Errorf("the fetch left %d packs, want 1", n)
	}
	old := head
	_, head = w.add(t)
	if err := r.Push(ctx, old, head); err != nil {
		t.Fatal(err)
	}
	if n := countFiles(bare, "objects/??/*"); n != 4+5 {
		t.Errorf("a push of one entry left %d loose objects in the remote, want its 5 beside the 4 from before", n)
	}
	if n := countFiles(bare, "objects/pack/*.pack"); n != 1 {
		t.Errorf("a push of one entry left %d packs, want the one from before", n)
	}
	if _, err := rr.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	stockGit(t, "-C", other.dir, "fsck", "--strict")
	if got := stockGit(t, "-C", other.dir, "cat-file", "-t", head.String()); got != "commit" {
		t.Errorf("the fetched head is a %q in the other clone", got)
	}
}

// forgeLoose overwrites the loose object file of h in the git directory
// gitDir with the object of type typ holding content, as someone with
// write access to a shared repository could: the file keeps h's name.
func forgeLoose(t *testing.T, gitDir string, h plumbing.Hash, typ string, content []byte) {
	t.Helper()
	path := filepath.Join(gitDir, "objects", h.String()[:2], h.String()[2:])
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s is not a loose object: %v", h, err)
	}
	var buf bytes.Buffer
	z := zlib.NewWriter(&buf)
	fmt.Fprintf(z, "%s %d\x00", typ, len(content))
	z.Write(content)
	z.Close()
	os.Chmod(path, 0o644)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCopyRefusesForgedObjects: a shared repository whose loose object
// file holds another object than its name says (forged with write access
// to it) makes a fetch fail, naming the object, whether the fetch stores
// what it copies loose or in a pack; nothing is fetched as that object.
func TestCopyRefusesForgedObjects(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		entries int // five objects each, and one more entry: under 100 objects are copied loose
	}{
		{"copied loose", 3},
		{"copied into a pack", 30},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, bare, r, head := pushedLedger(t, c.entries)
			// One more entry, pushed alone: its objects are loose in the
			// shared repository, and nowhere else there.
			old := head
			_, head = w.add(t)
			if err := r.Push(ctx, old, head); err != nil {
				t.Fatal(err)
			}
			// The new head's root tree is replaced by its parent's.
			root := stockGit(t, "--git-dir", bare, "rev-parse", head.String()+"^{tree}")
			parentRoot := stockGit(t, "--git-dir", bare, "rev-parse", head.String()+"~1^{tree}")
			forged := exec.Command("git", "--git-dir", bare, "cat-file", "tree", parentRoot)
			content, err := forged.Output()
			if err != nil {
				t.Fatal(err)
			}
			forgeLoose(t, bare, plumbing.NewHash(root), "tree", content)

			other := newWriter(t)
			rr, err := Open(other.s, bare)
			if err != nil {
				t.Fatal(err)
			}
			_, err = rr.Fetch(ctx)
			if err == nil || !strings.Contains(err.Error(), "forged") || !strings.Contains(err.Error(), root) {
				t.Fatalf("fetch from a repository with a forged object: %v, want an error naming %s", err, root)
			}
			if out, err := exec.Command("git", "-C", other.dir, "cat-file", "-e", root).CombinedOutput(); err == nil {
				t.Errorf("the forged tree %s is in the fetching clone: %s", root, out)
			}
		})
	}
}
