package journal

import "syscall"

// filesystemSize returns the size of the filesystem holding dir.
func filesystemSize(dir string) (int64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Blocks) * st.Bsize, true
}
