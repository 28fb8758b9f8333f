package gitstore

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Each ledger write stores five loose objects (an entry blob, three trees,
// a commit). Like git's own automatic gc, writes pack them once they pile
// up, so that a year of entries does not leave a hundred thousand files.
const (
	// autoPackLoose is the estimated number of loose objects above which a
	// write packs them (git's gc.auto is 6700): about every 200 writes,
	// a pause of a second at most.
	autoPackLoose = 1000
	// autoPackPacks is the number of packs above which the small ones are
	// joined: every pack but the largest, so that the cost follows the
	// recent writes, not the ledger (git's geometric repacking does alike).
	autoPackPacks = 20
)

// looseEstimate estimates the loose objects as git does: the objects in one
// of the 256 fan-out directories, times 256.
func (s *Store) looseEstimate() int {
	entries, err := os.ReadDir(filepath.Join(s.gitDir, "objects", "17"))
	if err != nil {
		return 0
	}
	return len(entries) * 256
}

// MaybePack packs the loose objects when there are many of them, and joins
// the packs when there are many of those. The caller holds the write lock.
func (s *Store) MaybePack() error {
	if s.looseEstimate() < autoPackLoose {
		return nil
	}
	packs, err := s.packs()
	if err != nil {
		return err
	}
	_, err = s.Pack(len(packs) >= autoPackPacks)
	return err
}

// smallPacks lists every pack but the largest, with the objects they hold.
func (s *Store) smallPacks() ([]plumbing.Hash, []plumbing.Hash, error) {
	packs, err := s.packs()
	if err != nil || len(packs) < 2 || s.dotgit == nil {
		return nil, nil, err
	}
	size := func(h plumbing.Hash) int64 {
		fi, err := s.dotgit.Stat(s.dotgit.Join("objects", "pack", "pack-"+h.String()+".pack"))
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	largest := packs[0]
	for _, p := range packs[1:] {
		if size(p) > size(largest) {
			largest = p
		}
	}
	var small, hashes []plumbing.Hash
	for _, p := range packs {
		if p == largest {
			continue
		}
		f, err := s.dotgit.Open(s.dotgit.Join("objects", "pack", "pack-"+p.String()+".idx"))
		if err != nil {
			return nil, nil, err
		}
		idx := idxfile.NewMemoryIndex()
		err = idxfile.NewDecoder(f).Decode(idx)
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("read pack index %s: %w", p, err)
		}
		iter, err := idx.Entries()
		if err != nil {
			return nil, nil, err
		}
		for {
			e, err := iter.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, nil, err
			}
			hashes = append(hashes, e.Hash)
		}
		iter.Close()
		small = append(small, p)
	}
	return small, hashes, nil
}

func (s *Store) packs() ([]plumbing.Hash, error) {
	ps, ok := s.objs.(storer.PackedObjectStorer)
	if !ok {
		return nil, nil
	}
	return ps.ObjectPacks()
}

// Pack writes the loose objects (and, with all, the objects of every pack
// but the largest) into one new pack, then deletes what the new pack holds. It deletes only
// objects that are in the new pack, never an object that is only loose, so
// a concurrent writer's objects that are not yet published are safe: unlike
// a prune, it cannot lose anything. It returns the number of objects packed.
func (s *Store) Pack(all bool) (int, error) {
	loose, ok := s.objs.(storer.LooseObjectStorer)
	pw, okw := s.objs.(storer.PackfileWriter)
	if !ok || !okw {
		return 0, nil
	}
	var hashes []plumbing.Hash
	if err := loose.ForEachObjectHash(func(h plumbing.Hash) error {
		hashes = append(hashes, h)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("list loose objects: %w", err)
	}
	looseCount := len(hashes)
	var oldPacks []plumbing.Hash
	if all {
		small, packed, err := s.smallPacks()
		if err != nil {
			return 0, err
		}
		seen := map[plumbing.Hash]bool{}
		for _, h := range hashes {
			seen[h] = true
		}
		for _, h := range packed {
			if !seen[h] {
				seen[h] = true
				hashes = append(hashes, h)
			}
		}
		oldPacks = small
	}
	if len(hashes) == 0 {
		return 0, nil
	}
	started := time.Now()
	w, err := pw.PackfileWriter()
	if err != nil {
		return 0, err
	}
	if _, err := packfile.NewEncoder(w, s.objs, false).Encode(hashes, 10); err != nil {
		w.Close()
		return 0, fmt.Errorf("write pack: %w", err)
	}
	if err := w.Close(); err != nil {
		return 0, fmt.Errorf("write pack: %w", err)
	}
	// Everything listed is now in the new pack: the loose copies and the
	// old packs can go, but for the head commit and its trees. A write
	// reads only those; while they are loose, go-git never has to load the
	// packs' indexes, which costs more the larger the ledger grows.
	keep := s.headObjects()
	for _, h := range hashes[:looseCount] {
		if keep[h] {
			continue
		}
		if err := loose.DeleteLooseObject(h); err != nil && !os.IsNotExist(err) {
			return 0, fmt.Errorf("delete packed loose object %s: %w", h, err)
		}
	}
	if ps, ok := s.objs.(storer.PackedObjectStorer); ok {
		for _, p := range oldPacks {
			if err := ps.DeleteOldObjectPackAndIndex(p, started); err != nil {
				return 0, fmt.Errorf("delete old pack %s: %w", p, err)
			}
		}
	}
	return len(hashes), nil
}

// headObjects lists the ledger head's commit and every tree under it.
func (s *Store) headObjects() map[plumbing.Hash]bool {
	keep := map[plumbing.Hash]bool{}
	head, err := s.Head()
	if err != nil {
		return keep
	}
	c, err := s.commit(head)
	if err != nil {
		return keep
	}
	keep[head] = true
	var walk func(h plumbing.Hash)
	walk = func(h plumbing.Hash) {
		t, err := s.tree(h)
		if err != nil {
			return
		}
		keep[h] = true
		for _, e := range t.Entries {
			if e.Mode == filemode.Dir {
				walk(e.Hash)
			}
		}
	}
	walk(c.TreeHash)
	return keep
}
