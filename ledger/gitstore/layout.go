package gitstore

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// AllowedSignersFile is where the ledger tree keeps the current
// allowed-signers list.
const AllowedSignersFile = "allowed_signers"

// EntryPath is where the entry with the given ID is stored in the ledger tree.
func EntryPath(id string) string { return "entries/" + id[:2] + "/" + id + ".toml" }

// EntryIDFromPath returns the ID of an entry path, or "" if the path is not
// an entry path.
func EntryIDFromPath(p string) string {
	rest, ok := strings.CutPrefix(p, "entries/")
	if !ok {
		return ""
	}
	dir, file, ok := strings.Cut(rest, "/")
	id, isToml := strings.CutSuffix(file, ".toml")
	if !ok || !isToml || len(id) != 40 || !strings.HasPrefix(id, dir) || !isHex(id) {
		return ""
	}
	return id
}

func isHex(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// CheckEntryMode checks how an entry file is stored in the ledger tree:
// only as a regular, non-executable file. A symbolic link (whose blob could
// hold a valid entry), an executable, a submodule is a finding, and the
// entry is not read.
func CheckEntryMode(m filemode.FileMode) error {
	if m == filemode.Regular {
		return nil
	}
	what := "mode " + m.String()
	switch m {
	case filemode.Symlink:
		what = "a symbolic link"
	case filemode.Executable:
		what = "an executable file"
	case filemode.Submodule:
		what = "a submodule"
	}
	return fmt.Errorf("entry is stored as %s, not a regular file (only porttracker's own writes add entries)", what)
}
