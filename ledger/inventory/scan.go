package inventory

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/porttracker/porttracker/gates/symbol"
	"github.com/porttracker/porttracker/ledger"
)

// Decl is one function, method or test declared in the scanned source.
type Decl struct {
	// Kind is ledger.Feature for a function or method outside _test.go
	// files and ledger.Test for a func TestXxx(t *testing.T).
	Kind ledger.Kind
	// File is the file's path relative to the scanned root, slash-separated.
	File string
	// Symbol is the function name ("processConsumerAssignment") or the
	// receiver-qualified method name ("(*jetStream).processConsumerAssignment",
	// "(stream).name"); a generic receiver loses its type parameters
	// ("(*Set).Add").
	Symbol string
	// Occurrence counts earlier declarations of the same Symbol in the same
	// File: 0 for the first, 1 for the second func init, and so on.
	Occurrence int
	// Start and End are the 1-based lines of the declaration, from the func
	// keyword to the closing brace; the doc comment is not included.
	Start, End int
	// Digest is "sha256:<hex>" of the declaration's tokens without comments
	// and without the function's name, so that reformatting, comment edits
	// and a rename keep it while any change of code changes it.
	Digest string
}

// LedgerSymbol is the symbol recorded in the ledger: Symbol itself for the
// first declaration of a name in a file, and "Symbol#n" for the n-th (n ≥ 2),
// so that the second func init of a file is "init#2". File and LedgerSymbol
// name one declaration.
func (d Decl) LedgerSymbol() string {
	return symbol.Join(d.Symbol, d.Occurrence)
}

// ScanOptions tunes Scan.
type ScanOptions struct {
	// SkipBroken lists files that do not parse in ScanResult.Broken and
	// goes on; without it such a file makes Scan fail.
	SkipBroken bool
	// Progress, when set, is called after each file with the number of
	// files done and the total. It is called from Scan's own goroutine,
	// one call at a time.
	Progress func(done, total int)
	// CacheDir, when set, is where the rescan cache and the stat index
	// live (a directory inside .git): a file whose content the cache
	// knows is not parsed again, and the cache is rewritten after a scan
	// that succeeds.
	CacheDir string
	// Recorded, when set with CacheDir, gives the declarations the ledger
	// records in the scanned tree's files (see RecordedDecls): a file that
	// the stat index says is unchanged since a scan read it, and whose
	// declarations the ledger records as that scan found them, is not
	// read (see Scan). Scan calls it at most once, and not at all when no
	// file is a candidate.
	Recorded func() (map[string][]RecordedDecl, error)
}

// RecordedDecl is a declaration as the ledger records it: an item's source
// mapping, and the source commit it was recorded at.
type RecordedDecl struct {
	Decl
	// Commit is the item's source commit.
	Commit string
}

// RecordedDecls are the declarations the ledger's live items record under
// the scanned tree, by file relative to the tree: prefix is the tree's
// path relative to the source root ("" for all of it), as
// PlanScope.Prefix. Removed items, and items outside the tree, are left
// out.
func RecordedDecls(items []Known, prefix string) map[string][]RecordedDecl {
	out := map[string][]RecordedDecl{}
	for _, it := range items {
		if it.Removed || it.SourceFile == "" {
			continue
		}
		rel := it.SourceFile
		if prefix != "" {
			var ok bool
			if rel, ok = strings.CutPrefix(rel, prefix+"/"); !ok {
				continue
			}
		}
		name, occ := symbol.Split(it.SourceSymbol)
		out[rel] = append(out[rel], RecordedDecl{Commit: it.SourceCommit, Decl: Decl{Kind: it.Kind, File: rel, Symbol: name, Occurrence: occ,
			Start: it.SourceStart, End: it.SourceEnd, Digest: it.SourceDigest}})
	}
	return out
}

// BrokenFile is a Go file that did not parse.
type BrokenFile struct {
	// Path is the file's path as found on disk (the scanned root joined with
	// the file's relative path).
	Path string
	// Line and Column locate the first syntax error.
	Line, Column int
	// Err is the parser's message.
	Err string
}

// Error formats the problem as "path:line:col: message".
func (b BrokenFile) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", b.Path, b.Line, b.Column, b.Err)
}

