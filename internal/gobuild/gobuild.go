// Package gobuild builds Go commands of published modules, fetched through
// the Go module proxy, in a throwaway module kept in a cache directory. It is
// how the offline node image gets Kubernetes, etcd, CoreDNS, crictl and the
// registry without any container registry.
package gobuild

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Module is a module version to build commands from.
type Module struct {
	Path    string
	Version string
	// Replace pins other modules of the build to a version, for modules
	// (such as k8s.io/kubernetes) whose own go.mod replaces them with local
	// directories that a published module cannot use.
	Replace map[string]string
	// Go is the go line of the module that builds it (1.24 when empty): the
	// built module's own, so that its GODEBUG defaults are kept. The go
	// command raises it where a dependency needs a newer one.
	Go string
}

// Command is one main package to build.
type Command struct {
	// Package is the import path of the main package.
	Package string
	// Output is the path of the binary to write.
	Output string
	// LDFlags are passed to the linker, e.g. -X flags that stamp a version.
	LDFlags string
	// Cgo builds with cgo (a C compiler and the C library's static
	// archives: Debian's gcc and libc6-dev), linked statically, for
	// programs that do not build without it.
	Cgo bool
	// Main, when set, is the source of a main package written into the
	// throwaway module and built instead of Package, which then names
	// that package's directory inside the module. It selects what a
	// program links in, such as only the CoreDNS plugins the cluster's
	// Corefile uses instead of every plugin of the published build.
	Main string
}

// buildModule is the throwaway module's path; a Command's Main package is
// built as buildModule/<Package>.
const buildModule = "joblab.local/build"

// Build builds every command of cmds from mod in a throwaway module under
// workDir. Binaries are static (cgo disabled, or linked statically) and
// stripped. The go command's output goes to log.
func Build(ctx context.Context, workDir string, mod Module, cmds []Command, log io.Writer) error {
	dir := filepath.Join(workDir, strings.ReplaceAll(mod.Path, "/", "_")+"@"+mod.Version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod(mod)), 0o644); err != nil {
		return err
	}
	for _, batch := range batches(cmds) {
		if err := goBuild(ctx, dir, batch, log); err != nil {
			return fmt.Errorf("go build %s@%s: %w", batch.packages(), mod.Version, err)
		}
	}
	return nil
}

// batch is commands that one go command builds: several main packages
// with the same flags, written to one directory under their own names,
// build together so that one command's link overlaps the next one's
// compiles.
type batch []Command

func (b batch) packages() string {
	names := make([]string, len(b))
	for i, c := range b {
		names[i] = c.Package
	}
	return strings.Join(names, " ")
}

// batches groups cmds, in order, into the fewest go build invocations.
func batches(cmds []Command) []batch {
	var out []batch
	for _, c := range cmds {
		if n := len(out); n > 0 && sameBatch(out[n-1][0], c) {
			out[n-1] = append(out[n-1], c)
			continue
		}
		out = append(out, batch{c})
	}
	return out
}

func sameBatch(a, b Command) bool {
	return a.Main == "" && b.Main == "" && a.LDFlags == b.LDFlags && a.Cgo == b.Cgo &&
		filepath.Dir(a.Output) == filepath.Dir(b.Output) &&
		filepath.Base(a.Output) == path.Base(a.Package) && filepath.Base(b.Output) == path.Base(b.Package) &&
		path.Base(a.Package) != path.Base(b.Package)
}

