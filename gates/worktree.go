package gates

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/porttracker/porttracker/internal/gitrepo"
)

// repoState is a repository's working tree set against its HEAD commit. It
// walks only the requested paths and does not descend into ignored
// directories, unlike go-git's Worktree.Status, which hashes everything.
type repoState struct {
	repo   *git.Repository
	root   string                      // the working tree's top directory
	commit plumbing.Hash               // HEAD; zero before the first commit
	head   *object.Tree                // HEAD's tree; nil before the first commit
	files  map[string]object.TreeEntry // HEAD's files under the walked paths
	dirs   map[string]bool             // HEAD's directories under the walked paths
}

// fileChange is a file whose working-tree content differs from HEAD.
type fileChange struct {
	path    string // slash-separated, relative to the root
	tracked bool   // present in HEAD
	deleted bool
	head    []byte // the HEAD content of a tracked text file
	content []byte // the current content; nil when deleted
}

// openRepo opens the repository that contains dir.
func openRepo(dir string) (*repoState, error) {
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open the git repository of %s: %w", dir, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("open the working tree of %s: %w", dir, err)
	}
	s := &repoState{repo: repo, root: wt.Filesystem.Root()}
	if s.commit, s.head, err = gitrepo.HeadTree(repo); err != nil {
		return nil, fmt.Errorf("%s: %w", s.root, err)
	}
	return s, nil
}

// relPaths turns paths (relative to the root, or absolute) into clean
// slash-separated paths relative to the root; "" is the whole tree.
func (s *repoState) relPaths(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return []string{""}, nil
	}
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if filepath.IsAbs(p) {
			r, err := filepath.Rel(s.root, p)
			if err != nil {
				return nil, fmt.Errorf("path %s: %w", p, err)
			}
			p = r
		}
		p = filepath.ToSlash(filepath.Clean(p))
		if p == ".." || strings.HasPrefix(p, "../") {
			return nil, fmt.Errorf("path %s is outside the repository %s", p, s.root)
		}
		if p == "." {
			return []string{""}, nil
		}
		out = append(out, p)
	}
	return out, nil
}

func under(p string, starts []string) bool {
	for _, s := range starts {
		if s == "" || p == s || strings.HasPrefix(p, s+"/") {
			return true
		}
	}
	return false
}

// loadHead indexes HEAD's files and directories under the starts.
func (s *repoState) loadHead(starts []string) error {
	s.files, s.dirs = map[string]object.TreeEntry{}, map[string]bool{}
	if s.head == nil {
		return nil
	}
	w := object.NewTreeWalker(s.head, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("walk the HEAD tree: %w", err)
		}
		if !under(name, starts) {
			continue
		}
		if e.Mode == filemode.Dir {
			s.dirs[name] = true
		} else {
			s.files[name] = e
		}
	}
}

