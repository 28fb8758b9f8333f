package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestKilledWriters runs porttracker processes that write at the same time
// and kills them with SIGKILL at random moments. Afterwards the ledger
// verifies, porting.db is repaired, and every claim is recorded exactly
// once: the branch only ever points at the old or the new commit.
func TestKilledWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("builds porttracker and runs it many times")
	}
	work := t.TempDir()
	bin := filepath.Join(work, "porttracker")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	repo := filepath.Join(work, "repo")
	home := filepath.Join(work, "home")
	os.MkdirAll(repo, 0o755)
	os.MkdirAll(home, 0o755)
	env := append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "SSH_AUTH_SOCK=")
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = repo, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(name string, args ...string) {
		t.Helper()
		if out, err := run(name, args...); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	key := filepath.Join(work, "key")
	must("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "k", "-f", key)
	must("git", "init", "-q", "-b", "main")
	must("git", "config", "user.email", "alice@example.com")
	must("git", "config", "user.name", "Alice")
	must("git", "config", "gpg.format", "ssh")
	must("git", "config", "user.signingkey", key)
	must("git", "commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", "start")
	const items = 40
	var inv strings.Builder
	for id := 1; id <= items; id++ {
		fmt.Fprintf(&inv, "[[feature]]\nid = %d\n\n", id)
	}
	fmt.Fprintf(&inv, "[[batch]]\nid = 1\nname = \"all\"\nfeatures = \"1-%d\"\n", items)
	os.WriteFile(filepath.Join(work, "inv.toml"), []byte(inv.String()), 0o644)
	must(bin, "init")
	must(bin, "inventory", "import", filepath.Join(work, "inv.toml"))
	must(bin, "batch", "start", "1")

	// Two writers share the items; each claim is retried until it is
	// recorded, whether or not the process that made it was killed.
	var wg sync.WaitGroup
	var mu sync.Mutex
	killed := 0
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for id := w + 1; id <= items; id += 2 {
				for attempt := 0; ; attempt++ {
					if attempt > 50 {
						t.Errorf("feature %d never recorded", id)
						return
					}
					cmd := exec.Command(bin, "feature", "update", fmt.Sprint(id), "--status", "stub")
					cmd.Dir, cmd.Env = repo, env
					var out strings.Builder
					cmd.Stdout, cmd.Stderr = &out, &out
					if err := cmd.Start(); err != nil {
						t.Error(err)
						return
					}
					done := make(chan error, 1)
					go func() { done <- cmd.Wait() }()
					// Kill the first few attempts at a random moment; later
					// ones run to the end, so that a loaded machine still
					// makes progress.
					limit := time.Duration(rng.IntN(150)+attempt*50) * time.Millisecond
					if attempt >= 5 {
						limit = time.Hour
					}
					var err error
					select {
					case err = <-done:
					case <-time.After(limit):
						cmd.Process.Kill()
						err = <-done
						mu.Lock()
						killed++
						mu.Unlock()
						continue
					}
					var ee *exec.ExitError
					if err == nil || (errors.As(err, &ee) && strings.Contains(out.String(), "already stub")) {
						break
					}
					t.Errorf("feature %d: %v\n%s", id, err, out.String())
					return
				}
			}
		}(w)
	}
	wg.Wait()
	t.Logf("%d processes killed mid-run", killed)
	out, err := run(bin, "feature", "list", "--status", "stub")
	if err != nil || !strings.Contains(out, fmt.Sprintf("%d features", items)) {
		// Say whether the claim is missing from the ledger or only from
		// the view: count the entries on the branch, audit, list again.
		entries, _ := run("git", "ls-tree", "-r", "--name-only", "porting-ledger", "entries")
		audited, aerr := run(bin, "audit")
		again, lerr := run(bin, "feature", "list", "--status", "stub")
		t.Fatalf("after the kills: %v\n%s\nledger entries: %d\naudit: %v\n%s\nlist after audit: %v\n%s",
			err, out, len(strings.Fields(entries)), aerr, audited, lerr, again)
	}
	if out, err := run(bin, "audit"); err != nil {
		t.Fatalf("audit after the kills: %v\n%s", err, out)
	}
	out, err = run("sqlite3", "porting.db", "SELECT count(*), count(DISTINCT item_id) FROM transitions WHERE to_status = 'stub'")
	if err != nil || strings.TrimSpace(out) != fmt.Sprintf("%d|%d", items, items) {
		t.Fatalf("claims recorded: %q %v", out, err)
	}
	if out, err := run("git", "fsck", "--strict", "--no-dangling"); err != nil {
		t.Fatalf("git fsck: %v\n%s", err, out)
	}
}
