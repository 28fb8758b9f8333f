package ledger

import (
	"bufio"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// httpAuth finds credentials for an https remote in the files of git's
// "store" credential helper (~/.git-credentials, then
// $XDG_CONFIG_HOME/git/credentials): go-git runs no credential helper, so
// the stored ones are read directly. It returns nil when there are none;
// ssh remotes use the user's ssh-agent through go-git's defaults.
func httpAuth(remote string) transport.AuthMethod {
	u, err := url.Parse(remote)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil
	}
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			return &githttp.BasicAuth{Username: u.User.Username(), Password: pw}
		}
	}
	for _, path := range credentialFiles() {
		if auth := lookupCredentials(path, u); auth != nil {
			return auth
		}
	}
	return nil
}

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

// lookupCredentials returns the first stored credential of path whose
// scheme and host match u (and whose path, if it has one, prefixes u's).
func lookupCredentials(path string, u *url.URL) transport.AuthMethod {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c, err := url.Parse(strings.TrimSpace(sc.Text()))
		if err != nil || c.User == nil || c.Scheme != u.Scheme || !strings.EqualFold(c.Host, u.Host) {
			continue
		}
		if p := strings.Trim(c.Path, "/"); p != "" && !strings.HasPrefix(strings.Trim(u.Path, "/"), p) {
			continue
		}
		pw, _ := c.User.Password()
		return &githttp.BasicAuth{Username: c.User.Username(), Password: pw}
	}
	return nil
}
