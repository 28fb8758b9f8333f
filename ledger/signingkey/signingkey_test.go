package signingkey

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// repoWithConfig is a repository made with stock git, with the git config
// settings given as key=value pairs, and a home and system config of its
// own so that the machine's settings do not leak in.
func repoWithConfig(t *testing.T, settings ...string) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, ".gitconfig"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	for _, s := range settings {
		k, v, _ := strings.Cut(s, "=")
		git("config", k, v)
	}
	return dir
}

// publicKeyFile writes a fresh ed25519 public key (and no private half)
// and returns its path.
func publicKeyFile(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "id.pub")
	if err := os.WriteFile(p, ssh.MarshalAuthorizedKey(k), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLoadSignerFacts: each way of finding no usable key is an error a
// caller tells apart by its type, whose message states the fact and names
// no flag of any command line.
func TestLoadSignerFacts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opt   func(t *testing.T) KeyOptions
		is    func(error) bool
		facts string
	}{
		{"no key anywhere", func(t *testing.T) KeyOptions {
			return KeyOptions{RepoDir: repoWithConfig(t)}
		}, func(err error) bool { return errors.Is(err, ErrNoKey) }, "no signing key"},
		{"gpg.format openpgp", func(t *testing.T) KeyOptions {
			return KeyOptions{RepoDir: repoWithConfig(t, "user.signingkey=ABCDEF", "gpg.format=openpgp")}
		}, func(err error) bool {
			var fe *FormatError
			return errors.As(err, &fe) && fe.Format == "openpgp"
		}, `gpg.format is "openpgp"`},
		{"gpg.format unset", func(t *testing.T) KeyOptions {
			return KeyOptions{RepoDir: repoWithConfig(t, "user.signingkey=ABCDEF")}
		}, func(err error) bool {
			var fe *FormatError
			return errors.As(err, &fe) && fe.Format == ""
		}, `gpg.format is ""`},
		{"a public key without an agent", func(t *testing.T) KeyOptions {
			return KeyOptions{KeyFile: publicKeyFile(t)}
		}, func(err error) bool { return errors.Is(err, ErrNoAgent) }, "names a public key but SSH_AUTH_SOCK is not set"},
		{"user.signingkey naming a public key without an agent", func(t *testing.T) KeyOptions {
			return KeyOptions{RepoDir: repoWithConfig(t, "user.signingkey="+publicKeyFile(t), "gpg.format=ssh")}
		}, func(err error) bool { return errors.Is(err, ErrNoAgent) }, "git config user.signingkey names a public key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadSigner(tc.opt(t))
			if err == nil {
				t.Fatalf("a signer was found: %s", s.From)
			}
			if !tc.is(err) {
				t.Errorf("%v (%T) is not the error expected", err, err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.facts) || strings.Contains(msg, "--") || strings.Contains(msg, "porttracker") {
				t.Errorf("message %q: want the fact %q and no flag or command", msg, tc.facts)
			}
		})
	}
}
