package gitstore

import (
	"container/heap"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// MergeBase returns the newest common ancestor of commits a and b (zero if
// they share none). It walks both histories at once, newest commit first,
// and stops as soon as every commit still to visit is known to be an
// ancestor of a common one: its cost is the commits since the merge base,
// not the length of the ledger (git's own merge-base works alike).
func (s *Store) MergeBase(a, b plumbing.Hash) (plumbing.Hash, error) {
	if a == b {
		return a, nil
	}
	const fromA, fromB, stale = 1, 2, 4
	flags := map[plumbing.Hash]uint8{a: fromA, b: fromB}
	q := &commitQueue{}
	for _, h := range []plumbing.Hash{a, b} {
		c, err := s.commit(h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		heap.Push(q, c)
	}
	var base *object.Commit
	for q.Len() > 0 && q.live(flags, stale) {
		c := heap.Pop(q).(*object.Commit)
		f := flags[c.Hash] & (fromA | fromB | stale)
		if f&(fromA|fromB) == fromA|fromB && f&stale == 0 {
			if base == nil || c.Committer.When.After(base.Committer.When) {
				base = c
			}
			f |= stale
			flags[c.Hash] |= stale
		}
		for _, ph := range c.ParentHashes {
			if flags[ph]&f == f {
				continue
			}
			flags[ph] |= f
			p, err := s.commit(ph)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			heap.Push(q, p)
		}
	}
	if base == nil {
		return plumbing.ZeroHash, nil
	}
	return base.Hash, nil
}

// IsAncestor reports whether commit a is b or one of b's ancestors.
func (s *Store) IsAncestor(a, b plumbing.Hash) (bool, error) {
	base, err := s.MergeBase(a, b)
	return base == a, err
}

// commitQueue orders commits newest first, by committer time.
type commitQueue []*object.Commit

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	return q[i].Committer.When.After(q[j].Committer.When)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*object.Commit)) }
func (q *commitQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// live reports whether some queued commit is not yet known to lie below a
// common ancestor.
func (q commitQueue) live(flags map[plumbing.Hash]uint8, stale uint8) bool {
	for _, c := range q {
		if flags[c.Hash]&stale == 0 {
			return true
		}
	}
	return false
}
