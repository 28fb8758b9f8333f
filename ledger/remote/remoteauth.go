package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/porttracker/porttracker/internal/gitrepo"
)

// ErrRemoteAccess marks a remote that could not be reached or that refused
// the credentials: bad input (exit status 2), not a failed verification.
var ErrRemoteAccess = errors.New("cannot use the remote")

// netAccess is how a network remote is reached: credentials, and for
// https the certificates to trust.
type netAccess struct {
	auth transport.AuthMethod
	// from says where the credentials came from, for messages.
	from     string
	caBundle []byte
	insecure bool
	// feedback approves https credentials to the helpers once the remote
	// accepted them, and rejects them when it refused them; nil without
	// helpers.
	feedback *credentialFeedback
}

// access works out how to reach the remote, once.
func (r *netRemote) access(ctx context.Context) (*netAccess, error) {
	if r.acc != nil {
		return r.acc, nil
	}
	cfg, err := r.local.Config()
	if err != nil {
		return nil, fmt.Errorf("%w: remote %s: %v", ErrRemoteAccess, r.name, err)
	}
	scopes := cfg.Scopes()
	ep, err := transport.NewEndpoint(r.url)
	if err != nil {
		return nil, fmt.Errorf("%w: remote %s: %q is not a URL git understands: %v", ErrRemoteAccess, r.name, r.url, err)
	}
	acc := &netAccess{}
	switch ep.Protocol {
	case "https", "http":
		auth, from, err := httpCredential(ctx, r.url, scopes)
		if err != nil {
			return nil, err
		}
		if auth != nil {
			acc.auth, acc.from = auth, from
			acc.feedback = newCredentialFeedback(r.url, scopes, auth)
		}
		ca := os.Getenv("GIT_SSL_CAINFO")
		if ca == "" {
			ca = cfg.Get("http", "sslCAInfo")
		}
		if ca != "" {
			if acc.caBundle, err = os.ReadFile(gitrepo.ExpandHome(ca)); err != nil {
				return nil, fmt.Errorf("%w: the certificates to trust for %s (GIT_SSL_CAINFO or http.sslCAInfo): %v", ErrRemoteAccess, r.name, err)
			}
		}
		acc.insecure = os.Getenv("GIT_SSL_NO_VERIFY") != "" || strings.EqualFold(cfg.Get("http", "sslVerify"), "false")
	case "ssh":
		auth, err := sshAuth(ep)
		if err != nil {
			return nil, fmt.Errorf("%w: remote %s: %v", ErrRemoteAccess, r.name, err)
		}
		acc.auth, acc.from = auth, "ssh keys"
	}
	r.acc = acc
	return acc, nil
}

// sshAuth authenticates as the URL's user (else the local user) with the
// keys ssh would offer: those of ssh-agent, then ~/.ssh/id_ed25519,
// id_ecdsa and id_rsa when they are not protected by a passphrase. Host
// keys are checked against SSH_KNOWN_HOSTS, else ~/.ssh/known_hosts and
// /etc/ssh/ssh_known_hosts.
func sshAuth(ep *transport.Endpoint) (transport.AuthMethod, error) {
	name := ep.User
	if name == "" {
		u, err := user.Current()
		if err != nil {
			return nil, fmt.Errorf("no user in the URL and no local user name: %v", err)
		}
		name = u.Username
	}
	db, err := gitssh.NewKnownHostsDb()
	if err != nil {
		return nil, fmt.Errorf("no known_hosts file to check the host key of %s against (%v): add the host's key to ~/.ssh/known_hosts (ssh-keyscan), or set SSH_KNOWN_HOSTS", ep.Host, err)
	}
	port := ep.Port
	if port == 0 {
		port = 22
	}
	addr := net.JoinHostPort(ep.Host, fmt.Sprint(port))
	cb := &gitssh.PublicKeysCallback{User: name, Callback: sshSigners}
	cb.HostKeyCallback = db.HostKeyCallback()
	cb.HostKeyAlgorithms = db.HostKeyAlgorithms(addr)
	return cb, nil
}

// sshSigners lists the keys to offer, agent first.
func sshSigners() ([]ssh.Signer, error) {
	var out []ssh.Signer
	if sock := os.Getenv("SSH_AUTH_SOCK"); sock != "" {
		if conn, err := net.Dial("unix", sock); err == nil {
			if list, err := agent.NewClient(conn).Signers(); err == nil {
				out = append(out, list...)
			}
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return out, nil
	}
	for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
		data, err := os.ReadFile(filepath.Join(home, ".ssh", name))
		if err != nil {
			continue
		}
		if k, err := ssh.ParsePrivateKey(data); err == nil {
			out = append(out, k)
		}
	}
	return out, nil
}

// explain turns a transport failure into one line that says what is wrong
// and how to mend it, marked ErrRemoteAccess when it is one.
func (r *netRemote) explain(ctx context.Context, op string, err error) error {
	var keyErr *knownhosts.KeyError
	var netErr *net.OpError
	var dnsErr *net.DNSError
	from := "no credentials"
	if r.acc != nil && r.acc.from != "" {
		from = r.acc.from
	}
	switch {
	case errors.Is(err, ErrRemoteAccess):
		return err
	case errors.As(err, &keyErr) && len(keyErr.Want) > 0:
		return fmt.Errorf("%w: %s %s: the host key of %s does not match known_hosts (%s:%d): someone may be intercepting the connection; if the host's key really changed, fix that line", ErrRemoteAccess, op, r.name, r.url, keyErr.Want[0].Filename, keyErr.Want[0].Line)
	case errors.As(err, &keyErr):
		return fmt.Errorf("%w: %s %s: the host key of %s is not in known_hosts: check it and add it (ssh-keyscan HOST >> ~/.ssh/known_hosts), or set SSH_KNOWN_HOSTS", ErrRemoteAccess, op, r.name, r.url)
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		if r.acc != nil {
			r.acc.feedback.reject(ctx)
		}
		return fmt.Errorf("%w: %s %s: %s refused the credentials (%s): %v; fix them in your credential helper or store file", ErrRemoteAccess, op, r.name, r.url, from, err)
	case strings.Contains(err.Error(), "unable to authenticate"):
		return fmt.Errorf("%w: %s %s: %s accepted none of your ssh keys (ssh-agent, ~/.ssh/id_*): add your public key to the server", ErrRemoteAccess, op, r.name, r.url)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("%w: %s %s: no repository at %s (check git remote -v)", ErrRemoteAccess, op, r.name, r.url)
	case errors.As(err, &netErr), errors.As(err, &dnsErr):
		return fmt.Errorf("%w: %s %s: cannot reach %s: %v", ErrRemoteAccess, op, r.name, r.url, err)
	}
	return fmt.Errorf("%s %s: %w", op, r.name, err)
}
