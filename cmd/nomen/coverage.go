package main

import (
	"encoding/json"
	"flag"
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
func coverageCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nomen coverage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (for [normalize] rules and [parse] timezone); default: built-in decoders only")
	asJSON := fs.Bool("json", false, "print one JSON document (schema: docs/coverage.md) instead of text")
	top := fs.Int("top", 10, "unrecognized shapes shown per source (0: all)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: nomen coverage [-config FILE] [-json] [-top N] [FILE...]")
		fmt.Fprintln(stderr, "Reads syslog lines from the FILEs (stdin when none or \"-\"; gzip, lz4, zstd and bzip2 are")
		fmt.Fprintln(stderr, "decompressed, detected by content) and reports how many nomen normalizes, per source, with")
		fmt.Fprintln(stderr, "the most frequent shapes of the rest.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	p, err := relay.NewLineParser(*path)
	if err != nil {
		fmt.Fprintln(stderr, "nomen:", err)
		return 1
	}
	c := coverage.New(p, coverage.Options{})
	files := fs.Args()
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
	r := c.Report(*top)
	if *asJSON {
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
