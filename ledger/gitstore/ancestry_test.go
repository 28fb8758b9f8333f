package gitstore

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestMergeBase(t *testing.T) {
	l := newTestLedger(t)
	s := l.s
	root := l.head(t)
	n := 0
	commit := func(parents ...plumbing.Hash) plumbing.Hash {
		t.Helper()
		n++
		blob, err := s.writeObject(plumbing.BlobObject, []byte{byte(n)})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.commit(parents[0])
		if err != nil {
			t.Fatal(err)
		}
		tree, err := s.putFiles(c.TreeHash, map[string]plumbing.Hash{"f": blob})
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.MergeCommit(tree, parents, "c", l.who, l.key)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	//   root - a1 - a2 ------ m (a2 + b2) - a3
	//      \                 /
	//       b1 - b2 --------
	a1 := commit(root)
	b1 := commit(root)
	a2 := commit(a1)
	b2 := commit(b1)
	m := commit(a2, b2)
	a3 := commit(m)
	for _, tc := range []struct {
		name string
		a, b plumbing.Hash
		want plumbing.Hash
	}{
		{"same", a2, a2, a2},
		{"linear", a1, a2, a1},
		{"linear reversed", a2, a1, a1},
		{"diverged", a2, b2, root},
		{"merged in", b2, a3, b2},
		{"merge and branch", m, b1, b1},
		{"root", root, a3, root},
	} {
		got, err := s.MergeBase(tc.a, tc.b)
		if err != nil || got != tc.want {
			t.Errorf("%s: MergeBase = %s, %v; want %s", tc.name, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		a, b plumbing.Hash
		want bool
	}{{a1, a3, true}, {b1, a3, true}, {a3, a1, false}, {a2, b2, false}, {m, m, true}} {
		if got, err := s.IsAncestor(tc.a, tc.b); err != nil || got != tc.want {
			t.Errorf("IsAncestor(%s, %s) = %v, %v; want %v", tc.a, tc.b, got, err, tc.want)
		}
	}
}
