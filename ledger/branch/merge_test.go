package branch

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// mergeFailing is the real store whose Merge fails.
type mergeFailing struct{ *gitstore.Store }

var errMergeFailed = errors.New("merge failed in storage")

func (mergeFailing) Merge(plumbing.Hash, gitstore.Author, *sshkey.Signer) (*gitstore.MergeResult, error) {
	return nil, errMergeFailed
}

// TestMergeAsTheWriter: Writer.Merge joins two sides of the ledger with a
// merge commit that the writer authors and signs: stock git names the
// writer as its author and verify-commit says Good with the merged signer
// list, and replay of the merged ledger refuses nothing. A merge that fails
// in storage leaves the branch where it was.
func TestMergeAsTheWriter(t *testing.T) {
	dir, w := newLedger(t)
	bob := newKey(t)
	e, err := ledger.BuildSigner("bob@example.com", bob.AuthorizedKey(), ledger.ActionAdd)
	if err != nil {
		t.Fatal(err)
	}
	appendEntry(t, w, e)
	base := mustHead(t, w)
	appendEntry(t, w, sampleInventory())
	ours := mustHead(t, w)
	// Bob's side, written on base.
	if err := w.Store.UpdateRef(ours, base); err != nil {
		t.Fatal(err)
	}
	wb := &Writer{Store: w.Store, Signer: bob, Author: gitstore.Author{Name: "Bob", Email: "bob@example.com"}}
	carol, err := ledger.BuildSigner("carol@example.com", newKey(t).AuthorizedKey(), ledger.ActionAdd)
	if err != nil {
		t.Fatal(err)
	}
	appendEntry(t, wb, carol)
	theirs := mustHead(t, w)
	if err := w.Store.UpdateRef(theirs, ours); err != nil {
		t.Fatal(err)
	}

	failing := &Writer{Store: mergeFailing{gitStore(w)}, Signer: bob, Author: wb.Author}
	if _, err := failing.Merge(theirs); !errors.Is(err, errMergeFailed) {
		t.Fatalf("a merge failing in storage returned %v", err)
	}
	if mustHead(t, w) != ours {
		t.Fatal("a failed merge moved the branch")
	}

	m, err := wb.Merge(theirs)
	if err != nil {
		t.Fatal(err)
	}
	if m.FastForward || m.UpToDate || m.Added != 1 || mustHead(t, w) != m.Head {
		t.Fatalf("merge %+v, branch at %s", m, mustHead(t, w))
	}
	out, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%an <%ae> %P", m.Head.String()).Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "Bob <bob@example.com> " + ours.String() + " " + theirs.String(); strings.TrimSpace(string(out)) != want {
		t.Fatalf("git log of the merge: %q, want %q", out, want)
	}
	data, err := gitStore(w).FileAt(m.Head, gitstore.AllowedSignersFile)
	if err != nil {
		t.Fatal(err)
	}
	signers := filepath.Join(t.TempDir(), "allowed_signers")
	if err := os.WriteFile(signers, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command("git", "-C", dir, "-c", "gpg.ssh.allowedSignersFile="+signers, "verify-commit", m.Head.String()).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `Good "git" signature for bob@example.com`) {
		t.Fatalf("git verify-commit of the merge: %v\n%s", err, out)
	}
	if _, err := (&replayView{store: w.Store}).StateAt(m.Head); err != nil {
		t.Fatalf("replay of the merged ledger: %v", err)
	}
}
