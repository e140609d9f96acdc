//go:build unix

package relay

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// account is the user the service runs as, for `nomen check -user`:
// access is computed from file modes and ownership (faccessat can only
// answer for the user running check). ACLs and capabilities are not
// considered.
type account struct {
	name string
	uid  uint32
	gids []uint32
}

// lookupAccount returns the named user with its groups ("" = the current
// user).
func lookupAccount(name string) (account, error) {
	var u *user.User
	var err error
	if name == "" {
		u, err = user.Current()
	} else {
		u, err = user.Lookup(name)
	}
	if err != nil {
		return account{}, fmt.Errorf("user %q: %w", name, err)
	}
	a := account{name: u.Username}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return account{}, fmt.Errorf("user %q: uid %q", name, u.Uid)
	}
	a.uid = uint32(uid)
	gids, _ := u.GroupIds()
	for _, g := range append(gids, u.Gid) {
		if n, err := strconv.ParseUint(g, 10, 32); err == nil {
			a.gids = append(a.gids, uint32(n))
		}
	}
	return a, nil
}

const (
	permR = 4
	permW = 2
	permX = 1
)

// allowed reports whether the account has the want bits on a file with
// info fi (root has all but x on files without any x bit).
func (a account) allowed(fi os.FileInfo, want uint32) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	mode := uint32(fi.Mode().Perm())
	if a.uid == 0 {
		return want&permX == 0 || fi.IsDir() || mode&0o111 != 0
	}
	var bits uint32
	switch {
	case st.Uid == a.uid:
		bits = mode >> 6
	case slices.Contains(a.gids, st.Gid):
		bits = mode >> 3
	default:
		bits = mode
	}
	return bits&7&want == want
}

// reach checks that the account can traverse every existing directory
// above path, and returns the deepest existing one of path and its
// parents (path itself when it exists) with its info.
func (a account) reach(path string) (string, os.FileInfo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", nil, err
	}
	var chain []string
	for p := abs; ; p = filepath.Dir(p) {
		chain = append(chain, p)
		if p == filepath.Dir(p) {
			break
		}
	}
	slices.Reverse(chain) // "/" first
	var last string
	var lastFI os.FileInfo
	for i, p := range chain {
		fi, err := os.Stat(p)
		if os.IsNotExist(err) {
			break
		}
		if err != nil {
			return "", nil, err
		}
		if i < len(chain)-1 && !a.allowed(fi, permX) {
			return "", nil, fmt.Errorf("user %s cannot enter directory %s (mode %s)", a.name, p, fi.Mode().Perm())
		}
		last, lastFI = p, fi
	}
	return last, lastFI, nil
}

// canRead reports why the account cannot read the file at path, or nil.
func (a account) canRead(path string) error {
	found, fi, err := a.reach(path)
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(path)
	if found != abs {
		return errors.New("does not exist") // the caller names the file: once
	}
	if !a.allowed(fi, permR) {
		return fmt.Errorf("user %s cannot read %s (mode %s)", a.name, path, fi.Mode().Perm())
	}
	return nil
}

// canWrite reports why the account cannot write, or create, the file (or
// directory, when dir) at path, or nil.
func (a account) canWrite(path string, dir bool) error {
	found, fi, err := a.reach(path)
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(path)
	want := uint32(permW)
	if found != abs || dir {
		want |= permX // create in it, or a directory written into
	}
	if found == abs && fi.IsDir() != dir {
		return fmt.Errorf("%s is not a %s", path, map[bool]string{true: "directory", false: "file"}[dir])
	}
	if !a.allowed(fi, want) {
		what := "write"
		if found != abs {
			what = "create " + path + " in"
		}
		return fmt.Errorf("user %s cannot %s %s (mode %s)", a.name, what, found, fi.Mode().Perm())
	}
	// The mode bits allow it, root's always do; a read-only filesystem
	// refuses every user (a file output there passed check, then could
	// not open: "read-only file system").
	if err := unix.Access(found, unix.W_OK); errors.Is(err, unix.EROFS) {
		return fmt.Errorf("%s is on a read-only filesystem", found)
	}
	return nil
}
