// Package atomicfile replaces small state files so that a crash or a
// power loss leaves the old file or the new one, never a part of either:
// the new content goes to a temporary file beside it, which is synced,
// then renamed over it. The one copy of that sequence for the relay's and
// the agent's state files.
package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// Write replaces path with what fill writes (through the temporary file
// path+".tmp", created with perm). On any error the temporary file is
// removed and path is as it was. The rename is durable once the directory
// is synced (SyncDir; once after several files).
func Write(path string, perm os.FileMode, fill func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	err = fill(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// WriteFile replaces path with data: Write.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// SyncDir syncs a directory, so that the files created, renamed or removed
// in it are there after a power loss. A file system that cannot sync a
// directory (EINVAL) is not an error: there is nothing more to do.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) {
		return err
	}
	return nil
}
