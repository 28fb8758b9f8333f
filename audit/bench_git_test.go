package audit_test

// The stock-git yardsticks of BenchmarkWrite and BenchmarkSync: the same
// work done by git itself on the same machine, so that the figures are
// read side by side in one run.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porttracker/porttracker/internal/gen"
)

// runGit runs stock git in dir; b fails with its output if git does.
func runGit(b *testing.B, dir string, args ...string) {
	b.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// needGit skips b when git or ssh-keygen (which git signs with) is missing.
func needGit(b *testing.B) {
	b.Helper()
	for _, tool := range []string{"git", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("no %s binary", tool)
		}
	}
}

// sshSigning configures the repository at dir to sign commits with the
// generated ledger's key n (kept under keys, a generated repository's git
// directory), as git commit -S and git merge -S then do through
// ssh-keygen.
func sshSigning(b *testing.B, dir, keys string, n int) {
	b.Helper()
	key := filepath.Join(keys, gen.KeyDir, fmt.Sprintf("key-%d", n))
	if err := os.Chmod(key, 0o600); err != nil {
		b.Fatal(err)
	}
	for _, kv := range [][2]string{{"gpg.format", "ssh"}, {"user.signingkey", key},
		{"user.name", "alice"}, {"user.email", "alice@example.com"}} {
		runGit(b, dir, "config", kv[0], kv[1])
	}
}

// benchGitCommit is git commit -S of one changed file, one process per
// commit, in a repository of its own signed with the ledger's key: the
// yardstick of a write.
func benchGitCommit(b *testing.B, keys string) {
	needGit(b)
	dir := b.TempDir()
	runGit(b, dir, "init", "-q", "-b", "main")
	sshSigning(b, dir, keys, 0)
	file := filepath.Join(dir, "status.txt")
	write := func(i int) {
		if err := os.WriteFile(file, []byte(fmt.Sprintf("feature 1 moved %d times\n", i)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write(0)
	runGit(b, dir, "add", "status.txt")
	runGit(b, dir, "commit", "-q", "-S", "-m", "first")
	var took time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		write(i + 1)
		b.StartTimer()
		start := time.Now()
		runGit(b, dir, "commit", "-q", "-S", "-m", fmt.Sprintf("move %d", i+1), "status.txt")
		took += time.Since(start)
	}
	perOp(b, took, b.N, "ms/op")
}

// benchGitSync is stock git doing what BenchmarkSync's porttracker side
// does, on the same two repositories with the same concurrent entries:
// fetch the other's ledger branch, merge it (a signed merge commit, in a
// worktree of the branch) and push the merge back to the same local
// remote. The worktree is made before the clock starts.
func benchGitSync(b *testing.B, res *gen.Result, prepare func(local, other string)) {
	needGit(b)
	var took time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		root := b.TempDir()
		local, other := filepath.Join(root, "local"), filepath.Join(root, "other")
		for _, dir := range []string{local, other} {
			if err := gen.CopyRepo(res.Dir, dir); err != nil {
				b.Fatal(err)
			}
		}
		prepare(local, other)
		wt := filepath.Join(root, "wt")
		runGit(b, local, "worktree", "add", "-q", wt, "porting-ledger")
		sshSigning(b, local, filepath.Join(res.Dir, ".git"), 0)
		b.StartTimer()
		start := time.Now()
		runGit(b, wt, "fetch", "-q", other, "porting-ledger")
		runGit(b, wt, "merge", "-q", "-S", "--no-edit", "FETCH_HEAD")
		runGit(b, wt, "push", "-q", other, "porting-ledger")
		took += time.Since(start)
		b.StopTimer()
	}
	perOp(b, took, b.N, "ms/op")
}
