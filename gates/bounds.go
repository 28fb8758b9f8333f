package gates

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/porttracker/porttracker/ledger"
)

// ErrBadInput is wrapped by the errors about a value from the inventory,
// the ledger or the command line that may not reach a gate: a filter
// outside the test-filter alphabet, a path that leaves the repository.
var ErrBadInput = errors.New("bad input")

// MaxReadSize bounds a file that a gate reads itself (a mapped target file).
const MaxReadSize = 16 << 20

// CheckFilterInput checks a filter at the moment it is about to reach a
// gate command (see ledger.CheckFilter).
func CheckFilterInput(what, v string) error {
	if err := ledger.CheckFilter(v); err != nil {
		return &FilterError{What: what, Err: err}
	}
	return nil
}

// ReadInside reads the regular file at the repository-relative path rel
// under root. It refuses a path that is absolute or climbs out with "..",
// a symbolic link that leads out of root, anything but a regular file (a
// device, a FIFO) and a file larger than limit bytes. A missing file
// yields an error that wraps os.ErrNotExist.
func ReadInside(root, rel string, limit int64) ([]byte, error) {
	if err := ledger.CheckRelPath(rel); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", root, err)
	}
	defer r.Close()
	name := filepath.FromSlash(rel)
	fi, err := r.Stat(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrBadInput, rel, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrBadInput, rel)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: %s is %d bytes, more than the %d a gate reads", ErrBadInput, rel, fi.Size(), limit)
	}
	f, err := r.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s grew past the %d bytes a gate reads", ErrBadInput, rel, limit)
	}
	return data, nil
}
