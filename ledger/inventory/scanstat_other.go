//go:build !linux

package inventory

import "io/fs"

// statOf gives no stat here: the stat index is used on Linux only, where
// stat's change time and inode are known to be what the index compares;
// elsewhere every file is read on every scan.
func statOf(fs.FileInfo) (fileStat, bool) { return fileStat{}, false }
