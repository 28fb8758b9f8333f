package remote_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/remote"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// replayView replays the whole ledger: the simplest correct view, here the
// one a sync verifies with.
type replayView struct{ store *gitstore.Store }

func (v *replayView) StateAt(head plumbing.Hash) (*ledger.State, error) {
	st := ledger.NewState(nil)
	if head.IsZero() {
		return st, nil
	}
	found, err := v.replay(head, st)
	if err != nil {
		return nil, err
	}
	if len(found) > 0 {
		return nil, &ledger.RuleError{Msg: found[0].Msg}
	}
	return st, nil
}

func (v *replayView) Save(*ledger.State, plumbing.Hash, plumbing.Hash, ...*ledger.Record) error {
	return nil
}

// VerifyNew verifies the whole ledger at head.
func (v *replayView) VerifyNew(head plumbing.Hash) ([]ledger.Finding, error) {
	return v.replay(head, ledger.NewState(nil))
}

func (v *replayView) replay(head plumbing.Hash, st *ledger.State) ([]ledger.Finding, error) {
	col, err := branch.Collect(v.store, head, nil)
	if err != nil {
		return nil, err
	}
	refused, err := ledger.Replay(&col.History, head.String(), st)
	if err != nil {
		return nil, err
	}
	return append(col.Findings, refused...), nil
}

// clone is a repository made by git init with porttracker's ledger in it.
type clone struct {
	dir  string
	s    *gitstore.Store
	w    *branch.Writer
	view *replayView
}

func newClone(t *testing.T) *clone {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	s, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	w := &branch.Writer{Store: s, Signer: sshkey.NewSigner(k, "test key"), Author: gitstore.Author{Name: "Alice", Email: "alice@example.com"}}
	return &clone{dir: dir, s: s, w: w, view: &replayView{store: s}}
}

func (c *clone) sync(t *testing.T, r remote.Remote) *remote.Sync {
	t.Helper()
	return &remote.Sync{Store: c.s, Remote: r, View: c.view, Writer: func() (*branch.Writer, error) { return c.w, nil }}
}

func open(t *testing.T, c *clone, name string) remote.Remote {
	t.Helper()
	r, err := remote.Open(c.s, name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func stockRev(t *testing.T, gitDir, ref string) string {
	t.Helper()
	out, err := exec.Command("git", "--git-dir", gitDir, "rev-parse", "-q", "--verify", ref).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// TestSync runs sync's use-case between clones and a bare repository made
// by stock git: the first push, a clone taking the ledger as its own, and a
// forged ledger that is refused before it touches the local branch.
func TestSync(t *testing.T) {
	ctx := context.Background()
	bare := filepath.Join(t.TempDir(), "shared.git")
	if out, err := exec.Command("git", "init", "-q", "--bare", bare).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	a := newClone(t)
	if _, err := a.w.Init(a.view, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	head, err := a.s.Head()
	if err != nil {
		t.Fatal(err)
	}

	// The remote has no ledger: nothing is merged, the local one is pushed.
	sa := a.sync(t, open(t, a, bare))
	f, err := sa.FetchMerge(ctx)
	if err != nil || f.Merge != nil || !f.Remote.IsZero() || f.Head() != head {
		t.Fatalf("FetchMerge into an empty remote = %+v, %v", f, err)
	}
	if pushed, err := sa.Publish(ctx, f); err != nil || !pushed {
		t.Fatalf("Publish = %v, %v; want a push", pushed, err)
	}
	if got := stockRev(t, bare, "refs/heads/"+ledger.DefaultBranch); got != head.String() {
		t.Fatalf("the remote's ledger is at %q, want %s", got, head)
	}

	// A clone without a ledger takes the remote's, verified, as its own.
	b := newClone(t)
	sb := b.sync(t, open(t, b, bare))
	f, err = sb.FetchMerge(ctx)
	if err != nil || f.Merge == nil || !f.Merge.FastForward || f.Head() != head || !f.Local.IsZero() {
		t.Fatalf("FetchMerge into a new clone = %+v, %v", f, err)
	}
	if pushed, err := sb.Publish(ctx, f); err != nil || pushed {
		t.Fatalf("Publish = %v, %v; want nothing to push", pushed, err)
	}
	if h, err := b.s.Head(); err != nil || h != head {
		t.Fatalf("the clone's ledger is at %s, %v; want %s", h, err, head)
	}

	// Someone pushes, with stock git, a ledger commit adding an entry no
	// signer signed: a clone refuses it and keeps its branch.
	work := t.TempDir()
	for _, args := range [][]string{
		{"clone", "-q", "-b", ledger.DefaultBranch, bare, work},
		{"-C", work, "-c", "user.name=M", "-c", "user.email=m@example.com", "commit", "-q", "--allow-empty", "-m", "placeholder"},
	} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	id := strings.Repeat("ab", 20)
	entry := filepath.Join(work, filepath.FromSlash(gitstore.EntryPath(id)))
	if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entry, []byte("kind = \"transition\"\nsigner = \"mallory@example.com\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-C", work, "add", "."},
		{"-C", work, "-c", "user.name=M", "-c", "user.email=m@example.com", "commit", "-q", "-m", "forged"},
		{"-C", work, "push", "-q", "origin", ledger.DefaultBranch},
	} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	_, err = sb.FetchMerge(ctx)
	var unverified *remote.UnverifiedError
	if !errors.As(err, &unverified) || len(unverified.Findings) == 0 || !strings.Contains(err.Error(), "nothing was merged") {
		t.Fatalf("FetchMerge of a forged ledger: %v; want an UnverifiedError", err)
	}
	if h, err := b.s.Head(); err != nil || h != head {
		t.Fatalf("the refused ledger moved the clone's branch to %s, %v", h, err)
	}

	// Neither side with a ledger is its own error.
	empty := filepath.Join(t.TempDir(), "empty.git")
	if out, err := exec.Command("git", "init", "-q", "--bare", empty).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	c := newClone(t)
	sc := c.sync(t, open(t, c, empty))
	f, err = sc.FetchMerge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Publish(ctx, f); !errors.Is(err, remote.ErrNoLedgers) {
		t.Fatalf("Publish with no ledger on either side: %v, want ErrNoLedgers", err)
	}
}
