package hooks

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestStagedFiles(t *testing.T) {
	needGit(t)
	isolate(t)
	base := map[string]string{"a.go": "package a\n", "sub/b.go": "package sub\n", "c.txt": "c\n"}
	tests := []struct {
		name   string
		commit bool
		// prepare changes the repository after the initial commit.
		prepare func(t *testing.T, dir string)
		want    map[string][]byte
	}{
		{name: "nothing staged", commit: true, prepare: func(*testing.T, string) {}, want: map[string][]byte{}},
		{
			name: "worktree change that is not staged", commit: true,
			prepare: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"a.go": "package a // changed\n"})
			},
			want: map[string][]byte{},
		},
		{
			name: "modified, added and deleted", commit: true,
			prepare: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"sub/b.go": "package sub\n\nfunc B() {}\n", "new.go": "package a\n", "empty.txt": ""})
				gitRun(t, dir, "add", "sub/b.go", "new.go", "empty.txt")
				gitRun(t, dir, "rm", "-q", "c.txt")
			},
			want: map[string][]byte{"sub/b.go": []byte("package sub\n\nfunc B() {}\n"), "new.go": []byte("package a\n"), "empty.txt": {}, "c.txt": nil},
		},
		{
			name: "staged content, not the worktree's", commit: true,
			prepare: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"a.go": "package a // staged\n"})
				gitRun(t, dir, "add", "a.go")
				writeFiles(t, dir, map[string]string{"a.go": "package a // later\n"})
			},
			want: map[string][]byte{"a.go": []byte("package a // staged\n")},
		},
		{
			name: "mode change only", commit: true,
			prepare: func(t *testing.T, dir string) {
				if err := os.Chmod(filepath.Join(dir, "c.txt"), 0o755); err != nil {
					t.Fatal(err)
				}
				gitRun(t, dir, "add", "c.txt")
			},
			want: map[string][]byte{},
		},
		{
			name: "intent to add", commit: true,
			prepare: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"later.go": "package a\n"})
				gitRun(t, dir, "add", "-N", "later.go")
			},
			want: map[string][]byte{},
		},
		{
			name: "first commit", commit: false,
			prepare: func(t *testing.T, dir string) { gitRun(t, dir, "add", "a.go") },
			want:    map[string][]byte{"a.go": []byte("package a\n")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newRepo(t, base, tt.commit)
			tt.prepare(t, dir)
			got, err := StagedFiles(filepath.Join(dir, "sub"))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("StagedFiles = %q, want %q", got, tt.want)
			}
			for name, data := range got {
				if (data == nil) != (tt.want[name] == nil) {
					t.Errorf("%s: nil is %v, want %v", name, data == nil, tt.want[name] == nil)
				}
			}
		})
	}
}

// TestStagedFilesIndexEnv checks that the index named by GIT_INDEX_FILE is
// read, as git commit -a hands it to its hooks.
func TestStagedFilesIndexEnv(t *testing.T) {
	needGit(t)
	isolate(t)
	dir := newRepo(t, map[string]string{"a.go": "package a\n"}, true)
	writeFiles(t, dir, map[string]string{"a.go": "package a // other index\n"})
	other := filepath.Join(t.TempDir(), "index")
	data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_INDEX_FILE", other)
	gitRun(t, dir, "add", "a.go")
	got, err := StagedFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]byte{"a.go": []byte("package a // other index\n")}; !reflect.DeepEqual(got, want) {
		t.Errorf("with %s: %q, want %q", IndexFileEnv, got, want)
	}
	t.Setenv("GIT_INDEX_FILE", "")
	got, err = StagedFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("the repository's own index: %q, want nothing staged", got)
	}
	if _, err := stagedFiles(dir, filepath.Join(dir, "missing-index")); err == nil {
		t.Errorf("a missing index named by %s: no error", IndexFileEnv)
	}
}

func TestStagedFilesNotARepository(t *testing.T) {
	isolate(t)
	if _, err := StagedFiles(t.TempDir()); err == nil {
		t.Error("no error outside a repository")
	}
}
