package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/joblab/joblab/labs/primes"
)

// repoRoot is the repository the catalogue edits: two levels up from this
// package's directory, where go test runs.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	return root
}

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestCatalogueIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Catalogue {
		if !kebab.MatchString(m.ID) || len(m.ID) > 40 {
			t.Errorf("mutant id %q is not short kebab-case", m.ID)
		}
		if seen[m.ID] {
			t.Errorf("mutant id %q appears twice", m.ID)
		}
		seen[m.ID] = true
		if !isLab(m.Lab) {
			t.Errorf("%s: lab %q is not one of %v", m.ID, m.Lab, Labs)
		}
		if strings.TrimSpace(m.Why) == "" {
			t.Errorf("%s: Why is empty: say what a student would see differently", m.ID)
		}
		if m.Equivalent != "" && strings.TrimSpace(m.Equivalent) == "" {
			t.Errorf("%s: Equivalent is blank but not empty", m.ID)
		}
		for _, e := range m.Edits() {
			switch {
			case e.File == "" || filepath.IsAbs(e.File) || strings.Contains(e.File, `\`) || strings.Contains(e.File, ".."):
				t.Errorf("%s: file %q must be a slash-separated path inside the repository", m.ID, e.File)
			case e.From == "":
				t.Errorf("%s: an edit of %s has an empty From", m.ID, e.File)
			case e.From == e.To:
				t.Errorf("%s: an edit of %s does not change anything", m.ID, e.File)
			}
		}
	}
}

func TestEveryLabHasMutants(t *testing.T) {
	for _, lab := range Labs {
		if !slices.ContainsFunc(Catalogue, func(m Mutant) bool { return m.Lab == lab }) &&
			!slices.ContainsFunc(ClusterCatalogue, func(m ClusterMutant) bool { return m.Lab == lab }) {
			t.Errorf("no mutant for lab %s", lab)
		}
	}
}

func TestClusterCatalogueIsWellFormed(t *testing.T) {
	ids := map[string]bool{}
	for _, m := range Catalogue {
		ids[m.ID] = true
	}
	for _, m := range ClusterCatalogue {
		if ids[m.ID] || !strings.HasPrefix(m.ID, "cluster-") {
			t.Errorf("%s: cluster mutant ids are unique and start with cluster-", m.ID)
		}
		ids[m.ID] = true
		if !isLab(m.Lab) || m.Break == "" || m.Restore == "" || (m.Names == "") == (m.Equivalent == "") || m.Why == "" {
			t.Errorf("%s: lab %q, and Break, Restore, Why and either Names (a fault) or Equivalent (a correct cluster) must be set", m.ID, m.Lab)
		}
	}
}

// TestCatalogueMatchesTree applies every mutant to the repository's files
// as they are now: each From must occur exactly once, the edit must change
// the file, and the result must still be YAML or Go, so that the catalogue
// never goes stale, nor breaks the build, silently.
func TestCatalogueMatchesTree(t *testing.T) {
	root := repoRoot(t)
	for _, m := range Catalogue {
		t.Run(m.ID, func(t *testing.T) {
			files, err := mutatedContents(root, m)
			if err != nil {
				t.Fatal(err)
			}
			for name, content := range files {
				checkSyntax(t, name, content)
			}
		})
	}
}

// checkSyntax fails when a mutated file no longer parses.
func checkSyntax(t *testing.T, name, content string) {
	t.Helper()
	switch filepath.Ext(name) {
	case ".go":
		if _, err := parser.ParseFile(token.NewFileSet(), name, content, parser.AllErrors); err != nil {
			t.Errorf("mutated %s is not Go: %v", name, err)
		}
	case ".yaml", ".yml":
		for i, doc := range strings.Split(content, "\n---\n") {
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Errorf("mutated %s, document %d, is not YAML: %v", name, i+1, err)
			} else if obj["kind"] == nil {
				t.Errorf("mutated %s, document %d, has no kind", name, i+1)
			}
		}
	}
}

// TestClaimsAboutPrimes checks the arithmetic that the catalogue's Why and
// Equivalent texts rest on.
func TestClaimsAboutPrimes(t *testing.T) {
	count := func(lo, hi int) int { return len(primes.InRange(lo, hi)) }
	isPrime := func(n int) bool { return count(n, n) == 1 }
	// pn-range-one-more is not equivalent: the indexed lab's index 2
	// (2001..3000) would also check 3001, a prime; the prime lab alone
	// could not tell (100002 is composite). Trial division, the test's
	// own.
	trial := func(n int) bool {
		for d := 2; d*d <= n; d++ {
			if n%d == 0 {
				return false
			}
		}
		return n >= 2
	}
	if !trial(3001) || trial(100002) || trial(4001) != true {
		t.Error("pn-range-one-more: 3001 and 4001 are primes and 100002 is not, or the Why is wrong")
	}
	// prime-start-1 and prime-start-0 print the same primes
	if count(1, 100000) != 9592 || count(0, 99999) != 9592 || count(2, 100001) != 9592 {
		t.Error("prime-start-*: the shifted ranges do not hold the same 9592 primes")
	}
	// prime-size-10e4
	if got := primes.InRange(2, 10001); len(got) != 1229 || got[len(got)-1] != 9973 {
		t.Errorf("prime-size-10e4: 2..10001 has %d primes", len(got))
	}
	// queue-last-item-3999, queue-overlapping-item: same primes, other items
	for _, n := range []int{3999, 4000, 2000} {
		if isPrime(n) {
			t.Errorf("%d is a prime: the queue mutants' Why is wrong", n)
		}
	}
	// worker-primes-shifted: End+1 adds 3001 and 4001, not 1001 or 2001
	for n, want := range map[int]bool{1001: false, 2001: false, 3001: true, 4001: true} {
		if isPrime(n) != want {
			t.Errorf("worker-primes-shifted: isPrime(%d) = %v", n, !want)
		}
	}
}

func TestEditApply(t *testing.T) {
	e := Edit{File: "f.yaml", From: "a: 1", To: "a: 2"}
	if got, err := e.Apply("x: 0\na: 1\n"); err != nil || got != "x: 0\na: 2\n" {
		t.Errorf("Apply = %q, %v", got, err)
	}
	for _, content := range []string{"x: 0\n", "a: 1\na: 1\n"} {
		if _, err := e.Apply(content); err == nil || !strings.Contains(err.Error(), "stale") {
			t.Errorf("Apply(%q) error = %v, want one saying the catalogue is stale", content, err)
		}
	}
	if _, err := (Edit{File: "f"}).Apply("x"); err == nil {
		t.Error("an empty From must be refused")
	}
}

func TestEditSummary(t *testing.T) {
	tests := []struct {
		edit Edit
		want string
	}{
		{Edit{From: "  completions: 6\n", To: "  completions: 5\n"}, "completions: 6 -> completions: 5"},
		{Edit{From: "\nspec:\n", To: "\nspec:\n  ttl: 30\n"}, "+ ttl: 30"},
		{Edit{From: "a\n  b: 1\nc", To: "a\nc"}, "- b: 1"},
		{Edit{From: "x(\" \")\n\tn++", To: "x(\"  \")\n\tn += 2"}, `x(" ") / n++ -> x("  ") / n += 2`},
	}
	for _, tt := range tests {
		if got := tt.edit.Summary(); got != tt.want {
			t.Errorf("Summary(%q -> %q) = %q, want %q", tt.edit.From, tt.edit.To, got, tt.want)
		}
	}
}

// TestLabImageLabs: the labs whose files name a lab program's image, and
// broker (written in Go: its initiator makes the worker Job), run in the
// lab-image lane; the busybox labs beside them.
func TestLabImageLabs(t *testing.T) {
	for lab, want := range map[string]bool{"prime": true, "indexed": true, "behaviours": true, "broker": true, "normal": false, "cron-policies": false, "node-loss": false, "ten-by-five": false} {
		if got := usesLabImages(lab); got != want {
			t.Errorf("lab %s runs the lab images: %t, want %t", lab, got, want)
		}
	}
}
