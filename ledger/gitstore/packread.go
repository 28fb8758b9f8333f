package gitstore

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/util"
	"github.com/go-git/go-git/v5/plumbing"
)

// A walk reads every tree of the ledger from its packs: tens of thousands
// of objects, most of them deltas against the tree read just before.
// go-git's pack reader spends most of a walk in its own machinery
// (buffered scanning, per-object allocations, a cache keyed by hash), so a
// walk reads packed objects itself: a pack index is parsed once and shared
// by the walk's workers, each object is one positioned read of exactly its
// bytes, and each worker keeps the objects it read lately, by offset, as
// bases for the deltas that follow. What it cannot read (a loose object, a
// pack added since, an index of another version) is read through go-git.

// packSet is the indexes of a repository's packs, parsed once; it is not
// changed after openPackSet, so the walk's workers share it.
type packSet struct {
	packs []*packedFile
}

// packedFile is one pack and its index.
type packedFile struct {
	name   plumbing.Hash
	file   billy.File // read with ReadAt only, which is safe for concurrent use
	size   int64
	fanout [256]uint32
	names  []byte  // 20 bytes per object, sorted
	offs   []int64 // the offset of each object, in the order of names
	ends   []int64 // every object's offset, sorted, then the trailer's
}

// Index formats and limits.
const (
	idxHeader    = "\xfftOc\x00\x00\x00\x02"
	idxFanoutEnd = 8 + 256*4
	// maxDeltaChain bounds a chain of deltas (git writes at most 4095).
	maxDeltaChain = 4096
	// maxInflate bounds how much larger than its compressed bytes an
	// object may claim to be: deflate does not reach 1,032 to 1.
	maxInflate = 1100
	// maxPackedObject bounds any one object read from a pack.
	maxPackedObject = 1 << 30
	// maxPackedRead bounds the bytes of one entry the walk reads into
	// memory at once; a ledger's objects are a few kilobytes.
	maxPackedRead = 64 << 20
)

// errPackFormat marks what a walk's pack reader does not read; the object
// is then read through go-git.
var errPackFormat = errors.New("pack object in a form the walk does not read")

// openPackSet opens every pack of the repository at dotgit with its index.
// A pack whose index is not of version 2, or whose files cannot be read, is
// left out (its objects are read through go-git); an index that is not
// well formed is an error.
func openPackSet(dotgit billy.Filesystem, packs []plumbing.Hash) (*packSet, error) {
	set := &packSet{}
	for _, p := range packs {
		base := dotgit.Join("objects", "pack", "pack-"+p.String())
		idx, err := util.ReadFile(dotgit, base+".idx")
		if err != nil {
			continue
		}
		if !bytes.HasPrefix(idx, []byte(idxHeader)) {
			continue
		}
		f, err := dotgit.Open(base + ".pack")
		if err != nil {
			continue
		}
		fi, err := dotgit.Stat(base + ".pack")
		if err != nil {
			f.Close()
			continue
		}
		pf, err := parsePackIndex(idx, fi.Size())
		if err != nil {
			f.Close()
			set.Close()
			return nil, fmt.Errorf("pack index %s: %w", p, err)
		}
		var sum [20]byte
		if _, err := f.ReadAt(sum[:], fi.Size()-20); err != nil || !bytes.Equal(sum[:], idx[len(idx)-40:len(idx)-20]) {
			f.Close()
			set.Close()
			return nil, fmt.Errorf("pack %s: its checksum is not the one its index names", p)
		}
		pf.name, pf.file = p, f
		set.packs = append(set.packs, pf)
	}
	return set, nil
}

// Close closes the packs.
func (s *packSet) Close() error {
	var errs []error
	for _, p := range s.packs {
		errs = append(errs, p.file.Close())
	}
	return errors.Join(errs...)
}

