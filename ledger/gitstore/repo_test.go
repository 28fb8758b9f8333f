package gitstore

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// stock runs stock git in dir and returns its trimmed output.
func stock(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestRepositoryReads checks the store's reads beyond the ledger branch
// against what stock git says of the same repository: HEAD and the code's
// files, revisions, remotes, and the commits reachable from one.
func TestRepositoryReads(t *testing.T) {
	l := newTestLedger(t)
	if err := os.WriteFile(filepath.Join(l.dir, "main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stock(t, l.dir, "add", "main.go")
	stock(t, l.dir, "-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-q", "-m", "code")
	code := plumbing.NewHash(stock(t, l.dir, "rev-parse", "HEAD"))
	stock(t, l.dir, "remote", "add", "upstream", "https://git.example.com/up.git")
	stock(t, l.dir, "remote", "add", "origin", "/srv/origin.git")

	if h, err := l.s.CodeHead(); err != nil || h != code {
		t.Errorf("CodeHead = %s, %v; want %s", h, err, code)
	}
	if data, err := l.s.FileAt(code, "main.go"); err != nil || string(data) != "package main\n" {
		t.Errorf("FileAt main.go = %q, %v", data, err)
	}
	if b, err := l.s.BlobAt(code, "main.go"); err != nil || b.String() != stock(t, l.dir, "rev-parse", "HEAD:main.go") || b != BlobHash([]byte("package main\n")) {
		t.Errorf("BlobAt main.go = %s, %v", b, err)
	}
	if _, err := l.s.BlobAt(code, "nope/main.go"); !errors.Is(err, ErrNotInTree) {
		t.Errorf("BlobAt of a missing path: %v, want ErrNotInTree", err)
	}
	// BlobAt reads trees only: with the blob's object gone, it still
	// names it (reading a blob packed long ago costs a new process every
	// pack index).
	blob := stock(t, l.dir, "rev-parse", "HEAD:main.go")
	if err := os.Remove(filepath.Join(l.dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	if b, err := l.s.BlobAt(code, "main.go"); err != nil || b.String() != blob {
		t.Errorf("BlobAt main.go without its blob = %s, %v", b, err)
	}
	if _, err := l.s.FileAt(code, "main.go"); err == nil {
		t.Fatal("FileAt read a blob that is gone: the test removed nothing")
	}
	second := l.add(t)
	for rev, want := range map[string]string{
		testBranch:        second.String(),
		testBranch + "~1": stock(t, l.dir, "rev-parse", testBranch+"~1"),
		"HEAD":            code.String(),
	} {
		if h, err := l.s.ResolveRevision(rev); err != nil || h.String() != want {
			t.Errorf("ResolveRevision(%s) = %s, %v; want %s", rev, h, err, want)
		}
	}
	if _, err := l.s.ResolveRevision("no-such-branch"); err == nil {
		t.Error("an unknown revision resolved")
	}
	if names, err := l.s.Remotes(); err != nil || !slices.Equal(names, []string{"origin", "upstream"}) {
		t.Errorf("Remotes = %v, %v", names, err)
	}
	if u, ok := l.s.RemoteURL("upstream"); !ok || u != "https://git.example.com/up.git" {
		t.Errorf("RemoteURL(upstream) = %q, %v", u, ok)
	}
	if _, ok := l.s.RemoteURL("none"); ok {
		t.Error("RemoteURL found a remote that is not configured")
	}
	reach, err := l.s.Reachable(second)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(stock(t, l.dir, "rev-list", second.String()))
	if len(reach) != len(want) {
		t.Fatalf("Reachable has %d commits, git rev-list %d", len(reach), len(want))
	}
	for _, h := range want {
		if !reach[plumbing.NewHash(h)] {
			t.Errorf("Reachable lacks %s", h)
		}
	}
	if reach[code] {
		t.Error("Reachable from the ledger holds the code commit")
	}
}
