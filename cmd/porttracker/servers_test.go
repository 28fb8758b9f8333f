package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// Binaries of the real servers the transport scripts run.
const (
	sshdPath = "/usr/sbin/sshd"
)

// httpBackend finds git's http-backend (git --exec-path).
func httpBackend() string {
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		return ""
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// serverCondition answers [sshd] and [http-backend]: the server is there,
// or CI is set (where a missing server must fail the script, not skip it).
func serverCondition(cond string) (bool, error) {
	ci := os.Getenv("CI") != ""
	switch cond {
	case "sshd":
		_, err := os.Stat(sshdPath)
		return err == nil || ci, nil
	case "http-backend":
		return httpBackend() != "" || ci, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// sshServer is one OpenSSH sshd for the whole test binary, on a free
// loopback port, with a temporary host key and an authorized_keys file to
// which each script adds its user's key. It runs as the current user.
type sshServer struct {
	once     sync.Once
	err      error
	dir      string
	port     int
	hostLine string
	mu       sync.Mutex
	cmd      *exec.Cmd
}

func (s *sshServer) start() error {
	s.once.Do(func() { s.err = s.run() })
	return s.err
}

func (s *sshServer) run() error {
	if _, err := os.Stat(sshdPath); err != nil {
		return fmt.Errorf("no sshd at %s (install openssh-server): %w", sshdPath, err)
	}
	dir, err := os.MkdirTemp("", "porttracker-sshd-")
	if err != nil {
		return err
	}
	s.dir = dir
	key := filepath.Join(dir, "host_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).CombinedOutput(); err != nil {
		return fmt.Errorf("ssh-keygen: %v: %s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), nil, 0o600); err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	f := strings.Fields(string(pub))
	s.hostLine = fmt.Sprintf("[127.0.0.1]:%d %s %s\n", s.port, f[0], f[1])
	// The privilege separation directory sshd needs when run as root.
	if os.Geteuid() == 0 {
		_ = os.MkdirAll("/run/sshd", 0o755)
	}
	cfg := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
PidFile %s
StrictModes no
PermitRootLogin prohibit-password
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
SetEnv PATH=%s
LogLevel ERROR
`, s.port, key, filepath.Join(dir, "authorized_keys"), filepath.Join(dir, "sshd.pid"), os.Getenv("PATH"))
	cfgPath := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return err
	}
	s.cmd = exec.Command(sshdPath, "-D", "-e", "-f", cfgPath)
	s.cmd.Stderr = os.Stderr
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start sshd: %w", err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.port)); err == nil {
			c.Close()
			return nil
		}
	}
	return errors.New("sshd did not start listening within 20s")
}

// stop ends sshd and removes its files.
func (s *sshServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// authorize lets the holder of pub log in.
func (s *sshServer) authorize(pub []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := os.OpenFile(filepath.Join(s.dir, "authorized_keys"), os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write(append(pub, '\n'))
	return err
}

// cmdSSHD starts (once per test binary) the sshd and lets the script's user
// in with $HOME/.ssh/id_ed25519: it sets SSH_BASE (ssh://USER@127.0.0.1:PORT),
// SSH_KNOWN_HOSTS (a file holding the host key) and GIT_SSH_COMMAND (stock
// ssh with that file and key). Usage: sshd.
func (s *sshServer) cmdSSHD(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: sshd")
	}
	if err := s.start(); err != nil {
		ts.Fatalf("sshd: %v", err)
	}
	key := filepath.Join(ts.Getenv("HOME"), ".ssh", "id_ed25519")
	pub, err := os.ReadFile(key + ".pub")
	ts.Check(err)
	ts.Check(s.authorize([]byte(strings.TrimSpace(string(pub)))))
	kh := ts.MkAbs("known_hosts")
	ts.Check(os.WriteFile(kh, []byte(s.hostLine), 0o644))
	u, err := user.Current()
	ts.Check(err)
	ts.Setenv("SSH_BASE", fmt.Sprintf("ssh://%s@127.0.0.1:%d", u.Username, s.port))
	ts.Setenv("SSH_PORT", fmt.Sprint(s.port))
	ts.Setenv("SSH_KNOWN_HOSTS", kh)
	ts.Setenv("GIT_SSH_COMMAND", fmt.Sprintf("ssh -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=%s -i %s", kh, key))
}

// cmdHTTPD serves the repositories under ROOT with git http-backend behind
// a TLS server (a certificate made here) that asks for basic auth:
// httpd ROOT USER PASSWORD. It sets HTTPS_BASE (https://127.0.0.1:PORT),
// HTTPS_HOST (127.0.0.1:PORT) and GIT_SSL_CAINFO (the certificate), and
// stops with the script.
func cmdHTTPD(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: httpd ROOT USER PASSWORD")
	}
	backend := httpBackend()
	if backend == "" {
		ts.Fatalf("httpd: no git http-backend (git --exec-path)")
	}
	root, wantUser, wantPass := ts.MkAbs(args[0]), args[1], args[2]
	certPEM, keyPEM, err := selfSignedCert()
	ts.Check(err)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	ts.Check(err)
	caFile := ts.MkAbs("https-ca.pem")
	ts.Check(os.WriteFile(caFile, certPEM, 0o644))
	env := []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "PATH=" + os.Getenv("PATH"), "HOME=" + ts.Getenv("HOME"), "GIT_CONFIG_NOSYSTEM=1"}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != wantUser || p != wantPass {
			w.Header().Set("WWW-Authenticate", `Basic realm="porttracker test"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h := &cgi.Handler{Path: backend, Root: "/", Env: append(env, "REMOTE_USER="+u)}
		h.ServeHTTP(w, r)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	srv := &http.Server{Handler: handler, TLSConfig: &tls.Config{Certificates: []tls.Certificate{pair}}, ReadHeaderTimeout: 10 * time.Second}
	go srv.ServeTLS(l, "", "")
	ts.Defer(func() { srv.Close() })
	addr := l.Addr().String()
	ts.Setenv("HTTPS_BASE", "https://"+addr)
	ts.Setenv("HTTPS_HOST", addr)
	ts.Setenv("GIT_SSL_CAINFO", caFile)
}

// selfSignedCert makes a certificate for 127.0.0.1 that is its own CA.
func selfSignedCert() (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "porttracker test server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), nil
}
