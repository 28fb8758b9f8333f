package gitstore

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// readTree reads tree h from the store and decodes it with parseTree. The
// tree it returns has only its Hash and Entries: what walks read. Its
// errors do not name h; callers do.
func (s *Store) readTree(h plumbing.Hash) (*object.Tree, error) {
	if typ, data, ok, err := s.readPacked(h); ok || err != nil {
		if err == nil && typ != plumbing.TreeObject {
			err = plumbing.ErrObjectNotFound
		}
		if err != nil {
			return nil, err
		}
		if len(data) == 0 {
			return &object.Tree{Hash: h}, nil
		}
		ents, err := parseTree(string(data))
		if err != nil {
			return nil, err
		}
		return &object.Tree{Hash: h, Entries: ents}, nil
	}
	obj, err := s.objs.EncodedObject(plumbing.TreeObject, h)
	if err != nil {
		return nil, err
	}
	if obj.Size() == 0 {
		return &object.Tree{Hash: h}, nil
	}
	r, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// One copy of the content, which the entries' names then share.
	var text strings.Builder
	text.Grow(int(min(obj.Size(), 1<<30)))
	if _, err := io.Copy(&text, r); err != nil {
		return nil, err
	}
	ents, err := parseTree(text.String())
	if err != nil {
		return nil, err
	}
	return &object.Tree{Hash: h, Entries: ents}, nil
}

// treeEntryMin is the shortest entry a tree object can hold: a one-digit
// mode, a space, a one-byte name, its NUL and the 20-byte object id.
const treeEntryMin = 1 + 1 + 1 + 1 + 20

// parseTree decodes the content of a git tree object into its entries,
// accepting and refusing exactly what go-git's object.Tree.Decode does, and
// giving the same entries (modes made canonical as go-git makes them); the
// names are substrings of data. FuzzParseTree holds the two to each other.
func parseTree(data string) ([]object.TreeEntry, error) {
	n := countTreeEntries(data)
	if n == 0 && len(data) == 0 {
		return nil, nil
	}
	ents := make([]object.TreeEntry, 0, n)
	for pos := 0; pos < len(data); {
		sp := strings.IndexByte(data[pos:], ' ')
		if sp < 0 {
			return nil, fmt.Errorf("%w: missing mode terminator", object.ErrMalformedTree)
		}
		mode, err := parseTreeMode(data[pos : pos+sp])
		if err != nil {
			return nil, fmt.Errorf("%w: malformed mode", object.ErrMalformedTree)
		}
		pos += sp + 1
		nul := strings.IndexByte(data[pos:], 0)
		if nul < 0 {
			return nil, fmt.Errorf("%w: missing filename terminator", object.ErrMalformedTree)
		}
		if nul == 0 {
			return nil, fmt.Errorf("%w: empty filename", object.ErrMalformedTree)
		}
		name := data[pos : pos+nul]
		pos += nul + 1
		if len(data)-pos < len(plumbing.ZeroHash) {
			return nil, fmt.Errorf("%w: truncated object id", object.ErrMalformedTree)
		}
		var h plumbing.Hash
		pos += copy(h[:], data[pos:])
		ents = append(ents, object.TreeEntry{Name: name, Mode: mode, Hash: h})
	}
	return ents, nil
}

// countTreeEntries counts the whole entries at the start of data, so that
// parseTree allocates its list once.
func countTreeEntries(data string) int {
	n := 0
	for pos := 0; len(data)-pos >= treeEntryMin; n++ {
		nul := strings.IndexByte(data[pos:], 0)
		if nul < 0 || len(data)-pos-nul-1 < len(plumbing.ZeroHash) {
			break
		}
		pos += nul + 1 + len(plumbing.ZeroHash)
	}
	return n
}

// parseTreeMode reads an entry's octal mode as go-git does (any octal
// number that fits in 32 bits) and makes it canonical as go-git does: a
// directory, a regular or an executable file, a symbolic link, else a
// submodule.
func parseTreeMode(s string) (filemode.FileMode, error) {
	var m uint64
	switch s {
	case "100644": // the modes of a ledger's tree, at once
		return filemode.Regular, nil
	case "40000":
		return filemode.Dir, nil
	default:
		var err error
		if m, err = strconv.ParseUint(s, 8, 32); err != nil {
			return filemode.Empty, err
		}
	}
	switch m & 0o170000 {
	case 0o040000:
		return filemode.Dir, nil
	case 0o100000:
		if m&0o111 != 0 {
			return filemode.Executable, nil
		}
		return filemode.Regular, nil
	case 0o120000:
		return filemode.Symlink, nil
	}
	return filemode.Submodule, nil
}
