package main

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/nomenhq/nomen/relay"
)

// parseCmd reads raw lines (syslog wire format or a bare message) on stdin
// and prints one normalized ECS JSON event per line: the way to develop and
// debug a rule.
func parseCmd(path string, stdin io.Reader, stdout, stderr io.Writer) int {
	p, err := relay.NewLineParser(path)
	if err != nil {
		fmt.Fprintln(stderr, "nomen:", err)
		return 1
	}
	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 64<<10), 16<<20)
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	var buf []byte
	for in.Scan() {
		buf = p.AppendJSON(buf[:0], in.Bytes(), time.Now())
		buf = append(buf, '\n')
		if _, err := out.Write(buf); err != nil {
			fmt.Fprintln(stderr, "nomen:", err)
			return 1
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(stderr, "nomen: reading stdin:", err)
		return 1
	}
	return 0
}
