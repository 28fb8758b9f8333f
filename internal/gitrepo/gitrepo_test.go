package gitrepo

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// isolate gives the test a home of its own and no system configuration,
// for this process and the git it runs.
func isolate(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, v := range []string{"GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	return home
}

// run runs the stock git in dir and returns its output, trimmed.
func run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=A", "GIT_COMMITTER_EMAIL=a@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// gitGet is what the stock git says section.key is in dir, "" when unset.
func gitGet(t *testing.T, dir, key string) string {
	t.Helper()
	cmd := exec.Command("git", "config", "--get", key)
	cmd.Dir = dir
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return ""
	}
	if err != nil {
		t.Fatalf("git config --get %s: %v", key, err)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// newRepo makes a repository with one commit on main (a.txt, an empty
// e.txt and sub/b.txt) and a linked worktree of it on branch side.
func newRepo(t *testing.T) (top, linked string) {
	t.Helper()
	root := t.TempDir()
	top = filepath.Join(root, "repo")
	run(t, root, "init", "-q", "-b", "main", top)
	if err := os.MkdirAll(filepath.Join(top, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"a.txt": "alpha\n", "e.txt": "", "sub/b.txt": "beta\n"} {
		if err := os.WriteFile(filepath.Join(top, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, top, "add", ".")
	run(t, top, "commit", "-q", "-m", "one")
	linked = filepath.Join(root, "linked")
	run(t, top, "worktree", "add", "-q", "-b", "side", linked)
	return top, linked
}

func TestOpen(t *testing.T) {
	isolate(t)
	top, linked := newRepo(t)
	head := run(t, top, "rev-parse", "HEAD")
	bare := filepath.Join(t.TempDir(), "bare.git")
	run(t, top, "clone", "-q", "--bare", top, bare)
	for _, tc := range []struct {
		name, dir, ref string
	}{
		{"top of a working tree", top, "refs/heads/main"},
		{"below the top", filepath.Join(top, "sub"), "refs/heads/main"},
		{"linked worktree sees the main repository's branches", linked, "refs/heads/main"},
		{"linked worktree's own branch", linked, "refs/heads/side"},
		{"bare repository", bare, "refs/heads/main"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo, err := Open(tc.dir)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := repo.Reference(plumbing.ReferenceName(tc.ref), true)
			if err != nil {
				t.Fatalf("%s: %v", tc.ref, err)
			}
			if ref.Hash().String() != head {
				t.Errorf("%s is %s, git says %s", tc.ref, ref.Hash(), head)
			}
		})
	}
	t.Run("no repository", func(t *testing.T) {
		_, err := Open(t.TempDir())
		if !errors.Is(err, git.ErrRepositoryNotExists) {
			t.Errorf("error %v, want one wrapping git.ErrRepositoryNotExists", err)
		}
	})
}

// TestConfig compares Get with what the stock git says, in the main
// working tree and in a linked worktree, for settings in every scope.
func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, home, top, linked string)
		key   string
		want  string
	}{
		{"repository's own value in a linked worktree", func(t *testing.T, home, top, linked string) {
			run(t, top, "config", "user.signingkey", "/keys/repo")
		}, "user.signingkey", "/keys/repo"},
		{"global ~/.gitconfig", func(t *testing.T, home, top, linked string) {
			run(t, top, "config", "--global", "user.signingkey", "/keys/home")
		}, "user.signingkey", "/keys/home"},
		{"repository over global", func(t *testing.T, home, top, linked string) {
			run(t, top, "config", "--global", "gpg.format", "openpgp")
			run(t, top, "config", "gpg.format", "ssh")
		}, "gpg.format", "ssh"},
		{"an empty repository value overrides the global one", func(t *testing.T, home, top, linked string) {
			run(t, top, "config", "--global", "user.signingkey", "/keys/home")
			run(t, top, "config", "user.signingkey", "")
		}, "user.signingkey", ""},
		{"last of several values", func(t *testing.T, home, top, linked string) {
			run(t, top, "config", "--add", "http.sslVerify", "true")
			run(t, top, "config", "--add", "http.sslVerify", "false")
		}, "http.sslverify", "false"},
		{"~/.gitconfig over XDG config", func(t *testing.T, home, top, linked string) {
			writeFile(t, filepath.Join(home, ".config", "git", "config"), "[user]\n\tname = xdg\n\temail = xdg@example.com\n")
			writeFile(t, filepath.Join(home, ".gitconfig"), "[user]\n\tname = home\n")
		}, "user.email", "xdg@example.com"},
		{"~/.gitconfig name over XDG name", func(t *testing.T, home, top, linked string) {
			writeFile(t, filepath.Join(home, ".config", "git", "config"), "[user]\n\tname = xdg\n")
			writeFile(t, filepath.Join(home, ".gitconfig"), "[user]\n\tname = home\n")
		}, "user.name", "home"},
		{"XDG_CONFIG_HOME", func(t *testing.T, home, top, linked string) {
			xdg := filepath.Join(home, "xdg")
			t.Setenv("XDG_CONFIG_HOME", xdg)
			writeFile(t, filepath.Join(xdg, "git", "config"), "[gpg]\n\tformat = ssh\n")
		}, "gpg.format", "ssh"},
		{"GIT_CONFIG_GLOBAL replaces ~/.gitconfig", func(t *testing.T, home, top, linked string) {
			writeFile(t, filepath.Join(home, ".gitconfig"), "[user]\n\tname = home\n")
			other := filepath.Join(home, "other.gitconfig")
			writeFile(t, other, "[user]\n\temail = other@example.com\n")
			t.Setenv("GIT_CONFIG_GLOBAL", other)
		}, "user.name", ""},
		{"GIT_CONFIG_SYSTEM", func(t *testing.T, home, top, linked string) {
			sys := filepath.Join(home, "system.gitconfig")
			writeFile(t, sys, "[gpg]\n\tformat = ssh\n")
			t.Setenv("GIT_CONFIG_NOSYSTEM", "")
			t.Setenv("GIT_CONFIG_SYSTEM", sys)
		}, "gpg.format", "ssh"},
		{"GIT_CONFIG_NOSYSTEM skips the system file", func(t *testing.T, home, top, linked string) {
			sys := filepath.Join(home, "system.gitconfig")
			writeFile(t, sys, "[gpg]\n\tformat = ssh\n")
			t.Setenv("GIT_CONFIG_SYSTEM", sys)
		}, "gpg.format", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := isolate(t)
			top, linked := newRepo(t)
			tc.setup(t, home, top, linked)
			for _, dir := range []string{top, linked} {
				if got := gitGet(t, dir, tc.key); got != tc.want {
					t.Fatalf("the test's premise is wrong: git says %s is %q in %s, the table %q", tc.key, got, dir, tc.want)
				}
				c, err := ReadDirConfig(dir)
				if err != nil {
					t.Fatal(err)
				}
				section, key, _ := strings.Cut(tc.key, ".")
				if got, git := c.Get(section, key), gitGet(t, dir, tc.key); got != git {
					t.Errorf("%s in %s: %q, git says %q", tc.key, filepath.Base(dir), got, git)
				}
			}
			c, err := ReadDirConfig(linked)
			if err != nil {
				t.Fatal(err)
			}
			section, key, _ := strings.Cut(tc.key, ".")
			if got := c.Get(section, key); got != tc.want {
				t.Errorf("%s in the linked worktree: %q, want %q", tc.key, got, tc.want)
			}
		})
	}
}

