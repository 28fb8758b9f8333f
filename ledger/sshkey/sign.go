package sshkey

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/porttracker/porttracker/internal/gitrepo"
)

// Namespace is the SSHSIG namespace of entry signatures; commit signatures
// use git's own namespace, "git".
const (
	Namespace       = "porting-ledger"
	CommitNamespace = "git"
)

// Signer signs entries and commits with an SSH key.
type Signer struct {
	key ssh.Signer
	// From says where the key came from, for messages.
	From string
}

// NewSigner wraps an ssh.Signer.
func NewSigner(key ssh.Signer, from string) *Signer { return &Signer{key: key, From: from} }

// PublicKey is the signer's public key.
func (s *Signer) PublicKey() ssh.PublicKey { return s.key.PublicKey() }

// AuthorizedKey is the public key in the "ssh-ed25519 AAAA..." form.
func (s *Signer) AuthorizedKey() string { return AuthorizedKey(s.key.PublicKey()) }

// AuthorizedKey formats a public key as "type base64", without a comment.
func AuthorizedKey(k ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}

// Sign returns the armored SSH signature of data in namespace ns.
func (s *Signer) Sign(data []byte, ns string) ([]byte, error) {
	sig, err := sshsig.Sign(bytes.NewReader(data), s.key, sshsig.HashSHA512, ns)
	if err != nil {
		return nil, fmt.Errorf("sign with %s: %w", s.From, err)
	}
	return sshsig.Armor(sig), nil
}

// VerifySignature checks an armored signature of data in namespace ns and
// returns the public key that made it. The caller decides whether that key
// belongs to an allowed signer.
func VerifySignature(data, armored []byte, ns string) (ssh.PublicKey, error) {
	sig, err := sshsig.Unarmor(armored)
	if err != nil {
		return nil, fmt.Errorf("bad signature: %w", err)
	}
	if sig.Namespace != ns {
		return nil, fmt.Errorf("bad signature: namespace %q, want %q", sig.Namespace, ns)
	}
	if err := sshsig.Verify(bytes.NewReader(data), sig, sig.PublicKey, sig.HashAlgorithm, ns); err != nil {
		return nil, fmt.Errorf("bad signature: %w", err)
	}
	return sig.PublicKey, nil
}

var identityRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._%+@-]*$`)

// CheckIdentity checks that an identity can stand as a principal in an
// allowed-signers line.
func CheckIdentity(id string) error {
	if !identityRE.MatchString(id) || len(id) > 200 {
		return fmt.Errorf("signer identity %q must be letters, digits and . _ %% + @ - (such as an email address)", id)
	}
	return nil
}

// ParsePublicKey reads a public key in authorized_keys form.
func ParsePublicKey(s string) (ssh.PublicKey, error) {
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(s)))
	if err != nil {
		return nil, fmt.Errorf("not an SSH public key: %w", err)
	}
	return k, nil
}

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
func LoadSigner(opt KeyOptions) (*Signer, error) {
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
		pub, err := ParsePublicKey(rest)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", from, err)
		}
		return agentSigner(opt.AgentSocket, pub, from)
	}
	path := ExpandHome(spec)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	if pub, perr := ParsePublicKey(string(data)); perr == nil {
		// A public key file: the agent if it holds the key, else the
		// private half beside it.
		if s := agentHolding(opt.AgentSocket, pub); s != nil {
			return s, nil
		}
		if priv, err := os.ReadFile(strings.TrimSuffix(path, ".pub")); err == nil && strings.HasSuffix(path, ".pub") {
			if k, err := ssh.ParsePrivateKey(priv); err == nil && bytes.Equal(k.PublicKey().Marshal(), pub.Marshal()) {
				return NewSigner(k, path), nil
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
				pub, _ = ParsePublicKey(string(data))
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
	return NewSigner(k, path), nil
}

// agentHolding returns a signer through the ssh-agent at sock if it holds
// pub, else nil (no agent, an agent that cannot be reached, or one without
// that key: the caller then tries the key's file).
func agentHolding(sock string, pub ssh.PublicKey) *Signer {
	if sock == "" {
		return nil
	}
	s, err := agentSigner(sock, pub, "")
	if err != nil {
		return nil
	}
	return s
}

func agentSigner(sock string, pub ssh.PublicKey, from string) (*Signer, error) {
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
			return NewSigner(s, "ssh-agent key "+ssh.FingerprintSHA256(pub)), nil
		}
	}
	conn.Close()
	return nil, fmt.Errorf("%s: ssh-agent does not hold key %s (ssh-add it)", from, ssh.FingerprintSHA256(pub))
}

// ExpandHome replaces a leading ~/ in p with the home directory.
func ExpandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
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

// AllowedSigner is one line of an allowed-signers file.
type AllowedSigner struct {
	Identity string
	Key      string
}

// FormatAllowedSigners writes the allowed-signers file that ssh-keygen -Y
// verify and git's gpg.ssh.allowedSignersFile read.
func FormatAllowedSigners(list []AllowedSigner) []byte {
	var buf bytes.Buffer
	buf.WriteString("# porttracker: the signers of this ledger (ssh-keygen ALLOWED SIGNERS format).\n")
	buf.WriteString("# Written from signer entries; edit it only through porttracker signer add/revoke.\n")
	for _, s := range list {
		fmt.Fprintf(&buf, "%s %s\n", s.Identity, s.Key)
	}
	return buf.Bytes()
}

// ParseAllowedSigners reads the lines FormatAllowedSigners writes (options
// are not supported; comments and blank lines are skipped).
func ParseAllowedSigners(data []byte) ([]AllowedSigner, error) {
	var out []AllowedSigner
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, key, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("allowed_signers line %d: want IDENTITY KEYTYPE KEY", n)
		}
		if _, err := ParsePublicKey(key); err != nil {
			return nil, fmt.Errorf("allowed_signers line %d: %w", n, err)
		}
		out = append(out, AllowedSigner{Identity: id, Key: strings.TrimSpace(key)})
	}
	return out, sc.Err()
}
