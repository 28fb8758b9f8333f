package gates

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

// stockGit runs git in dir and returns its trimmed output.
func stockGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestCheckout checks a commit made by stock git out: contents, the
// executable bit and a symbolic link as git would, and nothing of a later
// commit.
func TestCheckout(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command")
	}
	dir := t.TempDir()
	stockGit(t, dir, "init", "-q")
	writeFiles(t, dir, map[string]string{"a.txt": "one\n", "sub/run.sh": "#!/bin/sh\necho hi\n"})
	if err := os.Chmod(filepath.Join(dir, "sub/run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	stockGit(t, dir, "add", "-A")
	stockGit(t, dir, "commit", "-q", "-m", "first")
	first := stockGit(t, dir, "rev-parse", "HEAD")
	writeFiles(t, dir, map[string]string{"a.txt": "two\n", "later.txt": "later\n"})
	stockGit(t, dir, "commit", "-q", "-am", "second")

	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := Checkout(repo.Storer, plumbing.NewHash(first), out); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "a.txt")); err != nil || string(b) != "one\n" {
		t.Errorf("a.txt = %q, %v; want the first commit's", b, err)
	}
	if fi, err := os.Stat(filepath.Join(out, "sub/run.sh")); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("sub/run.sh is not executable: %v %v", fi, err)
	}
	if target, err := os.Readlink(filepath.Join(out, "link")); err != nil || target != "a.txt" {
		t.Errorf("link -> %q, %v; want a.txt", target, err)
	}
	if _, err := os.Stat(filepath.Join(out, "later.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("later.txt of the second commit is in the checkout: %v", err)
	}
}

func TestCheckoutMissingCommit(t *testing.T) {
	repo, err := git.PlainOpen(newRepo(t, map[string]string{"a.txt": "x\n"}))
	if err != nil {
		t.Fatal(err)
	}
	err = Checkout(repo.Storer, plumbing.NewHash(strings.Repeat("ab", 20)), t.TempDir())
	var missing *MissingCommitError
	if !errors.As(err, &missing) || !strings.Contains(err.Error(), "git fetch") {
		t.Fatalf("Checkout of a missing commit = %v, want a MissingCommitError naming git fetch", err)
	}
}

