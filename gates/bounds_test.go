package gates

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadInside: a gate reads only regular files inside the repository,
// up to a size bound; paths that climb out, links that lead out, devices
// and oversized files are refused before anything is read.
func TestReadInside(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "src"), 0o755))
	must(os.WriteFile(filepath.Join(root, "src", "a.cs"), []byte("class A {}"), 0o644))
	must(os.WriteFile(filepath.Join(root, "big.cs"), []byte(strings.Repeat("x", 100)), 0o644))
	must(os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644))
	must(os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "src", "out.cs")))
	must(os.Symlink("a.cs", filepath.Join(root, "src", "in.cs")))
	must(os.Symlink("/dev/zero", filepath.Join(root, "zero.cs")))
	tests := []struct {
		rel     string
		want    string
		refused bool
		missing bool
	}{
		{rel: "src/a.cs", want: "class A {}"},
		{rel: "src/in.cs", want: "class A {}"},
		{rel: "src/nope.cs", missing: true},
		{rel: "../../../../../../dev/zero", refused: true},
		{rel: "/etc/passwd", refused: true},
		{rel: "src/out.cs", refused: true},
		{rel: "zero.cs", refused: true},
		{rel: "big.cs", refused: true},
		{rel: "src", refused: true},
	}
	for _, tt := range tests {
		got, err := ReadInside(root, tt.rel, 64)
		switch {
		case tt.missing:
			if !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s: %v, want not exist", tt.rel, err)
			}
		case tt.refused:
			if !errors.Is(err, ErrBadInput) {
				t.Errorf("%s: read %d bytes (err %v), want it refused", tt.rel, len(got), err)
			}
		case err != nil || string(got) != tt.want:
			t.Errorf("%s: %q, %v; want %q", tt.rel, got, err, tt.want)
		}
	}
}
