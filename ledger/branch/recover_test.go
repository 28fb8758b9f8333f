package branch

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// TestRecoverAfterKill: a process that holds porttracker's lock, has taken
// the ledger ref's lock file and is writing a pack is killed with SIGKILL.
// Stock git then refuses to move the branch; the next Recover clears what
// the dead writer left, and git works again.
func TestRecoverAfterKill(t *testing.T) {
	if dir := os.Getenv("PORTTRACKER_DIE_MIDWRITE"); dir != "" {
		dieMidWrite(dir)
		return
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir, w := newLedger(t)
	head := mustHead(t, w)
	// A file git itself is writing, older than the dead writer: kept.
	keep := filepath.Join(gitStore(w).GitDir(), "objects", "pack", "tmp_pack_git")
	if err := os.WriteFile(keep, []byte("git's"), 0o644); err != nil {
		t.Fatal(err)
	}
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(keep, hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRecoverAfterKill$")
	cmd.Env = append(os.Environ(), "PORTTRACKER_DIE_MIDWRITE="+dir)
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the writer was not killed: %v", err)
	}
	git := func(args ...string) error {
		c := exec.Command("git", args...)
		c.Dir = dir
		out, err := c.CombinedOutput()
		if err != nil {
			return errors.New(strings.TrimSpace(string(out)))
		}
		return nil
	}
	if err := git("update-ref", "refs/heads/porting-ledger", head.String()); err == nil || !strings.Contains(err.Error(), ".lock") {
		t.Fatalf("git moved the branch past the dead writer's lock: %v", err)
	}
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	removed, err := store.Recover()
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Fatalf("removed %v, want the ref lock and the dead writer's temporary pack", removed)
	}
	if err := git("update-ref", "refs/heads/porting-ledger", head.String()); err != nil {
		t.Fatalf("git still fails after recovery: %v", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Fatalf("a temporary file older than the dead write was removed: %v", err)
	}
	if again, _ := store.Recover(); len(again) != 0 {
		t.Fatalf("a second recovery removed %v", again)
	}
}

// dieMidWrite takes porttracker's lock in dir, the ref lock and a
// temporary pack, as a writer does in the middle of a write, and is killed.
func dieMidWrite(dir string) {
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		os.Exit(3)
	}
	if _, err := store.Lock(); err != nil {
		os.Exit(4)
	}
	ref := filepath.Join(store.GitDir(), filepath.FromSlash(plumbing.NewBranchReferenceName(ledger.DefaultBranch).String())) + ".lock"
	if err := os.WriteFile(ref, []byte("0000\n"), 0o644); err != nil {
		os.Exit(5)
	}
	if err := os.WriteFile(filepath.Join(store.GitDir(), "objects", "pack", "tmp_pack_123"), []byte("half a pack"), 0o644); err != nil {
		os.Exit(6)
	}
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// failingView is a View whose Save fails, as it does when the disk is full.
type failingView struct{ replayView }

func (v *failingView) Save(*ledger.State, plumbing.Hash, plumbing.Hash, ...*ledger.Record) error {
	return syscall.ENOSPC
}

// TestWriteSucceedsWhenViewSaveFails: once the ref moved the entry is
// written; a view that cannot be saved (no space left) is a warning.
func TestWriteSucceedsWhenViewSaveFails(t *testing.T) {
	_, w := newLedger(t)
	rec, err := w.Append(&failingView{replayView{store: w.Store}}, func(*ledger.State) (*ledger.Entry, error) { return sampleInventory(), nil })
	if err != nil {
		t.Fatalf("the write failed after its ref moved: %v", err)
	}
	if len(rec.Warnings) != 1 || !strings.Contains(rec.Warnings[0], "no space left on device") {
		t.Fatalf("warnings %q", rec.Warnings)
	}
	if mustHead(t, w).String() != rec.Commit {
		t.Fatal("the branch is not at the new entry")
	}
}
