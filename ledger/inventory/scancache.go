package inventory

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/porttracker/porttracker/gates/golang"
	"github.com/porttracker/porttracker/ledger"
)

// cacheName is the rescan cache's file name in ScanOptions.CacheDir.
const cacheName = "scan-cache"

// cacheVersion names the cache's format and the scanner that filled it;
// a cache of another version is ignored.
const cacheVersion = "porttracker scan cache 1"

// cacheMaxBytes bounds the cache file that is read at all.
const cacheMaxBytes = 512 << 20

// cacheFile is the cache as stored: the declarations found in files that
// parsed, by the file's git blob hash and whether it is a _test.go file
// (what a declaration depends on besides the file's name).
type cacheFile struct {
	Version string
	Files   []cachedFile
}

// cachedFile is what one file held.
type cachedFile struct {
	Blob  string // git blob hash of the content, hex
	Test  bool   // a _test.go file
	Decls []cachedDecl
}

// cachedDecl is one declaration; its kind follows from the file, its
// occurrence from the declarations before it.
type cachedDecl struct {
	Symbol     string
	Start, End int
	Digest     string
}

// scanCache holds the cached declarations by key (see cacheKey).
type scanCache struct {
	files map[string][]cachedDecl
	// read says the cache file was read and used.
	read bool
}

// cacheKey is a file's key in the cache.
func cacheKey(blob string, test bool) string {
	if test {
		return blob + " test"
	}
	return blob
}

// loadCache reads the cache in dir. A cache that is missing, unreadable,
// of another version or malformed in any way is not used: the result is
// then an empty cache, and the scan parses every file.
func loadCache(dir string) *scanCache {
	c := &scanCache{files: map[string][]cachedDecl{}}
	if dir == "" {
		return c
	}
	f, err := os.Open(filepath.Join(dir, cacheName))
	if err != nil {
		return c
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, cacheMaxBytes+1))
	if err != nil || len(data) > cacheMaxBytes {
		return c
	}
	var cf cacheFile
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&cf) != nil || cf.Version != cacheVersion {
		return c
	}
	for _, file := range cf.Files {
		if !validBlob(file.Blob) {
			return &scanCache{files: map[string][]cachedDecl{}}
		}
		c.files[cacheKey(file.Blob, file.Test)] = file.Decls
	}
	c.read = true
	return c
}

// lookup returns the declarations the cache (nil: none) holds for a file of content src
// and blob hash blob, as Decls of rel. It reports false when the cache has
// none or what it has does not fit the file (see fits): the file is parsed
// then, as if there were no cache.
func (c *scanCache) lookup(blob, rel string, src []byte) ([]Decl, bool) {
	if c == nil {
		return nil, false
	}
	test := strings.HasSuffix(rel, "_test.go")
	cached, ok := c.files[cacheKey(blob, test)]
	if !ok || !fits(cached, src, test) {
		return nil, false
	}
	kind := ledger.Feature
	if test {
		kind = ledger.Test
	}
	out := make([]Decl, len(cached))
	seen := map[string]int{}
	for i, d := range cached {
		out[i] = Decl{Kind: kind, File: rel, Symbol: d.Symbol, Occurrence: seen[d.Symbol], Start: d.Start, End: d.End, Digest: d.Digest}
		seen[d.Symbol]++
	}
	return out, true
}

// fits reports whether cached declarations can be those of src: each has
// the form scanFile gives, lies inside the file after the one before it,
// and starts on a line that declares its name with func; in a test file
// each is named as go test's tests are; and every line that starts with
// func and declares an item (see unlisted) starts one of them: formatted
// source puts top-level functions there. The cache lives in .git, where anyone with write
// access to the repository can put anything, so what it says is checked
// against the file before it is used.
func fits(cached []cachedDecl, src []byte, test bool) bool {
	next, prevEnd := 0, 1
	for line, at := 1, 0; at <= len(src); line++ {
		text := src[at:]
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			text = text[:i]
		}
		at += len(text) + 1
		if next < len(cached) && cached[next].Start == line {
			d := cached[next]
			if d.Start < prevEnd || d.End < d.Start || !validDigest(d.Digest) {
				return false
			}
			name, ok := cachedName(d.Symbol)
			if !ok || name == "_" || (test && (name != d.Symbol || !golang.IsTestName(name))) {
				return false
			}
			if !bytes.HasPrefix(text, []byte("func")) || !bytes.Contains(text, []byte(name)) {
				return false
			}
			next, prevEnd = next+1, d.End
			continue
		}
		if next < len(cached) && cached[next].Start < line {
			return false
		}
		if unlisted(text, test) {
			return false
		}
	}
	// Every declaration was met, and the last one ends inside the file.
	return next == len(cached) && prevEnd <= bytes.Count(src, []byte{'\n'})+1
}

