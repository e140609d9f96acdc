//go:build !unix

package relay

import "os"

// account cannot be checked on this platform: every access is allowed.
type account struct{ name string }

func lookupAccount(name string) (account, error) { return account{name}, nil }
func (account) canRead(path string) error {
	_, err := os.Stat(path)
	return err
}
func (account) canWrite(string, bool) error { return nil }
