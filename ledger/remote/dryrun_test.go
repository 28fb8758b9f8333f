package remote_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/remote"
)

// commitRaw commits one entry file on c's ledger branch as stock tools
// would (DryRun compares heads; it verifies nothing) and moves the branch.
func commitRaw(t *testing.T, c *clone, n int) gitstore.Hash {
	t.Helper()
	old, err := c.s.Head()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{gitstore.EntryPath(fmt.Sprintf("%040x", n)): []byte(fmt.Sprintf("entry %d\n", n))}
	h, err := c.s.CommitFiles(old, files, "entry\n", c.w.Author, c.w.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.s.UpdateRef(old, h); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestDryRun: each step a sync can take, between clones and a bare
// repository made by stock git, worked out from the heads alone and
// without moving either side.
func TestDryRun(t *testing.T) {
	ctx := context.Background()
	bare := filepath.Join(t.TempDir(), "shared.git")
	if out, err := exec.Command("git", "init", "-q", "--bare", bare).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	a, b := newClone(t), newClone(t)
	ra, rb := open(t, a, bare), open(t, b, bare)
	check := func(name string, c *clone, r remote.Remote, want remote.Step, commits int) remote.Plan {
		t.Helper()
		before := stockRev(t, bare, "refs/heads/porting-ledger")
		local, _ := c.s.Head()
		p, err := c.sync(t, r).DryRun(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Step != want || p.Commits != commits {
			t.Errorf("%s: step %d with %d commits, want %d with %d", name, p.Step, p.Commits, want, commits)
		}
		if after, _ := c.s.Head(); after != local || p.Local != local || stockRev(t, bare, "refs/heads/porting-ledger") != before {
			t.Errorf("%s: a dry run moved a ledger, or misreports the local head", name)
		}
		return p
	}
	check("neither has a ledger", a, ra, remote.StepNoLedgers, 0)
	if _, err := a.w.Init(a.view, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	check("the remote has none", a, ra, remote.StepPushNew, 0)
	sa := a.sync(t, ra)
	publish := func() {
		t.Helper()
		f, err := sa.FetchMerge(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sa.Publish(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	publish()
	check("both at one commit", a, ra, remote.StepUpToDate, 0)
	check("this clone has none", b, rb, remote.StepAdopt, 0)
	if _, err := b.sync(t, rb).FetchMerge(ctx); err != nil {
		t.Fatal(err)
	}
	commitRaw(t, a, 1)
	commitRaw(t, a, 2)
	check("the remote is behind", a, ra, remote.StepPush, 2)
	// The remote moves by two commits the clone has not fetched.
	if err := ra.Push(ctx, gitstore.NewHash(stockRev(t, bare, "refs/heads/porting-ledger")), mustHead(t, a)); err != nil {
		t.Fatal(err)
	}
	check("the remote's head is not here", b, rb, remote.StepMerge, 0)
	if _, err := rb.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	p := check("this clone is behind", b, rb, remote.StepFastForward, 2)
	if p.Remote != mustHead(t, a) {
		t.Errorf("remote head %s, want %s", p.Remote, mustHead(t, a))
	}
	commitRaw(t, b, 3)
	check("the two diverged", b, rb, remote.StepMerge, 0)
}

func mustHead(t *testing.T, c *clone) gitstore.Hash {
	t.Helper()
	h, err := c.s.Head()
	if err != nil {
		t.Fatal(err)
	}
	return h
}
