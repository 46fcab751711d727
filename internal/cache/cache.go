// Package cache locates joblab's build cache and derives the content tags
// that let a second build with the same inputs be skipped.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// Config is where builds keep what they made and where they fetch Debian
// from: the settings' values (settings.Settings.CacheDir, DebianMirror),
// passed down from the command, the suites or a tool; nothing below them
// reads the environment.
type Config struct {
	// Dir is the cache directory. The entry points fill it from their
	// settings ($JOBLAB_CACHE_DIR, else joblab/ in the user's cache
	// directory: settings.FromEnv).
	Dir string
	// DebianMirror is the Debian mirror debootstrap is pointed at; "" the
	// default.
	DebianMirror string
}

// Root returns the cache directory: Dir, else (a Config no entry point
// filled, a test's) joblab-cache/ in the temporary directory.
func (c Config) Root() string {
	if c.Dir != "" {
		return c.Dir
	}
	return filepath.Join(os.TempDir(), "joblab-cache")
}

// Tag returns a short, stable digest of the given inputs, for use as an
// image tag or a cache key. Inputs are joined in order, so that any change
// of a version, a package list or a recipe gives a new tag.
func Tag(inputs ...string) string {
	h := sha256.New()
	for _, in := range inputs {
		fmt.Fprintf(h, "%d:%s\n", len(in), in)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// ModuleVersion returns the version of a dependency module linked into this
// binary, e.g. sigs.k8s.io/kind, so that what is read from the module proxy
// at build time matches the library compiled in.
func ModuleVersion(path string) (string, error) {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == path {
				if dep.Replace != nil {
					dep = dep.Replace
				}
				return dep.Version, nil
			}
		}
	}
	// Test binaries carry no dependency list: ask the go command about the
	// module the current directory is in.
	out, err := exec.Command("go", "list", "-m", "-f", "{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}", path).Output()
	if v := strings.TrimSpace(string(out)); err == nil && v != "" {
		return v, nil
	}
	return "", fmt.Errorf("cannot tell which version of %s joblab uses: run joblab from its repository, or build it with module information", path)
}

// RemoveStale deletes files left by an interrupted build in dir: names
// ending in .partial, and directories ending in .partial.
func RemoveStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".partial") {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}
