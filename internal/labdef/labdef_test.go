package labdef

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// write makes a lab folder of files in a temporary folder.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loads checks that a folder of these files loads (want "") or is
// refused with an error saying want.
func loads(t *testing.T, name string, files map[string]string, want string) {
	t.Helper()
	_, err := LoadFolder(write(t, files))
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: refused: %v", name, err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("%s: error %v, want one saying %q", name, err, want)
	}
}

func TestStarterAndExampleLoad(t *testing.T) {
	l, err := LoadFolder(write(t, Starter("four-by-two")))
	if err != nil {
		t.Fatalf("the starter folder does not load: %v", err)
	}
	if l.Name != "four-by-two" || len(l.Facts) != 4 || strings.Join(l.Manifests(), ",") != "job.yaml" {
		t.Errorf("starter: %+v", l)
	}
	labs, err := Load(filepath.Join("..", "..", "examples", "labs"))
	if err != nil {
		t.Fatalf("examples/labs: %v", err)
	}
	if len(labs) != 1 || labs[0].Name != "ten-by-five" {
		t.Fatalf("examples/labs: %d labs", len(labs))
	}
	objs, err := labs[0].Objects()
	if err != nil || strings.Join(objs, ",") != "Job/ten-by-five" {
		t.Errorf("objects %v, %v", objs, err)
	}
}

