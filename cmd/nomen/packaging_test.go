package main

// packaging/test-deb.sh builds the Debian package and checks that it holds
// named files; it needs root and runs in CI, not in `make test`. This test
// catches the cheap half of its failures early: a file it names that the
// package cannot hold because its source in the repository is gone (as
// when an example rule was renamed and the script kept the old name).

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPackageCheckNamesShippedSources(t *testing.T) {
	mapping := nfpmContents(t)
	script, err := os.ReadFile(filepath.Join(repoRoot, "packaging/test-deb.sh"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, line := range strings.Split(string(script), "\n") {
		path, ok := strings.CutPrefix(strings.TrimSpace(line), "has ")
		if !ok {
			continue
		}
		src := sourceOf(mapping, path)
		if src == "" {
			t.Errorf("test-deb.sh checks %s, which packaging/nfpm.yaml does not install", path)
			continue
		}
		checked++
		if strings.HasPrefix(src, "dist/") {
			continue // built by make deb
		}
		if _, err := os.Stat(filepath.Join(repoRoot, src)); err != nil {
			t.Errorf("test-deb.sh checks %s, installed from %s: %v", path, src, err)
		}
	}
	if checked == 0 {
		t.Fatal("no `has` line found in packaging/test-deb.sh")
	}
}

// nfpmContents reads the src/dst pairs of packaging/nfpm.yaml's contents
// (dst -> src; entries without src, such as directories, are left out).
func nfpmContents(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "packaging/nfpm.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	src := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "- src:"); ok {
			src = strings.TrimSpace(v)
		} else if strings.HasPrefix(line, "- ") {
			src = ""
		} else if v, ok := strings.CutPrefix(line, "dst:"); ok && src != "" {
			m[strings.TrimSpace(v)] = src
			src = ""
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// sourceOf gives the repository file installed at path: an exact entry, or
// a file under a directory entry (dst ending in /).
func sourceOf(mapping map[string]string, path string) string {
	if src, ok := mapping[path]; ok {
		return src
	}
	for dst, src := range mapping {
		if rest, ok := strings.CutPrefix(path, dst); ok && strings.HasSuffix(dst, "/") {
			return src + rest
		}
	}
	return ""
}
