package gitstore

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// gitObjects is every object stock git finds in the repository at dir, by
// name, with its type and content (git cat-file --batch-all-objects).
func gitObjects(t *testing.T, dir string) map[plumbing.Hash]packedEntry {
	t.Helper()
	cmd := exec.Command("git", "-C", dir, "cat-file", "--batch-all-objects", "--batch")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git cat-file: %v", err)
	}
	objs := map[plumbing.Hash]packedEntry{}
	r := bufio.NewReader(bytes.NewReader(out))
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break
		}
		f := strings.Fields(line)
		n, _ := strconv.Atoi(f[2])
		data := make([]byte, n+1)
		if _, err := io.ReadFull(r, data); err != nil {
			t.Fatal(err)
		}
		typ, err := plumbing.ParseObjectType(f[1])
		if err != nil {
			t.Fatal(err)
		}
		objs[plumbing.NewHash(f[0])] = packedEntry{typ, data[:n]}
	}
	return objs
}

// deltaCount is how many objects of the repository's packs stock git
// verify-pack says are deltas.
func deltaCount(t *testing.T, dir string) int {
	t.Helper()
	idxs, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.idx"))
	if len(idxs) == 0 {
		idxs, _ = filepath.Glob(filepath.Join(dir, "objects", "pack", "*.idx"))
	}
	n := 0
	for _, idx := range idxs {
		out := stockGit(t, dir, nil, "verify-pack", "-v", idx)
		for _, line := range strings.Split(out, "\n") {
			// "name type size size-in-pack offset depth base" for a delta.
			if f := strings.Fields(line); len(f) == 7 && len(f[0]) == 40 {
				n++
			}
		}
	}
	return n
}

// growingRepo makes a repository with stock git whose files change a
// little in each of many commits, so that git's packs hold chains of
// deltas, and a file that is rewritten whole.
func growingRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	stockGit(t, dir, nil, "init", "-q")
	var lines []string
	for i := 0; i < 60; i++ {
		lines = append(lines, fmt.Sprintf("line %d of a file that grows %s", i, strings.Repeat("x", i%7)))
		for j, name := range []string{"a.txt", "sub/b.txt", "sub/deep/c.txt"} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
				t.Fatal(err)
			}
			body := strings.Join(lines[:len(lines)-j%len(lines)], "\n")
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "random.bin"), bytes.Repeat([]byte{byte(i), byte(i * 7)}, 3000+i), 0o644); err != nil {
			t.Fatal(err)
		}
		stockGit(t, dir, nil, "add", "-A")
		stockGit(t, dir, nil, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", fmt.Sprintf("commit %d", i))
	}
	return dir
}

// readAllPacked reads every object git knows through a packReader on the
// repository's packs and compares it with git's; it returns how many the
// reader found.
func readAllPacked(t *testing.T, gitDir string, want map[plumbing.Hash]packedEntry) int {
	t.Helper()
	s, err := Open(gitDir, testBranch)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	packs, err := s.packs()
	if err != nil {
		t.Fatal(err)
	}
	set, err := openPackSet(s.dotgit, packs)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	r := newPackReader(set)
	found := 0
	for h, obj := range want {
		typ, data, ok, err := r.read(h)
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		if !ok {
			continue
		}
		found++
		if typ != obj.typ || !bytes.Equal(data, obj.data) {
			t.Fatalf("%s: read a %s of %d bytes, git has a %s of %d bytes", h, typ, len(data), obj.typ, len(obj.data))
		}
	}
	return found
}

// TestPackReaderReadsWhatGitReads: every object of packs that stock git
// wrote, with offset deltas (git gc) and with deltas that name their base
// (git pack-objects without --delta-base-offset), reads as git cat-file
// reads it.
func TestPackReaderReadsWhatGitReads(t *testing.T) {
	dir := growingRepo(t)
	want := gitObjects(t, dir)
	stockGit(t, dir, nil, "gc", "-q", "--aggressive")
	if n := deltaCount(t, dir); n < 50 {
		t.Fatalf("git gc wrote %d deltas; the test needs chains of them", n)
	}
	if got := readAllPacked(t, dir, want); got != len(want) {
		t.Fatalf("read %d of git's %d objects from git gc's pack", got, len(want))
	}

	bare := t.TempDir()
	stockGit(t, bare, nil, "init", "-q", "--bare")
	list := stockGit(t, dir, nil, "rev-list", "--objects", "--all")
	cmd := exec.Command("git", "-C", dir, "pack-objects", "-q", "--window=50", "--depth=50", filepath.Join(bare, "objects", "pack", "pack"))
	cmd.Stdin = strings.NewReader(list + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git pack-objects: %v\n%s", err, out)
	}
	if n := deltaCount(t, bare); n < 50 {
		t.Fatalf("git pack-objects wrote %d deltas", n)
	}
	if got := readAllPacked(t, bare, want); got != len(want) {
		t.Fatalf("read %d of git's %d objects from a pack of deltas by name", got, len(want))
	}
}

