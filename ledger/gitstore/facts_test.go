package gitstore

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// TestStoreFacts: a directory that is no repository, and a repository
// without the ledger branch, are errors a caller tells apart by type, whose
// messages state the fact and name no command or flag.
func TestStoreFacts(t *testing.T) {
	t.Run("no repository", func(t *testing.T) {
		dir := t.TempDir()
		_, err := Open(dir, "porting-ledger")
		var oe *OpenError
		if !errors.As(err, &oe) || oe.Dir != dir {
			t.Fatalf("Open of a plain directory: %v (%T), want an OpenError naming %s", err, err, dir)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "open git repository at "+dir+": ") || strings.Contains(msg, "--") || strings.Contains(msg, "porttracker") {
			t.Errorf("message %q", msg)
		}
		if errors.Unwrap(err) == nil {
			t.Error("the reason the repository could not be opened is lost")
		}
	})
	t.Run("no ledger branch", func(t *testing.T) {
		dir := t.TempDir()
		if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
			t.Fatalf("git init: %v\n%s", err, out)
		}
		s, err := Open(dir, "porting-ledger")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, err = s.Head()
		if !errors.Is(err, ErrNoLedger) {
			t.Fatalf("Head of a repository without a ledger: %v", err)
		}
		if msg := err.Error(); strings.Contains(msg, "porttracker") || strings.Contains(msg, "--") {
			t.Errorf("message %q names a command or flag", msg)
		}
	})
}