// ScanResult is what Scan found.
type ScanResult struct {
	// Decls are the declarations, ordered by File and then Start.
	Decls []Decl
	// Broken lists the files skipped because they did not parse (only with
	// ScanOptions.SkipBroken), ordered by path.
	Broken []BrokenFile
	// Commit is HEAD of the git repository that contains the root, "" when
	// there is none or it has no commit.
	Commit string
	// RepoPrefix is the root's path relative to the top of that
	// repository, slash-separated; "" at the top or outside a repository.
	// RepoPrefix joined with Decl.File is the path SourceAt takes.
	RepoPrefix string
	// Blobs holds the git blob hash (hex) of each scanned file that
	// parsed, by its path relative to the root, as git would name its
	// content.
	Blobs map[string]string
	// Committed holds the git blob hash (hex) of each scanned file in the
	// tree of Commit, by its path relative to the root; a file that tree
	// lacks is not in it. It is nil when there is no Commit.
	Committed map[string]string
	// Unread counts the files whose declarations were taken from the
	// ledger, unread, on the stat index's word (see Scan).
	Unread int
	// CacheErr is why the rescan cache or the stat index could not be
	// written, if it could not; the scan itself is sound then.
	CacheErr error
}

// Scan parses every Go file under root, subdirectories included, and
// returns its functions, methods and tests. Directories named testdata or
// vendor and those whose name begins with a dot are skipped, as are files
// whose name begins with a dot; build constraints are ignored, so every
// file counts. Blank functions (func _()) are not items.
//
// With ScanOptions.CacheDir and Recorded, a file is left unread when all
// of this holds: the stat index has an entry for it whose stat is the
// file's now, taken by a scan that began at least racyMargin after the
// file last changed; the blob hash the entry records is the one the
// tree of the scan's commit holds at that path; the ledger records
// declarations in the file, their fingerprint is the one the entry
// records, and each was recorded at the scan's commit or at one whose tree
// holds the same blob there. The file's declarations are then the ledger's.
// Any file that fails one of these is read and parsed (or found in the
// rescan cache) as if there were no index.
func Scan(root string, opt ScanOptions) (*ScanResult, error) {
	began := time.Now().UnixNano()
	files, err := goFiles(root)
	if err != nil {
		return nil, err
	}
	repo, err := findRepo(root)
	if err != nil {
		return nil, err
	}
	res := &ScanResult{Blobs: make(map[string]string, len(files))}
	var trees *treeFiles
	if repo != nil {
		res.Commit, res.RepoPrefix = repo.Commit, repo.Prefix
		if repo.Commit != "" {
			trees = newTreeFiles(repo.repo)
			res.Committed = make(map[string]string, len(files))
			for _, f := range files {
				blob, err := trees.blob(repo.Commit, joinPrefix(repo.Prefix, f))
				if err != nil {
					// A tree that cannot be read leaves the check that
					// the source is committed to Uncommitted, which
					// says why, and the index unused.
					trees, res.Committed = nil, nil
					break
				}
				if blob != "" {
					res.Committed[f] = blob
				}
			}
		}
	}
	var index map[string]indexEntry
	if repo != nil {
		index = loadIndex(opt.CacheDir)
	}
	results := make([]fileResult, len(files))
	if err := unread(root, files, index, res, trees, opt.Recorded, results); err != nil {
		return nil, err
	}
	var toRead []int
	for i := range files {
		if results[i].indexed {
			res.Unread++
		} else {
			toRead = append(toRead, i)
		}
	}
	// The rescan cache is read when a file needs it, at most once.
	var cache *scanCache
	var once sync.Once
	loaded := func() *scanCache {
		once.Do(func() { cache = loadCache(opt.CacheDir) })
		return cache
	}
	withIndex := repo != nil && opt.CacheDir != ""
	// Reading a large cache costs about what parsing a hundred files does:
	// when the index vouched for the others, a few files are parsed
	// without it.
	needy := 0
	for _, i := range toRead {
		if results[i].empty == nil {
			needy++
		}
	}
	if res.Unread > 0 && needy < cacheWorth {
		loaded = func() *scanCache { return nil }
	}
	parallel(len(toRead), func(k int) {
		i := toRead[k]
		results[i] = parseOne(root, files[i], loaded, began, withIndex, results[i].empty)
	}, func(done int) {
		if opt.Progress != nil {
			opt.Progress(res.Unread+done, len(files))
		}
	})
	n := 0
	for _, r := range results {
		n += len(r.decls)
	}
	res.Decls = make([]Decl, 0, n)
	for i, r := range results {
		if r.err != nil {
			return nil, fmt.Errorf("scan %s: %w", files[i], r.err)
		}
		if r.broken != nil {
			res.Broken = append(res.Broken, *r.broken)
			continue
		}
		res.Decls = append(res.Decls, r.decls...)
		res.Blobs[files[i]] = r.blob
	}
	if len(res.Broken) > 0 && !opt.SkipBroken {
		first := res.Broken[0]
		more := ""
		switch n := len(res.Broken) - 1; {
		case n == 1:
			more = " (and 1 more broken file)"
		case n > 1:
			more = fmt.Sprintf(" (and %d more broken files)", n)
		}
		return nil, fmt.Errorf("%w%s: fix the file or skip broken files", first, more)
	}
	slices.SortStableFunc(res.Decls, func(a, b Decl) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Start, b.Start))
	})
	var errs []error
	// A scan that read no file needing the cache leaves it as it is.
	if cache != nil {
		errs = append(errs, saveCache(opt.CacheDir, cache, results, files))
	}
	if withIndex {
		errs = append(errs, updateIndex(opt.CacheDir, index, results, files, res.RepoPrefix))
	}
	res.CacheErr = errors.Join(errs...)
	return res, nil
}

