package gitstore

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
)

// A write adds a blob, a few trees and a commit as loose objects. go-git
// writes each through go-billy (a temporary file in objects/, path
// resolution with several lstat calls, zlib at its default level); git
// itself writes loose objects at zlib's fastest level
// (core.looseCompression) and leaves an object that is already there as it
// is. porttracker's store writes them as git does.

// looseWriter writes loose objects into one objects directory.
type looseWriter struct {
	dir  string // the repository's objects directory
	zw   *zlib.Writer
	data bytes.Buffer
}

// looseCompression is git's default core.looseCompression.
const looseCompression = zlib.BestSpeed

// write stores the object of type typ with content as a loose object,
// unless the objects directory holds it loose already, and returns its
// hash. The object appears whole or not at all: it is written to a
// temporary file beside its place and renamed there.
func (w *looseWriter) write(typ plumbing.ObjectType, content []byte) (plumbing.Hash, error) {
	h := plumbing.ComputeHash(typ, content)
	name := h.String()
	sub := filepath.Join(w.dir, name[:2])
	path := filepath.Join(sub, name[2:])
	if _, err := os.Lstat(path); err == nil {
		return h, nil
	}
	if err := os.Mkdir(sub, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", name, err)
	}
	f, err := os.CreateTemp(sub, "tmp_obj_")
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", name, err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	w.data.Reset()
	if w.zw == nil {
		if w.zw, err = zlib.NewWriterLevel(&w.data, looseCompression); err != nil {
			return plumbing.ZeroHash, err
		}
	} else {
		w.zw.Reset(&w.data)
	}
	w.zw.Write(append(append(append([]byte(typ.String()), ' '), strconv.Itoa(len(content))...), 0))
	w.zw.Write(content)
	if err := w.zw.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := f.Write(w.data.Bytes()); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", name, err)
	}
	done = true
	if err := os.Chmod(tmp, 0o444); err != nil {
		os.Remove(tmp)
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", name, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", name, err)
	}
	return h, nil
}

// SetEncodedObject implements storer.EncodedObjectStorer: through the
// store's own loose writer when it has one.
func (r *reindexing) SetEncodedObject(o plumbing.EncodedObject) (plumbing.Hash, error) {
	if r.loose == nil || o.Type() < plumbing.CommitObject || o.Type() > plumbing.TagObject {
		return r.Storage.SetEncodedObject(o)
	}
	rd, err := o.Reader()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	content, err := io.ReadAll(rd)
	rd.Close()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if int64(len(content)) != o.Size() {
		return plumbing.ZeroHash, fmt.Errorf("write object: %d bytes where its header says %d", len(content), o.Size())
	}
	return r.loose.write(o.Type(), content)
}
