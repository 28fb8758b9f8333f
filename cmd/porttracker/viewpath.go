package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// checkViewPath refuses a view path that is outside the repository's
// working tree, inside its .git directory, or a file git tracks: the view
// is a derived cache, and a command that refreshes it must not overwrite
// the user's files. What the file itself holds is checked by
// viewdb.OpenView.
func (e *env) checkViewPath(p string) error {
	abs, err := filepath.Abs(p)
	if err != nil {
		return usagef("view %s: %v", p, err)
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if errors.Is(err, os.ErrNotExist) {
		return usagef("view %s: its directory does not exist; name a file in an existing directory of the repository", p)
	}
	if err != nil {
		return usagef("view %s: %v", p, err)
	}
	root, err := filepath.EvalSymlinks(e.root)
	if err != nil {
		return usagef("repository %s: %v", e.root, err)
	}
	rel, err := filepath.Rel(root, filepath.Join(dir, filepath.Base(abs)))
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return usagef("view %s is outside the repository %s; the view lives in the working tree (--db porting.db)", p, e.root)
	}
	first, _, _ := strings.Cut(rel, string(filepath.Separator))
	if first == ".git" {
		return usagef("view %s is inside .git; name a file of the working tree (--db porting.db)", p)
	}
	tracked, err := e.store.Tracked(filepath.ToSlash(rel))
	if err != nil {
		return usagef("view %s: %v", p, err)
	}
	if tracked {
		return usagef("view %s is a file git tracks; the view is a derived cache that is rewritten, name an untracked file (--db porting.db)", p)
	}
	return nil
}