// changes lists the files under paths whose content differs from HEAD,
// untracked files included and ignored ones left out; deleted files are
// listed only when withDeleted is set. The result is sorted by path.
func (s *repoState) changes(paths []string, withDeleted bool) ([]fileChange, error) {
	starts, err := s.relPaths(paths)
	if err != nil {
		return nil, err
	}
	if err := s.loadHead(starts); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []fileChange
	visit := func(rel string) error {
		if seen[rel] {
			return nil
		}
		seen[rel] = true
		c, changed, err := s.compare(rel)
		if changed {
			out = append(out, c)
		}
		return err
	}
	for _, p := range starts {
		if err := s.walkStart(p, visit); err != nil {
			return nil, err
		}
	}
	if withDeleted {
		for name, e := range s.files {
			if seen[name] || e.Mode == filemode.Submodule {
				continue
			}
			if _, err := os.Lstat(s.abs(name)); errors.Is(err, os.ErrNotExist) {
				out = append(out, fileChange{path: name, tracked: true, deleted: true})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

func (s *repoState) abs(rel string) string { return filepath.Join(s.root, filepath.FromSlash(rel)) }

// compare reads a working-tree file and sets it against HEAD. Line-ending
// differences alone (CRLF against LF) are not a change.
func (s *repoState) compare(rel string) (fileChange, bool, error) {
	content, err := readWorktreeFile(s.abs(rel))
	if err != nil {
		return fileChange{}, false, err
	}
	c := fileChange{path: rel, content: content}
	e, ok := s.files[rel]
	if !ok || e.Mode == filemode.Submodule {
		return c, true, nil
	}
	c.tracked = true
	if plumbing.ComputeHash(plumbing.BlobObject, content) == e.Hash {
		return c, false, nil
	}
	if c.head, err = gitrepo.ReadBlob(s.repo, e.Hash); err != nil {
		return c, false, fmt.Errorf("read %s at HEAD: %w", rel, err)
	}
	return c, !bytes.Equal(normalizeEOL(c.head), normalizeEOL(content)), nil
}

// readWorktreeFile reads a file, or a symbolic link's target as git stores it.
func readWorktreeFile(p string) ([]byte, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		t, err := os.Readlink(p)
		if err != nil {
			return nil, fmt.Errorf("read link %s: %w", p, err)
		}
		return []byte(filepath.ToSlash(t)), nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return b, nil
}

func normalizeEOL(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }

// walkStart visits the files at or under one start path, with the ignore
// rules of every directory above it.
func (s *repoState) walkStart(p string, visit func(string) error) error {
	pats := s.readIgnore(".git/info", nil, "exclude")
	if p == "" {
		return s.walkDir("", pats, visit)
	}
	parts := strings.Split(p, "/")
	pats = append(pats, s.readIgnore("", nil, ".gitignore")...)
	for i := 1; i < len(parts); i++ {
		pats = append(pats, s.readIgnore(path.Join(parts[:i]...), parts[:i], ".gitignore")...)
	}
	fi, err := os.Lstat(s.abs(p))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("walk %s: %w", p, err)
	}
	ignored := gitignore.NewMatcher(pats).Match(parts, fi.IsDir())
	if fi.IsDir() {
		if ignored && !s.dirs[p] {
			return nil
		}
		return s.walkDir(p, pats, visit)
	}
	if ignored && !s.tracked(p) {
		return nil
	}
	return visit(p)
}

// walkDir visits the files under directory rel that git would see.
func (s *repoState) walkDir(rel string, pats []gitignore.Pattern, visit func(string) error) error {
	var domain []string
	if rel != "" {
		domain = strings.Split(rel, "/")
	}
	pats = append(pats[:len(pats):len(pats)], s.readIgnore(rel, domain, ".gitignore")...)
	m := gitignore.NewMatcher(pats)
	entries, err := os.ReadDir(s.abs(rel))
	if err != nil {
		return fmt.Errorf("walk %s: %w", s.abs(rel), err)
	}
	for _, e := range entries {
		child := path.Join(rel, e.Name())
		parts := append(domain[:len(domain):len(domain)], e.Name())
		switch {
		case e.Name() == ".git":
		case e.IsDir():
			if (m.Match(parts, true) || isNestedRepo(s.abs(child))) && !s.dirs[child] {
				continue
			}
			if err := s.walkDir(child, pats, visit); err != nil {
				return err
			}
		case e.Type().IsRegular() || e.Type()&os.ModeSymlink != 0:
			if m.Match(parts, false) && !s.tracked(child) {
				continue
			}
			if err := visit(child); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *repoState) tracked(rel string) bool {
	_, ok := s.files[rel]
	return ok
}

func isNestedRepo(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, ".git"))
	return err == nil
}

// readIgnore parses the ignore file name in directory dir (relative to the
// root); domain is the directory's path parts for the patterns.
func (s *repoState) readIgnore(dir string, domain []string, name string) []gitignore.Pattern {
	b, err := os.ReadFile(filepath.Join(s.abs(dir), name))
	if err != nil {
		return nil
	}
	var pats []gitignore.Pattern
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pats = append(pats, gitignore.ParsePattern(line, domain))
	}
	return pats
}
