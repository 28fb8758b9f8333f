package inventory

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// cacheTree is a small tree with a feature file and a test file.
func cacheTree() map[string]string {
	return map[string]string{
		"a.go":      "package p\n\nfunc Alpha() int {\n\treturn 1\n}\n\nfunc init() {}\n\nfunc init() {}\n",
		"a_test.go": "package p\n\nimport \"testing\"\n\nfunc TestAlpha(t *testing.T) {\n\tif Alpha() != 1 {\n\t\tt.Fatal(Alpha())\n\t}\n}\n",
	}
}

// scanWith scans root with the cache in dir ("" for none).
func scanWith(t *testing.T, root, dir string) []Decl {
	t.Helper()
	res, err := Scan(root, ScanOptions{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if res.CacheErr != nil {
		t.Fatal(res.CacheErr)
	}
	return res.Decls
}

// readCache decodes the cache file in dir as it was written.
func readCache(t *testing.T, dir string) cacheFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, cacheName))
	if err != nil {
		t.Fatal(err)
	}
	var cf cacheFile
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&cf); err != nil {
		t.Fatal(err)
	}
	return cf
}

// writeCache encodes cf into dir's cache file, as an attacker with write
// access to .git would.
func writeCache(t *testing.T, dir string, cf cacheFile) {
	t.Helper()
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(cf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, cacheName), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestScanCacheIsUsed(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	writeTree(t, root, cacheTree())
	want := scanWith(t, root, dir)
	cf := readCache(t, dir)
	if len(cf.Files) != 2 {
		t.Fatalf("cache holds %d files, want 2", len(cf.Files))
	}
	// A digest changed in the cache (well-formed, so it fits) shows up in
	// the rescan: the file was not parsed again.
	forged := "sha256:" + strings.Repeat("ab", 32)
	for i := range cf.Files {
		cf.Files[i].Decls[0].Digest = forged
	}
	writeCache(t, dir, cf)
	got := scanWith(t, root, dir)
	if len(got) != len(want) || got[0].Digest != forged {
		t.Fatalf("rescan did not use the cache: %+v", got)
	}
	if got[2].Occurrence != 1 || got[2].Symbol != "init" {
		t.Fatalf("occurrence of the second init from the cache: %+v", got[2])
	}
}

func TestScanCacheRescansChangedFile(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	writeTree(t, root, cacheTree())
	scanWith(t, root, dir)
	writeTree(t, root, map[string]string{"a.go": "package p\n\nfunc Alpha() int {\n\treturn 2\n}\n\nfunc Beta() {}\n"})
	got := scanWith(t, root, dir)
	want := scanWith(t, root, "")
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rescan after an edit:\n got %+v\nwant %+v", got, want)
	}
	if len(got) != 3 || got[1].Symbol != "Beta" {
		t.Fatalf("the edited file was not rescanned: %+v", got)
	}
}

