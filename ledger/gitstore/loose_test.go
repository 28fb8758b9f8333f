package gitstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestLooseObjectsAsGitWrites: the objects a write adds are loose objects
// that stock git reads and fsck accepts, compressed at git's
// core.looseCompression level, read-only as git leaves them, with no
// temporary file left behind; writing an object that is there already
// leaves its file as it is.
func TestLooseObjectsAsGitWrites(t *testing.T) {
	l := newTestLedger(t)
	if l.s.objs.(*reindexing).loose == nil {
		t.Fatal("the store writes loose objects through go-git")
	}
	c := l.add(t)
	if got := stockGit(t, l.dir, nil, "cat-file", "-t", c.String()); got != "commit" {
		t.Fatalf("git cat-file -t %s: %s", c, got)
	}
	stockGit(t, l.dir, nil, "fsck", "--strict", "--no-dangling")
	blob := stockGit(t, l.dir, nil, "rev-parse", testBranch+":"+EntryPath(entryID(1)))
	if got := stockGit(t, l.dir, nil, "cat-file", "-p", blob); got != "entry 1" {
		t.Fatalf("the entry reads %q", got)
	}
	objects := filepath.Join(l.dir, ".git", "objects")
	path := filepath.Join(objects, blob[:2], blob[2:])
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A zlib header: deflate with a 32K window (0x78), and the level in
	// the top bits of the second byte (0x01 for the fastest).
	if len(data) < 2 || data[0] != 0x78 || data[1] != 0x01 {
		t.Fatalf("loose object header %x, want 7801 (zlib's fastest level)", data[:2])
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if before.Mode().Perm() != 0o444 {
		t.Errorf("loose object mode %v, want -r--r--r--", before.Mode().Perm())
	}
	obj := &plumbing.MemoryObject{}
	obj.SetType(plumbing.BlobObject)
	obj.Write([]byte("entry 1\n"))
	h, err := l.s.objs.SetEncodedObject(obj)
	if err != nil || h.String() != blob {
		t.Fatalf("writing the blob again: %s, %v; want %s", h, err, blob)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("writing an object that is there replaced its file")
	}
	err = filepath.WalkDir(objects, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "tmp_obj_") {
			t.Errorf("temporary file left: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
