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

// packIndex is what a pack's index says: the objects and their offsets.
type packIndex struct {
	pack    plumbing.Hash
	size    int64 // of the .pack file
	entries []*idxfile.Entry
}

// readPackIndexes reads the index of every pack.
func (s *Store) readPackIndexes() ([]packIndex, error) {
	packs, err := s.packs()
	if err != nil || s.dotgit == nil {
		return nil, err
	}
	out := make([]packIndex, 0, len(packs))
	for _, p := range packs {
		name := s.dotgit.Join("objects", "pack", "pack-"+p.String())
		fi, err := s.dotgit.Stat(name + ".pack")
		if err != nil {
			return nil, fmt.Errorf("pack %s: %w", p, err)
		}
		f, err := s.dotgit.Open(name + ".idx")
		if err != nil {
			return nil, err
		}
		idx := idxfile.NewMemoryIndex()
		err = idxfile.NewDecoder(f).Decode(idx)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read pack index %s: %w", p, err)
		}
		iter, err := idx.EntriesByOffset()
		if err != nil {
			return nil, err
		}
		pi := packIndex{pack: p, size: fi.Size()}
		for {
			e, err := iter.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				iter.Close()
				return nil, err
			}
			pi.entries = append(pi.entries, e)
		}
		iter.Close()
		out = append(out, pi)
	}
	return out, nil
}

func (s *Store) packs() ([]plumbing.Hash, error) {
	ps, ok := s.objs.(storer.PackedObjectStorer)
	if !ok {
		return nil, nil
	}
	return ps.ObjectPacks()
}

// Pack writes the loose objects that no pack holds into one new pack (and,
// with all, joins every pack but the largest into one), then deletes the
// loose objects that a pack holds. It deletes only objects that are in a
// pack, never an object that is only loose, so a concurrent writer's
// objects that are not yet published are safe: unlike a prune, it cannot
// lose anything. It returns the number of objects packed.
func (s *Store) Pack(all bool) (int, error) {
	loose, ok := s.objs.(storer.LooseObjectStorer)
	if !ok {
		return 0, nil
	}
	var looseHashes []plumbing.Hash
	if err := loose.ForEachObjectHash(func(h plumbing.Hash) error {
		looseHashes = append(looseHashes, h)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("list loose objects: %w", err)
	}
	indexes, err := s.readPackIndexes()
	if err != nil {
		return 0, err
	}
	packed := map[plumbing.Hash]bool{}
	for _, pi := range indexes {
		for _, e := range pi.entries {
			packed[e.Hash] = true
		}
	}
	var fresh []plumbing.Hash
	for _, h := range looseHashes {
		if !packed[h] {
			fresh = append(fresh, h)
		}
	}
	started := time.Now()
	if len(fresh) > 0 {
		if err := s.writePack(s.packWriter, fresh); err != nil {
			return 0, err
		}
	}
	n := len(fresh)
	if all {
		joined, err := s.joinPacks(indexes, started)
		if err != nil {
			return 0, err
		}
		n += joined
	}
	// Every loose object listed is now in a pack: the loose copies can go,
	// but for the head commit and its trees. A write reads only those;
	// while they are loose, go-git never has to load the packs' indexes,
	// which costs more the larger the ledger grows.
	keep := s.headObjects()
	for _, h := range looseHashes {
		if keep[h] {
			continue
		}
		if err := loose.DeleteLooseObject(h); err != nil && !os.IsNotExist(err) {
			return 0, fmt.Errorf("delete packed loose object %s: %w", h, err)
		}
	}
	return n, nil
}

// joinPacks joins every pack of indexes but the largest into one new pack,
// then deletes them. Their entries are copied as they are, each pack's in
// one run, so that the deltas among them keep their bases; packs that hold
// an object twice (stock git's and porttracker's, say) are written afresh
// instead. It returns the number of objects joined.
func (s *Store) joinPacks(indexes []packIndex, started time.Time) (int, error) {
	if len(indexes) < 2 {
		return 0, nil
	}
	largest := 0
	for i, pi := range indexes {
		if pi.size > indexes[largest].size {
			largest = i
		}
	}
	small := append(append([]packIndex(nil), indexes[:largest]...), indexes[largest+1:]...)
	seen := map[plumbing.Hash]bool{}
	var hashes []plumbing.Hash
	dup := false
	for _, pi := range small {
		for _, e := range pi.entries {
			if seen[e.Hash] {
				dup = true
				continue
			}
			seen[e.Hash] = true
			hashes = append(hashes, e.Hash)
		}
	}
	var err error
	if dup {
		err = s.writePack(s.packWriter, hashes)
	} else {
		err = s.copyPacks(small, len(hashes))
	}
	if err != nil {
		return 0, err
	}
	if ps, ok := s.objs.(storer.PackedObjectStorer); ok {
		for _, pi := range small {
			if err := ps.DeleteOldObjectPackAndIndex(pi.pack, started); err != nil {
				return 0, fmt.Errorf("delete old pack %s: %w", pi.pack, err)
			}
		}
	}
	return len(hashes), nil
}

// copyPacks writes one new pack of count objects: the entries of each
// pack of packs, byte for byte.
func (s *Store) copyPacks(packs []packIndex, count int) error {
	w, err := s.packWriter()
	if err != nil {
		return err
	}
	pw := newPackStream(w, count)
	for _, pi := range packs {
		if err := s.copyPackEntries(pw, pi); err != nil {
			w.Close()
			return fmt.Errorf("join pack %s: %w", pi.pack, err)
		}
	}
	if err := pw.finish(); err != nil {
		w.Close()
		return fmt.Errorf("write pack: %w", err)
	}
	return w.Close()
}

// copyPackEntries copies the entries of pack pi (what lies between its
// header and its checksum) into pw.
func (s *Store) copyPackEntries(pw *packStream, pi packIndex) error {
	if len(pi.entries) == 0 {
		return nil
	}
	const header, trailer = 12, 20
	first := int64(pi.entries[0].Offset)
	if first != header || pi.size < header+trailer {
		return fmt.Errorf("entries start at %d of %d bytes, want %d", first, pi.size, header)
	}
	f, err := s.dotgit.Open(s.dotgit.Join("objects", "pack", "pack-"+pi.pack.String()+".pack"))
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Seek(header, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.CopyN(countingWriter{pw}, f, pi.size-header-trailer); err != nil {
		return err
	}
	return pw.err
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