// parsePackIndex parses a version 2 pack index for a pack of packSize
// bytes, checking everything a read relies on: its checksum, the fanout's
// order, the names' order, and every offset within the pack's objects.
func parsePackIndex(idx []byte, packSize int64) (*packedFile, error) {
	if len(idx) < idxFanoutEnd+40 || !bytes.HasPrefix(idx, []byte(idxHeader)) {
		return nil, errors.New("not a version 2 pack index")
	}
	if sum := sha1.Sum(idx[:len(idx)-20]); !bytes.Equal(sum[:], idx[len(idx)-20:]) {
		return nil, errors.New("checksum mismatch")
	}
	pf := &packedFile{size: packSize}
	for i := range pf.fanout {
		pf.fanout[i] = binary.BigEndian.Uint32(idx[8+4*i:])
		if i > 0 && pf.fanout[i] < pf.fanout[i-1] {
			return nil, errors.New("fanout out of order")
		}
	}
	n := int64(pf.fanout[255])
	// names, CRCs, 4-byte offsets, then 8-byte offsets and two checksums.
	fixed := int64(idxFanoutEnd) + n*(20+4+4)
	if fixed+40 > int64(len(idx)) {
		return nil, fmt.Errorf("index of %d objects is %d bytes, too short", n, len(idx))
	}
	large := idx[fixed : len(idx)-40]
	if len(large)%8 != 0 {
		return nil, errors.New("large offset table not a whole number of entries")
	}
	pf.names = idx[idxFanoutEnd : idxFanoutEnd+20*n]
	for i := int64(1); i < n; i++ {
		if bytes.Compare(pf.names[20*(i-1):20*i], pf.names[20*i:20*(i+1)]) >= 0 {
			return nil, errors.New("object names out of order")
		}
	}
	for i := int64(0); i < n; i++ {
		b := pf.names[20*i]
		first := int64(0)
		if b > 0 {
			first = int64(pf.fanout[b-1])
		}
		if i < first || i >= int64(pf.fanout[b]) {
			return nil, errors.New("fanout disagrees with the names")
		}
	}
	offTable := idx[idxFanoutEnd+24*n : fixed]
	trailer := packSize - 20
	pf.offs = make([]int64, n)
	for i := range pf.offs {
		v := binary.BigEndian.Uint32(offTable[4*i:])
		off := int64(v)
		if v&0x80000000 != 0 {
			k := int(v & 0x7fffffff)
			if 8*k+8 > len(large) {
				return nil, errors.New("large offset out of range")
			}
			u := binary.BigEndian.Uint64(large[8*k:])
			if u > uint64(trailer) {
				return nil, errors.New("offset past the pack's end")
			}
			off = int64(u)
		}
		if off < 12 || off >= trailer {
			return nil, errors.New("offset outside the pack's objects")
		}
		pf.offs[i] = off
	}
	pf.ends = append(slices.Clone(pf.offs), trailer)
	slices.Sort(pf.ends)
	for i := 1; i < len(pf.ends); i++ {
		if pf.ends[i] == pf.ends[i-1] {
			return nil, errors.New("two objects at one offset")
		}
	}
	return pf, nil
}