func TestScanCacheHostileIgnored(t *testing.T) {
	tree := cacheTree()
	blob := blobHash([]byte(tree["a.go"]))
	testBlob := blobHash([]byte(tree["a_test.go"]))
	digest := "sha256:" + strings.Repeat("0", 64)
	forge := func(decls ...cachedDecl) []byte {
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(cacheFile{Version: cacheVersion, Files: []cachedFile{{Blob: blob, Decls: decls}}}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	forgeTest := func(decls ...cachedDecl) []byte {
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(cacheFile{Version: cacheVersion, Files: []cachedFile{{Blob: testBlob, Test: true, Decls: decls}}}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for _, tc := range []struct {
		name  string
		cache []byte
	}{
		{"random bytes", []byte("\x00\xffnot a cache at all")},
		{"truncated", forge(cachedDecl{Symbol: "Alpha", Start: 3, End: 5, Digest: digest})[:20]},
		{"another version", func() []byte {
			var b bytes.Buffer
			gob.NewEncoder(&b).Encode(cacheFile{Version: "porttracker scan cache 0", Files: []cachedFile{{Blob: blob, Decls: []cachedDecl{{Symbol: "Alpha", Start: 3, End: 5, Digest: digest}}}}})
			return b.Bytes()
		}()},
		{"a function hidden", forge()},
		{"a function the line does not declare", forge(cachedDecl{Symbol: "Evil", Start: 3, End: 5, Digest: digest})},
		{"a span past the end", forge(cachedDecl{Symbol: "Alpha", Start: 3, End: 500, Digest: digest})},
		{"a span before the one before", forge(cachedDecl{Symbol: "init", Start: 7, End: 7, Digest: digest}, cachedDecl{Symbol: "Alpha", Start: 3, End: 5, Digest: digest})},
		{"a malformed symbol", forge(cachedDecl{Symbol: "Alpha; rm -rf /", Start: 3, End: 5, Digest: digest})},
		{"a malformed digest", forge(cachedDecl{Symbol: "Alpha", Start: 3, End: 5, Digest: "sha256:zz"})},
		{"a blank function", forge(cachedDecl{Symbol: "_", Start: 3, End: 5, Digest: digest})},
		{"a test that go test would not run", forgeTest(cachedDecl{Symbol: "Testalpha", Start: 5, End: 9, Digest: digest})},
		{"a method as a test", forgeTest(cachedDecl{Symbol: "(T).TestAlpha", Start: 5, End: 9, Digest: digest})},
		{"a malformed blob", func() []byte {
			var b bytes.Buffer
			gob.NewEncoder(&b).Encode(cacheFile{Version: cacheVersion, Files: []cachedFile{{Blob: "../../etc/passwd", Decls: nil}}})
			return b.Bytes()
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, dir := t.TempDir(), t.TempDir()
			writeTree(t, root, tree)
			want := scanWith(t, root, "")
			if err := os.WriteFile(filepath.Join(dir, cacheName), tc.cache, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := scanWith(t, root, dir); !reflect.DeepEqual(got, want) {
				t.Fatalf("the hostile cache was trusted:\n got %+v\nwant %+v", got, want)
			}
			// The scan replaced it with a sound one.
			if got := scanWith(t, root, dir); !reflect.DeepEqual(got, want) {
				t.Fatalf("rescan with the rewritten cache:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestScanCacheNoRewriteWhenCurrent(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	writeTree(t, root, cacheTree())
	scanWith(t, root, dir)
	path := filepath.Join(dir, cacheName)
	// A file the scan would rewrite is replaced: when the cache already
	// knows every file, it is left as it is.
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	scanWith(t, root, dir)
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Fatal("a current cache was rewritten")
	}
	writeTree(t, root, map[string]string{"b.go": "package p\n\nfunc Gamma() {}\n"})
	scanWith(t, root, dir)
	if len(readCache(t, dir).Files) != 3 {
		t.Fatal("a new file did not reach the cache")
	}
}

func FuzzLoadCache(f *testing.F) {
	tree := cacheTree()
	src := []byte(tree["a.go"])
	blob := blobHash(src)
	var b bytes.Buffer
	gob.NewEncoder(&b).Encode(cacheFile{Version: cacheVersion, Files: []cachedFile{{Blob: blob, Decls: []cachedDecl{{Symbol: "Alpha", Start: 3, End: 5, Digest: "sha256:" + strings.Repeat("0", 64)}}}}})
	f.Add(b.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, cacheName), data, 0o644); err != nil {
			t.Fatal(err)
		}
		c := loadCache(dir)
		decls, ok := c.lookup(blob, "a.go", src)
		if !ok {
			return
		}
		prev := 1
		for _, d := range decls {
			if d.Start < prev || d.End < d.Start || d.End > 9 || !validDigest(d.Digest) || d.File != "a.go" {
				t.Fatalf("an unfit declaration came from the cache: %+v", d)
			}
			prev = d.End
		}
	})
}
