package gitstore

import (
	"os"
	"path/filepath"
	"strings"
)

// commonDir is the git directory that holds the refs, objects and
// configuration shared by every worktree: for a linked worktree's own git
// directory (.git/worktrees/NAME, which has a commondir file), the main
// repository's; otherwise gitDir itself.
func commonDir(gitDir string) string {
	data, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	if err != nil {
		return gitDir
	}
	common := strings.TrimSpace(string(data))
	if common == "" {
		return gitDir
	}
	if !filepath.IsAbs(common) {
		common = filepath.Join(gitDir, common)
	}
	return filepath.Clean(common)
}
