package sshkey

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
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
