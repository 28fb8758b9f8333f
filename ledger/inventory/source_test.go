package inventory

import (
	"strings"
	"testing"
)

func TestSourceAt(t *testing.T) {
	r := newTestRepo(t)
	writeTree(t, r.dir, map[string]string{"src/a.go": "package a\n\nfunc A() {\n}\n", "src/raw.txt": "one\ntwo"})
	c1 := r.commitAll("one")
	writeTree(t, r.dir, map[string]string{"src/a.go": "package a\n\n// moved down\n\nfunc A() {\n}\n"})
	c2 := r.commitAll("two")
	for _, tc := range []struct {
		name, commit, path string
		start, end         int
		want, err          string
	}{
		{name: "old commit", commit: c1, path: "src/a.go", start: 3, end: 4, want: "func A() {\n}\n"},
		{name: "new commit", commit: c2, path: "src/a.go", start: 5, end: 6, want: "func A() {\n}\n"},
		{name: "short hash", commit: c1[:8], path: "src/a.go", start: 1, end: 1, want: "package a\n"},
		{name: "branch name", commit: "HEAD", path: "src/a.go", start: 3, end: 3, want: "// moved down\n"},
		{name: "last line without newline", commit: c1, path: "src/raw.txt", start: 2, end: 2, want: "two\n"},
		{name: "past the end", commit: c1, path: "src/a.go", start: 3, end: 9, err: "has 4 lines"},
		{name: "no span", commit: c1, path: "src/a.go", start: 4, end: 3, err: "not a line span"},
		{name: "missing file", commit: c1, path: "src/b.go", start: 1, end: 1, err: "src/b.go"},
		{name: "unknown commit", commit: "0123456789abcdef0123456789abcdef01234567", path: "src/a.go", start: 1, end: 1, err: "resolve commit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SourceAt(r.dir, tc.commit, tc.path, tc.start, tc.end)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want one mentioning %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("SourceAt = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := SourceAt(t.TempDir(), c1, "src/a.go", 1, 1); err == nil {
		t.Error("SourceAt outside a repository succeeded")
	}
}