func goBuild(ctx context.Context, dir string, b batch, log io.Writer) error {
	c := b[0]
	pkg := c.Package
	if c.Main != "" {
		mainDir := filepath.Join(dir, filepath.FromSlash(c.Package))
		if err := os.MkdirAll(mainDir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(mainDir, "main.go"), []byte(c.Main), 0o644); err != nil {
			return err
		}
		pkg = buildModule + "/" + c.Package
	}
	output := c.Output
	if len(b) > 1 {
		// go build -o DIR/ writes each main package under its own name.
		output = filepath.Dir(c.Output) + string(filepath.Separator)
	}
	args := []string{"build", "-mod=mod", "-trimpath", "-o", output}
	ldflags := "-s -w"
	if c.LDFlags != "" {
		ldflags += " " + c.LDFlags
	}
	cgo := "CGO_ENABLED=0"
	if c.Cgo {
		cgo = "CGO_ENABLED=1"
		ldflags += ` -extldflags "-static"`
		// The Go resolver and user lookup: glibc's would need its
		// shared libraries at run time.
		args = append(args, "-tags", "netgo,osusergo")
	}
	args = append(args, "-ldflags", ldflags, pkg)
	for _, other := range b[1:] {
		args = append(args, other.Package)
	}
	fmt.Fprintf(log, "$ %s go %s\n", cgo, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), cgo, "GOFLAGS=-mod=mod", "GOWORK=off")
	cmd.Stdout, cmd.Stderr = log, log
	return cmd.Run()
}

func goMod(mod Module) string {
	var b strings.Builder
	goLine := mod.Go
	if goLine == "" {
		goLine = "1.24"
	}
	b.WriteString("module " + buildModule + "\n\ngo " + goLine + "\n\n")
	fmt.Fprintf(&b, "require %s %s\n", mod.Path, mod.Version)
	keys := make([]string, 0, len(mod.Replace))
	for k := range mod.Replace {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "replace %s => %s %s\n", k, k, mod.Replace[k])
	}
	return b.String()
}

// LocalReplaces downloads mod's go.mod and returns the module paths that it
// replaces with a directory inside itself (Kubernetes' staging modules),
// each mapped to version.
func LocalReplaces(ctx context.Context, modPath, modVersion, version string) (map[string]string, error) {
	out, err := exec.CommandContext(ctx, "go", "mod", "download", "-json", modPath+"@"+modVersion).Output()
	if err != nil {
		return nil, fmt.Errorf("go mod download %s@%s: %w (is the Go module proxy reachable? check GOPROXY)", modPath, modVersion, err)
	}
	var info struct {
		GoMod string
		Error string
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return nil, fmt.Errorf("reading go mod download output: %w", err)
	}
	if info.Error != "" {
		return nil, fmt.Errorf("go mod download %s@%s: %s", modPath, modVersion, info.Error)
	}
	f, err := os.Open(info.GoMod)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseLocalReplaces(f, version)
}

func parseLocalReplaces(r io.Reader, version string) (map[string]string, error) {
	replaces := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "replace"))
		left, right, ok := strings.Cut(line, "=>")
		if !ok {
			continue
		}
		target := strings.TrimSpace(right)
		if !strings.HasPrefix(target, "./") && !strings.HasPrefix(target, "../") {
			continue
		}
		fields := strings.Fields(left)
		if len(fields) == 0 {
			continue
		}
		replaces[path.Clean(fields[0])] = version
	}
	return replaces, sc.Err()
}

// Local builds a main package of the joblab repository that the current
// directory is in (the pause program, the lab programs) as a static binary.
func Local(ctx context.Context, pkg, output string, log io.Writer) error {
	root, err := RepoRoot()
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "$ go build -o %s %s (in %s)\n", output, pkg, root)
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", output, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	return nil
}

// RepoRoot finds the joblab repository that the current directory is in;
// programs built from this repository's source need it.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/joblab/joblab\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("not inside the joblab repository: run this from a clone of joblab (it builds programs from the repository's source)")
		}
		dir = parent
	}
}

// TestBinary compiles the tests of package pkg of mod into the binary
// output (go test -c), in the same throwaway module as Build, cgo off. It
// builds Kubernetes' own e2e suite (k8s.io/kubernetes/test/e2e).
func TestBinary(ctx context.Context, workDir string, mod Module, pkg, output string, log io.Writer) error {
	dir := filepath.Join(workDir, strings.ReplaceAll(mod.Path, "/", "_")+"@"+mod.Version+"-tests")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod(mod)), 0o644); err != nil {
		return err
	}
	args := []string{"test", "-c", "-mod=mod", "-trimpath", "-ldflags", "-s -w", "-o", output, pkg}
	fmt.Fprintf(log, "$ CGO_ENABLED=0 go %s\n", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go test -c %s@%s: %w", pkg, mod.Version, err)
	}
	return nil
}
