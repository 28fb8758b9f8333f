package gitstore

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// PathChange is one path that differs between two trees: Old or New is zero
// when the path is absent on that side.
type PathChange struct {
	Path     string
	Old, New plumbing.Hash
	// Mode is the file mode on the New side (zero when New is zero).
	Mode filemode.FileMode
}

// CommitInfo is one ledger commit met by Walk, with what it changed.
type CommitInfo struct {
	Commit *object.Commit
	// Changes are the paths that differ from the first parent (from the
	// empty tree for a root commit). For a merge commit, Changes lists the
	// paths whose content in the merge matches no parent's: an entry that
	// neither parent had, or an entry edited or deleted by the merge.
	Changes []PathChange
	// SigKey is the key that signed the commit ("" if unsigned), and
	// SigErr what was wrong with its signature; Collect sets both.
	SigKey string
	SigErr error

	// Read by the walk's workers for Collect: the added entry files of a
	// plain commit, and the bytes its signature signs.
	blobs   map[string][]byte
	payload []byte
}

// ReadBlob is the content of the file at path that the commit added, when
// the walk's workers read it already (ok is false otherwise).
func (c *CommitInfo) ReadBlob(path string) (data []byte, ok bool) {
	data, ok = c.blobs[path]
	return data, ok
}

// SignedPayload is the bytes the commit's signature signs, when the walk's
// workers read them already (nil otherwise).
func (c *CommitInfo) SignedPayload() []byte { return c.payload }

