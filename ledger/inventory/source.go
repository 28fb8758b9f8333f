package inventory

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/porttracker/porttracker/internal/gitrepo"
)

// SourceAt returns lines start through end (1-based, inclusive) of the file
// at path, relative to the top of the repository and slash-separated, as it
// was at commit (a hash, short hash or other revision) in the git
// repository that contains repoDir. It reads git objects through go-git and
// needs no git binary. Each returned line ends with a newline.
func SourceAt(repoDir, commit, path string, start, end int) (string, error) {
	if start < 1 || end < start {
		return "", fmt.Errorf("lines %d-%d of %s: not a line span", start, end, path)
	}
	repo, err := gitrepo.Open(repoDir)
	if err != nil {
		return "", fmt.Errorf("open the git repository of %s: %w", repoDir, err)
	}
	hash, tree, err := gitrepo.CommitTree(repo, commit)
	if err != nil {
		return "", err
	}
	file, err := tree.File(path)
	if err != nil {
		return "", fmt.Errorf("read %s at %s: %w", path, shortHash(hash.String()), err)
	}
	r, err := file.Reader()
	if err != nil {
		return "", fmt.Errorf("read %s at %s: %w", path, shortHash(hash.String()), err)
	}
	defer r.Close()
	text, err := lines(bufio.NewReader(r), start, end)
	if err != nil {
		return "", fmt.Errorf("read %s at %s: %w", path, shortHash(hash.String()), err)
	}
	return text, nil
}

// lines copies lines start..end of r, stopping once it has them.
func lines(r *bufio.Reader, start, end int) (string, error) {
	var b strings.Builder
	for n := 1; n <= end; n++ {
		line, err := r.ReadString('\n')
		if errors.Is(err, io.EOF) && line == "" {
			return "", fmt.Errorf("lines %d-%d: the file has %d lines", start, end, n-1)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		if n >= start {
			b.WriteString(line)
			if !strings.HasSuffix(line, "\n") {
				b.WriteByte('\n')
			}
		}
	}
	return b.String(), nil
}

// shortHash abbreviates a commit hash for messages.
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