// unread fills in results for the files that need not be read (see Scan):
// those the stat index vouches for, whose declarations the ledger
// records as the index says the scan that read them found them.
func unread(root string, files []string, index map[string]indexEntry, res *ScanResult, trees *treeFiles,
	recordedFn func() (map[string][]RecordedDecl, error), results []fileResult) error {
	if len(index) == 0 || trees == nil || recordedFn == nil {
		return nil
	}
	var candidates []int
	for i, f := range files {
		e, ok := index[joinPrefix(res.RepoPrefix, f)]
		if !ok || !e.clean() {
			continue
		}
		if blob, ok := blobBytes(res.Committed[f]); !ok || blob != e.Blob {
			continue
		}
		fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			continue
		}
		if st, ok := statOf(fi); ok && st == e.Stat {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	recorded, err := recordedFn()
	if err != nil {
		return err
	}
	noDecls := declsPrint(nil)
	for _, i := range candidates {
		f := files[i]
		e := index[joinPrefix(res.RepoPrefix, f)]
		if len(recorded[f]) == 0 && e.Decls == noDecls {
			// Nothing in the ledger vouches for a file without items:
			// it is read, and checked as the rescan cache's entries are.
			results[i].empty = &e
			continue
		}
		decls, ok := provenDecls(recorded[f], e, res, trees, f)
		if ok {
			results[i] = fileResult{decls: decls, blob: res.Committed[f], cached: true, indexed: true, entry: e, hasEntry: true}
		}
	}
	return nil
}

// provenDecls gives the declarations the ledger records in file f, when
// they are what the index entry e says the scan that read f found (its
// fingerprint) and the ledger recorded each at a commit whose tree holds
// the blob e names at f: the scan's commit (whose blob Scan compared), or
// another commit looked up in trees. (A file the ledger records nothing in
// never comes here: see unread.)
func provenDecls(rec []RecordedDecl, e indexEntry, res *ScanResult, trees *treeFiles, f string) ([]Decl, bool) {
	decls := make([]Decl, len(rec))
	for i, r := range rec {
		decls[i] = r.Decl
	}
	if declsPrint(decls) != e.Decls {
		return nil, false
	}
	checked := map[string]bool{res.Commit: true}
	for _, r := range rec {
		if checked[r.Commit] {
			continue
		}
		blob, err := trees.blob(r.Commit, joinPrefix(res.RepoPrefix, f))
		if err != nil || blob != res.Committed[f] {
			return nil, false
		}
		checked[r.Commit] = true
	}
	slices.SortFunc(decls, func(a, b Decl) int { return cmp.Compare(a.Start, b.Start) })
	return decls, true
}

// updateIndex writes the stat index again when this scan read a file it
// had no entry for, or whose entry changed or was racy and is no longer,
// or it lists a file of the tree that is gone. Entries of files outside
// the scanned tree are kept while the index stays within twice this
// scan's files, so that scanning two trees in turn keeps both.
func updateIndex(dir string, old map[string]indexEntry, results []fileResult, files []string, prefix string) error {
	changed := old == nil
	entries := make([]indexEntry, 0, len(files))
	seen := make(map[string]bool, len(files))
	for i, r := range results {
		p := joinPrefix(prefix, files[i])
		seen[p] = true
		prev, had := old[p]
		r.entry.Path = p
		switch {
		case !r.hasEntry:
			changed = changed || had
			continue
		case r.indexed:
		case !had || !prev.same(r.entry) || (!prev.clean() && r.entry.clean()):
			changed = true
		default:
			r.entry = prev
		}
		entries = append(entries, r.entry)
	}
	under := prefix + "/"
	limit := max(2*len(entries), 1000)
	for p, e := range old {
		if seen[p] {
			continue
		}
		if prefix == "" || strings.HasPrefix(p, under) || len(entries) >= limit {
			changed = true
			continue
		}
		entries = append(entries, e)
	}
	if !changed {
		return nil
	}
	return saveIndex(dir, entries)
}

// goFiles lists the Go files under root as slash paths relative to root,
// sorted.
func goFiles(root string) ([]string, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("scan: %s is not a directory", root)
	}
	files, err := listFiles(root, ".go", "testdata", "vendor")
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", root, err)
	}
	return files, nil
}