// Walk visits every commit reachable from head, newest first, stopping at
// commits for which stop returns true (they and their ancestors are not
// visited). It is one pass over the branch: it lists the commits, then
// compares each one's tree with its parents' on every CPU, each worker with
// a storage of its own (go-git's is not safe for concurrent use), and
// descending only into subtrees whose hashes differ.
func (s *Store) Walk(head plumbing.Hash, stop func(plumbing.Hash) bool, fn func(*CommitInfo) error) error {
	visited := map[plumbing.Hash]bool{}
	queue := []plumbing.Hash{head}
	var infos []*CommitInfo
	opened := false
	for len(queue) > 0 {
		if len(infos) == packedWalkMin && !opened && s.dotgit != nil && s.packed == nil {
			// A long walk: worth parsing every pack index once.
			opened = true
			packs, err := s.packs()
			if err != nil {
				return fmt.Errorf("list the ledger's packs: %w", err)
			}
			set, err := openPackSet(s.dotgit, packs)
			if err != nil {
				return err
			}
			defer set.Close()
			s.packed = newPackReader(set)
			defer func() { s.packed = nil }()
		}
		h := queue[0]
		queue = queue[1:]
		if visited[h] || (stop != nil && stop(h)) {
			continue
		}
		visited[h] = true
		c, err := s.commit(h)
		if err != nil {
			return fmt.Errorf("read ledger commit %s: %w", h, err)
		}
		infos = append(infos, &CommitInfo{Commit: c})
		queue = append(queue, c.ParentHashes...)
	}
	if err := s.changes(infos); err != nil {
		return err
	}
	for _, info := range infos {
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}

// packedWalkMin is the number of commits after which a walk reads packed
// objects itself (see packread.go): parsing every pack index costs more
// than go-git's reads of a few commits (a refresh after a write or sync).
const packedWalkMin = 64

// walkChunk is the least number of commits worth a worker of its own.
const walkChunk = 256

// changes sets the Changes of every commit. Each worker takes a run of
// neighbouring commits, so that a commit and its parent share decoded
// trees; the tree of a parent among infos is taken from the commit already
// decoded, not read again.
func (s *Store) changes(infos []*CommitInfo) error {
	trees := make(map[plumbing.Hash]plumbing.Hash, len(infos))
	for _, info := range infos {
		trees[info.Commit.Hash] = info.Commit.TreeHash
	}
	workers := min(runtime.GOMAXPROCS(0), (len(infos)+walkChunk-1)/walkChunk)
	if workers <= 1 || s.dotgit == nil {
		for _, info := range infos {
			if err := s.setChanges(info, trees); err != nil {
				return err
			}
		}
		return nil
	}
	size := (len(infos) + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		part := infos[min(w*size, len(infos)):min((w+1)*size, len(infos))]
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			fs := openStorage(s.dotgit)
			defer fs.Close()
			own := &Store{objs: newReindexing(fs)}
			if s.packed != nil {
				own.packed = newPackReader(s.packed.set)
			}
			for _, info := range part {
				if err := own.setChanges(info, trees); err != nil {
					errs[w] = err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (s *Store) setChanges(info *CommitInfo, trees map[plumbing.Hash]plumbing.Hash) error {
	c := info.Commit
	ch, err := s.commitChanges(c, trees)
	if err != nil {
		return fmt.Errorf("ledger commit %s: %w", c.Hash, err)
	}
	info.Changes = ch
	if len(c.ParentHashes) <= 1 {
		for _, ch := range ch {
			if ch.Old.IsZero() && EntryIDFromPath(ch.Path) != "" {
				data, err := s.ReadBlob(ch.New)
				if err != nil {
					return fmt.Errorf("ledger commit %s: %w", c.Hash, err)
				}
				if info.blobs == nil {
					info.blobs = map[string][]byte{}
				}
				info.blobs[ch.Path] = data
			}
		}
	}
	if c.PGPSignature != "" {
		var obj plumbing.MemoryObject
		if err := c.EncodeWithoutSignature(&obj); err == nil {
			r, _ := obj.Reader()
			info.payload, _ = io.ReadAll(r)
		}
	}
	return nil
}

// commitChanges lists what commit c changed; trees, when it has a parent
// of c, gives that parent's tree (a commit's tree as its commit object
// names it).
func (s *Store) commitChanges(c *object.Commit, trees map[plumbing.Hash]plumbing.Hash) ([]PathChange, error) {
	parentTree := func(ph plumbing.Hash) (plumbing.Hash, error) {
		if t, ok := trees[ph]; ok {
			return t, nil
		}
		p, err := s.commit(ph)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		return p.TreeHash, nil
	}
	switch len(c.ParentHashes) {
	case 0:
		return s.DiffTrees(plumbing.ZeroHash, c.TreeHash)
	case 1:
		pt, err := parentTree(c.ParentHashes[0])
		if err != nil {
			return nil, err
		}
		return s.DiffTrees(pt, c.TreeHash)
	}
	// A merge: a path is the merge's own change only if its content
	// differs from every parent's, so it appears in the diff against each.
	var parentTrees []plumbing.Hash
	for _, ph := range c.ParentHashes {
		pt, err := parentTree(ph)
		if err != nil {
			return nil, err
		}
		parentTrees = append(parentTrees, pt)
	}
	own := map[string]PathChange{}
	var dropped []PathChange
	for i, pt := range parentTrees {
		diff, err := s.DiffTrees(pt, c.TreeHash)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, ch := range diff {
			seen[ch.Path] = true
			if i == 0 {
				own[ch.Path] = ch
			}
		}
		for path := range own {
			if !seen[path] {
				delete(own, path)
			}
		}
		for _, ch := range diff {
			if ch.New.IsZero() {
				dropped = append(dropped, ch)
			}
		}
	}
	// Paths that a parent had and the merge dropped are its own changes too.
	for _, ch := range dropped {
		own[ch.Path] = ch
	}
	out := make([]PathChange, 0, len(own))
	for _, ch := range own {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// DiffTrees lists the files that differ between trees a and b (either may
// be zero, the empty tree), descending only into subtrees whose hashes
// differ.
func (s *Store) DiffTrees(a, b plumbing.Hash) ([]PathChange, error) {
	var out []PathChange
	err := s.diffTrees(a, b, "", &out)
	return out, err
}

func (s *Store) treeEntries(h plumbing.Hash) (map[string]object.TreeEntry, error) {
	m := map[string]object.TreeEntry{}
	if h.IsZero() {
		return m, nil
	}
	t, err := s.tree(h)
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w", h, err)
	}
	for _, e := range t.Entries {
		m[e.Name] = e
	}
	return m, nil
}

func (s *Store) diffTrees(a, b plumbing.Hash, prefix string, out *[]PathChange) error {
	if a == b {
		return nil
	}
	ta, sortedA, err := s.sortedEntries(a)
	if err != nil {
		return err
	}
	tb, sortedB, err := s.sortedEntries(b)
	if err != nil {
		return err
	}
	if !sortedA || !sortedB {
		return s.diffTreesByName(a, b, prefix, out)
	}
	// Both trees are in git's order: one merge over the two lists.
	i, j := 0, 0
	for i < len(ta) || j < len(tb) {
		var c int
		switch {
		case i == len(ta):
			c = 1
		case j == len(tb):
			c = -1
		default:
			c = compareEntries(ta[i], tb[j])
		}
		switch {
		case c < 0:
			x := ta[i]
			i++
			if err := s.diffEntry(prefix+x.Name, x.Hash, x.Mode == filemode.Dir, plumbing.ZeroHash, 0, out); err != nil {
				return err
			}
		case c > 0:
			y := tb[j]
			j++
			if err := s.diffEntry(prefix+y.Name, plumbing.ZeroHash, false, y.Hash, y.Mode, out); err != nil {
				return err
			}
		default:
			x, y := ta[i], tb[j]
			i, j = i+1, j+1
			if x.Hash == y.Hash && x.Mode == y.Mode {
				continue
			}
			if err := s.diffEntry(prefix+x.Name, x.Hash, x.Mode == filemode.Dir, y.Hash, y.Mode, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// sortedEntries returns the entries of tree h (none for the zero hash),
// and whether they are strictly in git's order; a tree git itself would not
// write (unsorted, or with a name twice) is left to diffTreesByName.
func (s *Store) sortedEntries(h plumbing.Hash) ([]object.TreeEntry, bool, error) {
	if h.IsZero() {
		return nil, true, nil
	}
	t, err := s.tree(h)
	if err != nil {
		return nil, false, fmt.Errorf("read tree %s: %w", h, err)
	}
	for k := 1; k < len(t.Entries); k++ {
		if compareEntries(t.Entries[k-1], t.Entries[k]) >= 0 {
			return nil, false, nil
		}
	}
	return t.Entries, true, nil
}

// compareEntries orders tree entries as git sorts a tree: by name, a
// directory's name compared as if it ended in a slash.
func compareEntries(x, y object.TreeEntry) int {
	a, b := x.Name, y.Name
	n := min(len(a), len(b))
	if c := strings.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	return cmp.Compare(entryNameEnd(a, n, x.Mode), entryNameEnd(b, n, y.Mode))
}

// entryNameEnd is the byte git compares after the first n bytes of name:
// the next byte, else a slash for a directory and nothing for a file.
func entryNameEnd(name string, n int, mode filemode.FileMode) int {
	switch {
	case len(name) > n:
		return int(name[n])
	case mode == filemode.Dir:
		return '/'
	}
	return 0
}

// diffTreesByName compares two trees entry by name, whatever the order
// their entries come in: the slower way, for trees that are not in git's
// order.
func (s *Store) diffTreesByName(a, b plumbing.Hash, prefix string, out *[]PathChange) error {
	ea, err := s.treeEntries(a)
	if err != nil {
		return err
	}
	eb, err := s.treeEntries(b)
	if err != nil {
		return err
	}
	for name, x := range ea {
		y, ok := eb[name]
		if ok && x.Hash == y.Hash && x.Mode == y.Mode {
			continue
		}
		var yh plumbing.Hash
		var ym filemode.FileMode
		if ok {
			yh, ym = y.Hash, y.Mode
		}
		if err := s.diffEntry(prefix+name, x.Hash, x.Mode == filemode.Dir, yh, ym, out); err != nil {
			return err
		}
	}
	for name, y := range eb {
		if _, ok := ea[name]; ok {
			continue
		}
		if err := s.diffEntry(prefix+name, plumbing.ZeroHash, false, y.Hash, y.Mode, out); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) diffEntry(path string, a plumbing.Hash, aDir bool, b plumbing.Hash, bMode filemode.FileMode, out *[]PathChange) error {
	bDir := bMode == filemode.Dir
	switch {
	case aDir && bDir:
		return s.diffTrees(a, b, path+"/", out)
	case aDir:
		if err := s.diffTrees(a, plumbing.ZeroHash, path+"/", out); err != nil {
			return err
		}
		if !b.IsZero() {
			*out = append(*out, PathChange{Path: path, New: b, Mode: bMode})
		}
	case bDir:
		if !a.IsZero() {
			*out = append(*out, PathChange{Path: path, Old: a})
		}
		return s.diffTrees(plumbing.ZeroHash, b, path+"/", out)
	default:
		*out = append(*out, PathChange{Path: path, Old: a, New: b, Mode: bMode})
	}
	return nil
}

// decoded keeps recently decoded commits and trees: a walk reads each
// commit's tree twice (as the child's parent, then as itself), and every
// diff reads the same few directory trees.
type decoded struct {
	commits map[plumbing.Hash]*object.Commit
	trees   map[plumbing.Hash]*object.Tree
}

// decodedLimit bounds the cache; it is emptied when full.
const decodedLimit = 4096

func (s *Store) commit(h plumbing.Hash) (*object.Commit, error) {
	if c, ok := s.cache.commits[h]; ok {
		return c, nil
	}
	c, err := s.readCommit(h)
	if err != nil {
		return nil, err
	}
	if s.cache.commits == nil || len(s.cache.commits) >= decodedLimit {
		s.cache.commits = map[plumbing.Hash]*object.Commit{}
	}
	s.cache.commits[h] = c
	return c, nil
}

// readCommit reads and decodes commit h, from the walk's packs when it can.
func (s *Store) readCommit(h plumbing.Hash) (*object.Commit, error) {
	typ, data, ok, err := s.readPacked(h)
	if err != nil {
		return nil, err
	}
	if !ok {
		return object.GetCommit(s.objs, h)
	}
	if typ != plumbing.CommitObject {
		return nil, plumbing.ErrObjectNotFound
	}
	obj := &plumbing.MemoryObject{}
	obj.SetType(typ)
	obj.SetSize(int64(len(data)))
	if _, err := obj.Write(data); err != nil {
		return nil, err
	}
	o, err := object.DecodeObject(s.objs, obj)
	if err != nil {
		return nil, err
	}
	return o.(*object.Commit), nil
}

// readPacked reads object h through the walk's pack reader: ok is false
// when there is none, or when its packs do not hold h in a form it reads
// (the caller then reads h through go-git).
func (s *Store) readPacked(h plumbing.Hash) (typ plumbing.ObjectType, data []byte, ok bool, err error) {
	if s.packed == nil {
		return 0, nil, false, nil
	}
	typ, data, ok, err = s.packed.read(h)
	if errors.Is(err, errPackFormat) {
		return 0, nil, false, nil
	}
	return typ, data, ok, err
}

// tree is tree h from the cache, else read with readTree: only its Hash
// and Entries are set, so go-git's methods that read further (File, Files,
// FindEntry) must not be called on it.
func (s *Store) tree(h plumbing.Hash) (*object.Tree, error) {
	if t, ok := s.cache.trees[h]; ok {
		return t, nil
	}
	t, err := s.readTree(h)
	if err != nil {
		return nil, err
	}
	if s.cache.trees == nil || len(s.cache.trees) >= decodedLimit {
		s.cache.trees = map[plumbing.Hash]*object.Tree{}
	}
	s.cache.trees[h] = t
	return t, nil
}