// TestWalkOnPacks: a walk long enough to read packs itself reads the same
// changes and entries from the ledger loose, packed by porttracker, and
// packed by stock git with deep chains of deltas.
func TestWalkOnPacks(t *testing.T) {
	l := newTestLedger(t)
	for i := 0; i < 2*packedWalkMin; i++ {
		l.add(t)
	}
	head := l.head(t)
	walk := func() string {
		s, err := Open(l.dir, testBranch)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var b strings.Builder
		err = s.Walk(head, nil, func(ci *CommitInfo) error {
			fmt.Fprintf(&b, "%s %s\n", ci.Commit.Hash, ci.Commit.Message)
			for _, ch := range ci.Changes {
				data, _ := ci.ReadBlob(ch.Path)
				fmt.Fprintf(&b, "  %s %s %s %o %q\n", ch.Path, ch.Old, ch.New, ch.Mode, data)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	loose := walk()
	if _, err := l.s.Pack(true); err != nil {
		t.Fatal(err)
	}
	if got := walk(); got != loose {
		t.Fatalf("walk of porttracker's pack differs from the loose walk:\n%s\nwant\n%s", got, loose)
	}
	stockGit(t, l.dir, nil, "repack", "-q", "-a", "-d", "-f", "--depth=200", "--window=50")
	if n := deltaCount(t, l.dir); n < 20 {
		t.Fatalf("git repack wrote %d deltas", n)
	}
	if got := walk(); got != loose {
		t.Fatalf("walk of git's pack differs from the loose walk:\n%s\nwant\n%s", got, loose)
	}
}

// TestPackReaderRefusesDamage damages a pack as a disk or an attacker with
// write access to the repository could, one byte at a time over the
// objects' bytes: every read must then give an error or git's content,
// never other content and never a panic.
func TestPackReaderRefusesDamage(t *testing.T) {
	l := newTestLedger(t)
	for i := 0; i < 6; i++ {
		l.add(t)
	}
	want := gitObjects(t, l.dir)
	stockGit(t, l.dir, nil, "repack", "-q", "-a", "-d", "-f")
	packs, _ := filepath.Glob(filepath.Join(l.dir, ".git", "objects", "pack", "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("%d packs", len(packs))
	}
	orig, err := os.ReadFile(packs[0])
	if err != nil {
		t.Fatal(err)
	}
	fs := osfs.New(filepath.Join(l.dir, ".git"))
	name := plumbing.NewHash(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(packs[0]), "pack-"), ".pack"))
	step := max(1, (len(orig)-32)/400)
	for pos := 12; pos < len(orig)-20; pos += step {
		for _, flip := range []byte{0x01, 0x80} {
			bad := bytes.Clone(orig)
			bad[pos] ^= flip
			if err := os.WriteFile(packs[0], bad, 0o644); err != nil {
				t.Fatal(err)
			}
			set, err := openPackSet(fs, []plumbing.Hash{name})
			if err != nil {
				t.Fatal(err)
			}
			r := newPackReader(set)
			for h, obj := range want {
				typ, data, ok, err := r.read(h)
				if !ok || err != nil {
					continue
				}
				if typ != obj.typ || !bytes.Equal(data, obj.data) {
					set.Close()
					t.Fatalf("byte %d flipped by %#x: %s reads as a %s of %q, git's is a %s of %q", pos, flip, h, typ, data, obj.typ, obj.data)
				}
			}
			set.Close()
		}
	}
	if err := os.WriteFile(packs[0], orig, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestParsePackIndexRefuses: indexes that do not hold together are refused
// before any read relies on them.
func TestParsePackIndexRefuses(t *testing.T) {
	l := newTestLedger(t)
	for i := 0; i < 3; i++ {
		l.add(t)
	}
	stockGit(t, l.dir, nil, "repack", "-q", "-a", "-d")
	idxs, _ := filepath.Glob(filepath.Join(l.dir, ".git", "objects", "pack", "*.idx"))
	idx, err := os.ReadFile(idxs[0])
	if err != nil {
		t.Fatal(err)
	}
	packSize := func() int64 {
		fi, err := os.Stat(strings.TrimSuffix(idxs[0], ".idx") + ".pack")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}()
	if _, err := parsePackIndex(idx, packSize); err != nil {
		t.Fatalf("git's index: %v", err)
	}
	resum := func(b []byte) []byte {
		sum := sha1Sum(b[:len(b)-20])
		copy(b[len(b)-20:], sum[:])
		return b
	}
	n := int(idx[8+255*4])<<24 | int(idx[8+255*4+1])<<16 | int(idx[8+255*4+2])<<8 | int(idx[8+255*4+3])
	offsets := idxFanoutEnd + 24*n
	for _, c := range []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		{"checksum", func(b []byte) []byte { b[idxFanoutEnd] ^= 1; return b }, "checksum"},
		{"version", func(b []byte) []byte { b[7] = 3; return resum(b) }, "version 2"},
		{"fanout", func(b []byte) []byte { b[8+4*10+3] = 0xff; return resum(b) }, "fanout"},
		{"names", func(b []byte) []byte {
			copy(b[idxFanoutEnd:idxFanoutEnd+20], b[idxFanoutEnd+20:idxFanoutEnd+40])
			return resum(b)
		}, "out of order"},
		{"offset past the pack", func(b []byte) []byte { b[offsets] = 0x7f; return resum(b) }, "outside the pack"},
		{"large offset", func(b []byte) []byte { b[offsets] = 0x80; b[offsets+3] = 5; return resum(b) }, "large offset"},
		{"two at one offset", func(b []byte) []byte { copy(b[offsets+4:offsets+8], b[offsets:offsets+4]); return resum(b) }, "one offset"},
		{"short", func(b []byte) []byte { return resum(append(b[:idxFanoutEnd+10], make([]byte, 40)...)) }, "too short"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parsePackIndex(c.edit(bytes.Clone(idx)), packSize)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

func TestParseOffsetDelta(t *testing.T) {
	for _, n := range []int64{1, 127, 128, 129, 16383, 16384, 16511, 16512, 1 << 20, 1<<35 + 7} {
		raw := appendOffset(nil, n)
		got, used, err := parseOffsetDelta(append(raw, 0xaa))
		if err != nil || got != n || used != len(raw) {
			t.Errorf("offset %d reads back as %d after %d bytes (%v)", n, got, used, err)
		}
	}
	for _, bad := range [][]byte{nil, {0x80}, bytes.Repeat([]byte{0xff}, 12)} {
		if _, _, err := parseOffsetDelta(bad); err == nil {
			t.Errorf("%x: no error", bad)
		}
	}
}

// FuzzApplyDelta holds applyDelta to go-git's PatchDelta: on any base and
// delta, both refuse, or both give the same bytes.
func FuzzApplyDelta(f *testing.F) {
	f.Add([]byte("100644 a\x00hash1"), makeDelta([]byte("100644 a\x00hash1"), []byte("100644 a\x00hash1100644 b\x00hash2")))
	f.Add([]byte("abc"), []byte{3, 3, 0x90, 3})
	f.Add([]byte("abc"), []byte{3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0x91, 0, 3})
	f.Add([]byte("abc"), []byte{3, 2, 0})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		ours, oerr := applyDelta(base, delta)
		theirs, terr := packfile.PatchDelta(base, delta)
		if (oerr == nil) != (terr == nil) {
			t.Fatalf("applyDelta: %q, %v; go-git: %q, %v", ours, oerr, theirs, terr)
		}
		if oerr == nil && !bytes.Equal(ours, theirs) {
			t.Fatalf("applyDelta gives %q, go-git %q", ours, theirs)
		}
	})
}

// FuzzParsePackIndex: on any bytes, parsePackIndex refuses or gives an
// index whose every look-up lands inside the pack's objects.
func FuzzParsePackIndex(f *testing.F) {
	f.Add([]byte(idxHeader), int64(100))
	f.Add(buildIndex([]byte{0, 0x10, 0xff}, []int64{12, 40, 1 << 33}), int64(1<<33+100))
	f.Fuzz(func(t *testing.T, idx []byte, size int64) {
		pf, err := parsePackIndex(idx, size)
		if err != nil {
			return
		}
		for i := range pf.offs {
			var h plumbing.Hash
			copy(h[:], pf.names[20*i:])
			off, ok := pf.find(h)
			if !ok || off != pf.offs[i] || off < 12 || pf.end(off) > size-20 || pf.end(off) <= off {
				t.Fatalf("object %d: offset %d (found %v), end %d, pack of %d bytes", i, off, ok, pf.end(off), size)
			}
		}
	})
}

func sha1Sum(b []byte) [20]byte { return sha1.Sum(b) }

// buildIndex writes a version 2 pack index of objects whose names are
// first bytes followed by zeros, at the given offsets (those past 2 GiB in
// the large offset table).
func buildIndex(first []byte, offs []int64) []byte {
	b := []byte(idxHeader)
	for i := 0; i < 256; i++ {
		n := 0
		for _, c := range first {
			if int(c) <= i {
				n++
			}
		}
		b = binary.BigEndian.AppendUint32(b, uint32(n))
	}
	for _, c := range first {
		b = append(b, c)
		b = append(b, make([]byte, 19)...)
	}
	b = append(b, make([]byte, 4*len(first))...)
	var large []byte
	for _, off := range offs {
		if off >= 1<<31 {
			b = binary.BigEndian.AppendUint32(b, 0x80000000|uint32(len(large)/8))
			large = binary.BigEndian.AppendUint64(large, uint64(off))
		} else {
			b = binary.BigEndian.AppendUint32(b, uint32(off))
		}
	}
	b = append(b, large...)
	b = append(b, make([]byte, 20)...)
	sum := sha1.Sum(b)
	return append(b, sum[:]...)
}

// craftedPack writes, as a forger would, a pack of the given raw entries
// (each a pack entry header and its data) and an index naming the i-th
// entry with first byte names[i]; it returns the objects directory's file
// system and the pack's name. The pack's trailer is the one the index
// names; nothing in it hashes to anything.
func craftedPack(t *testing.T, names []byte, entries [][]byte) (*packSet, []plumbing.Hash) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "objects", "pack"), 0o755); err != nil {
		t.Fatal(err)
	}
	pack := []byte("PACK\x00\x00\x00\x02")
	pack = binary.BigEndian.AppendUint32(pack, uint32(len(entries)))
	var offs []int64
	for _, e := range entries {
		offs = append(offs, int64(len(pack)))
		pack = append(pack, e...)
	}
	pack = append(pack, make([]byte, 20)...)
	var name plumbing.Hash
	name[0] = 0xab
	base := filepath.Join(dir, "objects", "pack", "pack-"+name.String())
	if err := os.WriteFile(base+".pack", pack, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".idx", buildIndex(names, offs), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := openPackSet(osfs.New(dir), []plumbing.Hash{name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { set.Close() })
	hashes := make([]plumbing.Hash, len(names))
	for i, b := range names {
		hashes[i][0] = b
	}
	return set, hashes
}

// zlibBytes compresses b.
func zlibBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// TestPackReaderRefusesForgedDeltas reads packs forged by hand: deltas that
// name each other as bases, a delta whose base offset points before the
// pack's first entry or at itself, and an entry that claims a size far
// beyond its bytes. Each read must fail, naming the object, without
// looping or allocating what the entry claims.
func TestPackReaderRefusesForgedDeltas(t *testing.T) {
	delta := []byte{5, 5, 0x90, 5} // copy 5 bytes of a 5-byte base
	refDelta := func(base byte) []byte {
		e := append([]byte{0x70 | byte(len(delta))}, base)
		e = append(e, make([]byte, 19)...)
		return append(e, zlibBytes(delta)...)
	}
	ofsDelta := func(back byte) []byte {
		return append([]byte{0x60 | byte(len(delta)), back}, zlibBytes(delta)...)
	}
	blob := append([]byte{0x30 | 5}, zlibBytes([]byte("hello"))...)
	for _, c := range []struct {
		name    string
		names   []byte
		entries [][]byte
		read    int
		want    string
	}{
		{"deltas naming each other", []byte{0x01, 0x02}, [][]byte{refDelta(0x02), refDelta(0x01)}, 0, "delta chain too long"},
		{"a delta naming itself", []byte{0x01}, [][]byte{refDelta(0x01)}, 0, "delta chain too long"},
		{"an offset before the first entry", []byte{0x01, 0x02}, [][]byte{blob, ofsDelta(0x7f)}, 1, "delta base outside the pack"},
		{"an offset of zero", []byte{0x01, 0x02}, [][]byte{blob, ofsDelta(0)}, 1, "delta base outside the pack"},
		{"a size far beyond the bytes", []byte{0x01}, [][]byte{append([]byte{0xbf, 0xff, 0xff, 0xff, 0x7f}, zlibBytes([]byte("x"))...)}, 0, "claims"},
	} {
		t.Run(c.name, func(t *testing.T) {
			set, hashes := craftedPack(t, c.names, c.entries)
			_, _, found, err := newPackReader(set).read(hashes[c.read])
			if !found || err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), hashes[c.read].String()) {
				t.Fatalf("found %v, error %v; want one naming %s and saying %q", found, err, hashes[c.read], c.want)
			}
		})
	}
	// The same pack read as it should be: a good delta on a good base.
	set, hashes := craftedPack(t, []byte{0x01, 0x02}, [][]byte{blob, ofsDelta(byte(len(blob)))})
	typ, data, found, err := newPackReader(set).read(hashes[1])
	if !found || err != nil || typ != plumbing.BlobObject || string(data) != "hello" {
		t.Fatalf("the well-formed delta reads as %s %q (found %v, %v)", typ, data, found, err)
	}
}