// find gives the offset of object h in the pack.
func (p *packedFile) find(h plumbing.Hash) (int64, bool) {
	lo := 0
	if h[0] > 0 {
		lo = int(p.fanout[h[0]-1])
	}
	hi := int(p.fanout[h[0]])
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(p.names[20*mid:20*mid+20], h[:]); {
		case c == 0:
			return p.offs[mid], true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

// end is where the object at off ends: the next object, or the trailer.
func (p *packedFile) end(off int64) int64 {
	i, _ := slices.BinarySearch(p.ends, off+1)
	return p.ends[i]
}

// packReader reads objects from a packSet for one goroutine, keeping those
// it read lately as the bases of deltas that follow.
type packReader struct {
	set   *packSet
	buf   []byte
	zr    io.ReadCloser
	cache map[packedAt]packedEntry
	held  int
}

type packedAt struct {
	pack *packedFile
	off  int64
}

type packedEntry struct {
	typ  plumbing.ObjectType
	data []byte
}

// packCacheBytes bounds what a packReader keeps; it forgets all when full.
const packCacheBytes = 32 << 20

func newPackReader(set *packSet) *packReader {
	return &packReader{set: set, cache: map[packedAt]packedEntry{}}
}

// read gives object h's type and content; found is false when no pack of
// the set holds it. The content must not be modified.
func (r *packReader) read(h plumbing.Hash) (typ plumbing.ObjectType, data []byte, found bool, err error) {
	for _, p := range r.set.packs {
		if off, ok := p.find(h); ok {
			obj, err := r.at(p, off, 0)
			if err != nil {
				return 0, nil, true, fmt.Errorf("object %s in pack %s: %w", h, p.name, err)
			}
			return obj.typ, obj.data, true, nil
		}
	}
	return 0, nil, false, nil
}

// at reads the object at off in p, resolving deltas; depth counts the
// deltas above it.
func (r *packReader) at(p *packedFile, off int64, depth int) (packedEntry, error) {
	key := packedAt{p, off}
	if obj, ok := r.cache[key]; ok {
		return obj, nil
	}
	if depth > maxDeltaChain {
		return packedEntry{}, errors.New("delta chain too long")
	}
	n := p.end(off) - off
	if n > maxPackedRead {
		// A large object is for go-git, which streams it.
		return packedEntry{}, errPackFormat
	}
	if cap(r.buf) < int(n) {
		r.buf = make([]byte, n)
	}
	raw := r.buf[:n]
	if _, err := p.file.ReadAt(raw, off); err != nil {
		return packedEntry{}, fmt.Errorf("read at %d: %w", off, err)
	}
	typ, size, rest, err := parseObjectHeader(raw)
	if err != nil {
		return packedEntry{}, err
	}
	var obj packedEntry
	switch typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
		data, err := r.inflate(rest, size)
		if err != nil {
			return packedEntry{}, err
		}
		obj = packedEntry{typ, data}
	case plumbing.OFSDeltaObject, plumbing.REFDeltaObject:
		var base packedAt
		if typ == plumbing.OFSDeltaObject {
			back, n, err := parseOffsetDelta(rest)
			if err != nil {
				return packedEntry{}, err
			}
			if back <= 0 || back > off-12 {
				return packedEntry{}, errors.New("delta base outside the pack")
			}
			base, rest = packedAt{p, off - back}, rest[n:]
		} else {
			if len(rest) < 20 {
				return packedEntry{}, errors.New("truncated delta base name")
			}
			var h plumbing.Hash
			copy(h[:], rest)
			rest = rest[20:]
			bo, ok := p.find(h)
			if !ok {
				return packedEntry{}, errPackFormat
			}
			base = packedAt{p, bo}
		}
		// The delta is inflated before the base is read: reading the
		// base reuses r.buf.
		delta, err := r.inflate(rest, size)
		if err != nil {
			return packedEntry{}, err
		}
		b, err := r.at(base.pack, base.off, depth+1)
		if err != nil {
			return packedEntry{}, err
		}
		data, err := applyDelta(b.data, delta)
		if err != nil {
			return packedEntry{}, err
		}
		obj = packedEntry{b.typ, data}
	default:
		return packedEntry{}, fmt.Errorf("object of unknown type %d", typ)
	}
	if r.held+len(obj.data) > packCacheBytes {
		clear(r.cache)
		r.held = 0
	}
	r.cache[key] = obj
	r.held += len(obj.data)
	return obj, nil
}

// parseObjectHeader reads a pack entry's type and size.
func parseObjectHeader(raw []byte) (plumbing.ObjectType, int64, []byte, error) {
	if len(raw) == 0 {
		return 0, 0, nil, errors.New("empty pack entry")
	}
	c := raw[0]
	typ := plumbing.ObjectType((c >> 4) & 7)
	size := int64(c & 15)
	shift := uint(4)
	i := 1
	for c&0x80 != 0 {
		if i >= len(raw) || shift > 56 {
			return 0, 0, nil, errors.New("bad pack entry header")
		}
		c = raw[i]
		i++
		size |= int64(c&0x7f) << shift
		shift += 7
	}
	return typ, size, raw[i:], nil
}

// parseOffsetDelta reads the distance back to an offset delta's base.
func parseOffsetDelta(raw []byte) (back int64, n int, err error) {
	if len(raw) == 0 {
		return 0, 0, errors.New("truncated delta base offset")
	}
	c := raw[0]
	back = int64(c & 0x7f)
	n = 1
	for c&0x80 != 0 {
		if n >= len(raw) || back > (1<<55) {
			return 0, 0, errors.New("bad delta base offset")
		}
		c = raw[n]
		n++
		back = ((back + 1) << 7) | int64(c&0x7f)
	}
	return back, n, nil
}

// inflate decompresses exactly size bytes of zlib data from compressed.
func (r *packReader) inflate(compressed []byte, size int64) ([]byte, error) {
	if size > maxPackedObject || size > int64(len(compressed))*maxInflate+64 {
		return nil, fmt.Errorf("entry claims %d bytes from %d compressed", size, len(compressed))
	}
	src := bytes.NewReader(compressed)
	if r.zr == nil {
		zr, err := zlib.NewReader(src)
		if err != nil {
			return nil, fmt.Errorf("inflate: %w", err)
		}
		r.zr = zr
	} else if err := r.zr.(zlib.Resetter).Reset(src, nil); err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	out := make([]byte, size)
	if _, err := io.ReadFull(r.zr, out); err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	// The stream must end there, and its checksum (read at its end) hold.
	var one [1]byte
	if n, err := r.zr.Read(one[:]); n != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			err = errors.New("more data than the entry's size")
		}
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return out, nil
}

