package ledger

import (
	"os"
	"path/filepath"
	"testing"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

func TestHTTPAuth(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	store := "https://bob:s3cret@git.example.com\nhttps://alice:other@example.org/team/port.git\nnot a url\n"
	if err := os.WriteFile(filepath.Join(home, ".git-credentials"), []byte(store), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		remote, user, pass string
	}{
		{"https://git.example.com/team/port.git", "bob", "s3cret"},
		{"https://GIT.example.com/x", "bob", "s3cret"},
		{"https://example.org/team/port.git", "alice", "other"},
		{"https://example.org/elsewhere.git", "", ""},
		{"https://carol:inline@host.example/x", "carol", "inline"},
		{"http://git.example.com/x", "", ""},
		{"ssh://git@git.example.com/x", "", ""},
		{"git@git.example.com:x", "", ""},
	} {
		auth := httpAuth(tc.remote)
		if tc.user == "" {
			if auth != nil {
				t.Errorf("%s: got credentials %v", tc.remote, auth)
			}
			continue
		}
		ba, ok := auth.(*githttp.BasicAuth)
		if !ok || ba.Username != tc.user || ba.Password != tc.pass {
			t.Errorf("%s: got %v", tc.remote, auth)
		}
	}
}
