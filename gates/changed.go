package gates

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Line is one line of a file.
type Line struct {
	No   int // 1-based
	Text string
}

// ChangedLines returns, for each file under paths (relative to the
// repository root, files or directories; none means the whole tree), the
// lines that the working tree adds relative to HEAD. Every line of an
// untracked file counts as added; ignored files, binary files and .git are
// left out. Keys are slash-separated paths relative to the root. It reads
// git through go-git and needs no git binary.
func ChangedLines(repoDir string, paths []string) (map[string][]Line, error) {
	s, err := openRepo(repoDir)
	if err != nil {
		return nil, err
	}
	chs, err := s.changes(paths, false)
	if err != nil {
		return nil, fmt.Errorf("changed lines in %s: %w", s.root, err)
	}
	out := map[string][]Line{}
	for _, c := range chs {
		if bytes.IndexByte(c.content, 0) >= 0 || bytes.IndexByte(c.head, 0) >= 0 {
			continue
		}
		if lines := addedLines(string(normalizeEOL(c.head)), string(normalizeEOL(c.content))); len(lines) > 0 {
			out[c.path] = lines
		}
	}
	return out, nil
}

// addedLines returns the lines of cur that a line diff from old inserts.
func addedLines(old, cur string) []Line {
	if old == "" {
		return numberLines(cur, 1)
	}
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(old, cur)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out []Line
	no := 1
	for _, d := range diffs {
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			no += len(numberLines(d.Text, 0))
		case diffmatchpatch.DiffInsert:
			ins := numberLines(d.Text, no)
			out = append(out, ins...)
			no += len(ins)
		}
	}
	return out
}

// numberLines splits text into lines numbered from first; a final newline
// does not start another line.
func numberLines(text string, first int) []Line {
	if text == "" {
		return nil
	}
	parts := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	out := make([]Line, len(parts))
	for i, p := range parts {
		out[i] = Line{No: first + i, Text: strings.TrimSuffix(p, "\r")}
	}
	return out
}

// ScanChanged applies the patterns to the lines that the working tree adds
// under paths (see ChangedLines), in files with one of the extensions (all
// files when exts is empty) outside the directories that ScanPaths skips.
func ScanChanged(repoDir string, paths []string, pats []Pattern, exts []string) ([]Match, error) {
	changed, err := ChangedLines(repoDir, paths)
	if err != nil {
		return nil, err
	}
	files := make([]string, 0, len(changed))
	for f := range changed {
		if hasExt(f, exts) && !inSkippedDir(f) {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	var out []Match
	for _, f := range files {
		for _, l := range changed[f] {
			out = append(out, ScanText(f, l.No, l.Text, pats)...)
		}
	}
	return out, nil
}

// ScanPaths applies the patterns to whole files: each path is a file or a
// directory walked for files with one of the extensions (all files when
// exts is empty). Directories named .git, testdata, vendor, bin, obj and
// node_modules are skipped.
func ScanPaths(paths []string, pats []Pattern, exts []string) ([]Match, error) {
	var out []Match
	for _, root := range paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && skippedDir(d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || (p != root && !hasExt(p, exts)) {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, ScanText(p, 1, string(b), pats)...)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", root, err)
		}
	}
	return out, nil
}

func hasExt(p string, exts []string) bool {
	return len(exts) == 0 || slices.Contains(exts, filepath.Ext(p))
}

func skippedDir(name string) bool {
	switch name {
	case ".git", "testdata", "vendor", "bin", "obj", "node_modules":
		return true
	}
	return false
}

func inSkippedDir(p string) bool {
	parts := strings.Split(p, "/")
	return slices.ContainsFunc(parts[:len(parts)-1], skippedDir)
}
