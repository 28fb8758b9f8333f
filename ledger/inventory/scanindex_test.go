package inventory

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/porttracker/porttracker/ledger"
)

// indexTree is a committed tree for the stat index's tests: two feature
// files, a test file and a file that declares nothing.
func indexTree() map[string]string {
	return map[string]string{
		"src/a.go":      "package p\n\nfunc Alpha() int {\n\treturn 1\n}\n\nfunc init() {}\n\nfunc init() {}\n",
		"src/b.go":      "package p\n\nfunc Beta() int {\n\treturn 2\n}\n",
		"src/a_test.go": "package p\n\nimport \"testing\"\n\nfunc TestAlpha(t *testing.T) {\n\tif Alpha() != 1 {\n\t\tt.Fatal(Alpha())\n\t}\n}\n",
		"src/doc.go":    "// Package p is a test.\npackage p\n\ntype T int\n",
	}
}

// indexFixture is a committed tree, scanned once with the stat index,
// and a ledger that recorded that scan.
type indexFixture struct {
	t         *testing.T
	r         *testRepo
	root, dir string
	commit    string
	// ledger is the items the ledger records, as RecordedDecls reads them.
	ledger []Known
	// recordedCalls counts the calls of ScanOptions.Recorded.
	recordedCalls int
}

func newIndexFixture(t *testing.T) *indexFixture {
	t.Helper()
	if _, ok := statOf(mustStat(t, os.Args[0])); !ok {
		t.Skipf("no stat index on %s", runtime.GOOS)
	}
	r := newTestRepo(t)
	writeTree(t, r.dir, indexTree())
	f := &indexFixture{t: t, r: r, root: filepath.Join(r.dir, "src"), dir: t.TempDir()}
	f.commit = r.commitAll("src")
	res := f.scan()
	f.record(res)
	return f
}

func mustStat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// record makes the ledger hold what scan res found, as a scan's entry
// would.
func (f *indexFixture) record(res *ScanResult) {
	f.t.Helper()
	f.ledger = knownFrom(Reconcile(nil, res.Decls, res.Commit, 1, 1))
}

// scan scans the tree with the index, the ledger's items as Recorded.
func (f *indexFixture) scan() *ScanResult {
	f.t.Helper()
	res, err := Scan(f.root, ScanOptions{CacheDir: f.dir, Recorded: func() (map[string][]RecordedDecl, error) {
		f.recordedCalls++
		return RecordedDecls(f.ledger, ""), nil
	}})
	if err != nil {
		f.t.Fatal(err)
	}
	if res.CacheErr != nil {
		f.t.Fatal(res.CacheErr)
	}
	return res
}

// entries reads the index as written.
func (f *indexFixture) entries() []indexEntry {
	f.t.Helper()
	data, err := os.ReadFile(filepath.Join(f.dir, indexName))
	if err != nil {
		f.t.Fatal(err)
	}
	entries, err := parseIndex(data)
	if err != nil {
		f.t.Fatal(err)
	}
	return entries
}

