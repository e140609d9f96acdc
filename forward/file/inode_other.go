//go:build !unix

package file

import "os"

// inode is 0 where files have no inode number (nomen targets Linux; the
// file output builds elsewhere for development): a file replaced at the
// path is then told only by its size.
func inode(os.FileInfo) uint64 { return 0 }
