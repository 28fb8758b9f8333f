package ledger

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

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