// rewrite changes the index's entries as edit says and writes it back, as
// an attacker who can write .git would (or as a later scan would, for
// Read).
func (f *indexFixture) rewrite(edit func(e *indexEntry)) {
	f.t.Helper()
	entries := f.entries()
	for i := range entries {
		edit(&entries[i])
	}
	if err := os.WriteFile(filepath.Join(f.dir, indexName), encodeIndex(entries), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// settle makes every entry clean, as if the scan that wrote it had begun
// an hour after the files last changed (a test cannot wait out
// racyMargin's change times).
func (f *indexFixture) settle() {
	f.rewrite(func(e *indexEntry) { e.Read = max(e.Stat.MTime, e.Stat.CTime) + int64(time.Hour) })
}

// fresh is a scan of the tree without any cache: what every scan must
// find.
func (f *indexFixture) fresh() []Decl {
	f.t.Helper()
	res, err := Scan(f.root, ScanOptions{})
	if err != nil {
		f.t.Fatal(err)
	}
	return res.Decls
}

func (f *indexFixture) sameAsFresh(res *ScanResult) {
	f.t.Helper()
	if want := f.fresh(); !reflect.DeepEqual(res.Decls, want) {
		f.t.Fatalf("decls differ from a scan without caches:\n got %+v\nwant %+v", res.Decls, want)
	}
}

// TestScanIndexLeavesUnchangedFilesUnread: after a scan the index has an
// entry per file; once the entries are clean, a rescan reads none of the
// files that hold items (doc.go, which has none, is read: nothing in the
// ledger vouches for it) and finds what a scan without caches finds.
func TestScanIndexLeavesUnchangedFilesUnread(t *testing.T) {
	f := newIndexFixture(t)
	entries := f.entries()
	if len(entries) != 4 || entries[0].Path != "src/a.go" {
		t.Fatalf("index entries: %+v", entries)
	}
	res := f.scan()
	if res.Unread != 0 {
		t.Fatalf("racy entries were trusted: %d files unread", res.Unread)
	}
	f.settle()
	before := f.entries()
	res = f.scan()
	if res.Unread != 3 {
		t.Fatalf("%d files unread, want 3", res.Unread)
	}
	f.sameAsFresh(res)
	if res.Committed["a.go"] == "" || res.Blobs["a.go"] != res.Committed["a.go"] {
		t.Fatalf("blobs %v, committed %v", res.Blobs, res.Committed)
	}
	if !reflect.DeepEqual(f.entries(), before) {
		t.Fatal("a rescan that found nothing new rewrote the index")
	}
}

// TestScanIndexRacy: an entry whose stat is the file's but whose scan
// began within racyMargin of the file's last change is not trusted: the
// file is read. Here the file was changed (same size) and the entry made
// to match its new stat, as a change right after the scan read it would
// leave it within one tick of the timestamps.
func TestScanIndexRacy(t *testing.T) {
	f := newIndexFixture(t)
	f.settle()
	p := filepath.Join(f.root, "b.go")
	edited := strings.Replace(indexTree()["src/b.go"], "return 2", "return 3", 1)
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	st, _ := statOf(mustStat(t, p))
	var settled indexEntry
	for _, e := range f.entries() {
		if e.Path == "src/b.go" {
			settled = e
		}
	}
	for _, tc := range []struct {
		name   string
		read   int64 // when the entry's scan began, relative to the file's last change
		mtime  bool  // the modification time put back two hours (the change time stays)
		unread int
	}{
		{"same second", int64(500 * time.Millisecond), false, 2},
		{"just inside the margin", racyMargin, false, 2},
		{"after the margin", racyMargin + 1, false, 3},
		{"old mtime, ctime inside the margin", racyMargin, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := st
			if tc.mtime {
				back := time.Now().Add(-2 * time.Hour)
				if err := os.Chtimes(p, back, back); err != nil {
					t.Fatal(err)
				}
				st, _ = statOf(mustStat(t, p))
			}
			f.rewrite(func(e *indexEntry) {
				if e.Path == "src/b.go" {
					*e = settled
					e.Stat = st
					e.Read = max(st.MTime, st.CTime) + tc.read
				}
			})
			res := f.scan()
			if res.Unread != tc.unread {
				t.Fatalf("%d files unread, want %d", res.Unread, tc.unread)
			}
			if tc.unread == 2 {
				f.sameAsFresh(res)
			} else if res.Decls[len(res.Decls)-1].Digest == f.fresh()[len(res.Decls)-1].Digest {
				// Trusted, the entry gives the committed content's
				// declarations, as git status trusts its index.
				t.Fatal("b.go was read")
			}
		})
	}
}

// TestScanIndexChangedFileIsRead: a file changed after the index was
// written (same size, its modification time put back) has another stat
// (its change time at least), so it is read and parsed again, committed or
// not.
func TestScanIndexChangedFileIsRead(t *testing.T) {
	f := newIndexFixture(t)
	f.settle()
	p := filepath.Join(f.root, "a.go")
	old := mustStat(t, p)
	edited := strings.Replace(indexTree()["src/a.go"], "return 1", "return 7", 1)
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, old.ModTime(), old.ModTime()); err != nil {
		t.Fatal(err)
	}
	res := f.scan()
	if res.Unread != 2 {
		t.Fatalf("%d files unread, want 2 (a.go changed)", res.Unread)
	}
	f.sameAsFresh(res)
	if res.Blobs["a.go"] == res.Committed["a.go"] {
		t.Fatal("the changed file kept the committed blob")
	}
	writeTree(t, f.r.dir, map[string]string{"src/a.go": edited + "\nfunc Gamma() {}\n"})
	f.r.commitAll("edit a.go")
	f.sameAsFresh(f.scan())
}

