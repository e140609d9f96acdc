//go:build !unix

package logging

import "os"

// fileID: there is no systemd journal here.
func fileID(*os.File) (dev, ino uint64, ok bool) { return 0, 0, false }
