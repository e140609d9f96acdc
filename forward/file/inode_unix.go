//go:build unix

package file

import (
	"os"
	"syscall"
)

// inode is fi's inode number: the position record tells a rotated file
// (a new inode at the path) from the one it describes.
func inode(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}
