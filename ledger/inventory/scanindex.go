package inventory

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The stat index lets a rescan leave a file unread, as git's index lets
// git status leave one unhashed: for each file a scan read, it records the
// file's stat (mode, size, modification and change times, inode, device),
// its git blob hash and a fingerprint of the declarations found in it. It
// lives beside the rescan cache, in .git/porttracker/scan-index, and like
// it is input that anyone who can write .git can forge, so a scan uses an
// entry only as a hint it checks (see Scan): the stat must be the file's
// now and older than the scan that took it by racyMargin (git's "racy
// git" rule), the blob must be the one the scan's commit holds at that
// path, and the declarations are not taken from the index at all but from
// the ledger's items in the file, used only when their fingerprint is the
// one the index recorded and the ledger recorded each of them at a commit
// whose tree holds the same blob.

// indexName is the stat index's file name in ScanOptions.CacheDir.
const indexName = "scan-index"

// indexMagic starts the index and names its format.
const indexMagic = "porttracker scan index 1\n"

// indexMaxBytes bounds the index file that is read at all.
const indexMaxBytes = 64 << 20

// indexMaxPath bounds a path in the index.
const indexMaxPath = 4096

// racyMargin is how long before a scan began a file must have last
// changed for the stat the scan took of it to vouch for its content: a
// file changed again within the file system's timestamp granularity after
// the scan read it keeps its stat. Two seconds covers the coarsest common
// granularity (FAT's) and a coarse kernel clock lagging the scan's.
const racyMargin = int64(2 * time.Second)

// fileStat is what the index compares of a file's stat.
type fileStat struct {
	Mode         uint32
	Size         int64
	MTime, CTime int64 // nanoseconds since 1970
	Ino, Dev     uint64
}

// indexEntry is the index's record of one file.
type indexEntry struct {
	// Path is the file's slash path relative to the top of the repository.
	Path string
	Stat fileStat
	// Read is when the scan that read the file began, before it took the
	// stat (nanoseconds since 1970).
	Read int64
	// Blob is the file's git blob hash.
	Blob [20]byte
	// Decls is the fingerprint of the declarations found (declsPrint).
	Decls [32]byte
}

// indexEntrySize is the size of an entry after its path.
const indexEntrySize = 4 + 8 + 8 + 8 + 8 + 8 + 8 + 20 + 32

// clean reports whether the entry's stat can vouch for the content the
// scan read: the file had last changed (mtime and ctime) at least
// racyMargin before that scan began. Otherwise it may have changed again
// after the scan read it, within one tick of its timestamps, and the next
// scan reads it.
func (e indexEntry) clean() bool {
	return e.Stat.MTime < e.Read-racyMargin && e.Stat.CTime < e.Read-racyMargin
}

// same reports whether two entries say the same of a file (the time of the
// scan that read it aside).
func (e indexEntry) same(o indexEntry) bool {
	return e.Path == o.Path && e.Stat == o.Stat && e.Blob == o.Blob && e.Decls == o.Decls
}

// encodeIndex writes entries, sorted by path with no path twice, in the
// index's format: the magic line; for each entry its path's length (two
// bytes) and path, then its fields, little-endian; then the SHA-256 of
// all that.
func encodeIndex(entries []indexEntry) []byte {
	n := len(indexMagic) + sha256.Size
	for _, e := range entries {
		n += 2 + len(e.Path) + indexEntrySize
	}
	b := make([]byte, 0, n)
	b = append(b, indexMagic...)
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(e.Path)))
		b = append(b, e.Path...)
		b = binary.LittleEndian.AppendUint32(b, e.Stat.Mode)
		for _, v := range []uint64{uint64(e.Stat.Size), uint64(e.Stat.MTime), uint64(e.Stat.CTime), e.Stat.Ino, e.Stat.Dev, uint64(e.Read)} {
			b = binary.LittleEndian.AppendUint64(b, v)
		}
		b = append(b, e.Blob[:]...)
		b = append(b, e.Decls[:]...)
	}
	return sealIndex(b)
}

// sealIndex appends the checksum to an index's magic line and entries.
func sealIndex(body []byte) []byte {
	sum := sha256.Sum256(body)
	return append(body, sum[:]...)
}

// errIndex says that an index is not one encodeIndex wrote.
var errIndex = errors.New("malformed scan index")

