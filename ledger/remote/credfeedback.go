package remote

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/config"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/porttracker/porttracker/internal/gitrepo"
)

// credentialFeedback tells the credential helpers how the credentials
// that sync used fared, as git does after each request: approve (the
// helpers' "store" action) once the remote accepted them, reject ("erase")
// when it refused them. git's store helper is written as git credential-store
// writes it; other helpers run through git's helper protocol. A helper that
// fails is passed over, as git passes it over.
type credentialFeedback struct {
	helpers []string
	cred    credential
	// done are the actions already reported: each is reported once.
	done map[string]bool
}

// newCredentialFeedback is the feedback for credentials auth used for an
// https remote: nil when no helper is configured for it.
func newCredentialFeedback(remote string, scopes []*gitconfig.Config, auth *githttp.BasicAuth) *credentialFeedback {
	u, err := url.Parse(remote)
	if err != nil || auth == nil {
		return nil
	}
	helpers := credentialHelpers(scopes, u)
	if len(helpers) == 0 {
		return nil
	}
	c := credential{Protocol: u.Scheme, Host: u.Host, Username: auth.Username, Password: auth.Password}
	if configBool(scopes, u, "useHttpPath") {
		c.Path = strings.TrimPrefix(u.Path, "/")
	}
	return &credentialFeedback{helpers: helpers, cred: c, done: map[string]bool{}}
}

// approve stores the accepted credentials in every helper, once (a
// remote that accepts them for reading may still refuse a push).
func (f *credentialFeedback) approve(ctx context.Context) {
	f.report(ctx, "store")
}

// reject erases the refused credentials from every helper, once.
func (f *credentialFeedback) reject(ctx context.Context) {
	f.report(ctx, "erase")
}

func (f *credentialFeedback) report(ctx context.Context, action string) {
	if f == nil {
		return
	}
	c := f.cred
	if f.done[action] || c.Protocol == "" || c.Host == "" || c.Username == "" || c.Password == "" {
		return
	}
	f.done[action] = true
	for _, h := range f.helpers {
		if files, ok := storeHelperFiles(h); ok {
			if action == "store" {
				_ = storeWrite(files, storeFileGiven(h), c)
			} else {
				_ = storeErase(files, c)
			}
			continue
		}
		runHelper(ctx, h, action, c)
	}
}

// runHelper runs one helper program with an action and the credential on
// its standard input.
func runHelper(ctx context.Context, helper, action string, c credential) {
	var in bytes.Buffer
	fmt.Fprintf(&in, "protocol=%s\nhost=%s\n", c.Protocol, c.Host)
	if c.Path != "" {
		fmt.Fprintf(&in, "path=%s\n", c.Path)
	}
	fmt.Fprintf(&in, "username=%s\npassword=%s\n\n", c.Username, c.Password)
	run := exec.CommandContext(ctx, "sh", "-c", helperCommand(helper)+" "+action)
	run.Stdin = &in
	run.Stderr = os.Stderr
	_ = run.Run()
}

// helperCommand is the shell command of a configured helper, as git runs
// it: "!cmd" as a shell command, an absolute path as it is, another name
// as git credential-NAME.
func helperCommand(helper string) string {
	switch {
	case strings.HasPrefix(helper, "!"):
		return helper[1:]
	case filepath.IsAbs(gitrepo.ExpandHome(strings.Fields(helper)[0])):
		return helper
	}
	return "git credential-" + helper
}

// storeFileGiven reports whether the store helper names its file.
func storeFileGiven(helper string) bool { return strings.Contains(helper, "--file") }

// storeLine is a credential as git credential-store writes it:
// scheme://user:password@host[/path], percent-encoded.
func storeLine(c credential) string {
	var b strings.Builder
	b.WriteString(c.Protocol + "://")
	b.WriteString(urlEncode(c.Username, false) + ":" + urlEncode(c.Password, false) + "@" + urlEncode(c.Host, false))
	if c.Path != "" {
		b.WriteString("/" + urlEncode(c.Path, true))
	}
	return b.String()
}

// urlEncode percent-encodes as git does: RFC 3986's unreserved characters
// stay, and with reserved also its reserved ones; the rest become %xx in
// lower case.
func urlEncode(s string, reserved bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9', strings.IndexByte("-._~", ch) >= 0:
			b.WriteByte(ch)
		case reserved && strings.IndexByte("!*'();:@&=+$,/?#[]", ch) >= 0:
			b.WriteByte(ch)
		default:
			fmt.Fprintf(&b, "%%%02x", ch)
		}
	}
	return b.String()
}

// storeMatches reports whether a stored credential is the one c names:
// the same scheme, host, user and path, and with password, the same
// password.
func storeMatches(s *credential, c credential, password bool) bool {
	return s.Protocol == c.Protocol && sameHost(s.Host, c.Host) && s.Username == c.Username &&
		strings.Trim(s.Path, "/") == strings.Trim(c.Path, "/") && (!password || s.Password == c.Password)
}

// storeWrite stores c as git credential-store does: in the file named
// (given), else the first of the default files that exists, else the
// first; entries for the same scheme, host, user and path are replaced.
func storeWrite(files []string, given bool, c credential) error {
	if len(files) == 0 {
		return errors.New("no credential file")
	}
	target := files[0]
	if !given {
		for _, f := range files {
			if _, err := os.Stat(f); err == nil {
				target = f
				break
			}
		}
	}
	return rewriteStore(target, c, false, storeLine(c))
}

// storeErase removes c, password and all, from every file.
func storeErase(files []string, c credential) error {
	var first error
	for _, f := range files {
		if err := rewriteStore(f, c, true, ""); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// rewriteStore rewrites a store file without the entries that match c,
// with add (when set) first, through a temporary file renamed into place,
// readable by its owner alone. A file that would not change is left as it
// is; a missing one is created only to add.
func rewriteStore(path string, c credential, password bool, add string) error {
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && add == "" {
		return nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	var out bytes.Buffer
	if add != "" {
		out.WriteString(add + "\n")
	}
	sc := bufio.NewScanner(bytes.NewReader(old))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if s, ok := parseStoreLine(strings.TrimSpace(line)); ok && storeMatches(s, c, password) {
			continue
		}
		out.WriteString(line + "\n")
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if bytes.Equal(out.Bytes(), old) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".porttracker-credentials-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(out.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
