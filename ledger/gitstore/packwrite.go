package gitstore

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// A ledger's objects come in versions: each commit has a new root tree, a
// new entries tree and a new entries/xx tree, each the one its parent had
// with one line added or changed. A pack stores such a version best as a
// delta against the version before it, which the commit graph names.
// go-git's pack encoder instead searches a window of ten candidates for
// every object, at a cost that made packing the largest part of a long
// run of writes (and of generating a large ledger); so porttracker writes
// its packs itself: every object whole, but an older version of a path
// that has a newer one in the same pack (by the commit graph: the path in
// a commit's first parent and in the commit), which becomes a delta
// against the newer one. go-git's pack writer
// then indexes the pack, as git's index-pack would.

// maxDeltaDepth bounds a chain of deltas (git's pack.depth is 50): reading
// an object applies at most that many.
const maxDeltaDepth = 50

// packObject is an object to pack, with the version it is a delta against.
type packObject struct {
	hash plumbing.Hash
	// base is the object's delta base, zero for none; depth is the length
	// of its chain of bases.
	base  plumbing.Hash
	depth int
}

// writePack writes hashes, which must all be in s's storage, into one new
// pack through the writer open returns (go-git's pack writer, which
// indexes it). Every object is read before the writer is opened: one that
// cannot be read is an error, and nothing is written then.
func (s *Store) writePack(open func() (io.WriteCloser, error), hashes []plumbing.Hash) error {
	// Each object is read once (a loose object is a file to open).
	objs := make(map[plumbing.Hash]rawObject, len(hashes))
	for _, h := range hashes {
		typ, data, err := s.readObject(h)
		if err != nil {
			return fmt.Errorf("pack object %s: %w", h, err)
		}
		objs[h] = rawObject{typ, data}
	}
	bases, err := s.deltaBases(hashes, objs)
	if err != nil {
		return err
	}
	order := packOrder(hashes, bases)
	w, err := open()
	if err != nil {
		return err
	}
	pw := newPackStream(w, len(order))
	offsets := make(map[plumbing.Hash]int64, len(order))
	for _, o := range order {
		obj := objs[o.hash]
		offsets[o.hash] = pw.offset
		var delta []byte
		if !o.base.IsZero() {
			delta = makeDelta(objs[o.base].data, obj.data)
		}
		if delta != nil && len(delta) < len(obj.data)/2 {
			err = pw.writeDelta(pw.offset-offsets[o.base], delta)
		} else {
			err = pw.writeWhole(obj.typ, obj.data)
		}
		if err != nil {
			w.Close()
			return fmt.Errorf("write pack: %w", err)
		}
	}
	if err := pw.finish(); err != nil {
		w.Close()
		return fmt.Errorf("write pack: %w", err)
	}
	return w.Close()
}

// rawObject is an object's type and content.
type rawObject struct {
	typ  plumbing.ObjectType
	data []byte
}

// readObject is the type and content of object h. The size an object's
// header states only sizes the first buffer, up to a bound: a header may
// claim more than the object holds (objects copied from another repository
// are input like any other).
func (s *Store) readObject(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	obj, err := s.objs.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return 0, nil, err
	}
	r, err := obj.Reader()
	if err != nil {
		return 0, nil, err
	}
	defer r.Close()
	var buf bytes.Buffer
	buf.Grow(int(min(max(obj.Size(), 0), 1<<20)))
	if _, err := buf.ReadFrom(r); err != nil {
		return 0, nil, err
	}
	// A loose object's name is not checked when it is read: one whose
	// content is another object's must not be stored as if it were h.
	if got := plumbing.ComputeHash(obj.Type(), buf.Bytes()); got != h {
		return 0, nil, fmt.Errorf("its content is object %s (the source's copy is damaged or forged)", got)
	}
	return obj.Type(), buf.Bytes(), nil
}