// TestScanIndexForged: entries an attacker who can write .git forged are
// not trusted beyond what they can be checked against: an entry pointing
// at another file's blob and declarations, one whose fingerprint is not
// that of the ledger's items, and one claiming a stat the file does not
// have all leave the file read, and every scan finds what a scan without
// caches finds.
func TestScanIndexForged(t *testing.T) {
	for _, tc := range []struct {
		name   string
		forge  func(e *indexEntry, byPath map[string]indexEntry)
		unread int
	}{
		{"another file's blob and declarations", func(e *indexEntry, by map[string]indexEntry) {
			if e.Path == "src/a.go" {
				e.Blob, e.Decls = by["src/b.go"].Blob, by["src/b.go"].Decls
			}
		}, 2},
		{"another fingerprint", func(e *indexEntry, _ map[string]indexEntry) {
			if e.Path == "src/a.go" {
				e.Decls[0] ^= 1
			}
		}, 2},
		{"another stat", func(e *indexEntry, _ map[string]indexEntry) {
			if e.Path == "src/a.go" {
				e.Stat.Ino++
			}
		}, 2},
		{"no declarations in a file with some", func(e *indexEntry, _ map[string]indexEntry) {
			if e.Path == "src/b.go" {
				e.Decls = declsPrint(nil)
			}
		}, 2},
		{"unforged", func(*indexEntry, map[string]indexEntry) {}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newIndexFixture(t)
			f.settle()
			by := map[string]indexEntry{}
			for _, e := range f.entries() {
				by[e.Path] = e
			}
			f.rewrite(func(e *indexEntry) { tc.forge(e, by) })
			res := f.scan()
			if res.Unread != tc.unread {
				t.Fatalf("%d files unread, want %d", res.Unread, tc.unread)
			}
			f.sameAsFresh(res)
		})
	}
}

// TestScanIndexNeedsTheLedger: the declarations of an unread file are the
// ledger's, so a file is read when the ledger does not record them as the
// index says the scan found them (another span, an item gone, a source
// commit missing), or records them at a commit whose tree holds another
// blob at that path; and it is left unread when that commit holds the
// same blob.
func TestScanIndexNeedsTheLedger(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(f *indexFixture, k *Known)
		unread int
	}{
		{"another span", func(_ *indexFixture, k *Known) {
			if k.SourceSymbol == "Beta" {
				k.SourceEnd++
			}
		}, 2},
		{"removed", func(_ *indexFixture, k *Known) { k.Removed = k.Removed || k.SourceSymbol == "Beta" }, 2},
		{"no source commit", func(_ *indexFixture, k *Known) {
			if k.SourceSymbol == "Beta" {
				k.SourceCommit = ""
			}
		}, 2},
		{"a commit with another blob", func(f *indexFixture, k *Known) {
			if k.SourceSymbol == "Beta" {
				k.SourceCommit = f.otherCommit("src/b.go", "package p\n\nfunc Beta() int { return 2 }\n")
			}
		}, 2},
		{"a commit that is not there", func(_ *indexFixture, k *Known) {
			if k.SourceSymbol == "Beta" {
				k.SourceCommit = strings.Repeat("ab", 20)
			}
		}, 2},
		{"a commit with the same blob", func(f *indexFixture, k *Known) {
			if k.SourceSymbol == "Beta" {
				k.SourceCommit = f.otherCommit("src/c.go", "package p\n")
			}
		}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newIndexFixture(t)
			f.settle()
			for i := range f.ledger {
				tc.edit(f, &f.ledger[i])
			}
			res := f.scan()
			if res.Unread != tc.unread {
				t.Fatalf("%d files unread, want %d", res.Unread, tc.unread)
			}
			f.sameAsFresh(res)
		})
	}
}

// otherCommit commits name with text, then the tree as it was again (the
// new HEAD), returning the commit between; the index is brought up to
// date with the files as they are, and settled.
func (f *indexFixture) otherCommit(name, text string) string {
	f.t.Helper()
	p := filepath.Join(f.r.dir, filepath.FromSlash(name))
	old, err := os.ReadFile(p)
	existed := err == nil
	writeTree(f.t, f.r.dir, map[string]string{name: text})
	c := f.r.commitAll("other")
	if existed {
		writeTree(f.t, f.r.dir, map[string]string{name: string(old)})
	} else {
		removeFiles(f.t, f.r.dir, name)
	}
	f.r.commitAll("back")
	f.scan()
	f.settle()
	return c
}

