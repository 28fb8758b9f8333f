package remote

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// TestCredentialFeedbackProtocol runs a helper program that logs what git's
// helper protocol gives it: approve sends "store" with the credentials,
// reject "erase", each once.
func TestCredentialFeedbackProtocol(t *testing.T) {
	log := filepath.Join(t.TempDir(), "helper.log")
	scopes := parseConfig(t, "[credential]\n\thelper = \"!f() { echo \\\"action $1\\\" >> "+log+"; cat >> "+log+"; }; f\"\n")
	f := newCredentialFeedback("https://git.example.com:8443/team.git", scopes, &githttp.BasicAuth{Username: "alice", Password: "s3cret"})
	if f == nil {
		t.Fatal("no feedback though a helper is configured")
	}
	ctx := context.Background()
	f.approve(ctx)
	f.approve(ctx)
	f.reject(ctx)
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	want := "action store\nprotocol=https\nhost=git.example.com:8443\nusername=alice\npassword=s3cret\n\n" +
		"action erase\nprotocol=https\nhost=git.example.com:8443\nusername=alice\npassword=s3cret\n\n"
	if string(b) != want {
		t.Errorf("the helper was given\n%s\nwant\n%s", b, want)
	}
	if newCredentialFeedback("https://git.example.com/team.git", parseConfig(t, ""), &githttp.BasicAuth{Username: "a", Password: "b"}) != nil {
		t.Error("feedback without any helper")
	}
}

// TestStoreFeedbackInterop writes git's store file as git credential-store
// does, checked with the stock git credential-store: an approved
// credential is what it reads back, a new password replaces the old, a
// reject of a password that is not the stored one leaves it, and a reject
// of the stored one erases it.
func TestStoreFeedbackInterop(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	stockGet := func() string {
		t.Helper()
		cmd := exec.Command("git", "credential-store", "get")
		cmd.Stdin = strings.NewReader("protocol=https\nhost=127.0.0.1:9443\nusername=stock\n\n")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git credential-store get: %v: %s", err, out)
		}
		return string(out)
	}
	scopes := parseConfig(t, "[credential]\n\thelper = store\n")
	feedback := func(pw string) *credentialFeedback {
		return newCredentialFeedback("https://127.0.0.1:9443/repo.git", scopes, &githttp.BasicAuth{Username: "stock", Password: pw})
	}
	ctx := context.Background()
	feedback("p:w@d%").approve(ctx)
	if got := stockGet(); !strings.Contains(got, "password=p:w@d%\n") {
		t.Fatalf("stock git reads %q after approve", got)
	}
	file := filepath.Join(home, ".git-credentials")
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v %v, want mode 0600", file, fi, err)
	}
	// The line is the one stock git writes for the same credential.
	other := t.TempDir()
	cmd := exec.Command("git", "credential-store", "--file", filepath.Join(other, "c"), "store")
	cmd.Stdin = strings.NewReader("protocol=https\nhost=127.0.0.1:9443\nusername=stock\npassword=p:w@d%\n\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	ours, _ := os.ReadFile(file)
	theirs, _ := os.ReadFile(filepath.Join(other, "c"))
	if string(ours) != string(theirs) {
		t.Errorf("store file %q, stock git writes %q", ours, theirs)
	}

	feedback("new").approve(ctx)
	if b, _ := os.ReadFile(file); strings.Count(string(b), "\n") != 1 || !strings.Contains(stockGet(), "password=new\n") {
		t.Fatalf("after a second approve the file holds %q", b)
	}
	feedback("wrong").reject(ctx)
	if !strings.Contains(stockGet(), "password=new\n") {
		t.Fatal("a reject of another password erased the stored one")
	}
	feedback("new").reject(ctx)
	if got := stockGet(); strings.Contains(got, "password=") {
		t.Fatalf("after reject stock git still reads %q", got)
	}
}

func TestURLEncode(t *testing.T) {
	for _, tc := range []struct {
		in       string
		reserved bool
		want     string
	}{
		{"a-Z_0.~", false, "a-Z_0.~"},
		{"p:w@d%", false, "p%3aw%40d%25"},
		{"team/x.git", true, "team/x.git"},
		{"a b", true, "a%20b"},
		{"é", false, "%c3%a9"},
	} {
		if got := urlEncode(tc.in, tc.reserved); got != tc.want {
			t.Errorf("urlEncode(%q, %v) = %q, want %q", tc.in, tc.reserved, got, tc.want)
		}
	}
}

func FuzzStoreLine(f *testing.F) {
	for _, s := range []string{"p:w@d%", "", "a/b", "%zz", "\n"} {
		f.Add("user", s, "host:1", "")
	}
	f.Fuzz(func(t *testing.T, user, pw, host, path string) {
		if user == "" || host == "" {
			return
		}
		c := credential{Protocol: "https", Host: host, Username: user, Password: pw, Path: path}
		back, ok := parseStoreLine(storeLine(c))
		if !ok || back.Username != user || back.Password != pw || back.Host != host || strings.Trim(back.Path, "/") != strings.Trim(path, "/") {
			t.Fatalf("%+v wrote %q, read back %+v", c, storeLine(c), back)
		}
	})
}
