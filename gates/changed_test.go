package gates

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// writeFiles writes files (slash paths relative to dir); an empty content
// removes the file.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if content == "" {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newRepo creates a repository with go-git, writes files and commits them.
func newRepo(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, files)
	commitAll(t, dir)
	return dir
}

func commitAll(t testing.TB, dir string) {
	t.Helper()
	r, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	w, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Unix(1_700_000_000, 0)}
	if _, err := w.Commit("commit", &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true}); err != nil {
		t.Fatal(err)
	}
}

func TestChangedLines(t *testing.T) {
	dir := newRepo(t, map[string]string{
		".gitignore":  "*.log\nbuild/\n",
		"a.go":        "package a\n\nfunc A() int {\n\treturn 1\n}\n",
		"sub/d.go":    "package sub\n// one\n",
		"crlf.txt":    "x\ny\n",
		"gone.go":     "package a\n",
		"noeol.txt":   "last",
		"keep/k.go":   "package keep\n",
		"sub/.keep":   "k\n",
		"bin.dat":     "a\x00b\n",
		"sub/tail.go": "package sub\n",
	})
	writeFiles(t, dir, map[string]string{
		"a.go":        "package a\n\n// added\nfunc A() int {\n\treturn 2\n}\n\nfunc B() {}\n",
		"b.go":        "package a\nvar b = 1\n",
		"x.log":       "ignored\n",
		"build/x.go":  "package build\n",
		"sub/d.go":    "package sub\n// one\n// two\n",
		"crlf.txt":    "x\r\ny\r\n",
		"gone.go":     "",
		"noeol.txt":   "last\nmore",
		"bin.dat":     "a\x00c\n",
		"sub/tail.go": "package sub\nvar t = 1",
	})
	got, err := ChangedLines(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Line{
		"a.go":        {{3, "// added"}, {5, "\treturn 2"}, {7, ""}, {8, "func B() {}"}},
		"b.go":        {{1, "package a"}, {2, "var b = 1"}},
		"sub/d.go":    {{3, "// two"}},
		"noeol.txt":   {{1, "last"}, {2, "more"}},
		"sub/tail.go": {{2, "var t = 1"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ChangedLines =\n%v\nwant\n%v", got, want)
	}

	got, err = ChangedLines(filepath.Join(dir, "sub"), []string{"sub", "b.go", "x.log", "nothing/here"})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for f := range got {
		files = append(files, f)
	}
	slices.Sort(files)
	if want := []string{"b.go", "sub/d.go", "sub/tail.go"}; !slices.Equal(files, want) {
		t.Errorf("restricted ChangedLines files = %v, want %v", files, want)
	}

	if _, err := ChangedLines(dir, []string{"../elsewhere"}); err == nil {
		t.Error("ChangedLines accepted a path outside the repository")
	}
}

func TestChangedLinesTrackedFileInIgnoredDir(t *testing.T) {
	dir := newRepo(t, map[string]string{"gen/g.go": "package gen\n"})
	writeFiles(t, dir, map[string]string{".gitignore": "gen/\n", "gen/g.go": "package gen\nvar x = 1\n", "gen/new.go": "package gen\n"})
	got, err := ChangedLines(dir, []string{"gen"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Line{"gen/g.go": {{2, "var x = 1"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ChangedLines = %v, want %v", got, want)
	}
}

func TestChangedLinesWithoutCommits(t *testing.T) {
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"a.cs": "class A {}\n"})
	got, err := ChangedLines(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]Line{"a.cs": {{1, "class A {}"}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("ChangedLines = %v, want %v", got, want)
	}
}

func TestScanChangedAndPaths(t *testing.T) {
	old := "class A {\n  int M() {\n    return 0;\n  }\n}\n"
	dir := newRepo(t, map[string]string{"src/A.cs": old, "src/notes.txt": "return 0;\n"})
	writeFiles(t, dir, map[string]string{
		"src/A.cs":       old + "class B {\n  object N() {\n    return null;\n  }\n}\n",
		"src/notes.txt":  "return 0;\nreturn null;\n",
		"src/obj/Gen.cs": "class G { object X() { return null; } }\n",
	})
	pats, err := Patterns(CSharp, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := ScanChanged(dir, []string{"src"}, pats, Exts(CSharp))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Strings(ms), []string{"src/A.cs:8: return null;"}; !slices.Equal(got, want) {
		t.Errorf("ScanChanged = %v, want %v (the old return 0; is not a change)", got, want)
	}
	ms, err = ScanPaths([]string{filepath.Join(dir, "src")}, pats, Exts(CSharp))
	if err != nil {
		t.Fatal(err)
	}
	a := filepath.Join(dir, "src", "A.cs")
	if got, want := Strings(ms), []string{a + ":3: return 0;", a + ":8: return null;"}; !slices.Equal(got, want) {
		t.Errorf("ScanPaths = %v, want %v", got, want)
	}
	if _, err := ScanPaths([]string{filepath.Join(dir, "missing")}, pats, nil); err == nil {
		t.Error("ScanPaths accepted a missing path")
	}
}

func TestAddedLines(t *testing.T) {
	tests := []struct {
		name, old, cur string
		want           []Line
	}{
		{"identical", "a\nb\n", "a\nb\n", nil},
		{"insert in the middle", "a\nc\n", "a\nb\nc\n", []Line{{2, "b"}}},
		{"replace", "a\nb\nc\n", "a\nB\nc\n", []Line{{2, "B"}}},
		{"deletion only", "a\nb\nc\n", "a\nc\n", nil},
		{"repeated lines", "x\nx\n", "x\nx\nx\n", []Line{{3, "x"}}},
		{"new file", "", "a\n\nb", []Line{{1, "a"}, {2, ""}, {3, "b"}}},
	}
	for _, tt := range tests {
		if got := addedLines(tt.old, tt.cur); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: addedLines = %v, want %v", tt.name, got, tt.want)
		}
	}
}
