package repotest

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/joblab/joblab/"

// envPrefix is the prefix of joblab's environment variables (spelt in two
// halves so that this file does not hold the literal it looks for).
var envPrefix = "JOBLAB" + "_"

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s", root)
	}
	return root
}

// goFiles parses every Go file of the repository (imports and literals).
func goFiles(t *testing.T) map[string]*ast.File {
	t.Helper()
	root := repoRoot(t)
	out := map[string]*ast.File{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "_artifacts" || d.Name() == "bin") && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func imports(f *ast.File) []string {
	var out []string
	for _, i := range f.Imports {
		p, _ := strconv.Unquote(i.Path.Value)
		out = append(out, p)
	}
	return out
}

func TestLayersImportOneWay(t *testing.T) {
	rules := []struct {
		from      string   // files under this folder
		forbidden []string // may not import these module folders
		why       string
	}{
		{"internal/", []string{"pkg/", "suites/", "cmd/", "tools/"}, "imports run cmd -> pkg -> internal, never back up"},
		{"pkg/", []string{"suites/", "cmd/", "tools/"}, "the public API does not depend on the suites or the commands"},
		{"lesson/", []string{"labs/", "suites/", "cmd/", "pkg/"}, "the lesson's facts and the checker's arithmetic share no code with the lab programs"},
		{"labs/", []string{"lesson/", "suites/", "cmd/", "pkg/"}, "the lab programs do not use the checker"},
	}
	for path, f := range goFiles(t) {
		for _, r := range rules {
			if !strings.HasPrefix(path, r.from) {
				continue
			}
			for _, imp := range imports(f) {
				for _, bad := range r.forbidden {
					// "lesson/" forbids the package lesson itself as well
					// as any package under it.
					if imp == module+strings.TrimSuffix(bad, "/") || strings.HasPrefix(imp, module+bad) {
						t.Errorf("%s imports %s: %s", path, imp, r.why)
					}
				}
			}
		}
	}
}

// TestTheCommandImportsNoSuite: the joblab binary links the specs
// (pkg/specs) and the harness (pkg/framework), never the test tree: what
// the command shares with the suites lives outside suites/. Followed
// through every package the command reaches in this module, tests left
// out.
func TestTheCommandImportsNoSuite(t *testing.T) {
	pkgImports := map[string][]string{} // package folder -> module imports
	for path, f := range goFiles(t) {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		for _, imp := range imports(f) {
			if strings.HasPrefix(imp, module) || imp+"/" == module {
				pkgImports[dir] = append(pkgImports[dir], strings.TrimPrefix(strings.TrimPrefix(imp, strings.TrimSuffix(module, "/")), "/"))
			}
		}
	}
	if _, ok := pkgImports["cmd/joblab"]; !ok {
		t.Fatal("cmd/joblab imports nothing of the module: is it still the command?")
	}
	seen := map[string]string{"cmd/joblab": ""} // package -> who imported it
	queue := []string{"cmd/joblab"}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, imp := range pkgImports[p] {
			if imp == "" {
				imp = "."
			}
			if _, ok := seen[imp]; ok {
				continue
			}
			seen[imp] = p
			queue = append(queue, imp)
		}
	}
	for p, by := range seen {
		if strings.HasPrefix(p, "suites/") {
			t.Errorf("the joblab command reaches %s (imported by %s): move what the command needs out of the test tree (pkg/framework, pkg/specs)", p, by)
		}
	}
	if _, ok := seen["pkg/specs"]; !ok {
		t.Errorf("the joblab command does not reach pkg/specs: it runs the lesson's specs in its own process")
	}
}

func TestEnvironmentNamesLiveInSettings(t *testing.T) {
	for path, f := range goFiles(t) {
		if strings.HasPrefix(path, "internal/settings/") {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if ok && lit.Kind == token.STRING && strings.Contains(lit.Value, envPrefix) {
				t.Errorf("%s: literal %s: name the variable through package settings", path, lit.Value)
			}
			return true
		})
	}
}

// TestNoEnvironmentBelowTheEntryPoints: the environment is read by the
// entry points (the command, the tools, the suites, the lab programs'
// mains) and by settings.FromEnv, which they call; below them every
// setting is passed as a value. (A child process may inherit the
// environment, os.Environ: that reads no setting.)
func TestNoEnvironmentBelowTheEntryPoints(t *testing.T) {
	entry := []string{"cmd/", "tools/", "suites/", "labs/", "internal/settings/"}
	n := 0
	for path, f := range goFiles(t) {
		if strings.HasSuffix(path, "_test.go") || slices.ContainsFunc(entry, func(e string) bool { return strings.HasPrefix(path, e) }) {
			continue
		}
		n++
		ast.Inspect(f, func(node ast.Node) bool {
			sel, ok := node.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "os" && (sel.Sel.Name == "Getenv" || sel.Sel.Name == "LookupEnv" || sel.Sel.Name == "UserCacheDir" || sel.Sel.Name == "UserHomeDir" || sel.Sel.Name == "UserConfigDir") {
				t.Errorf("%s: os.%s below the entry points: take the value from settings.Settings, passed down from the command or the suite", path, sel.Sel.Name)
			}
			return true
		})
	}
	if n < 50 {
		t.Errorf("only %d files looked at: the walk missed the tree", n)
	}
}

func TestTheTreeHoldsSourceOnly(t *testing.T) {
	root := repoRoot(t)
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): nothing to check", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		for _, part := range strings.Split(name, "/") {
			if part == "_artifacts" || part == "joblab-report" || part == "bin" {
				t.Errorf("%s: run output is tracked (%s/ is what a run writes)", name, part)
			}
		}
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			continue // deleted in the work tree
		}
		if bytes.HasPrefix(data, []byte("\x7fELF")) || bytes.IndexByte(data, 0) >= 0 {
			t.Errorf("%s: a binary is tracked (%d bytes)", name, len(data))
		}
	}
}
