package remote

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gitconfig "github.com/go-git/go-git/v5/config"
)

func parseConfig(t *testing.T, text string) []*gitconfig.Config {
	t.Helper()
	c := gitconfig.NewConfig()
	if err := c.Unmarshal([]byte(text)); err != nil {
		t.Fatal(err)
	}
	return []*gitconfig.Config{c}
}

func TestHTTPCredential(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("GIT_ASKPASS", "")
	t.Setenv("SSH_ASKPASS", "")
	// As git credential-store writes them: the port's colon is %3a.
	store := "https://bob:s3cret@git.example.com\nhttps://alice:other@example.org/team/port.git\nnot a url\nhttps://port:p%40ss@127.0.0.1%3a8443\n"
	if err := os.WriteFile(filepath.Join(home, ".git-credentials"), []byte(store), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(home, "other-store")
	if err := os.WriteFile(other, []byte("https://olga:fromfile@files.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	helper := filepath.Join(home, "helper.sh")
	script := "#!/bin/sh\n[ \"$1\" = get ] || exit 0\nwhile read l; do [ -z \"$l\" ] && break; case $l in host=*) h=${l#host=};; esac; done\n[ \"$h\" = helped.example ] && printf 'username=hank\\npassword=fromhelper\\n'\nexit 0\n"
	if err := os.WriteFile(helper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	askpass := filepath.Join(home, "askpass.sh")
	if err := os.WriteFile(askpass, []byte("#!/bin/sh\ncase $1 in Username*) echo asked;; *) echo askedpw;; esac\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, config, remote, askpass, user, pass string
	}{
		{"store default", "[credential]\n\thelper = store\n", "https://git.example.com/team/port.git", "", "bob", "s3cret"},
		{"host case", "[credential]\n\thelper = store\n", "https://GIT.example.com/x", "", "bob", "s3cret"},
		{"stored path ignored without useHttpPath", "[credential]\n\thelper = store\n", "https://example.org/elsewhere.git", "", "alice", "other"},
		{"useHttpPath", "[credential]\n\thelper = store\n\tuseHttpPath = true\n", "https://example.org/elsewhere.git", "", "", ""},
		{"useHttpPath match", "[credential]\n\thelper = store\n\tuseHttpPath = true\n", "https://example.org/team/port.git", "", "alice", "other"},
		{"port written as %3a", "[credential]\n\thelper = store\n", "https://127.0.0.1:8443/team.git", "", "port", "p@ss"},
		{"no helper configured", "", "https://git.example.com/x", "", "", ""},
		{"store --file", "[credential]\n\thelper = store --file " + other + "\n", "https://files.example/x", "", "olga", "fromfile"},
		{"empty value clears", "[credential]\n\thelper = store\n\thelper =\n", "https://git.example.com/x", "", "", ""},
		{"url subsection", "[credential \"https://git.example.com\"]\n\thelper = store\n", "https://git.example.com/x", "", "bob", "s3cret"},
		{"url subsection elsewhere", "[credential \"https://other.example\"]\n\thelper = store\n", "https://git.example.com/x", "", "", ""},
		{"helper program", "[credential]\n\thelper = " + helper + "\n", "https://helped.example/x", "", "hank", "fromhelper"},
		{"shell helper", "[credential]\n\thelper = \"!" + helper + "\"\n", "https://helped.example/x", "", "hank", "fromhelper"},
		{"helper without answer, then askpass", "[credential]\n\thelper = " + helper + "\n", "https://nobody.example/x", askpass, "asked", "askedpw"},
		{"inline", "", "https://carol:inline@host.example/x", "", "carol", "inline"},
		{"user in URL, askpass", "", "https://dora@host.example/x", askpass, "dora", "askedpw"},
		{"ssh", "[credential]\n\thelper = store\n", "ssh://git@git.example.com/x", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GIT_ASKPASS", tc.askpass)
			auth, _, err := httpCredential(context.Background(), tc.remote, parseConfig(t, tc.config))
			if err != nil {
				t.Fatal(err)
			}
			if tc.user == "" {
				if auth != nil {
					t.Fatalf("got credentials %s:%s", auth.Username, auth.Password)
				}
				return
			}
			if auth == nil || auth.Username != tc.user || auth.Password != tc.pass {
				t.Fatalf("got %+v, want %s:%s", auth, tc.user, tc.pass)
			}
		})
	}
}

// TestStoreHelperInterop checks that what the stock git credential-store
// writes is what porttracker reads.
func TestStoreHelperInterop(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("GIT_ASKPASS", "")
	t.Setenv("SSH_ASKPASS", "")
	cmd := exec.Command("git", "credential-store", "store")
	cmd.Env = append(os.Environ(), "HOME="+home)
	cmd.Stdin = stringsReader("protocol=https\nhost=127.0.0.1:9443\nusername=stock\npassword=p:w@d%\n\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git credential-store: %v: %s", err, out)
	}
	auth, _, err := httpCredential(context.Background(), "https://127.0.0.1:9443/repo.git", parseConfig(t, "[credential]\n\thelper = store\n"))
	if err != nil {
		t.Fatal(err)
	}
	if auth == nil || auth.Username != "stock" || auth.Password != "p:w@d%" {
		t.Fatalf("got %+v", auth)
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

func FuzzParseStoreLine(f *testing.F) {
	for _, s := range []string{"https://u:p@h", "https://stock:p%3aw%40d%25@127.0.0.1%3a9443", "https://u:p@h/x/y", "x", "://@", "https://@h", "https://u:%zz@h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, ok := parseStoreLine(line)
		if !ok {
			return
		}
		if c.Host == "" || c.Username == "" || c.Protocol == "" {
			t.Fatalf("%q: accepted %+v", line, c)
		}
	})
}
