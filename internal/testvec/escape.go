// Package testvec holds what tests of several packages share to read test
// vectors (the wire corpus, golden cases).
package testvec

import (
	"fmt"
	"strconv"
)

// CUnescape reads the C-style escapes test vectors use for bytes a text
// file cannot show: \n, \r, \t, \\ and \xHH. A backslash at the very end
// stands for itself.
func CUnescape(s string) ([]byte, error) {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b = append(b, s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case '\\':
			b = append(b, '\\')
		case 'x':
			if i+3 > len(s) {
				return nil, fmt.Errorf("bad escape in %q", s)
			}
			n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("bad escape in %q", s)
			}
			b = append(b, byte(n))
			i += 2
		default:
			return nil, fmt.Errorf("bad escape \\%c in %q", s[i], s)
		}
	}
	return b, nil
}
