// Command testsummary runs `go test -json` with the given arguments, prints
// what `go test` prints (each package's ok/FAIL line, and the output of
// failing tests), then a summary of every skipped test and why, so that
// `make test` says what it did not run. Its exit status is go test's.
//
//	go run ./scripts/testsummary -race ./...
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// event is one line of `go test -json` (test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type key struct{ pkg, test string }

func main() {
	cmd := exec.Command("go", append([]string{"test", "-json"}, os.Args[1:]...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	outputs := map[key][]string{} // a test's output, printed if it fails
	skipped := map[key]string{}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			fmt.Println(sc.Text()) // not JSON: a build error or the like
			continue
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "output":
			if e.Test == "" {
				fmt.Print(e.Output) // the package's own lines: ok, FAIL, build errors
				continue
			}
			if len(outputs[k]) < 2000 {
				outputs[k] = append(outputs[k], e.Output)
			}
		case "fail":
			if e.Test != "" {
				fmt.Print(strings.Join(outputs[k], ""))
			}
			delete(outputs, k)
		case "skip":
			if e.Test != "" {
				skipped[k] = reason(outputs[k])
			}
			delete(outputs, k)
		case "pass":
			delete(outputs, k)
		}
	}
	err = cmd.Wait()
	if len(skipped) > 0 {
		keys := make([]key, 0, len(skipped))
		for k := range skipped {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].pkg != keys[j].pkg {
				return keys[i].pkg < keys[j].pkg
			}
			return keys[i].test < keys[j].test
		})
		fmt.Printf("\nskipped (%d):\n", len(keys))
		for _, k := range keys {
			fmt.Printf("  %s %s: %s\n", strings.TrimPrefix(k.pkg, "github.com/nomenhq/nomen/"), k.test, skipped[k])
		}
	} else {
		fmt.Println("\nskipped: none")
	}
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		os.Exit(2)
	}
}

// reason is the skip message: the test's last output line other than the
// "--- SKIP" line itself.
func reason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "--- SKIP") || strings.HasPrefix(l, "=== ") {
			continue
		}
		return l
	}
	return "(no reason given)"
}