// applyDelta applies a git delta to base. Every size and copy is checked
// against the delta's header and the base, so a hostile delta can neither
// read outside the base nor make the result larger than it declares.
func applyDelta(base, delta []byte) ([]byte, error) {
	if len(base) == 0 || len(delta) < 2 {
		return nil, errors.New("delta too short, or against an empty base")
	}
	srcSize, delta, err := deltaSize(delta)
	if err != nil {
		return nil, err
	}
	if srcSize != uint64(len(base)) {
		return nil, errors.New("delta is for a base of another size")
	}
	dstSize, delta, err := deltaSize(delta)
	if err != nil {
		return nil, err
	}
	if dstSize > maxPackedObject {
		return nil, errors.New("delta result too large")
	}
	out := make([]byte, 0, min(dstSize, uint64(len(base))+uint64(len(delta))*maxInflate))
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0:
			var off, n uint64
			for i := uint(0); i < 4; i++ {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, errors.New("truncated delta copy")
					}
					off |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := uint(0); i < 3; i++ {
				if op&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, errors.New("truncated delta copy")
					}
					n |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || uint64(len(out))+n > dstSize {
				return nil, errors.New("delta copy out of bounds")
			}
			out = append(out, base[off:off+n]...)
		case op != 0:
			n := uint64(op)
			if n > uint64(len(delta)) || uint64(len(out))+n > dstSize {
				return nil, errors.New("delta insert out of bounds")
			}
			out = append(out, delta[:n]...)
			delta = delta[n:]
		default:
			return nil, errors.New("delta opcode 0")
		}
	}
	if uint64(len(out)) != dstSize {
		return nil, errors.New("delta result of the wrong size")
	}
	return out, nil
}

// deltaSize reads one of a delta's two leading sizes: seven bits a byte,
// low bits first, at most nine bytes; as git reads it, a size cut short
// by the delta's end is what its bytes give.
func deltaSize(d []byte) (uint64, []byte, error) {
	var v uint64
	for i := 0; i < len(d); i++ {
		if i > 8 {
			return 0, nil, errors.New("delta size too long")
		}
		v |= uint64(d[i]&0x7f) << (7 * i)
		if d[i]&0x80 == 0 || i == len(d)-1 {
			return v, d[i+1:], nil
		}
	}
	return 0, d, nil
}