// deltaBases maps each object of objs to its next version, when that
// version is in objs too: for each commit in objs, the file or tree at the
// same path in its first parent is a delta against the commit's own, where
// the two differ. The newest version of each path is stored whole (as git
// does, newest first): what is read most, the versions near the head, is
// read without applying a chain of deltas. Trees are compared
// only where both sides are in objs (an older tree is packed already, and
// so are the trees under it).
func (s *Store) deltaBases(hashes []plumbing.Hash, objs map[plumbing.Hash]rawObject) (map[plumbing.Hash]plumbing.Hash, error) {
	bases := map[plumbing.Hash]plumbing.Hash{}
	in := func(h plumbing.Hash, typ plumbing.ObjectType) bool {
		o, ok := objs[h]
		return ok && o.typ == typ
	}
	var pair func(newTree, oldTree plumbing.Hash) error
	pair = func(newTree, oldTree plumbing.Hash) error {
		nt, err := parseTree(string(objs[newTree].data))
		if err != nil {
			return fmt.Errorf("tree %s: %w", newTree, err)
		}
		ot, err := parseTree(string(objs[oldTree].data))
		if err != nil {
			return fmt.Errorf("tree %s: %w", oldTree, err)
		}
		old := make(map[string]int, len(ot))
		for i, e := range ot {
			old[e.Name] = i
		}
		for _, e := range nt {
			i, ok := old[e.Name]
			if !ok {
				continue
			}
			o := ot[i]
			dir := e.Mode == filemode.Dir
			typ := plumbing.BlobObject
			if dir {
				typ = plumbing.TreeObject
			}
			if o.Hash == e.Hash || (o.Mode == filemode.Dir) != dir || !in(e.Hash, typ) || !in(o.Hash, typ) {
				continue
			}
			if _, taken := bases[o.Hash]; taken {
				continue // met under another commit already
			}
			bases[o.Hash] = e.Hash
			if dir {
				if err := pair(e.Hash, o.Hash); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, h := range hashes {
		obj := objs[h]
		if obj.typ != plumbing.CommitObject {
			continue
		}
		tree, parent, ok := commitTreeAndParent(obj.data)
		if !ok {
			continue
		}
		var parentTree plumbing.Hash
		if p, ok := objs[parent]; ok && p.typ == plumbing.CommitObject {
			parentTree, _, _ = commitTreeAndParent(p.data)
		} else if pc, err := s.commit(parent); err == nil {
			parentTree = pc.TreeHash
		} else {
			continue // a shallow or partial history: no base
		}
		if parentTree == tree || !in(tree, plumbing.TreeObject) || !in(parentTree, plumbing.TreeObject) {
			continue
		}
		if _, taken := bases[parentTree]; taken {
			continue
		}
		bases[parentTree] = tree
		if err := pair(tree, parentTree); err != nil {
			return nil, fmt.Errorf("pack commit %s: %w", h, err)
		}
	}
	return bases, nil
}

// commitTreeAndParent reads a commit's tree and first parent from its
// content (ok is false for a root commit, or content that is not a commit's).
func commitTreeAndParent(data []byte) (tree, parent plumbing.Hash, ok bool) {
	const treeLine, parentLine = "tree ", "parent "
	text := string(data)
	line, rest, _ := strings.Cut(text, "\n")
	hex, found := strings.CutPrefix(line, treeLine)
	if !found || !isHex40(hex) {
		return tree, parent, false
	}
	line, _, _ = strings.Cut(rest, "\n")
	phex, found := strings.CutPrefix(line, parentLine)
	if !found || !isHex40(phex) {
		return tree, parent, false
	}
	return plumbing.NewHash(hex), plumbing.NewHash(phex), true
}

func isHex40(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// packOrder lists hashes with every delta base before the objects that are
// deltas against it, and each object's chain no longer than maxDeltaDepth:
// where a chain would grow longer (or loop, as two versions of a path
// that a history swaps back and forth would), the object is stored whole.
func packOrder(hashes []plumbing.Hash, bases map[plumbing.Hash]plumbing.Hash) []packObject {
	const (
		unseen = iota
		visiting
		done
	)
	state := make(map[plumbing.Hash]int, len(hashes))
	depth := make(map[plumbing.Hash]int, len(hashes))
	order := make([]packObject, 0, len(hashes))
	for _, h := range hashes {
		if state[h] != unseen {
			continue
		}
		// Follow the chain of bases back to an object already placed, or
		// to one without a base, then place the chain from there.
		var chain []plumbing.Hash
		cur := h
		for state[cur] == unseen {
			state[cur] = visiting
			chain = append(chain, cur)
			b, ok := bases[cur]
			if !ok {
				break
			}
			if state[b] == visiting {
				delete(bases, cur) // a loop: cur is stored whole
				break
			}
			cur = b
		}
		for i := len(chain) - 1; i >= 0; i-- {
			o := packObject{hash: chain[i]}
			if b, ok := bases[o.hash]; ok && state[b] == done && depth[b] < maxDeltaDepth {
				o.base, o.depth = b, depth[b]+1
			}
			state[o.hash], depth[o.hash] = done, o.depth
			order = append(order, o)
		}
	}
	return order
}

// makeDelta is a git delta that makes target from base: the bytes both
// start with and end with are copied from base, the rest inserted. That is
// the whole difference between two versions of a ledger tree or of the
// signer list (a line taken out, or a hash changed). It returns nil when base
// is empty.
func makeDelta(base, target []byte) []byte {
	if len(base) == 0 {
		return nil
	}
	prefix := 0
	for prefix < len(base) && prefix < len(target) && base[prefix] == target[prefix] {
		prefix++
	}
	suffix := 0
	for suffix < len(base)-prefix && suffix < len(target)-prefix && base[len(base)-1-suffix] == target[len(target)-1-suffix] {
		suffix++
	}
	out := appendDeltaSize(nil, len(base))
	out = appendDeltaSize(out, len(target))
	out = appendCopy(out, 0, prefix)
	for rest := target[prefix : len(target)-suffix]; len(rest) > 0; {
		n := min(len(rest), 127)
		out = append(out, byte(n))
		out = append(out, rest[:n]...)
		rest = rest[n:]
	}
	return appendCopy(out, len(base)-suffix, suffix)
}

// appendDeltaSize appends a delta header's size: seven bits a byte, least
// significant first.
func appendDeltaSize(out []byte, n int) []byte {
	for n >= 0x80 {
		out = append(out, byte(n)|0x80)
		n >>= 7
	}
	return append(out, byte(n))
}

// maxCopy is the most one copy instruction copies (its size has three
// bytes).
const maxCopy = 0xffffff

// appendCopy appends instructions that copy size bytes of the base from
// offset off.
func appendCopy(out []byte, off, size int) []byte {
	for size > 0 {
		n := min(size, maxCopy)
		op := byte(0x80)
		var args []byte
		for i := 0; i < 4; i++ {
			if b := byte(off >> (8 * i)); b != 0 {
				op |= 1 << i
				args = append(args, b)
			}
		}
		for i := 0; i < 3; i++ {
			if b := byte(n >> (8 * i)); b != 0 {
				op |= 1 << (4 + i)
				args = append(args, b)
			}
		}
		out = append(append(out, op), args...)
		off, size = off+n, size-n
	}
	return out
}

// packStream writes a pack: its header, entries and checksum.
type packStream struct {
	w      *bufio.Writer
	sum    hash.Hash
	offset int64
	z      *zlib.Writer
	err    error
}

func newPackStream(w io.Writer, count int) *packStream {
	sum := sha1.New()
	p := &packStream{w: bufio.NewWriterSize(io.MultiWriter(w, sum), 1<<16), sum: sum}
	var hdr [12]byte
	copy(hdr[:], "PACK")
	binary.BigEndian.PutUint32(hdr[4:], 2)
	binary.BigEndian.PutUint32(hdr[8:], uint32(count))
	p.write(hdr[:])
	return p
}

func (p *packStream) write(b []byte) {
	if p.err != nil {
		return
	}
	var n int
	n, p.err = p.w.Write(b)
	p.offset += int64(n)
}

// entryHeader is a pack entry's type and size, as its header encodes them.
func entryHeader(typ plumbing.ObjectType, size int) []byte {
	b := byte(typ)<<4 | byte(size&0x0f)
	size >>= 4
	var out []byte
	for size > 0 {
		out = append(out, b|0x80)
		b = byte(size & 0x7f)
		size >>= 7
	}
	return append(out, b)
}

func (p *packStream) compressed(data []byte) {
	if p.err != nil {
		return
	}
	if p.z == nil {
		p.z = zlib.NewWriter(nil)
	}
	p.z.Reset(countingWriter{p})
	if _, err := p.z.Write(data); err != nil {
		p.err = err
		return
	}
	if err := p.z.Close(); err != nil && p.err == nil {
		p.err = err
	}
}

type countingWriter struct{ p *packStream }

func (c countingWriter) Write(b []byte) (int, error) {
	c.p.write(b)
	return len(b), c.p.err
}

func (p *packStream) writeWhole(typ plumbing.ObjectType, data []byte) error {
	p.write(entryHeader(typ, len(data)))
	p.compressed(data)
	return p.err
}

// writeDelta writes a delta against the entry rel bytes before this one.
func (p *packStream) writeDelta(rel int64, delta []byte) error {
	p.write(entryHeader(plumbing.OFSDeltaObject, len(delta)))
	p.write(appendOffset(nil, rel))
	p.compressed(delta)
	return p.err
}

// appendOffset appends an OFS_DELTA's distance back to its base, as git
// encodes it: most significant group first, each group but the last with
// the high bit set, and one subtracted from every group but the last.
func appendOffset(out []byte, rel int64) []byte {
	var buf [10]byte
	i := len(buf) - 1
	buf[i] = byte(rel & 0x7f)
	for rel >>= 7; rel > 0; rel >>= 7 {
		rel--
		i--
		buf[i] = 0x80 | byte(rel&0x7f)
	}
	return append(out, buf[i:]...)
}

func (p *packStream) finish() error {
	if p.err != nil {
		return p.err
	}
	if err := p.w.Flush(); err != nil {
		return err
	}
	// The checksum covers everything written before it.
	_, err := p.w.Write(p.sum.Sum(nil))
	if err == nil {
		err = p.w.Flush()
	}
	return err
}

// WritePack writes the objects hashes, read from src, into one new pack of
// s: each whole, or as a delta against its next version among them (see
// writePack). A fetch or push between repositories on this machine stores
// what it copies so, as git's own transfers do, instead of a file an object.
func (s *Store) WritePack(src storer.EncodedObjectStorer, hashes []plumbing.Hash) error {
	if len(hashes) == 0 {
		return nil
	}
	from := &Store{objs: src}
	return from.writePack(s.packWriter, hashes)
}

// packWriter is the storage's writer of new packs.
func (s *Store) packWriter() (io.WriteCloser, error) {
	pw, ok := s.objs.(storer.PackfileWriter)
	if !ok {
		return nil, fmt.Errorf("the object storage cannot write packs")
	}
	return pw.PackfileWriter()
}