// listFiles lists the regular files under root whose names end in ext, as
// sorted slash paths relative to root, skipping dot-files, dot-directories
// and the directories named in skip.
func listFiles(root, ext string, skip ...string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if slices.Contains(skip, name) || strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ext) || strings.HasPrefix(name, ".") || !isRegular(p, d) {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	return files, nil
}

// isRegular reports whether the entry is a regular file or a symbolic link
// to one.
func isRegular(p string, d fs.DirEntry) bool {
	if d.Type().IsRegular() {
		return true
	}
	if d.Type()&fs.ModeSymlink == 0 {
		return false
	}
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// cacheWorth is how many files to read with no word from the stat index
// make it worth reading the rescan cache.
const cacheWorth = 32

// fileResult is the outcome of reading and parsing one file.
type fileResult struct {
	decls  []Decl
	blob   string // the git blob hash of the content
	cached bool   // the rescan cache knows the file (its decls came from it when they fit)
	broken *BrokenFile
	err    error
	// indexed says the file was not read: its decls are the ledger's, on
	// the word of the stat index's entry.
	indexed bool
	// entry is the file's stat index entry, when hasEntry.
	entry    indexEntry
	hasEntry bool
	// empty, before the file is read, is its index entry when that says
	// the file declares no item and is otherwise sound (see unread).
	empty *indexEntry
}

// parallel calls work(i) for every i in [0, n) on runtime.NumCPU
// goroutines, and step(done) on the caller's goroutine after each call
// returns. It returns when all calls have.
func parallel(n int, work func(i int), step func(done int)) {
	if n == 0 {
		return
	}
	jobs := make(chan int)
	finished := make(chan struct{})
	for range min(runtime.NumCPU(), n) {
		go func() {
			for i := range jobs {
				work(i)
				finished <- struct{}{}
			}
		}()
	}
	go func() {
		for i := range n {
			jobs <- i
		}
		close(jobs)
	}()
	for done := 1; done <= n; done++ {
		<-finished
		step(done)
	}
}

// parseOne reads one file and extracts its declarations, from the cache
// when it knows the file's content (cache reads it when first called).
// With withIndex it also makes the file's stat index entry, from the stat
// of the open file taken before it is read, for a scan that began at
// began. empty, when set, is the file's index entry that says it declares
// no item: that holds, without the cache, when the content is the entry's
// blob and no line declares an item (fits).
func parseOne(root, rel string, cache func() *scanCache, began int64, withIndex bool, empty *indexEntry) fileResult {
	path := filepath.Join(root, filepath.FromSlash(rel))
	f, err := os.Open(path)
	if err != nil {
		return fileResult{err: err}
	}
	defer f.Close()
	var st fileStat
	var hasStat bool
	var buf bytes.Buffer
	if fi, err := f.Stat(); err == nil {
		if withIndex {
			st, hasStat = statOf(fi)
		}
		buf.Grow(int(min(fi.Size(), 1<<30)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(f); err != nil {
		return fileResult{err: err}
	}
	src := buf.Bytes()
	blob := blobHash(src)
	r := fileResult{blob: blob}
	test := strings.HasSuffix(rel, "_test.go")
	switch {
	case empty != nil && hex.EncodeToString(empty.Blob[:]) == blob && fits(nil, src, test):
		r.cached = true
	case empty != nil:
		// A file the index says declares nothing, with a line that
		// starts with func all the same (in a comment, say): parsed.
		r.decls, r.broken = scanFile(path, rel, src)
		r.cached = true
	default:
		c := cache()
		if decls, ok := c.lookup(blob, rel, src); ok {
			r.decls, r.cached = decls, true
		} else {
			r.decls, r.broken = scanFile(path, rel, src)
			r.cached = c.has(blob, rel)
		}
	}
	if hasStat && r.broken == nil {
		r.entry = indexEntry{Stat: st, Read: began, Decls: declsPrint(r.decls)}
		r.entry.Blob, r.hasEntry = blobBytes(blob)
	}
	return r
}

// blobHash is the name git gives src as a blob: the hex SHA-1 of its
// header and content. (A scan needs git's name, not collision detection:
// the name is compared with the commit's tree and keys the rescan cache.)
func blobHash(src []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(src))
	h.Write(src)
	return hex.EncodeToString(h.Sum(nil))
}
