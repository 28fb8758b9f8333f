package inventory

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// writeTree writes files (slash paths relative to root) under root.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// removeFiles deletes files (slash paths relative to root).
func removeFiles(t testing.TB, root string, names ...string) {
	t.Helper()
	for _, name := range names {
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
}

// testRepo is a git repository made for a test through go-git.
type testRepo struct {
	t    testing.TB
	dir  string
	repo *git.Repository
	n    int
}

// newTestRepo initializes an empty repository in a temporary directory.
func newTestRepo(t testing.TB) *testRepo {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	return &testRepo{t: t, dir: dir, repo: repo}
}

// commitAll stages every change of the worktree and commits it, returning
// the commit's hash.
func (r *testRepo) commitAll(msg string) string {
	r.t.Helper()
	wt, err := r.repo.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
	r.n++
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Unix(1700000000+int64(r.n), 0)}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		r.t.Fatal(err)
	}
	return h.String()
}

// declByKey indexes declarations by ledger symbol within a file.
func declByKey(decls []Decl) map[string]Decl {
	out := map[string]Decl{}
	for _, d := range decls {
		out[d.File+" "+d.LedgerSymbol()] = d
	}
	return out
}

// knownFrom turns changes into the known items of the next scan.
func knownFrom(changes []Change) []Known {
	return Apply(nil, changes)
}