// unlisted reports a line that starts a declaration the cache must have
// listed: in a file of features any func but func _; in a test file, a
// func TestXxx whose line takes a *testing.T (its helpers, benchmarks,
// examples and TestMain are no items).
func unlisted(line []byte, test bool) bool {
	if !bytes.HasPrefix(line, []byte("func ")) && !bytes.HasPrefix(line, []byte("func(")) {
		return false
	}
	if !test {
		return !blankFunc(line)
	}
	name, _, _ := bytes.Cut(bytes.TrimSpace(line[len("func"):]), []byte("("))
	return golang.IsTestName(string(bytes.TrimSpace(name))) && bytes.Contains(line, []byte("*testing.T)"))
}

// blankFunc reports a line that declares func _, which is not an item.
func blankFunc(line []byte) bool {
	rest := bytes.TrimLeft(line[len("func"):], " \t")
	return bytes.HasPrefix(rest, []byte("_(")) || bytes.HasPrefix(rest, []byte("_ ("))
}

// cachedName checks a cached symbol's form, that of scanFile: a name, or
// "(T).name", "(*T).name", "(pkg.T).name"; it returns the name.
func cachedName(sym string) (string, bool) {
	if !strings.HasPrefix(sym, "(") {
		return sym, isIdent(sym)
	}
	recv, name, ok := strings.Cut(sym[1:], ").")
	if !ok || !isIdent(name) {
		return "", false
	}
	recv = strings.TrimPrefix(recv, "*")
	if q, t, dotted := strings.Cut(recv, "."); dotted {
		return name, isIdent(q) && isIdent(t)
	}
	return name, isIdent(recv)
}

// isIdent reports a Go identifier.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// validDigest reports the form of Decl.Digest, "sha256:" and 64 hex digits.
func validDigest(s string) bool {
	hexPart, ok := strings.CutPrefix(s, "sha256:")
	return ok && len(hexPart) == 64 && isHex(hexPart)
}

// isHex reports lower-case hex digits only.
func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// validBlob reports a hex SHA-1 as git names blobs.
func validBlob(s string) bool { return len(s) == 40 && isHex(s) }

// has reports whether the cache holds the file of blob hash blob at rel,
// whether or not what it holds fits.
func (c *scanCache) has(blob, rel string) bool {
	if c == nil {
		return false
	}
	_, ok := c.files[cacheKey(blob, strings.HasSuffix(rel, "_test.go"))]
	return ok
}

// stale reports whether the cache lacks what a scan found: a file that
// parsed cleanly and that it does not know, or the cache was not read. (A
// file it knows but whose declarations do not pass fits, such as one with a
// func at the start of a line of a raw string, is parsed on every scan;
// writing it again would not change that.)
func (c *scanCache) stale(results []fileResult) bool {
	if !c.read {
		return true
	}
	for _, r := range results {
		if !r.cached && r.err == nil && r.broken == nil {
			return true
		}
	}
	return false
}

// saveCache writes the declarations of the files this scan parsed or found
// in the cache, and keeps other files' entries of the old cache while the
// cache stays within twice this scan's files, so that scanning two trees in
// turn keeps both. It writes a temporary file and renames it, so a reader
// never sees half a cache.
func saveCache(dir string, old *scanCache, results []fileResult, files []string) error {
	if dir == "" || !old.stale(results) {
		return nil
	}
	cf := cacheFile{Version: cacheVersion}
	used := map[string]bool{}
	for i, r := range results {
		if r.err != nil || r.broken != nil || r.blob == "" {
			continue
		}
		test := strings.HasSuffix(files[i], "_test.go")
		key := cacheKey(r.blob, test)
		if used[key] {
			continue
		}
		used[key] = true
		decls := make([]cachedDecl, len(r.decls))
		for j, d := range r.decls {
			decls[j] = cachedDecl{Symbol: d.Symbol, Start: d.Start, End: d.End, Digest: d.Digest}
		}
		cf.Files = append(cf.Files, cachedFile{Blob: r.blob, Test: test, Decls: decls})
	}
	limit := max(2*len(cf.Files), 1000)
	for key, decls := range old.files {
		if len(cf.Files) >= limit {
			break
		}
		if used[key] {
			continue
		}
		blob, test := strings.CutSuffix(key, " test")
		cf.Files = append(cf.Files, cachedFile{Blob: blob, Test: test, Decls: decls})
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write the scan cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, cacheName+".tmp*")
	if err != nil {
		return fmt.Errorf("write the scan cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := gob.NewEncoder(tmp).Encode(cf); err != nil {
		tmp.Close()
		return fmt.Errorf("write the scan cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write the scan cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, cacheName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("write the scan cache: %w", err)
	}
	return nil
}
