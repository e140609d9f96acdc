package testvec

import (
	"os"
	"path/filepath"
)

// SharedPath is the path of rel inside the project's optional shared folder
// (corpus, bench harness): $NOMEN_SHARED if set, else the folder "shared"
// beside the repository's root. Tests that use it skip when the file is
// absent: the repository stands alone.
func SharedPath(rel string) string {
	if dir := os.Getenv("NOMEN_SHARED"); dir != "" {
		return filepath.Join(dir, rel)
	}
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared", rel)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", rel)
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "..", "shared", rel)
		}
	}
}
