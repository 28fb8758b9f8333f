package remote

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
)

// gitHTTPBackend is stock git's http-backend; a missing one skips the
// test, except under CI, where it fails.
func gitHTTPBackend(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "--exec-path").Output()
	p := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, serr := os.Stat(p); err != nil || serr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no git http-backend (git --exec-path): %v %v", err, serr)
		}
		t.Skip("no git http-backend")
	}
	return p
}

// httpRemote serves the bare repositories under root through git's
// http-backend on a loopback port, to user with password.
func httpRemote(t *testing.T, root, user, password string) *httptest.Server {
	t.Helper()
	backend := gitHTTPBackend(t)
	env := []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "PATH=" + os.Getenv("PATH"), "GIT_CONFIG_NOSYSTEM=1", "HOME=" + root}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="porttracker test"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		(&cgi.Handler{Path: backend, Root: "/", Env: append(env, "REMOTE_USER="+u)}).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// userHome gives the test a home of its own whose git configuration uses
// the store credential helper and whose ~/.git-credentials holds creds.
func userHome(t *testing.T, creds string) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, ".gitconfig"))
	t.Setenv("GIT_ASKPASS", "")
	t.Setenv("SSH_ASKPASS", "")
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[credential]\n\thelper = store\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".git-credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestHTTPRemote exchanges the ledger with stock git's http-backend over
// loopback, with the credentials git's store helper keeps: push into an
// empty repository, fetch into another clone, and the refusals a user
// must mend (wrong password, no server) as ErrRemoteAccess.
func TestHTTPRemote(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	bare := filepath.Join(root, "team.git")
	stockGit(t, "init", "-q", "--bare", bare)
	srv := httpRemote(t, root, "bob", "s3cret")
	host := strings.TrimPrefix(srv.URL, "http://")
	url := srv.URL + "/team.git"
	userHome(t, "http://bob:s3cret@"+host+"\n")

	w := newWriter(t)
	_, head := w.add(t)
	stockGit(t, "-C", w.dir, "remote", "add", "origin", url)
	r, err := Open(w.s, "origin")
	if err != nil {
		t.Fatal(err)
	}
	if h, err := r.Head(ctx); err != nil || !h.IsZero() {
		t.Fatalf("Head of an empty remote = %s, %v; want zero", h, err)
	}
	if err := r.Push(ctx, plumbing.ZeroHash, head); err != nil {
		t.Fatal(err)
	}
	if got := stockGit(t, "--git-dir", bare, "rev-parse", "refs/heads/"+ledgerBranch); got != head.String() {
		t.Fatalf("the remote's branch is at %s, want %s", got, head)
	}
	if got := stockGit(t, "-C", w.dir, "rev-parse", "refs/remotes/origin/"+ledgerBranch); got != head.String() {
		t.Fatalf("the tracking ref is at %s, want %s", got, head)
	}
	if h, err := r.Head(ctx); err != nil || h != head {
		t.Fatalf("Head after the push = %s, %v; want %s", h, err, head)
	}

	other := newWriter(t)
	rr, err := Open(other.s, url)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := rr.Fetch(ctx); err != nil || h != head {
		t.Fatalf("Fetch = %s, %v; want %s", h, err, head)
	}
	stockGit(t, "-C", other.dir, "cat-file", "-e", head.String()+"^{tree}")
	// A URL is tracked under the name sync gives it.
	if got := stockGit(t, "-C", other.dir, "rev-parse", "refs/remotes/"+syncRemoteName+"/"+ledgerBranch); got != head.String() {
		t.Fatalf("the fetched ledger is tracked at %s, want %s", got, head)
	}

	t.Run("refused by the remote's hook", func(t *testing.T) {
		hook := filepath.Join(bare, "hooks", "pre-receive")
		if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'porttracker: entry refused'\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(hook)
		var said bytes.Buffer
		w.s.RemoteMessages = &said
		defer func() { w.s.RemoteMessages = nil }()
		old, next := w.add(t)
		err := r.Push(ctx, old, next)
		var rule *ledger.RuleError
		if !errors.As(err, &rule) {
			t.Fatalf("push refused by the remote's hook: %v, want a RuleError", err)
		}
		if !strings.Contains(said.String(), "remote: porttracker: entry refused") {
			t.Errorf("the hook's words did not come back as remote: lines: %q", said.String())
		}
		if got := stockGit(t, "--git-dir", bare, "rev-parse", "refs/heads/"+ledgerBranch); got != old.String() {
			t.Fatalf("a refused push moved the remote's branch to %s", got)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		userHome(t, "http://bob:wrong@"+host+"\n")
		r, err := Open(other.s, url)
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Head(ctx)
		if !errors.Is(err, ErrRemoteAccess) || !strings.Contains(err.Error(), "refused the credentials") {
			t.Fatalf("Head with a wrong password: %v; want ErrRemoteAccess saying the credentials were refused", err)
		}
	})
	t.Run("no server", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		gone := "http://" + l.Addr().String() + "/team.git"
		l.Close()
		r, err := Open(other.s, gone)
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Fetch(ctx)
		if !errors.Is(err, ErrRemoteAccess) || !strings.Contains(err.Error(), "cannot reach") {
			t.Fatalf("Fetch from a closed port: %v; want ErrRemoteAccess saying it cannot reach it", err)
		}
	})
}