func TestConfigMalformed(t *testing.T) {
	home := isolate(t)
	top, _ := newRepo(t)
	bad := filepath.Join(home, ".gitconfig")
	writeFile(t, bad, "[user\n\tname = x\n")
	_, err := ReadDirConfig(top)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("error %v, want one naming %s", err, bad)
	}
}

func TestObjects(t *testing.T) {
	isolate(t)
	top, linked := newRepo(t)
	repo, err := Open(linked)
	if err != nil {
		t.Fatal(err)
	}
	head := run(t, top, "rev-parse", "HEAD")
	h, tree, err := HeadTree(repo)
	if err != nil {
		t.Fatal(err)
	}
	if h.String() != head {
		t.Errorf("HEAD %s, git says %s", h, head)
	}
	for _, rev := range []string{head, head[:8], "main", "side"} {
		ch, ctree, err := CommitTree(repo, rev)
		if err != nil {
			t.Fatalf("%s: %v", rev, err)
		}
		if ch.String() != head || ctree.Hash != tree.Hash {
			t.Errorf("%s: commit %s tree %s, want %s and HEAD's %s", rev, ch, ctree.Hash, head, tree.Hash)
		}
	}
	for path, want := range map[string]string{"a.txt": "alpha\n", "sub/b.txt": "beta\n", "e.txt": ""} {
		f, err := tree.File(path)
		if err != nil {
			t.Fatal(err)
		}
		if blob := run(t, top, "rev-parse", "HEAD:"+path); f.Hash.String() != blob {
			t.Errorf("%s: blob %s, git says %s", path, f.Hash, blob)
		}
		data, err := ReadBlob(repo, f.Hash)
		if err != nil {
			t.Fatal(err)
		}
		if data == nil || string(data) != want {
			t.Errorf("%s: %q (nil %v), want %q", path, data, data == nil, want)
		}
	}
	if _, _, err := CommitTree(repo, "nosuch"); err == nil || !strings.Contains(err.Error(), `"nosuch"`) {
		t.Errorf("unknown revision: error %v", err)
	}
	if _, err := ReadBlob(repo, plumbing.NewHash(strings.Repeat("ab", 20))); err == nil {
		t.Error("a missing blob read without error")
	}

	unborn := filepath.Join(t.TempDir(), "unborn")
	run(t, filepath.Dir(unborn), "init", "-q", unborn)
	repo, err = Open(unborn)
	if err != nil {
		t.Fatal(err)
	}
	h, tree, err = HeadTree(repo)
	if err != nil || !h.IsZero() || tree != nil {
		t.Errorf("unborn HEAD: %s, %v, %v; want the zero hash, no tree, no error", h, tree, err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
