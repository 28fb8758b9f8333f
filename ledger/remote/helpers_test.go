package remote

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// ledgerBranch is the ledger branch of the tests' repositories.
const ledgerBranch = "porting-ledger"

// stockGit runs stock git with args and returns its trimmed output.
func stockGit(t *testing.T, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("git", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// writer is a repository made by git init whose ledger branch the test
// writes plain entry files to.
type writer struct {
	dir string
	s   *gitstore.Store
	key *sshkey.Signer
	n   int
}

// newWriter runs git init in a new directory and opens its ledger branch.
func newWriter(t *testing.T) *writer {
	t.Helper()
	dir := t.TempDir()
	stockGit(t, "init", "-q", dir)
	s, err := gitstore.Open(dir, ledgerBranch)
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
	return &writer{dir: dir, s: s, key: sshkey.NewSigner(k, "test key")}
}

// add commits one new entry file on the ledger branch and moves the
// branch; it returns the old and the new head.
func (w *writer) add(t *testing.T) (old, new plumbing.Hash) {
	t.Helper()
	w.n++
	old, err := w.s.Head()
	if err != nil {
		old = plumbing.ZeroHash
	}
	files := map[string][]byte{gitstore.EntryPath(fmt.Sprintf("%040x", w.n)): []byte(fmt.Sprintf("entry %d\n", w.n))}
	new, err = w.s.CommitFiles(old, files, "entry\n", gitstore.Author{Name: "Alice", Email: "alice@example.com"}, w.key)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.UpdateRef(old, new); err != nil {
		t.Fatal(err)
	}
	return old, new
}
