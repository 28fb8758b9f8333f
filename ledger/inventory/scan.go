package inventory

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

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
	// CacheDir, when set, is where the rescan cache lives (a directory
	// inside .git): a file whose content the cache knows is not parsed
	// again, and the cache is rewritten after a scan that succeeds.
	CacheDir string
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
	// CacheErr is why the rescan cache could not be written, if it could
	// not; the scan itself is sound then.
	CacheErr error
}

// Scan parses every Go file under root, subdirectories included, and
// returns its functions, methods and tests. Directories named testdata or
// vendor and those whose name begins with a dot are skipped, as are files
// whose name begins with a dot; build constraints are ignored, so every
// file counts. Blank functions (func _()) are not items.
func Scan(root string, opt ScanOptions) (*ScanResult, error) {
	files, err := goFiles(root)
	if err != nil {
		return nil, err
	}
	cache := loadCache(opt.CacheDir)
	results := parseAll(root, files, cache, opt.Progress)
	res := &ScanResult{Blobs: make(map[string]string, len(files))}
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
	repo, err := findRepo(root)
	if err != nil {
		return nil, err
	}
	if repo != nil {
		res.Commit, res.RepoPrefix = repo.Commit, repo.Prefix
	}
	res.CacheErr = saveCache(opt.CacheDir, cache, results, files)
	return res, nil
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

// fileResult is the outcome of reading and parsing one file.
type fileResult struct {
	decls  []Decl
	blob   string // the git blob hash of the content
	cached bool   // the rescan cache knows the file (its decls came from it when they fit)
	broken *BrokenFile
	err    error
}

// parseAll reads and parses the files in parallel and returns their results
// in the order of files.
func parseAll(root string, files []string, cache *scanCache, progress func(done, total int)) []fileResult {
	results := make([]fileResult, len(files))
	parallel(len(files), func(i int) {
		results[i] = parseOne(root, files[i], cache)
	}, func(done int) {
		if progress != nil {
			progress(done, len(files))
		}
	})
	return results
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
// when it knows the file's content.
func parseOne(root, rel string, cache *scanCache) fileResult {
	path := filepath.Join(root, filepath.FromSlash(rel))
	src, err := os.ReadFile(path)
	if err != nil {
		return fileResult{err: err}
	}
	blob := blobHash(src)
	if decls, ok := cache.lookup(blob, rel, src); ok {
		return fileResult{decls: decls, blob: blob, cached: true}
	}
	decls, broken := scanFile(path, rel, src)
	return fileResult{decls: decls, broken: broken, blob: blob, cached: cache.has(blob, rel)}
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
