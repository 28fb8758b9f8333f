package ledger

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// The tests that write through git are ledger/branch's; these helpers make
// the values the rules' own tests need.

// history names made-up code commits: each is an ancestor of the next.
var history = []string{
	"1111111111111111111111111111111111111111",
	"2222222222222222222222222222222222222222",
}

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

func evidenceAt(commit string, gates ...GateResult) *Evidence {
	return &Evidence{CodeCommit: commit, Gates: gates}
}

func ok(name string) GateResult {
	return GateResult{Name: name, OK: true, Parsed: true, Passed: 1}
}
