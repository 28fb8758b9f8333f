package remote

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
)

// keygen makes a key with stock ssh-keygen at path and returns its public
// key as an authorized key ("TYPE BASE64").
func keygen(t *testing.T, path, kind, passphrase string) string {
	t.Helper()
	if out, err := exec.Command("ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-C", "", "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(pub))[:2], " ")
}

// TestSSHKeys: the keys offered are ssh-agent's first, then the key files
// ssh would use that no passphrase protects; the user and the host keys
// come from the URL and SSH_KNOWN_HOSTS.
func TestSSHKeys(t *testing.T) {
	for _, tool := range []string{"ssh-keygen", "ssh-agent", "ssh-add"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("no %s", tool)
			}
			t.Skipf("no %s", tool)
		}
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	dotssh := filepath.Join(home, ".ssh")
	if err := os.Mkdir(dotssh, 0o700); err != nil {
		t.Fatal(err)
	}
	plain := keygen(t, filepath.Join(dotssh, "id_ed25519"), "ed25519", "")
	keygen(t, filepath.Join(dotssh, "id_ecdsa"), "ecdsa", "a passphrase")
	agentFile := filepath.Join(t.TempDir(), "agent_key")
	agentKey := keygen(t, agentFile, "ed25519", "")

	sock := filepath.Join(t.TempDir(), "agent.sock")
	agent := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = agent.Process.Kill(); _ = agent.Wait() })
	for i := 0; ; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if i == 100 {
			t.Fatal("ssh-agent did not make its socket")
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Setenv("SSH_AUTH_SOCK", sock)
	offered := func() []string {
		t.Helper()
		signers, err := sshSigners()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range signers {
			out = append(out, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey()))))
		}
		return out
	}
	if got := offered(); !slices.Equal(got, []string{plain}) {
		t.Fatalf("an empty agent and two key files offer %q, want only the key without a passphrase %q", got, plain)
	}
	t.Setenv("SSH_AUTH_SOCK", "")
	if got := offered(); !slices.Equal(got, []string{plain}) {
		t.Fatalf("without an agent: %q, want %q", got, plain)
	}
	t.Setenv("SSH_AUTH_SOCK", sock)
	if out, err := exec.Command("ssh-add", "-q", agentFile).CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v\n%s", err, out)
	}
	if got := offered(); !slices.Equal(got, []string{agentKey, plain}) {
		t.Fatalf("offered %q, want the agent's key, then the file's: %q", got, []string{agentKey, plain})
	}

	known := filepath.Join(home, "known")
	if err := os.WriteFile(known, []byte("[git.example.com]:2222 "+plain+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSH_KNOWN_HOSTS", known)
	for _, tc := range []struct{ url, user string }{
		{"ssh://porter@git.example.com:2222/team/port.git", "porter"},
		{"git@git.example.com:team/port.git", "git"},
	} {
		ep, err := transport.NewEndpoint(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		auth, err := sshAuth(ep)
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		cb, ok := auth.(*gitssh.PublicKeysCallback)
		if !ok || cb.User != tc.user || cb.HostKeyCallback == nil {
			t.Fatalf("%s: auth %#v, want public keys as %s with a host key check", tc.url, auth, tc.user)
		}
	}
	t.Setenv("SSH_KNOWN_HOSTS", filepath.Join(home, "missing"))
	ep, _ := transport.NewEndpoint("ssh://git@git.example.com/x.git")
	if _, err := sshAuth(ep); err == nil || !strings.Contains(err.Error(), "ssh-keyscan") {
		t.Fatalf("without a known_hosts file: %v, want the mend", err)
	}
}
