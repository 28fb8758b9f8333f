package remote

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// countingStorer counts the questions asked of a storage.
type countingStorer struct {
	storer.EncodedObjectStorer
	asked int
}

func (s *countingStorer) HasEncodedObject(h plumbing.Hash) error {
	s.asked++
	return s.EncodedObjectStorer.HasEncodedObject(h)
}

// TestCopyAsksLittle: a copy of one new entry onto a ledger the other side
// has asks the other side about the new objects, not about every entry
// that shares a directory with the new one (each question is a file
// looked up there), and finds exactly the new entry's five objects.
func TestCopyAsksLittle(t *testing.T) {
	w := newWriter(t)
	var base plumbing.Hash
	for i := 0; i < 300; i++ { // all in one directory of entries
		_, base = w.add(t)
	}
	_, head := w.add(t)
	for _, c := range []struct {
		name     string
		have     plumbing.Hash
		maxAsked int
	}{
		{"with the commit the other side has", base, 20},
		{"without it", plumbing.ZeroHash, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			dst := &countingStorer{EncodedObjectStorer: w.s.Objects()}
			// The other side: a storage that has everything but the new
			// entry's objects.
			other := &without{EncodedObjectStorer: dst, missing: map[plumbing.Hash]bool{}}
			cp := &copier{src: w.s.Objects(), dst: other, seen: map[plumbing.Hash]bool{}}
			newObjects(t, w, base, head, other.missing)
			if err := cp.walk(head, c.have); err != nil {
				t.Fatal(err)
			}
			if len(cp.missing) != 5 {
				t.Errorf("%d objects to copy, want the new entry's 5", len(cp.missing))
			}
			if c.maxAsked >= 0 && dst.asked > c.maxAsked {
				t.Errorf("%d questions asked of the other side, want at most %d", dst.asked, c.maxAsked)
			}
			if c.maxAsked < 0 && dst.asked < 300 {
				t.Errorf("without a commit in common, %d questions; the test expects one per entry in the directory", dst.asked)
			}
		})
	}
}

// without is a storage that lacks the objects in missing.
type without struct {
	storer.EncodedObjectStorer
	missing map[plumbing.Hash]bool
}

func (s *without) HasEncodedObject(h plumbing.Hash) error {
	err := s.EncodedObjectStorer.HasEncodedObject(h)
	if s.missing[h] {
		return plumbing.ErrObjectNotFound
	}
	return err
}

// newObjects puts into missing the objects of head that base lacks: its
// commit, and every tree and blob on the paths that differ.
func newObjects(t *testing.T, w *writer, base, head plumbing.Hash, missing map[plumbing.Hash]bool) {
	t.Helper()
	tree := func(c plumbing.Hash) *object.Tree {
		commit, err := object.GetCommit(w.s.Objects(), c)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := commit.Tree()
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	var add func(n, o *object.Tree)
	add = func(n, o *object.Tree) {
		missing[n.Hash] = true
		old := map[string]plumbing.Hash{}
		for _, e := range o.Entries {
			old[e.Name] = e.Hash
		}
		for _, e := range n.Entries {
			if old[e.Name] == e.Hash {
				continue
			}
			if e.Mode == filemode.Dir {
				nt, err := object.GetTree(w.s.Objects(), e.Hash)
				if err != nil {
					t.Fatal(err)
				}
				ot := &object.Tree{}
				if h, ok := old[e.Name]; ok {
					if ot, err = object.GetTree(w.s.Objects(), h); err != nil {
						t.Fatal(err)
					}
				}
				add(nt, ot)
				continue
			}
			missing[e.Hash] = true
		}
	}
	missing[head] = true
	add(tree(head), tree(base))
	if len(missing) != 5 {
		t.Fatalf("the new entry has %d new objects, want 5", len(missing))
	}
}
