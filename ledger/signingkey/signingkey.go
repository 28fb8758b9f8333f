package signingkey

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/porttracker/porttracker/internal/gitrepo"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// KeyOptions say where to find the signing key.
type KeyOptions struct {
	// KeyFile is an explicit private key, or a public key whose private half
	// is in ssh-agent.
	KeyFile string
	// KeyFileFrom is how messages name where KeyFile came from (a command
	// line gives its flag); "key file" when empty.
	KeyFileFrom string
	// RepoDir is the repository whose git configuration (user.signingkey
	// with gpg.format=ssh) is read when KeyFile is empty.
	RepoDir string
	// AgentSocket is the ssh-agent socket, normally $SSH_AUTH_SOCK.
	AgentSocket string
}

// ErrNoKey says that no signing key was configured: no key file was given
// and git's configuration has no user.signingkey.
var ErrNoKey = errors.New("no signing key")

// ErrNoAgent says that a key names a public key, whose private half only
// an ssh-agent could hold, and that no agent socket is set.
var ErrNoAgent = errors.New("SSH_AUTH_SOCK is not set")

// FormatError is a user.signingkey in a git configuration whose gpg.format
// is not ssh: Format is the format it names instead.
type FormatError struct{ Format string }

func (e *FormatError) Error() string {
	return fmt.Sprintf("git config user.signingkey is set but gpg.format is %q", e.Format)
}

// LoadSigner finds the signing key: KeyFile, else git's user.signingkey when
// gpg.format is ssh. A private key file is used directly; a public key
// (a .pub file or a "key::ssh-..." literal) is looked up in ssh-agent.
func LoadSigner(opt KeyOptions) (*sshkey.Signer, error) {
	spec := opt.KeyFile
	from := opt.KeyFileFrom
	if from == "" {
		from = "key file"
	}
	from += " " + spec
	if spec == "" {
		var err error
		spec, err = gitSigningKey(opt.RepoDir)
		if err != nil {
			return nil, err
		}
		from = "git config user.signingkey"
	}
	if rest, ok := strings.CutPrefix(spec, "key::"); ok {
		pub, err := sshkey.ParsePublicKey(rest)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", from, err)
		}
		return agentSigner(opt.AgentSocket, pub, from)
	}
	path := gitrepo.ExpandHome(spec)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	if pub, perr := sshkey.ParsePublicKey(string(data)); perr == nil {
		// A public key file: the agent if it holds the key, else the
		// private half beside it.
		if s := agentHolding(opt.AgentSocket, pub); s != nil {
			return s, nil
		}
		if priv, err := os.ReadFile(strings.TrimSuffix(path, ".pub")); err == nil && strings.HasSuffix(path, ".pub") {
			if k, err := ssh.ParsePrivateKey(priv); err == nil && bytes.Equal(k.PublicKey().Marshal(), pub.Marshal()) {
				return sshkey.NewSigner(k, path), nil
			}
		}
		return agentSigner(opt.AgentSocket, pub, from)
	}
	k, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		// As git (through ssh-keygen -Y sign) does: a protected key whose
		// key is loaded in ssh-agent signs through the agent.
		pub := missing.PublicKey
		if pub == nil {
			if data, err := os.ReadFile(path + ".pub"); err == nil {
				pub, _ = sshkey.ParsePublicKey(string(data))
			}
		}
		if pub != nil {
			if s := agentHolding(opt.AgentSocket, pub); s != nil {
				return s, nil
			}
		}
		return nil, fmt.Errorf("%s: %s is protected by a passphrase and ssh-agent does not hold it: ssh-add %s (SSH_AUTH_SOCK must name the agent)", from, path, path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s is not an SSH private key: %w", from, path, err)
	}
	if s := agentHolding(opt.AgentSocket, k.PublicKey()); s != nil {
		return s, nil
	}
	return sshkey.NewSigner(k, path), nil
}

// agentHolding returns a signer through the ssh-agent at sock if it holds
// pub, else nil (no agent, an agent that cannot be reached, or one without
// that key: the caller then tries the key's file).
func agentHolding(sock string, pub ssh.PublicKey) *sshkey.Signer {
	if sock == "" {
		return nil
	}
	s, err := agentSigner(sock, pub, "")
	if err != nil {
		return nil
	}
	return s
}

func agentSigner(sock string, pub ssh.PublicKey, from string) (*sshkey.Signer, error) {
	if sock == "" {
		return nil, fmt.Errorf("%s names a public key but %w", from, ErrNoAgent)
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("ssh-agent at %s: %w", sock, err)
	}
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("ssh-agent: %w", err)
	}
	for _, s := range signers {
		if bytes.Equal(s.PublicKey().Marshal(), pub.Marshal()) {
			// The connection stays open for the life of the process.
			return sshkey.NewSigner(s, "ssh-agent key "+ssh.FingerprintSHA256(pub)), nil
		}
	}
	conn.Close()
	return nil, fmt.Errorf("%s: ssh-agent does not hold key %s (ssh-add it)", from, ssh.FingerprintSHA256(pub))
}

// gitSigningKey reads user.signingkey from the repository's git
// configuration (local, global, then system), requiring gpg.format=ssh.
func gitSigningKey(repoDir string) (string, error) {
	cfg, err := gitrepo.ReadDirConfig(repoDir)
	if err != nil {
		return "", err
	}
	key := cfg.Get("user", "signingkey")
	if key == "" {
		return "", ErrNoKey
	}
	if f := cfg.Get("gpg", "format"); f != "ssh" {
		return "", &FormatError{Format: f}
	}
	return key, nil
}