// parseIndex reads an index that encodeIndex wrote and refuses anything
// else: another magic line, a checksum that does not match, a path that is
// empty, longer than indexMaxPath, not a clean relative slash path or out
// of order, a negative size, or bytes left over.
func parseIndex(data []byte) ([]indexEntry, error) {
	if len(data) < len(indexMagic)+sha256.Size || !bytes.HasPrefix(data, []byte(indexMagic)) {
		return nil, fmt.Errorf("%w: no header", errIndex)
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if want := sha256.Sum256(body); !bytes.Equal(sum, want[:]) {
		return nil, fmt.Errorf("%w: checksum", errIndex)
	}
	var out []indexEntry
	for b := body[len(indexMagic):]; len(b) > 0; {
		if len(b) < 2 {
			return nil, fmt.Errorf("%w: truncated entry", errIndex)
		}
		n := int(binary.LittleEndian.Uint16(b))
		b = b[2:]
		if n == 0 || n > indexMaxPath || len(b) < n+indexEntrySize {
			return nil, fmt.Errorf("%w: entry %d", errIndex, len(out))
		}
		e := indexEntry{Path: string(b[:n])}
		b = b[n:]
		if !fs.ValidPath(e.Path) || e.Path == "." || strings.Contains(e.Path, "\\") {
			return nil, fmt.Errorf("%w: path %q", errIndex, e.Path)
		}
		if len(out) > 0 && out[len(out)-1].Path >= e.Path {
			return nil, fmt.Errorf("%w: %q out of order", errIndex, e.Path)
		}
		e.Stat.Mode = binary.LittleEndian.Uint32(b)
		b = b[4:]
		vals := make([]uint64, 6)
		for i := range vals {
			vals[i] = binary.LittleEndian.Uint64(b)
			b = b[8:]
		}
		e.Stat.Size, e.Stat.MTime, e.Stat.CTime, e.Stat.Ino, e.Stat.Dev, e.Read = int64(vals[0]), int64(vals[1]), int64(vals[2]), vals[3], vals[4], int64(vals[5])
		if e.Stat.Size < 0 {
			return nil, fmt.Errorf("%w: %q has a negative size", errIndex, e.Path)
		}
		copy(e.Blob[:], b)
		b = b[20:]
		copy(e.Decls[:], b)
		b = b[32:]
		out = append(out, e)
	}
	return out, nil
}

// loadIndex reads the index in dir: nil when there is none, or it is
// unreadable, too large or malformed (the scan then reads every file).
func loadIndex(dir string) map[string]indexEntry {
	if dir == "" {
		return nil
	}
	f, err := os.Open(filepath.Join(dir, indexName))
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, indexMaxBytes+1))
	if err != nil || len(data) > indexMaxBytes {
		return nil
	}
	entries, err := parseIndex(data)
	if err != nil {
		return nil
	}
	out := make(map[string]indexEntry, len(entries))
	for _, e := range entries {
		out[e.Path] = e
	}
	return out
}

// saveIndex writes entries as the index in dir, through a temporary file
// renamed into place.
func saveIndex(dir string, entries []indexEntry) error {
	slices.SortFunc(entries, func(a, b indexEntry) int { return strings.Compare(a.Path, b.Path) })
	entries = slices.CompactFunc(entries, func(a, b indexEntry) bool { return a.Path == b.Path })
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write the scan index: %w", err)
	}
	tmp, err := os.CreateTemp(dir, indexName+".tmp*")
	if err != nil {
		return fmt.Errorf("write the scan index: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(encodeIndex(entries))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, indexName))
	}
	if err != nil {
		return fmt.Errorf("write the scan index: %w", err)
	}
	return nil
}

// declsPrint is the fingerprint of a file's declarations: the SHA-256 of
// every field of each (its file aside), in an order that does not depend
// on how they were listed, each string prefixed with its length.
func declsPrint(decls []Decl) [32]byte {
	order := func(a, b Decl) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), strings.Compare(a.Symbol, b.Symbol),
			cmp.Compare(a.Occurrence, b.Occurrence), strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.Digest, b.Digest))
	}
	if !slices.IsSortedFunc(decls, order) {
		decls = slices.Clone(decls)
		slices.SortFunc(decls, order)
	}
	n := 0
	for _, d := range decls {
		n += len(d.Kind) + len(d.Symbol) + len(d.Digest) + 6*binary.MaxVarintLen64
	}
	b := make([]byte, 0, n)
	for _, d := range decls {
		b = appendString(b, string(d.Kind))
		b = appendString(b, d.Symbol)
		b = appendString(b, d.Digest)
		b = binary.AppendVarint(b, int64(d.Occurrence))
		b = binary.AppendVarint(b, int64(d.Start))
		b = binary.AppendVarint(b, int64(d.End))
	}
	return sha256.Sum256(b)
}

// appendString appends s's length and s.
func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// blobBytes is a hex blob hash as bytes; ok is false for anything but 40
// lower-case hex digits.
func blobBytes(s string) (out [20]byte, ok bool) {
	if !validBlob(s) {
		return out, false
	}
	_, err := hex.Decode(out[:], []byte(s))
	return out, err == nil
}
