package gitstore

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// goGitTree decodes data as go-git does: the decoder parseTree replaces.
func goGitTree(data []byte) ([]object.TreeEntry, error) {
	obj := &plumbing.MemoryObject{}
	obj.SetType(plumbing.TreeObject)
	if _, err := obj.Write(data); err != nil {
		return nil, err
	}
	var t object.Tree
	err := t.Decode(obj)
	return t.Entries, err
}

// treeBytes is a tree object's content: each entry is mode, name and a
// hash made of one repeated byte, the name's length (a space for a name
// of 32 bytes, a NUL for one of 256).
func treeBytes(ents ...string) []byte {
	var b bytes.Buffer
	for _, e := range ents {
		mode, name, _ := strings.Cut(e, " ")
		b.WriteString(mode + " " + name + "\x00")
		b.Write(bytes.Repeat([]byte{byte(len(name))}, 20))
	}
	return b.Bytes()
}

func sameDecoding(t *testing.T, data []byte) {
	t.Helper()
	got, gotErr := parseTree(string(data))
	want, wantErr := goGitTree(data)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("parseTree(%q): error %v, go-git: %v", data, gotErr, wantErr)
	}
	if gotErr == nil && !slices.Equal(got, want) {
		t.Fatalf("parseTree(%q) = %v, go-git decodes %v", data, got, want)
	}
}

// TestParseTree: the trees git writes and the malformed ones a forger
// could, each decoded (or refused) as go-git decodes it.
func TestParseTree(t *testing.T) {
	ok := treeBytes("100644 README.md", "40000 entries", "100755 run", "120000 link", "160000 sub", "100664 odd", "644 short")
	for _, tc := range []struct {
		name    string
		data    []byte
		entries int
		err     string
	}{
		{"empty", nil, 0, ""},
		{"the modes git writes and older ones", ok, 7, ""},
		{"object ids holding a space and a NUL", treeBytes("100644 "+strings.Repeat("s", 32), "100644 "+strings.Repeat("n", 256)), 2, ""},
		{"a second entry cut short", append(treeBytes("100644 a"), treeBytes("100644 b")[:12]...), 0, "truncated object id"},
		{"no space after the mode", []byte("100644"), 0, "missing mode terminator"},
		{"a mode that is not octal", treeBytes("10064x a"), 0, "malformed mode"},
		{"an empty mode", treeBytes(" a"), 0, "malformed mode"},
		{"a mode beyond 32 bits", treeBytes("77777777777 a"), 0, "malformed mode"},
		{"no NUL after the name", []byte("100644 name"), 0, "missing filename terminator"},
		{"an empty name", []byte("100644 \x00" + strings.Repeat("x", 20)), 0, "empty filename"},
		{"a short object id", []byte("100644 a\x00short"), 0, "truncated object id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sameDecoding(t, tc.data)
			ents, err := parseTree(string(tc.data))
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want %q", err, tc.err)
			case len(ents) != tc.entries:
				t.Fatalf("%d entries, want %d", len(ents), tc.entries)
			}
		})
	}
}

// FuzzParseTree holds parseTree to go-git's tree decoder on any bytes.
func FuzzParseTree(f *testing.F) {
	f.Add(treeBytes("100644 README.md", "40000 entries", "100755 run"))
	f.Add(treeBytes("120000 l", "160000 s", "1 x"))
	f.Add([]byte("100644 a\x00" + strings.Repeat("\x00", 19)))
	f.Add([]byte("40000 \x00"))
	f.Fuzz(func(t *testing.T, data []byte) { sameDecoding(t, data) })
}