// TestScanIndexNoRecorded: without Recorded (or with no entry vouched
// for) the index is written but every file is read, and Recorded is not
// called when no file is a candidate.
func TestScanIndexNoRecorded(t *testing.T) {
	f := newIndexFixture(t)
	calls := f.recordedCalls
	f.scan() // entries racy: no candidate
	if f.recordedCalls != calls {
		t.Fatal("Recorded was called with no candidate")
	}
	f.settle()
	res, err := Scan(f.root, ScanOptions{CacheDir: f.dir})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unread != 0 {
		t.Fatalf("%d files unread without the ledger", res.Unread)
	}
	f.sameAsFresh(res)
}

// TestRecordedDecls: the ledger's live items under the tree, by file
// relative to it, their symbols split into name and occurrence.
func TestRecordedDecls(t *testing.T) {
	items := []Known{
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 1}, Mapping: ledger.Mapping{SourceFile: "src/a.go", SourceSymbol: "init#2", SourceStart: 3, SourceEnd: 4, SourceCommit: "c", SourceDigest: "d"}},
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 2}, Mapping: ledger.Mapping{SourceFile: "src/a.go", SourceSymbol: "Gone"}, Removed: true},
		{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 1}, Mapping: ledger.Mapping{SourceFile: "other/a_test.go", SourceSymbol: "TestA"}},
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 3}},
	}
	got := RecordedDecls(items, "src")
	want := map[string][]RecordedDecl{"a.go": {{Commit: "c", Decl: Decl{Kind: ledger.Feature, File: "a.go", Symbol: "init", Occurrence: 1, Start: 3, End: 4, Digest: "d"}}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if all := RecordedDecls(items, ""); len(all) != 2 || len(all["other/a_test.go"]) != 1 {
		t.Fatalf("whole source root: %+v", all)
	}
}

// TestDeclsPrint: the fingerprint does not depend on the declarations'
// order and changes with any field.
func TestDeclsPrint(t *testing.T) {
	a := Decl{Kind: ledger.Feature, File: "a.go", Symbol: "F", Start: 1, End: 2, Digest: "sha256:01"}
	b := Decl{Kind: ledger.Feature, File: "a.go", Symbol: "G", Start: 4, End: 5, Digest: "sha256:02"}
	if declsPrint([]Decl{a, b}) != declsPrint([]Decl{b, a}) {
		t.Fatal("order counts")
	}
	base := declsPrint([]Decl{a, b})
	for _, edit := range []func(d *Decl){
		func(d *Decl) { d.Kind = ledger.Test },
		func(d *Decl) { d.Symbol = "H" },
		func(d *Decl) { d.Occurrence = 1 },
		func(d *Decl) { d.Start = 0 },
		func(d *Decl) { d.End = 3 },
		func(d *Decl) { d.Digest = "sha256:03" },
	} {
		c := a
		edit(&c)
		if declsPrint([]Decl{c, b}) == base {
			t.Errorf("%+v has the fingerprint of %+v", c, a)
		}
	}
	if declsPrint(nil) == declsPrint([]Decl{{}}) {
		t.Error("no declaration and an empty one share a fingerprint")
	}
	// Length prefixes: a symbol's end cannot pass for the digest's start.
	x := Decl{Symbol: "ab", Digest: "c"}
	y := Decl{Symbol: "a", Digest: "bc"}
	if declsPrint([]Decl{x}) == declsPrint([]Decl{y}) {
		t.Error("fields run into each other")
	}
}

// TestParseIndex: what encodeIndex writes reads back; anything else is
// refused whole.
func TestParseIndex(t *testing.T) {
	entries := []indexEntry{
		{Path: "a.go", Stat: fileStat{Mode: 0o100644, Size: 10, MTime: 1, CTime: 2, Ino: 3, Dev: 4}, Read: 5, Blob: [20]byte{1}, Decls: [32]byte{2}},
		{Path: "dir/b.go", Stat: fileStat{Size: 0, MTime: -1}, Read: 6},
	}
	good := encodeIndex(entries)
	got, err := parseIndex(good)
	if err != nil || !reflect.DeepEqual(got, entries) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	if got, err := parseIndex(encodeIndex(nil)); err != nil || len(got) != 0 {
		t.Fatalf("empty index: %+v, %v", got, err)
	}
	resum := func(b []byte) []byte { return sealIndex(bytes.Clone(b[:len(b)-32])) }
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"other magic", resum(append([]byte("porttracker scan index 2\n"), good[len(indexMagic):]...))},
		{"bad checksum", append(bytes.Clone(good[:len(good)-1]), good[len(good)-1]^1)},
		{"truncated", good[:len(good)-5]},
		{"out of order", resum(encodeIndex([]indexEntry{entries[1], entries[0]}))},
		{"twice", resum(encodeIndex([]indexEntry{entries[0], entries[0]}))},
		{"absolute path", resum(encodeIndex([]indexEntry{{Path: "/a.go"}}))},
		{"dot dot", resum(encodeIndex([]indexEntry{{Path: "../a.go"}}))},
		{"backslash", resum(encodeIndex([]indexEntry{{Path: `a\b.go`}}))},
		{"empty path", resum(encodeIndex([]indexEntry{{Path: ""}}))},
		{"negative size", resum(encodeIndex([]indexEntry{{Path: "a.go", Stat: fileStat{Size: -1}}}))},
		{"trailing bytes", sealIndex(append(bytes.Clone(good[:len(good)-32]), 1))},
	} {
		if _, err := parseIndex(tc.data); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

// TestScanIndexUnreadable: an index that does not parse is ignored whole
// and written again.
func TestScanIndexUnreadable(t *testing.T) {
	f := newIndexFixture(t)
	f.settle()
	p := filepath.Join(f.dir, indexName)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	data[len(indexMagic)+3] ^= 1
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	res := f.scan()
	if res.Unread != 0 {
		t.Fatalf("a damaged index vouched for %d files", res.Unread)
	}
	f.sameAsFresh(res)
	if len(f.entries()) != 4 {
		t.Fatal("the index was not written again")
	}
}

func FuzzParseIndex(f *testing.F) {
	f.Add(encodeIndex(nil))
	f.Add(encodeIndex([]indexEntry{{Path: "a.go", Stat: fileStat{Size: 3}, Blob: [20]byte{9}}, {Path: "b/c.go"}}))
	f.Add([]byte(indexMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := parseIndex(data)
		if err == nil {
			if again := encodeIndex(entries); !bytes.Equal(again, data) {
				t.Fatalf("%q parsed as %+v, which encodes as %q", data, entries, again)
			}
		}
		// With the checksum made right, the body alone decides.
		body := data
		if len(body) >= 32 {
			body = body[:len(body)-32]
		}
		if entries, err := parseIndex(sealIndex(bytes.Clone(body))); err == nil {
			if again := encodeIndex(entries); !bytes.Equal(again, sealIndex(bytes.Clone(body))) {
				t.Fatalf("%q parsed as %+v, which encodes as %q", body, entries, again)
			}
		}
	})
}

// TestScanIndexUncommittedEdit: a file edited without committing it, in a
// way that leaves its declarations as they were (a comment), is read on
// every scan: its entry's blob is not the commit's. So the scan's blob
// for it is what is on disk, and the check that the source is committed
// (Uncommitted) sees the edit.
func TestScanIndexUncommittedEdit(t *testing.T) {
	f := newIndexFixture(t)
	p := filepath.Join(f.root, "a.go")
	edited := strings.Replace(indexTree()["src/a.go"], "package p\n", "package p // edited\n", 1)
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	f.scan() // the index now knows a.go as edited
	f.settle()
	res := f.scan()
	if res.Unread != 2 {
		t.Fatalf("%d files unread, want 2", res.Unread)
	}
	if res.Blobs["a.go"] == res.Committed["a.go"] {
		t.Fatal("the edited file has the committed blob")
	}
	f.sameAsFresh(res)
}

// TestScanIndexFileWithoutItems: a file the ledger records no item in is
// read on every scan, whatever its entry says (nothing in the ledger
// vouches for it), and a func added to it is found: here its entry was
// forged to the file's new stat, saying it still declares nothing.
func TestScanIndexFileWithoutItems(t *testing.T) {
	f := newIndexFixture(t)
	f.settle()
	p := filepath.Join(f.root, "doc.go")
	if err := os.WriteFile(p, []byte(indexTree()["src/doc.go"]+"\nfunc Delta() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, _ := statOf(mustStat(t, p))
	f.rewrite(func(e *indexEntry) {
		if e.Path == "src/doc.go" {
			e.Stat, e.Read = st, max(st.MTime, st.CTime)+int64(time.Hour)
		}
	})
	res := f.scan()
	if res.Unread != 3 {
		t.Fatalf("%d files unread, want 3", res.Unread)
	}
	f.sameAsFresh(res)
}
