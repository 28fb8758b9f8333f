package remote

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/config"
	format "github.com/go-git/go-git/v5/plumbing/format/config"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/porttracker/porttracker/internal/gitrepo"
)

// credential is what git's credential helper protocol exchanges.
type credential struct {
	Protocol, Host, Path, Username, Password string
	// From says where the password came from, for messages.
	From string
}

// httpCredential finds the credentials git would use for an https remote:
// a user and password in the URL; else each configured credential helper
// in git's order (credential.helper and credential.<url>.helper of the
// system, global and repository configuration, an empty value clearing
// the list), the "store" helper read directly from its files and any other
// run through git's helper protocol; else GIT_ASKPASS, core.askPass or
// SSH_ASKPASS. It returns nil when there are none.
func httpCredential(ctx context.Context, remote string, scopes []*gitconfig.Config) (*githttp.BasicAuth, string, error) {
	u, err := url.Parse(remote)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, "", nil
	}
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			return &githttp.BasicAuth{Username: u.User.Username(), Password: pw}, "the remote's URL", nil
		}
	}
	want := credential{Protocol: u.Scheme, Host: u.Host}
	if u.User != nil {
		want.Username = u.User.Username()
	}
	if configBool(scopes, u, "useHttpPath") {
		want.Path = strings.TrimPrefix(u.Path, "/")
	}
	for _, h := range credentialHelpers(scopes, u) {
		c, err := askHelper(ctx, h, want)
		if err != nil {
			return nil, "", err
		}
		if c != nil && c.Password != "" {
			return &githttp.BasicAuth{Username: c.Username, Password: c.Password}, c.From, nil
		}
		if c != nil && c.Username != "" {
			want.Username = c.Username
		}
	}
	return askPass(ctx, want, scopes)
}

// credentialHelpers lists the helpers that apply to u, in git's order.
func credentialHelpers(scopes []*gitconfig.Config, u *url.URL) []string {
	var helpers []string
	add := func(opts format.Options) {
		for _, v := range opts.GetAll("helper") {
			if v == "" {
				helpers = nil
				continue
			}
			helpers = append(helpers, v)
		}
	}
	for _, c := range scopes {
		if c.Raw == nil || !c.Raw.HasSection("credential") {
			continue
		}
		sec := c.Raw.Section("credential")
		add(sec.Options)
		for _, sub := range sec.Subsections {
			if urlMatches(sub.Name, u) {
				add(sub.Options)
			}
		}
	}
	return helpers
}

// configBool reads credential.KEY (or credential.<url>.KEY) as git's
// boolean.
func configBool(scopes []*gitconfig.Config, u *url.URL, key string) bool {
	val := ""
	for _, c := range scopes {
		if c.Raw == nil || !c.Raw.HasSection("credential") {
			continue
		}
		sec := c.Raw.Section("credential")
		if sec.Options.Has(key) {
			val = sec.Options.Get(key)
		}
		for _, sub := range sec.Subsections {
			if urlMatches(sub.Name, u) && sub.Options.Has(key) {
				val = sub.Options.Get(key)
			}
		}
	}
	switch strings.ToLower(val) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}

// urlMatches reports whether a credential.<url> pattern applies to u: the
// same scheme and host, and a path that prefixes u's.
func urlMatches(pattern string, u *url.URL) bool {
	p, err := url.Parse(pattern)
	if err != nil || p.Scheme != u.Scheme || !sameHost(p.Host, u.Host) {
		return false
	}
	if p.User != nil && u.User != nil && p.User.Username() != u.User.Username() {
		return false
	}
	pp := strings.Trim(p.Path, "/")
	return pp == "" || strings.HasPrefix(strings.Trim(u.Path, "/")+"/", pp+"/")
}

// sameHost compares hosts as git does, case-insensitively; git's store
// helper writes the port's colon as %3a.
func sameHost(a, b string) bool {
	if d, err := url.PathUnescape(a); err == nil {
		a = d
	}
	if d, err := url.PathUnescape(b); err == nil {
		b = d
	}
	return strings.EqualFold(a, b)
}

// askHelper asks one credential helper for want.
func askHelper(ctx context.Context, helper string, want credential) (*credential, error) {
	if files, ok := storeHelperFiles(helper); ok {
		for _, f := range files {
			if c := lookupStore(f, want); c != nil {
				return c, nil
			}
		}
		return nil, nil
	}
	cmd := helperCommand(helper)
	var in bytes.Buffer
	fmt.Fprintf(&in, "protocol=%s\nhost=%s\n", want.Protocol, want.Host)
	if want.Path != "" {
		fmt.Fprintf(&in, "path=%s\n", want.Path)
	}
	if want.Username != "" {
		fmt.Fprintf(&in, "username=%s\n", want.Username)
	}
	in.WriteString("\n")
	run := exec.CommandContext(ctx, "sh", "-c", cmd+" get")
	run.Stdin = &in
	run.Stderr = os.Stderr
	out, err := run.Output()
	if err != nil {
		// git goes on to the next helper when one fails.
		return nil, nil
	}
	c := &credential{From: "credential helper " + strings.Fields(helper)[0], Username: want.Username}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch k {
		case "username":
			c.Username = v
		case "password":
			c.Password = v
		case "quit":
			if v == "1" || v == "true" {
				return nil, fmt.Errorf("%w: credential helper %s said quit", ErrRemoteAccess, helper)
			}
		}
	}
	return c, nil
}

