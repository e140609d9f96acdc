// Package appendfile is a file that is only appended to, created (with
// its directory) on first use, whose size is known without a stat per
// write: the dead-letter files of the outputs and of the nats listener.
// It is not safe for concurrent use; its owners hold their own lock.
package appendfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is an append-only file at a path.
type File struct {
	path string
	f    *os.File
	size int64
}

// New returns the file at path; nothing is opened yet.
func New(path string) *File { return &File{path: path} }

// Path returns the file's path.
func (a *File) Path() string { return a.path }

// Size opens the file if it is not open and returns its size.
func (a *File) Size() (int64, error) {
	if err := a.open(); err != nil {
		return 0, err
	}
	return a.size, nil
}

// Write appends b, opening the file if it is not open.
func (a *File) Write(b []byte) error {
	if err := a.open(); err != nil {
		return err
	}
	n, err := a.f.Write(b)
	a.size += int64(n)
	if err != nil {
		return fmt.Errorf("%s: %w", a.path, err)
	}
	return nil
}

// Close closes the file; a later Size or Write opens it again.
func (a *File) Close() error {
	if a.f == nil {
		return nil
	}
	err := a.f.Close()
	a.f = nil
	return err
}

func (a *File) open() error {
	if a.f != nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(a.path), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	a.f, a.size = f, st.Size()
	return nil
}
