//go:build linux

package inventory

import (
	"io/fs"
	"syscall"
)

// statOf is what the stat index records of a file (see fileStat), from
// what stat or fstat returned; ok is false when the platform's stat does
// not give an inode and a change time, which the index needs.
func statOf(fi fs.FileInfo) (fileStat, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileStat{}, false
	}
	return fileStat{
		Mode:  uint32(st.Mode),
		Size:  st.Size,
		MTime: st.Mtim.Nano(),
		CTime: st.Ctim.Nano(),
		Ino:   st.Ino,
		Dev:   uint64(st.Dev),
	}, true
}