// TestCheckoutRefusesHostileNames writes trees that stock git would never
// check out (a ".git" directory, a ".." entry) straight into the object
// store, as an attacker with push access could, and checks that nothing
// is written outside the checkout.
func TestCheckoutRefusesHostileNames(t *testing.T) {
	for _, name := range []string{".git", ".GIT", ".."} {
		t.Run(name, func(t *testing.T) {
			repo, err := git.PlainInit(t.TempDir(), false)
			if err != nil {
				t.Fatal(err)
			}
			blob := storeObject(t, repo, plumbing.BlobObject, []byte("[core]\n\tfsmonitor = touch /tmp/owned\n"))
			inner := storeTree(t, repo, object.TreeEntry{Name: "config", Mode: filemode.Regular, Hash: blob})
			root := storeTree(t, repo, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: inner})
			sig := object.Signature{Name: "M", Email: "m@example.com", When: time.Unix(1_700_000_000, 0)}
			c := &object.Commit{Author: sig, Committer: sig, Message: "hostile\n", TreeHash: root}
			obj := repo.Storer.NewEncodedObject()
			if err := c.Encode(obj); err != nil {
				t.Fatal(err)
			}
			h, err := repo.Storer.SetEncodedObject(obj)
			if err != nil {
				t.Fatal(err)
			}
			parent := t.TempDir()
			out := filepath.Join(parent, "checkout")
			if err := os.Mkdir(out, 0o755); err != nil {
				t.Fatal(err)
			}
			err = Checkout(repo.Storer, h, out)
			// go-git's tree walker refuses ".." itself; Checkout refuses
			// ".git" in any case.
			if err == nil || !strings.Contains(err.Error(), `"`+name+`"`) {
				t.Fatalf("Checkout = %v, want a refusal naming %q", err, name)
			}
			for _, p := range []string{filepath.Join(out, name, "config"), filepath.Join(parent, "config")} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

func storeObject(t *testing.T, repo *git.Repository, typ plumbing.ObjectType, data []byte) plumbing.Hash {
	t.Helper()
	obj := repo.Storer.NewEncodedObject()
	obj.SetType(typ)
	w, err := obj.Writer()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	w.Close()
	h, err := repo.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func storeTree(t *testing.T, repo *git.Repository, entries ...object.TreeEntry) plumbing.Hash {
	t.Helper()
	tree := &object.Tree{Entries: entries}
	obj := repo.Storer.NewEncodedObject()
	if err := tree.Encode(obj); err != nil {
		t.Fatal(err)
	}
	h, err := repo.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestRerun re-runs recorded gates in a checkout with the runner's
// configuration: honest evidence reproduces; evidence claiming a pass
// where the test fails does not, though the checkout's own
// porttracker.toml fakes a passing test command.
func TestRerun(t *testing.T) {
	const broken = "package tiny\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a - b\n}\n"
	const fake = "[gates]\nbuild = \"true\"\ntest = \"echo '--- PASS: {filter} (0.00s)'\"\n"
	target := Target{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1}, File: "tiny.go", Symbol: "Add", Filter: "TestAdd"}
	claim := []ledger.GateResult{
		{Name: GateStub, OK: true},
		{Name: GateBuild, OK: true},
		{Name: GateTest, Filter: "TestAdd", Parsed: true, Passed: 1, OK: true},
	}
	for _, tc := range []struct {
		name string
		code string
		want []string // the discrepancy of each gate
	}{
		{"honest", tinyCode, []string{"", "", ""}},
		{"lie", broken, []string{"", "", "verdict ok, re-run failed; 1 passed, 0 failed, 0 skipped, re-run 0 passed, 1 failed, 0 skipped"}},
		{"stubbed", tinyStub, []string{"verdict ok, re-run failed; 0 stub findings, re-run 1", "", "verdict ok, re-run failed; 1 passed, 0 failed, 0 skipped, re-run 0 passed, 1 failed, 0 skipped"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tinyRepo(t, tc.code)
			writeFiles(t, r.RepoDir, map[string]string{config.File: fake})
			commitAll(t, r.RepoDir)
			repo, err := git.PlainOpen(r.RepoDir)
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			if err := Checkout(repo.Storer, plumbing.NewHash(headHash(t, r.RepoDir)), out); err != nil {
				t.Fatal(err)
			}
			got, err := r.Rerun(context.Background(), out, claim, []Target{target})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(claim) {
				t.Fatalf("%d results for %d gates", len(got), len(claim))
			}
			for i := range claim {
				if d := Discrepancy(claim[i], got[i]); d != tc.want[i] {
					t.Errorf("%s gate: discrepancy %q, want %q", claim[i].Name, d, tc.want[i])
				}
			}
		})
	}
}

func TestRerunNeedsConfiguredCommands(t *testing.T) {
	r := &Runner{Config: config.Default()}
	r.Config.Gates = config.Gates{Test: "true"}
	for _, g := range []string{GateBuild, GateFullTest, GateClassTest} {
		_, err := r.Rerun(context.Background(), t.TempDir(), []ledger.GateResult{{Name: g, OK: true}}, nil)
		if err == nil || !strings.Contains(err.Error(), "gates."+g+" is not set") {
			t.Errorf("%s: Rerun = %v, want gates.%s is not set", g, err, g)
		}
	}
	_, err := r.Rerun(context.Background(), t.TempDir(), []ledger.GateResult{{Name: "lint", OK: true}}, nil)
	if err == nil || !strings.Contains(err.Error(), "unknown kind") {
		t.Errorf("unknown gate: Rerun = %v", err)
	}
}

func TestDiscrepancy(t *testing.T) {
	test := func(ok, parsed bool, p, f, s int) ledger.GateResult {
		return ledger.GateResult{Name: GateTest, OK: ok, Parsed: parsed, Passed: p, Failed: f, Skipped: s, DurationMS: int64(p * 7)}
	}
	for _, tc := range []struct {
		name     string
		rec, got ledger.GateResult
		want     string
	}{
		{"same counts, other duration and digest", test(true, true, 2, 0, 1), ledger.GateResult{Name: GateTest, OK: true, Parsed: true, Passed: 2, Skipped: 1, DurationMS: 99, OutputDigest: "sha256:ff"}, ""},
		{"fewer passed", test(true, true, 3, 0, 0), test(true, true, 2, 0, 0), "3 passed, 0 failed, 0 skipped, re-run 2 passed, 0 failed, 0 skipped"},
		{"skipped differs", test(true, true, 1, 0, 0), test(true, true, 1, 0, 1), "1 passed, 0 failed, 0 skipped, re-run 1 passed, 0 failed, 1 skipped"},
		{"no summary now", test(true, true, 1, 0, 0), ledger.GateResult{Name: GateTest, ExitCode: 2}, "verdict ok, re-run failed; a test summary, re-run no test summary"},
		{"failing both times", ledger.GateResult{Name: GateBuild, ExitCode: 1}, ledger.GateResult{Name: GateBuild, ExitCode: 2}, ""},
		{"build now fails", ledger.GateResult{Name: GateBuild, OK: true}, ledger.GateResult{Name: GateBuild, ExitCode: 1}, "verdict ok, re-run failed; exit 0, re-run exit 1"},
		{"stub findings", ledger.GateResult{Name: GateStub, ExitCode: 1, Matches: []string{"a"}}, ledger.GateResult{Name: GateStub, ExitCode: 1, Matches: []string{"a", "b"}}, "1 stub findings, re-run 2"},
		{"red run reproduced", test(false, true, 0, 1, 0), test(false, true, 0, 1, 0), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Discrepancy(tc.rec, tc.got); got != tc.want {
				t.Errorf("Discrepancy = %q, want %q", got, tc.want)
			}
		})
	}
}
