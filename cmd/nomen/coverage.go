package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/nomenhq/nomen/relay"
	"github.com/nomenhq/nomen/relay/coverage"
)

// coverageCmd runs log files (or stdin) through the decode step `nomen
// run` uses and reports, per source, how many lines were normalized and
// the most frequent shapes of the lines that were not: what the sources
// lack, and which rule to write next.
func coverageCmd(path string, asJSON bool, top int, files []string, stdin io.Reader, stdout, stderr io.Writer) int {
	p, err := relay.NewLineParser(path)
	if err != nil {
		fmt.Fprintln(stderr, "nomen:", err)
		return 1
	}
	c := coverage.New(func() coverage.Decoder { return p.NewDecoder() }, coverage.Options{})
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	for _, name := range files {
		if err := readCoverageInput(c, name, stdin); err != nil {
			fmt.Fprintln(stderr, "nomen coverage:", err)
			status = 1 // the report still covers what could be read
		}
	}
	r := c.Report(top)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(r)
	} else {
		err = coverage.WriteText(stdout, r)
	}
	if err != nil {
		fmt.Fprintln(stderr, "nomen:", err)
		return 1
	}
	return status
}

// readCoverageInput counts the lines of the file name ("-": stdin).
func readCoverageInput(c *coverage.Counter, name string, stdin io.Reader) error {
	if name == "-" {
		return c.Read(name, stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return c.Read(name, f)
}
