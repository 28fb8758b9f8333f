package gitstore

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// testBranch is the ledger branch of the tests' repositories.
const testBranch = "porting-ledger"

// testLedger is a repository made by stock git with a ledger branch that
// the tests write plain files to: the store knows nothing of what an entry
// holds, only where entries are kept.
type testLedger struct {
	dir string
	s   *Store
	who Author
	key *sshkey.Signer
	n   int
}

// newKey makes an ed25519 signer.
func newKey(t testing.TB) *sshkey.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return sshkey.NewSigner(s, "test key")
}

// newTestLedger runs git init in a new directory, opens its ledger branch
// and writes a first commit holding an allowed_signers file.
func newTestLedger(t testing.TB) *testLedger {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	s, err := Open(dir, testBranch)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	clock := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	l := &testLedger{dir: dir, s: s, who: Author{Name: "Alice", Email: "alice@example.com"}, key: newKey(t)}
	signers := sshkey.FormatAllowedSigners([]sshkey.AllowedSigner{{Identity: "alice@example.com", Key: l.key.AuthorizedKey()}})
	root, err := s.CommitFiles(plumbing.ZeroHash, map[string][]byte{AllowedSignersFile: signers}, "init\n", l.who, l.key)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateRef(plumbing.ZeroHash, root); err != nil {
		t.Fatal(err)
	}
	return l
}

// entryID is the n-th made-up entry ID: 40 hex digits.
func entryID(n int) string { return fmt.Sprintf("%040x", n) }

// add commits one new entry file on the branch head and moves the branch
// to it.
func (l *testLedger) add(t testing.TB) plumbing.Hash {
	t.Helper()
	l.n++
	head := l.head(t)
	c, err := l.s.CommitFiles(head, map[string][]byte{EntryPath(entryID(l.n)): []byte(fmt.Sprintf("entry %d\n", l.n))}, "entry\n", l.who, l.key)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.s.UpdateRef(head, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// head is the branch head.
func (l *testLedger) head(t testing.TB) plumbing.Hash {
	t.Helper()
	h, err := l.s.Head()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// readEntries walks the branch from head with s, reads every entry file
// its commits added and returns how many there are.
func readEntries(t testing.TB, s *Store, head plumbing.Hash) int {
	t.Helper()
	n := 0
	err := s.Walk(head, nil, func(ci *CommitInfo) error {
		for _, ch := range ci.Changes {
			if EntryIDFromPath(ch.Path) == "" || ch.New.IsZero() {
				continue
			}
			if _, err := s.ReadBlob(ch.New); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