// storeHelperFiles recognizes git's "store" helper ("store", "store
// --file=PATH", "store --file PATH") and returns the files it reads.
func storeHelperFiles(helper string) ([]string, bool) {
	f := strings.Fields(helper)
	if len(f) == 0 || f[0] != "store" {
		return nil, false
	}
	for i := 1; i < len(f); i++ {
		if v, ok := strings.CutPrefix(f[i], "--file="); ok {
			return []string{gitrepo.ExpandHome(v)}, true
		}
		if f[i] == "--file" && i+1 < len(f) {
			return []string{gitrepo.ExpandHome(f[i+1])}, true
		}
	}
	return credentialFiles(), true
}

// credentialFiles are the default files of git's store helper.
func credentialFiles() []string {
	var files []string
	if home, err := os.UserHomeDir(); err == nil {
		files = append(files, filepath.Join(home, ".git-credentials"))
	}
	if xdg := os.Getenv("XDG_CONFIG_HOME"); xdg != "" {
		files = append(files, filepath.Join(xdg, "git", "credentials"))
	} else if home, err := os.UserHomeDir(); err == nil {
		files = append(files, filepath.Join(home, ".config", "git", "credentials"))
	}
	return files
}

// lookupStore returns the first credential of a store file (one URL a
// line, as git credential-store writes them) whose scheme and host match
// want, and whose user and path, when given, match too.
func lookupStore(path string, want credential) *credential {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c, ok := parseStoreLine(strings.TrimSpace(sc.Text()))
		if !ok || c.Protocol != want.Protocol || !sameHost(c.Host, want.Host) {
			continue
		}
		if want.Username != "" && c.Username != want.Username {
			continue
		}
		// As git matches: a path counts only when the request has one
		// (credential.useHttpPath).
		if want.Path != "" && strings.Trim(c.Path, "/") != strings.Trim(want.Path, "/") {
			continue
		}
		c.From = path
		return c
	}
	return nil
}

// parseStoreLine reads a line of a store file,
// scheme://user:password@host[/path], each part percent-encoded as git
// writes it (a port's colon becomes %3a, which net/url refuses in a host).
func parseStoreLine(line string) (*credential, bool) {
	scheme, rest, ok := strings.Cut(line, "://")
	if !ok || scheme == "" {
		return nil, false
	}
	// The user and password are percent-encoded, so the authority ends at
	// the first slash, and the host follows its last "@"; a path may
	// hold "@" of its own.
	authority, path, _ := strings.Cut(rest, "/")
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return nil, false
	}
	userinfo, host := authority[:at], authority[at+1:]
	user, pass, _ := strings.Cut(userinfo, ":")
	c := &credential{Protocol: scheme}
	for _, f := range []struct {
		dst *string
		raw string
	}{{&c.Username, user}, {&c.Password, pass}, {&c.Host, host}, {&c.Path, path}} {
		v, err := url.PathUnescape(f.raw)
		if err != nil {
			return nil, false
		}
		*f.dst = v
	}
	return c, c.Host != "" && c.Username != ""
}

// askPass asks the program git would prompt through (GIT_ASKPASS,
// core.askPass, SSH_ASKPASS) for the user name and password.
func askPass(ctx context.Context, want credential, scopes []*gitconfig.Config) (*githttp.BasicAuth, string, error) {
	prog := os.Getenv("GIT_ASKPASS")
	if prog == "" {
		for _, c := range scopes {
			if c.Raw != nil && c.Raw.HasSection("core") {
				if v := c.Raw.Section("core").Option("askPass"); v != "" {
					prog = v
				}
			}
		}
	}
	if prog == "" {
		prog = os.Getenv("SSH_ASKPASS")
	}
	if prog == "" {
		return nil, "", nil
	}
	ask := func(prompt string) (string, error) {
		out, err := exec.CommandContext(ctx, prog, prompt).Output()
		if err != nil {
			return "", fmt.Errorf("%w: %s %q: %v", ErrRemoteAccess, prog, prompt, err)
		}
		return strings.TrimRight(string(out), "\r\n"), nil
	}
	base := want.Protocol + "://" + want.Host
	user := want.Username
	if user == "" {
		var err error
		if user, err = ask("Username for '" + base + "': "); err != nil {
			return nil, "", err
		}
	}
	pw, err := ask("Password for '" + want.Protocol + "://" + user + "@" + want.Host + "': ")
	if err != nil {
		return nil, "", err
	}
	return &githttp.BasicAuth{Username: user, Password: pw}, prog, nil
}
