package apiauth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// minTokenLen is the shortest token accepted from a file an operator
// wrote; the generated ones are 64 hex digits (256 bits).
const minTokenLen = 16

// LoadOrCreateToken reads the bearer token from path. If there is no file,
// it creates one (and its directory, 0700) with a random 256-bit token in
// hex, mode 0600, and reports created. A file that other users may read or
// write is refused, as ssh refuses such a private key: whoever reads the
// token reads every security event.
func LoadOrCreateToken(path string) (token string, created bool, err error) {
	for range 2 { // a second pass if another process created it meanwhile
		token, err = readToken(path)
		if !errors.Is(err, fs.ErrNotExist) {
			return token, false, err
		}
		token, err = createToken(path)
		if !errors.Is(err, fs.ErrExist) {
			return token, err == nil, err
		}
	}
	return "", false, err
}

func readToken(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("token_file %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("token_file %s: not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return "", fmt.Errorf("token_file %s: permissions %04o are too open: other users could read the token and with it every event; run chmod 600 %s", path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return "", fmt.Errorf("token_file %s: %w", path, err)
	}
	token := strings.TrimSpace(string(data))
	switch {
	case token == "":
		return "", fmt.Errorf("token_file %s: empty (delete it and nomen creates a new token at start)", path)
	case len(token) < minTokenLen:
		return "", fmt.Errorf("token_file %s: the token has %d characters, want at least %d", path, len(token), minTokenLen)
	case strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r > '~' }):
		return "", fmt.Errorf("token_file %s: the token must be one line of printable ASCII without spaces", path)
	}
	return token, nil
}

func createToken(path string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("token_file %s: %w", path, err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("token_file %s: %w", path, err)
	}
	token := hex.EncodeToString(raw[:])
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return "", err
		}
		return "", fmt.Errorf("token_file %s: %w", path, err)
	}
	_, err = f.WriteString(token + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // a half-written token would be refused at the next start
		return "", fmt.Errorf("token_file %s: %w", path, err)
	}
	return token, nil
}