// TestErrorsNameTheLineAndTheFix: each broken lab.yaml is refused with
// the line of the step or fact at fault and what to write instead.
func TestErrorsNameTheLineAndTheFix(t *testing.T) {
	starter := Starter("four-by-two")
	cases := []struct {
		name, from, to string
		want           []string
	}{
		{"misspelt key", "podsCreated: {job: four-by-two}", "podsCreatd: {job: four-by-two}", []string{"line 18", "podsCreatd", "docs/labs.md"}},
		{"version", "apiVersion: joblab/v1", "apiVersion: joblab/v2", []string{"lab.yaml:1", "apiVersion: joblab/v1"}},
		{"two checks", "    podsCreated: {job: four-by-two}\n", "    podsCreated: {job: four-by-two}\n    maxActive: {job: four-by-two}\n", []string{"lab.yaml:17", "exactly one check", "podsCreated, maxActive"}},
		{"no wait", "  - wait: {job: four-by-two, for: Complete, within: 3m}\n", "", []string{"lab.yaml:16", "add a step wait: {job: four-by-two"}},
		{"unknown job", "kubectl: {get: jobs, name: four-by-two,", "kubectl: {get: jobs, name: other,", []string{"lab.yaml:12", "no Job other", "Job/four-by-two"}},
		{"missing file", "apply: job.yaml", "apply: jobs.yaml", []string{"lab.yaml:9", "apply jobs.yaml: no such file"}},
		{"wait end", "for: Complete", "for: Completed", []string{"lab.yaml:10", `wait for "Completed"`, "Complete, Failed, SuccessCriteriaMet"}},
		{"bad events", `["SuccessfulCreate x4", "Completed"]`, `["4 SuccessfulCreate", "Completed"]`, []string{"lab.yaml:28", `"Reason xN"`}},
		{"no source", "    source: \"the exercise\"\n    ja:", "    ja:", []string{"lab.yaml:12", "source: say where"}},
		{"duplicate id", "id: pods-created", "id: completions", []string{"lab.yaml:17", `"completions" is used twice`}},
		{"count", "documented: 4\n", "documented: four\n", []string{"lab.yaml:17", "not a whole number"}},
		{"event pods first", "facts:\n", "facts:\n  - id: early\n    eventPods: {job: four-by-two}\n    documented: 8\n    source: \"the exercise\"\n", []string{"lab.yaml:12", "add a fact events: {job: four-by-two} before it"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"job.yaml": starter["job.yaml"], FileName: starter[FileName]}
			if !strings.Contains(files[FileName], c.from) {
				t.Fatalf("the starter has no %q", c.from)
			}
			files[FileName] = strings.Replace(files[FileName], c.from, c.to, 1)
			_, err := LoadFolder(write(t, files))
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestEventStepsAndWaves(t *testing.T) {
	f := Fact{Documented: []any{"SuccessfulCreate x3", "Warning BackoffLimitExceeded"}}
	steps, err := f.EventSteps()
	if err != nil || len(steps) != 2 || steps[0] != (EventStep{"Normal", "SuccessfulCreate", 3}) || steps[1] != (EventStep{"Warning", "BackoffLimitExceeded", 1}) {
		t.Errorf("steps %+v, %v", steps, err)
	}
	if w, err := WavesOf("5, 5"); err != nil || len(w) != 2 || w[0] != 5 {
		t.Errorf("waves %v %v", w, err)
	}
	if _, err := WavesOf("5, 0"); err == nil {
		t.Error("a wave of 0 accepted")
	}
}

func TestHintFor(t *testing.T) {
	f := Fact{MaxActive: &JobRef{Job: "j"}}
	h := f.HintFor("ns1")
	if !strings.Contains(h.En, "job-name=j -n ns1") || !strings.Contains(h.Ja, "spec.parallelism") {
		t.Errorf("the check's hint: %+v", h)
	}
	f.Hint = &Hint{En: "see {ns}", Ja: "{ns} を見て"}
	if h := f.HintFor("ns1"); h.En != "see ns1" || h.Ja != "ns1 を見て" {
		t.Errorf("the fact's own hint: %+v", h)
	}
	for _, word := range Vocabulary {
		if vocabularyHint(word).En == "" || vocabularyHint(word).Ja == "" {
			t.Errorf("check %s has no hint of its own", word)
		}
	}
}

func vocabularyHint(word string) Hint {
	for _, c := range vocabulary {
		if c.word == word {
			return c.hint
		}
	}
	return Hint{}
}

// TestEveryWordIsWholeAndItsOwn: each entry of the vocabulary has what
// the package asks of it, and is set by its own field alone.
func TestEveryWordIsWholeAndItsOwn(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range vocabulary {
		if c.word == "" || c.set == nil || c.job == nil || c.name == nil || c.ja == nil || c.args == nil || c.hint.En == "" || c.hint.Ja == "" {
			t.Errorf("vocabulary word %q lacks a part: %+v", c.word, c)
		}
		if seen[c.word] {
			t.Errorf("vocabulary word %q twice", c.word)
		}
		seen[c.word] = true
	}
	doc := string(mustRead(t, filepath.Join("..", "..", "docs", "labs.md")))
	for _, word := range Vocabulary {
		if !strings.Contains(doc, "| `"+word+": {") {
			t.Errorf("docs/labs.md's table of checks has no row for %s", word)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLookupReadsKubectlPaths(t *testing.T) {
	obj := map[string]any{"metadata": map[string]any{"annotations": map[string]any{"batch.kubernetes.io/job-completion-index": "2"}}, "spec": map[string]any{
		"parallelism": 5,
		"containers": []any{
			map[string]any{"name": "a", "resources": map[string]any{"requests": map[string]any{"cpu": "200m"}}},
			map[string]any{"name": "b"},
		},
	}}
	for path, want := range map[string]any{
		"spec.parallelism":                                                 5,
		"spec.containers[0].resources.requests.cpu":                        "200m",
		"spec.containers[1].name":                                          "b",
		"metadata.annotations['batch.kubernetes.io/job-completion-index']": "2",
		"spec['containers'][1]['name']":                                    "b",
	} {
		got, found, err := Lookup(obj, path)
		if err != nil || !found || got != want {
			t.Errorf("%s: %v, %v, %v; want %v", path, got, found, err, want)
		}
	}
	for _, path := range []string{"spec.containers[2].name", "spec.completions", "status.active"} {
		if _, found, err := Lookup(obj, path); found || err != nil {
			t.Errorf("%s: found %v, %v; want not found", path, found, err)
		}
	}
	for path, want := range map[string]string{
		"spec.parallelism.x":      "spec.parallelism is not an object",
		"spec[0]":                 "spec is not a list",
		"spec.containers[x]":      "not an index [N] or a key ['key']",
		"metadata.annotations['a": "not an index [N] or a key ['key']",
		"spec..parallelism":       "not a field name",
		"{.spec.parallelism}":     "without braces",
		"":                        "empty",
	} {
		if _, _, err := Lookup(obj, path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error saying %q", path, err, want)
		}
	}
}

func TestSince(t *testing.T) {
	l := &Lab{Since: "1.36"}
	if l.SinceMinor() != 36 || l.NotBefore("v1.36.3", 36) != "" || l.NotBefore("v1.37.2", 37) != "" {
		t.Errorf("since 1.36 on 1.36 or 1.37: %d %q", l.SinceMinor(), l.NotBefore("v1.36.3", 36))
	}
	if why := l.NotBefore("v1.35.4", 35); !strings.Contains(why, "v1.35.4") || !strings.Contains(why, "since 1.36") {
		t.Errorf("since 1.36 on 1.35: %q", why)
	}
	if (&Lab{}).NotBefore("v1.34.2", 34) != "" {
		t.Error("a lab without since was refused on 1.34")
	}
	starter := Starter("four-by-two")
	for since, ok := range map[string]bool{`"1.36"`: true, "1.36": true, `"v1.36"`: false, `"1.36.1"`: false, `"2.0"`: false} {
		files := map[string]string{"lab.yaml": strings.Replace(starter["lab.yaml"], "expected: 1m\n", "expected: 1m\nsince: "+since+"\n", 1), "job.yaml": starter["job.yaml"]}
		_, err := LoadFolder(write(t, files))
		if (err == nil) != ok {
			t.Errorf("since: %s: %v, want ok %v", since, err, ok)
		}
	}
}

// A quantity under resources is compared by value, as Kubernetes compares
// it; any other field by its text, so "1.0" is not "1" for a label.
func TestSameValue(t *testing.T) {
	for _, c := range []struct {
		path, observed, documented string
		want                       bool
	}{
		{"spec.template.spec.containers[0].resources.limits.memory", "64Mi", "67108864", true},
		{"spec.template.spec.containers[0].resources.limits.memory", "64Mi", "64M", false},
		{"spec.containers[0].resources.requests.cpu", "100m", "0.1", true},
		{"spec.containers[0].resources.requests.cpu", "100m", "0.2", false},
		{"spec.containers[0].resources.requests.cpu", "unset", "100m", false},
		{"metadata.labels.version", "1", "1.0", false},
		{"spec.completions", "5", "5", true},
		{"spec.completions", "5", "05", false},
	} {
		if got := SameValue(c.path, c.observed, c.documented); got != c.want {
			t.Errorf("SameValue(%s, %q, %q) = %v, want %v", c.path, c.observed, c.documented, got, c.want)
		}
	}
}

// lessonLab is a lab.yaml that applies one of the lesson's manifests.
const lessonLab = `apiVersion: joblab/v1
kind: Lab
name: two-again
section: "10.4"
title: "t"
summary: "s"
expected: 1m
steps:
  - applyLesson: job-container-failed.yaml
  - wait: {job: two-containers, for: Failed, within: 5m, name: "the job ends Failed"}
facts:
  - id: status
    kubectl: {get: pods, job: two-containers, column: STATUS}
    byRelease:
      - from: "1.35"
        documented: [Error, Error, Error]
        shown: "Error,Error,Error"
        source: "new"
      - documented: [Completed, Completed, Completed]
        source: "old"
  - id: exit-codes
    exitCodes: {job: two-containers, pods: 3}
    documented: "busybox1=0,busybox2=1"
    source: "the manifest"
  - id: events
    events: {job: two-containers, messages: {BackoffLimitExceeded: "Job has reached"}}
    documented: ["SuccessfulCreate x3", "Warning BackoffLimitExceeded"]
    shown: "3 x SuccessfulCreate, then Warning BackoffLimitExceeded"
    source: "describe"
`

func TestALabAppliesTheLessonsManifests(t *testing.T) {
	l, err := LoadFolder(write(t, map[string]string{FileName: lessonLab}))
	if err != nil {
		t.Fatalf("a lab of the lesson's manifest does not load: %v", err)
	}
	if !l.LessonFile("job-container-failed.yaml") || strings.Join(l.Manifests(), ",") != "job-container-failed.yaml" {
		t.Errorf("manifests %v", l.Manifests())
	}
	if objs, err := l.Objects(); err != nil || strings.Join(objs, ",") != "Job/two-containers" {
		t.Errorf("objects %v, %v: read from the lesson's manifests", objs, err)
	}
	if got := l.Steps[1].Wait.RowName(); got != "the job ends Failed" {
		t.Errorf("wait row %q", got)
	}
	bad := strings.Replace(lessonLab, "applyLesson: job-container-failed.yaml", "applyLesson: job-containers-failed.yaml", 1)
	if _, err := LoadFolder(write(t, map[string]string{FileName: bad})); err == nil || !strings.Contains(err.Error(), "lab.yaml:9") || !strings.Contains(err.Error(), "not one of the lesson's manifests") {
		t.Errorf("a manifest the lesson lacks: %v", err)
	}
}

func TestByReleaseAndShown(t *testing.T) {
	l, err := Parse("lab.yaml", []byte(lessonLab))
	if err != nil {
		t.Fatal(err)
	}
	status := l.Facts[0]
	for _, c := range []struct {
		minor      int
		shown, doc string
	}{
		{37, "Error,Error,Error (v1.37.2: new)", "Error, Error, Error"},
		{35, "Error,Error,Error (v1.37.2: new)", "Error, Error, Error"},
		{34, "Completed, Completed, Completed (v1.37.2: old)", "Completed, Completed, Completed"},
	} {
		f, ok := status.ForRelease("v1.37.2", c.minor)
		if !ok || f.ShownText() != c.shown || f.DocumentedText() != c.doc {
			t.Errorf("1.%d: %q / %q (%v), want %q / %q", c.minor, f.ShownText(), f.DocumentedText(), ok, c.shown, c.doc)
		}
	}
	if got := l.Facts[2].ShownText(); got != "3 x SuccessfulCreate, then Warning BackoffLimitExceeded" {
		t.Errorf("shown %q", got)
	}
	if got := l.Facts[1].ShownText(); got != "busybox1=0,busybox2=1 (the manifest)" {
		t.Errorf("documented and source %q", got)
	}
	for _, c := range []struct{ from, to, want string }{
		{`      - documented: [Completed, Completed, Completed]`, `      - from: "1.30"
        documented: [Completed, Completed, Completed]`, "the last, for the older ones, none"},
		{`from: "1.35"`, `from: "1.35.0"`, `byRelease from "1.35.0"`},
		{`        source: "old"`, ``, "byRelease entry 2: documented and source"},
		{`    byRelease:`, `    documented: [Error]
    byRelease:`, "leave documented and shown out"},
		{`pods: 3}`, `pods: 0}`, "exitCodes: pods"},
		{`documented: "busybox1=0,busybox2=1"`, `documented: "busybox1 0"`, "name=code"},
		{`messages: {BackoffLimitExceeded:`, `messages: {Completed:`, "Completed is not one of the documented events' reasons"},
	} {
		_, err := Parse("lab.yaml", []byte(strings.Replace(lessonLab, c.from, c.to, 1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s -> %s: %v, want %q", c.from, c.to, err, c.want)
		}
	}
}

// TestLogAndPodCountWords: the log fact's parts and kubectl get pods
// without a column load when written right, and are refused with the fix
// otherwise.
func TestLogAndPodCountWords(t *testing.T) {
	starter := Starter("four-by-two")
	fact := func(check, documented string) string {
		return "  - id: extra\n    " + check + "\n    documented: " + documented + "\n    source: \"the exercise\"\n"
	}
	cases := []struct {
		name, fact string
		want       string // "" loads
	}{
		{"line", fact("log: {job: four-by-two, line: 1}", `"done"`), ""},
		{"count", fact("log: {job: four-by-two, numbers: count}", "8"), ""},
		{"ends", fact("log: {job: four-by-two, numbers: ends}", `"2 .. 99991"`), ""},
		{"only", fact("log: {job: four-by-two, numbers: only}", "yes"), ""},
		{"primes", fact("log: {job: four-by-two, numbers: primes, primes: {from: 2, to: 100}}", `"25 primes"`), ""},
		{"pods", fact("kubectl: {get: pods, job: four-by-two}", "8"), ""},
		{"bad numbers", fact("log: {job: four-by-two, numbers: sum}", "8"), `log numbers "sum": one of only, count, ends, primes`},
		{"primes without range", fact("log: {job: four-by-two, numbers: primes}", "x"), "name the range"},
		{"ends written otherwise", fact("log: {job: four-by-two, numbers: ends}", `"2-99991"`), `write the first and the last as "2 .. 99991"`},
		{"count not a number", fact("log: {job: four-by-two, numbers: count}", "many"), "not a whole number"},
		{"line and numbers", fact("log: {job: four-by-two, line: 2, numbers: count}", "8"), "a fact of their own"},
		{"line 0 and below", fact("log: {job: four-by-two, line: -1}", "x"), "lines count from 1"},
		{"pods not counted", fact("kubectl: {get: pods, job: four-by-two}", "all"), "counts the Job's pods"},
		{"event pods", fact("eventPods: {job: four-by-two}", "8"), ""},
		{"pods kept", fact("podsKept: {job: four-by-two, for: 25s}", "8"), ""},
		{"pods kept too briefly", fact("podsKept: {job: four-by-two, for: 5s}", "8"), "at least one pass of the pod garbage collector"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"job.yaml": starter["job.yaml"], FileName: strings.TrimRight(starter[FileName], "\n") + "\n" + c.fact}
			_, err := LoadFolder(write(t, files))
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && err == nil:
				t.Error("loaded")
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Errorf("error %q lacks %q", err, c.want)
			}
		})
	}
}

// TestRuns: a lab of several runs is its runs, each with its report name,
// spec, steps and facts; a run is checked as a lab is, naming its line.
func TestRuns(t *testing.T) {
	starter := Starter("four-by-two")
	body := starter[FileName]
	i := strings.Index(body, "steps:")
	if i < 0 {
		t.Fatal("the starter has no steps")
	}
	head, rest := body[:i], body[i:]
	// The starter's steps and facts, indented as one run's.
	indent := func(s string) string {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		for j, l := range lines {
			lines[j] = "    " + l
		}
		return strings.Join(lines, "\n") + "\n"
	}
	runs := head + "runs:\n  - name: first\n    spec: \"runs it\"\n" + indent(rest) + "  - name: second\n    spec: \"runs it again\"\n" + indent(rest)
	l, err := LoadFolder(write(t, map[string]string{"job.yaml": starter["job.yaml"], FileName: runs}))
	if err != nil {
		t.Fatalf("refused: %v\n%s", err, runs)
	}
	parts := l.Parts()
	if len(parts) != 2 || parts[0].ReportName() != "first" || parts[1].SpecText() != "runs it again" || parts[1].Name != "four-by-two" {
		t.Fatalf("parts %+v", parts)
	}
	steps, facts := l.StepsAndFacts()
	if want := 2 * len(parts[0].Steps); steps != want || facts != 2*len(parts[0].Facts) || len(parts[0].Facts) == 0 {
		t.Errorf("%d steps, %d facts", steps, facts)
	}
	if got := strings.Join(l.Manifests(), ","); got != "job.yaml" {
		t.Errorf("manifests %s", got)
	}
	cases := []struct {
		name, from, to string
		want           []string
	}{
		{"steps beside runs", "runs:\n", "steps: [{apply: job.yaml}]\nruns:\n", []string{"lab.yaml:1", "move the lab's steps and facts into its runs"}},
		{"a name twice", "name: second", "name: first", []string{`run name "first" is used twice`}},
		{"no spec", "    spec: \"runs it again\"\n", "", []string{"run second: spec:"}},
		{"a run's fact at fault", "kubectl: {get: jobs, name: four-by-two,", "kubectl: {get: jobs, name: other,", []string{"no Job other", "Job/four-by-two"}},
		{"a run's fact's line", "podsCreated: {job: four-by-two}", "podsCreated: {job: other}", []string{"add a step wait: {job: other"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(runs, c.from) {
				t.Fatalf("no %q", c.from)
			}
			changed := strings.Replace(runs, c.from, c.to, 1)
			_, err := LoadFolder(write(t, map[string]string{"job.yaml": starter["job.yaml"], FileName: changed}))
			if err == nil {
				t.Fatal("loaded")
			}
			if strings.Contains(c.name, "fact") {
				// The error names the line of the run's fact: where its
				// list item begins, at or just above the change.
				line := strings.Count(changed[:strings.Index(changed, c.to)], "\n") + 1
				m := regexp.MustCompile(`lab\.yaml:(\d+)`).FindStringSubmatch(err.Error())
				if m == nil {
					t.Fatalf("error %q names no line", err)
				}
				if n, _ := strconv.Atoi(m[1]); n > line || n < line-3 {
					t.Errorf("error %q: not near line %d", err, line)
				}
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestIndexAndDecisionWords: podsPerIndex, decided and stillRunning load
// with their documented values, and refuse what they cannot read.
func TestIndexAndDecisionWords(t *testing.T) {
	starter := Starter("four-by-two")
	fact := func(check, documented string) string {
		return "  - id: extra\n    " + check + "\n    documented: " + documented + "\n    source: \"the exercise\"\n"
	}
	const key = "batch.kubernetes.io/job-index-failure-count"
	cases := []struct {
		name, fact string
		want       string // "" loads
	}{
		{"per index", fact("podsPerIndex: {job: four-by-two, annotation: "+key+"}", `"0: 0; 1: 0 1; 2: 0"`), ""},
		{"per index, an index without pods", fact("podsPerIndex: {job: four-by-two, annotation: "+key+"}", `"0: 0; 1:"`), ""},
		{"per index without annotation", fact("podsPerIndex: {job: four-by-two}", `"0: 0"`), "the annotation each pod shows"},
		{"per index written otherwise", fact("podsPerIndex: {job: four-by-two, annotation: "+key+"}", `"0=0, 1=0 1"`), "each index, a colon"},
		{"per index out of order", fact("podsPerIndex: {job: four-by-two, annotation: "+key+"}", `"1: 0; 0: 0"`), "increasing order"},
		{"decided", fact("decided: {job: four-by-two, condition: SuccessCriteriaMet, by: 2m}", "5s"), ""},
		{"decided, default by", fact("decided: {job: four-by-two, condition: FailureTarget}", "5s"), ""},
		{"decided on another condition", fact("decided: {job: four-by-two, condition: Suspended}", "5s"), `condition "Suspended": one of SuccessCriteriaMet, FailureTarget, Complete, Failed`},
		{"decided, not a duration", fact("decided: {job: four-by-two, condition: Failed}", "soon"), "not a duration"},
		{"decided by before documented", fact("decided: {job: four-by-two, condition: Failed, by: 5s}", "10s"), "must come after the documented 10s"},
		{"still running", fact("stillRunning: {job: four-by-two, exceptIndexes: [1]}", "0"), ""},
		{"still running, not a count", fact("stillRunning: {job: four-by-two}", "none"), "not a whole number"},
		{"condition message", fact("condition: {job: four-by-two, type: Failed, of: message}", `"Container busybox2 for pod {ns}/{pod} failed"`), ""},
		{"condition status", fact("condition: {job: four-by-two, type: Suspended, of: status}", `"True (JobSuspended)"`), ""},
		{"condition of another part", fact("condition: {job: four-by-two, type: Failed, of: type}", "Failed"), `condition of "type": reason (the default), message or status`},
		{"deleted after", fact("deletedAfter: {job: four-by-two}", "15s"), "add the steps wait: {job: four-by-two, for: Complete, ...} and waitGone"},
		{"pods left", fact("podsLeft: {job: four-by-two}", "0"), ""},
	}
	for _, c := range cases {
		loads(t, c.name, map[string]string{"job.yaml": starter["job.yaml"], FileName: strings.TrimRight(starter[FileName], "\n") + "\n" + c.fact}, c.want)
	}
}

// TestPerIndexText: a podsPerIndex value read and written back, the
// values of an index sorted, an index without pods kept.
func TestPerIndexText(t *testing.T) {
	got, err := PerIndexOf("0: 0; 1: 1 0; 3:")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || len(got[1]) != 2 || len(got[3]) != 0 {
		t.Errorf("read %v", got)
	}
	if s := PerIndexText(got); s != "0: 0; 1: 0 1; 3:" {
		t.Errorf("written back as %q", s)
	}
	if s := PerIndexText(map[int][]string{10: {"0"}, 2: {"1", "0"}}); s != "2: 0 1; 10: 0" {
		t.Errorf("indexes in numeric order: %q", s)
	}
}

// TestEvictPodStep: an evictPod step names a Job of the lab's files, like
// deletePod; a documented condition message is filled with the namespace
// and the Job's first pod.
func TestEvictPodStep(t *testing.T) {
	starter := Starter("four-by-two")
	for _, c := range []struct{ job, want string }{
		{"four-by-two", ""},
		{"four-by-three", "no Job four-by-three in the lab's files"},
		{"", "name the Job"},
	} {
		body := strings.Replace(starter[FileName], "facts:", "  - evictPod: {job: "+c.job+"}\nfacts:", 1)
		loads(t, "evictPod "+c.job, map[string]string{"job.yaml": starter["job.yaml"], FileName: body}, c.want)
	}
	if got := MessageText("for pod {ns}/{pod} failed", "student1-x", "policy-abcde"); got != "for pod student1-x/policy-abcde failed" {
		t.Errorf("MessageText: %q", got)
	}
}

// TestCheckStep: a check step names facts of the lab, each once; a pod
// fact it checks needs a wait or watch of its Job before it, not only
// after.
func TestCheckStep(t *testing.T) {
	starter := Starter("four-by-two")
	base := starter[FileName]
	i, j := strings.Index(base, "steps:\n"), strings.Index(base, "facts:")
	if i < 0 || j < 0 {
		t.Fatal("the starter has no steps or facts")
	}
	// The starter's facts, with their ids.
	var ids []string
	for _, line := range strings.Split(base[j:], "\n") {
		if id, ok := strings.CutPrefix(strings.TrimSpace(line), "- id: "); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) < 2 {
		t.Fatalf("the starter has %d facts", len(ids))
	}
	apply := "  - apply: job.yaml\n"
	wait := "  - wait: {job: four-by-two, for: Complete, within: 3m}\n"
	check := func(ids ...string) string { return "  - check: [" + strings.Join(ids, ", ") + "]\n" }
	for _, c := range []struct {
		name, steps, want string
	}{
		{"facts checked after the wait", apply + wait + check(ids[0], ids[1]), ""},
		{"an unknown fact", apply + wait + check("no-such-fact"), `check: no fact "no-such-fact"`},
		{"a fact checked twice", apply + wait + check(ids[0]) + check(ids[0]), "is checked twice"},
		{"nothing to check", apply + wait + "  - check: []\n", "name the facts to check here"},
		{"a pod fact checked before its wait", apply + check(ids...) + wait, "before the check step (step 2)"},
		{"a Job watched, then waited for", apply + "  - watch: {job: four-by-two, for: 10s}\n" + wait, ""},
	} {
		loads(t, c.name, map[string]string{"job.yaml": starter["job.yaml"], FileName: base[:i] + "steps:\n" + c.steps + base[j:]}, c.want)
	}
}

// TestReplacementWords: statusSeen documents a Job's status counts;
// deletedPod and replacedAfter need a deletePod step on their Job.
func TestReplacementWords(t *testing.T) {
	starter := Starter("four-by-two")
	withDelete := strings.Replace(starter[FileName], "  - wait:", "  - deletePod: {job: four-by-two}\n  - wait:", 1)
	fact := func(check, documented string) string {
		return "  - id: extra\n    " + check + "\n    documented: " + documented + "\n    source: \"the exercise\"\n"
	}
	for _, c := range []struct {
		name, body, fact, want string
	}{
		{"status seen", starter[FileName], fact("statusSeen: {job: four-by-two}", `"active 0, terminating 1"`), ""},
		{"status written otherwise", starter[FileName], fact("statusSeen: {job: four-by-two}", `"0 active"`), `the Job's status counts as "active 0, terminating 1"`},
		{"deleted pod", withDelete, fact("deletedPod: {job: four-by-two}", "Failed"), ""},
		{"deleted pod without a delete", starter[FileName], fact("deletedPod: {job: four-by-two}", "Failed"), "add a step deletePod: {job: four-by-two}"},
		{"replaced after", withDelete, fact("replacedAfter: {job: four-by-two}", "yes"), ""},
		{"replaced after, not yes", withDelete, fact("replacedAfter: {job: four-by-two}", "after"), "write yes"},
	} {
		loads(t, c.name, map[string]string{"job.yaml": starter["job.yaml"], FileName: strings.TrimRight(c.body, "\n") + "\n" + c.fact}, c.want)
	}
}

// TestNodeCrashWords: crashNode and restartNode steps, and the facts
// replacedElsewhere and lostPodFate, load in a lab that runs alone and
// refuse what they cannot do or read.
func TestNodeCrashWords(t *testing.T) {
	starter := Starter("one-pod")
	body := strings.Replace(starter[FileName], "steps:", "alone: true\nsteps:", 1)
	crash := func(b string) string {
		return strings.Replace(b, "  - wait:", "  - crashNode: {job: one-pod}\n  - restartNode: {job: one-pod}\n  - wait:", 1)
	}
	fact := func(check, documented string) string {
		return "  - id: extra\n    " + check + "\n    documented: " + documented + "\n    source: \"the exercise\"\n"
	}
	for _, c := range []struct {
		name, body, fact, want string
	}{
		{"replaced elsewhere", crash(body), fact("replacedElsewhere: {job: one-pod}", "another node"), ""},
		{"lost pod's fate", crash(body), fact("lostPodFate: {job: one-pod}", "taken off"), ""},
		{"lost pod's fate, another word", crash(body), fact("lostPodFate: {job: one-pod}", "gone"), "write taken off"},
		{"replaced, another word", crash(body), fact("replacedElsewhere: {job: one-pod}", "the same node"), "write another node"},
		{"not alone", crash(starter[FileName]), "", "the lab must run alone on its cluster (alone: true)"},
		{"restart without crash", strings.Replace(body, "  - wait:", "  - restartNode: {job: one-pod}\n  - wait:", 1), "", "restartNode: no crashNode step of job one-pod"},
		{"replaced without crash", body, fact("replacedElsewhere: {job: one-pod}", "another node"), "add a step crashNode: {job: one-pod}"},
		{"crash another job", strings.Replace(body, "  - wait:", "  - crashNode: {job: other}\n  - wait:", 1), "", "no Job other in the lab's files"},
	} {
		loads(t, c.name, map[string]string{"job.yaml": starter["job.yaml"], FileName: strings.TrimRight(c.body, "\n") + "\n" + c.fact}, c.want)
	}
}

// TestCronPolicyWords: applyScheduled and cronMinutes steps, and the
// cronPolicy facts, load with their values and refuse what they cannot
// read.
func TestCronPolicyWords(t *testing.T) {
	const cronJob = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: NAME\nspec:\n  schedule: \"SCHEDULE\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - {name: c, image: busybox:1, command: [\"sleep\", \"90\"]}\n          restartPolicy: Never\n"
	cron := func(name, schedule string) string {
		return strings.NewReplacer("NAME", name, "SCHEDULE", schedule).Replace(cronJob)
	}
	files := map[string]string{
		"cron.yaml":  cron("forbid", "*/1 * * * *") + "---\n" + cron("allow", "*/1 * * * *"),
		"zones.yaml": cron("tokyo", "{schedule}") + "---\n" + cron("utc", "{schedule}"),
	}
	head := "apiVersion: joblab/v1\nkind: Lab\nname: policies\nsection: \"1\"\ntitle: \"CronJobs\"\nsummary: \"policies\"\nexpected: 3m\nsteps:\n  - apply: cron.yaml\n"
	scheduled := "  - applyScheduled: {file: zones.yaml, minute: 2, wallTime: Asia/Tokyo}\n"
	watch := "  - cronMinutes: {cronjobs: [forbid, allow], minutes: 2, lateRun: forbid}\n"
	watchZones := "  - cronMinutes: {cronjobs: [forbid, allow], minutes: 2, lateRun: forbid, alsoWatch: [tokyo, utc]}\n"
	fact := func(check, documented string) string {
		return "facts:\n  - id: extra\n    cronPolicy: " + check + "\n    documented: " + documented + "\n    source: \"the exercise\"\n"
	}
	for _, c := range []struct {
		name, body, want string
	}{
		{"overlap", head + watch + fact("{cronjob: allow, of: overlap}", `"two Jobs at once"`), ""},
		{"starts late", head + watch + fact("{cronjob: forbid, of: startsLate}", `"late"`), ""},
		{"failed kept", head + watch + fact("{cronjob: forbid, of: failedKept}", "1"), ""},
		{"failed kept 2", head + watch + fact("{cronjob: forbid, of: failedKept}", "2"), "write 1"},
		{"scheduled only", head + scheduled + watchZones + fact("{cronjob: tokyo, of: scheduledOnly, other: utc}", `"tokyo only"`), ""},
		{"scheduled only without applyScheduled", head + strings.Replace(watchZones, "alsoWatch: [tokyo, utc]", "alsoWatch: [tokyo]", 1) + fact("{cronjob: tokyo, of: scheduledOnly, other: utc}", `"tokyo only"`), "reads the minute of an applyScheduled step"},
		{"zones not watched", head + scheduled + watch + fact("{cronjob: tokyo, of: scheduledOnly, other: utc}", `"x"`), "add cronjob tokyo to its cronjobs (or alsoWatch)"},
		{"scheduled only without other", head + scheduled + watchZones + fact("{cronjob: tokyo, of: scheduledOnly}", `"x"`), "other, the CronJob of the same schedule"},
		{"another of", head + watch + fact("{cronjob: allow, of: sometimes}", `"x"`), `cronPolicy of "sometimes": one of overlap`},
		{"not watched", head + fact("{cronjob: allow, of: overlap}", `"x"`), "add cronjob allow to its cronjobs"},
		{"late run not watched", head + strings.Replace(watch, "lateRun: forbid", "lateRun: tokyo", 1) + fact("{cronjob: allow, of: overlap}", `"x"`), "lateRun tokyo is not one of its cronjobs"},
		{"unknown zone", head + strings.Replace(scheduled, "Asia/Tokyo", "Mars/Olympus_Mons", 1) + watch + fact("{cronjob: allow, of: overlap}", `"x"`), "a time zone (applyScheduled:"},
		{"watch another CronJob", head + strings.Replace(watch, "[forbid, allow]", "[forbid, bye]", 1) + fact("{cronjob: forbid, of: overlap}", `"x"`), "cronMinutes: no CronJob bye in the lab's files"},
		{"no zones file", head + strings.Replace(scheduled, "zones.yaml", "none.yaml", 1) + watch + fact("{cronjob: allow, of: overlap}", `"x"`), "apply none.yaml: no such file in the lab folder"},
	} {
		f := map[string]string{FileName: c.body}
		for k, v := range files {
			f[k] = v
		}
		loads(t, c.name, f, c.want)
	}
}

// TestCronWords: cron facts read a cronRuns step of their CronJob, each
// "of" with its documented value; a cronRuns step names a CronJob of the
// lab's files.
func TestCronWords(t *testing.T) {
	const cronJob = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: hello\nspec:\n  schedule: \"*/1 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - {name: hello, image: busybox:1, command: [date]}\n          restartPolicy: OnFailure\n"
	head := "apiVersion: joblab/v1\nkind: Lab\nname: every-minute\nsection: \"1\"\ntitle: \"a CronJob\"\nsummary: \"a CronJob every minute\"\nexpected: 5m\nsteps:\n  - apply: cron.yaml\n"
	watch := "  - cronRuns: {cronjob: hello, runs: 4, within: 7m}\n"
	fact := func(of, documented string) string {
		return "facts:\n  - id: extra\n    cron: {cronjob: hello, of: " + of + "}\n    documented: " + documented + "\n    source: \"the exercise\"\n"
	}
	for _, c := range []struct {
		name, body, want string
	}{
		{"apart", head + watch + fact("apart", "60s"), ""},
		{"on time", head + watch + fact("onTime", "15s"), ""},
		{"log", head + watch + fact("log", `"{date}\nHello"`), ""},
		{"kept", head + watch + fact("kept", "3"), ""},
		{"delete event", head + watch + fact("deleteEvent", `"Deleted job {oldest}"`), ""},
		{"delete event without the oldest", head + watch + fact("deleteEvent", `"Deleted job hello-1"`), "naming the oldest run as {oldest}"},
		{"apart not a duration", head + watch + fact("apart", "often"), "not a duration"},
		{"another of", head + watch + fact("minutes", "yes"), `cron of "minutes": one of apart, onTime`},
		{"no cronRuns step", head + fact("kept", "3"), "add a step cronRuns: {cronjob: hello"},
		{"cronRuns of another CronJob", head + "  - cronRuns: {cronjob: bye, runs: 4, within: 7m}\n" + strings.Replace(fact("kept", "3"), "cronjob: hello", "cronjob: bye", 1), "cronRuns: no CronJob bye in the lab's files"},
		{"cronRuns without runs", head + "  - cronRuns: {cronjob: hello, within: 7m}\n" + fact("kept", "3"), "how many runs"},
	} {
		loads(t, c.name, map[string]string{"cron.yaml": cronJob, FileName: c.body}, c.want)
	}
}

// TestBehaviourWords: losePod, deleteJob and applyRefused steps, and the
// facts podsLost, podsEnded, apiMapping, served and objects, load with
// their values and refuse what they cannot read.
func TestBehaviourWords(t *testing.T) {
	starter := Starter("four-by-two")
	body := starter[FileName]
	withStep := func(step string) string { return strings.Replace(body, "  - wait:", step+"\n  - wait:", 1) }
	fact := func(check, documented string) string {
		return "  - id: extra\n    " + check + "\n    documented: " + documented + "\n    source: \"the exercise\"\n"
	}
	const refused = "  - applyRefused: {file: legacy/cron-job.v1beta1.yaml, says: [\"removed in Kubernetes 1.25\"]}"
	for _, c := range []struct {
		name, body, fact, want string
	}{
		{"pods lost", withStep("  - losePod: {job: four-by-two}"), fact("podsLost: {job: four-by-two}", "1"), ""},
		{"pods lost without losePod", body, fact("podsLost: {job: four-by-two}", "1"), "add a step losePod: {job: four-by-two}"},
		{"delete job", withStep("  - deleteJob: {job: four-by-two}"), fact("podsEnded: {job: four-by-two}", "8"), ""},
		{"delete another job", withStep("  - deleteJob: {job: other}"), "", "no Job other in the lab's files"},
		{"refused", withStep(refused), fact("served: {group: batch, version: v1beta1}", "no"), ""},
		{"refused, neither the folder's nor the lesson's", withStep("  - applyRefused: {file: mine.yaml, says: [x]}"), "", "applyRefused mine.yaml: neither a file of the lab folder"},
		{"refused, saying nothing", withStep("  - applyRefused: {file: legacy/cron-job.v1beta1.yaml}"), "", "says, what the error must say"},
		{"served, not yes or no", body, fact("served: {group: batch, version: v1beta1}", "gone"), "yes or no"},
		{"api mapping", body, fact("apiMapping: {group: batch, version: v1beta1, kind: CronJob}", `'no matches for kind "CronJob" in version "batch/v1beta1"'`), ""},
		{"api mapping without kind", body, fact("apiMapping: {group: batch, version: v1beta1}", "x"), "group, version and kind"},
		{"objects", body, fact("objects: {kind: CronJob}", "0"), ""},
		{"objects of another kind", body, fact("objects: {kind: Pod}", "0"), `objects kind "Pod": Job or CronJob`},
	} {
		loads(t, c.name, map[string]string{"job.yaml": starter["job.yaml"], FileName: strings.TrimRight(c.body, "\n") + "\n" + c.fact}, c.want)
	}
	loads(t, "refused, the folder's", map[string]string{"job.yaml": starter["job.yaml"], "mine.yaml": starter["job.yaml"], FileName: withStep("  - applyRefused: {file: mine.yaml, says: [x]}")}, "")
}

// TestOrderAndOldWay: order places a lab, oldWay names the lab of the old
// way and what changed; a negative order, or an oldWay without both, is
// refused.
func TestOrderAndOldWay(t *testing.T) {
	starter := Starter("four-by-two")
	with := func(lines string) string { return strings.Replace(starter[FileName], "steps:", lines+"\nsteps:", 1) }
	for _, c := range []struct{ name, body, want string }{
		{"order and old way", with("order: 2\noldWay: {lab: two-containers, what: \"one pod instead of three\"}"), ""},
		{"negative order", with("order: -1"), "order -1: 1 for the first lab of its track"},
		{"old way without what", with("oldWay: {lab: two-containers}"), "oldWay: the lab (or run) that shows the old way"},
		{"old way of no lab", with("oldWay: {lab: Two Containers, what: x}"), "oldWay: the lab (or run) that shows the old way"},
	} {
		loads(t, c.name, map[string]string{"job.yaml": starter["job.yaml"], FileName: c.body}, c.want)
	}
}

// TestStepRows: the rows a step adds carry its ids, its Japanese names
// (its own when given, else the step's) and its hints, {ns} filled.
func TestStepRows(t *testing.T) {
	named := Step{Wait: &Wait{Job: "j", For: "Failed", Name: "the job ends Failed", Ja: "ジョブが中断(Failed)する", Hint: &Hint{En: "look at {ns}", Ja: "{ns} を見て"}}}
	rows := named.Rows("ns1")
	if len(rows) != 1 || rows[0].ID != "wait-j-failed" || rows[0].Name != "the job ends Failed" || rows[0].Ja != "ジョブが中断(Failed)する" || rows[0].Hint.En != "look at ns1" || rows[0].Hint.Ja != "ns1 を見て" {
		t.Errorf("a named wait's rows: %+v", rows)
	}
	plain := Step{Wait: &Wait{Job: "j", For: "Complete"}}.Rows("ns1")
	if len(plain) != 1 || plain[0].Name != "job j ends Complete" || plain[0].Ja != "ジョブ j が正常終了(Complete)する" || !strings.Contains(plain[0].Hint.En, "kubectl describe job j -n ns1") {
		t.Errorf("a wait's own rows: %+v", plain)
	}
	crash := Step{CrashNode: &JobRef{Job: "j"}}.Rows("ns1")
	if len(crash) != 3 || crash[1].Name != "the stopped node noticed lost (NotReady)" || !strings.Contains(crash[0].Hint.En, "kubectl get pods -o wide -n ns1") {
		t.Errorf("a node crash's rows: %+v", crash)
	}
	if rows := (Step{Apply: "job.yaml"}).Rows("ns1"); len(rows) != 0 {
		t.Errorf("an apply adds no row: %+v", rows)
	}
	// Every step that adds rows names them apart, by id and by name.
	steps := []Step{named, {WaitGone: &WaitGone{Job: "j"}}, {CronRuns: &CronRuns{CronJob: "c", Runs: 4}}, {ApplyRefused: &ApplyRefused{File: "old.yaml"}},
		{DeleteJob: &JobRef{Job: "j"}}, {LosePod: &JobRef{Job: "j"}}, {DeletePod: &JobRef{Job: "j"}}, {EvictPod: &JobRef{Job: "j"}},
		{Suspend: &JobRef{Job: "j"}}, {Resume: &JobRef{Job: "j"}}, {Patch: &Patch{Kind: "Job", Name: "j"}}, {CrashNode: &JobRef{Job: "j"}},
		{Watch: &Watch{Job: "j", For: time.Minute}}, {WaitAvailable: &WaitAvailable{Deployment: "d"}}, {Initiator: &JobRef{Job: "j"}}}
	ids, names := map[string]bool{}, map[string]bool{}
	for _, s := range steps {
		rows := s.Rows("ns1")
		if len(rows) == 0 {
			t.Errorf("step %+v adds no row", s)
		}
		for _, r := range rows {
			if ids[r.ID] || names[r.Name] || r.Ja == "" || r.Hint.En == "" || r.Hint.Ja == "" {
				t.Errorf("row %+v: an id or name twice, or no Japanese or hint", r)
			}
			ids[r.ID], names[r.Name] = true, true
		}
	}
}

// TestBrokerWords: the waitAvailable and initiator steps and the broker
// and startedFirst facts load; a broker fact without an initiator, an
// unknown of, or a second initiator is refused; the initiator's Job is
// one of the lab's objects (the facts may name it).
func TestBrokerWords(t *testing.T) {
	starter := Starter("queue")
	body := strings.Replace(starter[FileName], "  - wait:", "  - waitAvailable: {deployment: queue, within: 5m}\n  - initiator: {job: pngen}\n  - wait:", 1)
	fact := func(check, documented string) string {
		return "  - id: extra\n    " + check + "\n    documented: " + documented + "\n    source: \"the exercise\"\n"
	}
	for _, c := range []struct{ name, body, fact, want string }{
		{"items", body, fact("broker: {of: items}", "yes"), ""},
		{"the initiator's Job", body, fact("kubectl: {get: jobs, name: pngen, column: COMPLETIONS}", `"4/4"`), ""},
		{"started first", body, fact("startedFirst: {job: queue}", "2"), ""},
		{"another of", body, fact("broker: {of: everything}", "yes"), `broker of "everything": one of reached, nodePort`},
		{"no initiator", starter[FileName], fact("broker: {of: once}", "yes"), "add a step initiator: {job: pngen}"},
		{"two initiators", strings.Replace(body, "  - initiator: {job: pngen}\n", "  - initiator: {job: pngen}\n  - initiator: {job: other}\n", 1), "", "initiator: one a lab"},
		{"available without a name", strings.Replace(body, "deployment: queue, ", "", 1), "", "waitAvailable: name the Deployment"},
		{"started first of another Job", body, fact("startedFirst: {job: other}", "2"), "startedFirst reads the pods a wait or watch saw"},
	} {
		loads(t, c.name, map[string]string{"job.yaml": starter["job.yaml"], FileName: strings.TrimRight(c.body, "\n") + "\n" + c.fact}, c.want)
	}
}
