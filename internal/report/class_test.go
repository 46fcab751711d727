package report

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/joblab/joblab/lesson"
)

// sampleClass: alice passes both labs; bob's normal differs (5 of 6
// completions) and his prime could not run.
func sampleClass() Class {
	ok := lesson.Row{Fact: "primes printed", Documented: "9592", Observed: "9592", OK: true}
	na := lesson.Row{Fact: "NodePort", Documented: "31672", Observed: "not observed: forbidden", OK: true, NotObserved: "forbidden"}
	return Class{Title: "class", Labs: []string{"normal", "prime"}, Students: []Student{
		{Name: "alice", Folder: "alice", Run: &Run{Labs: []Lab{
			{Lab: "normal", Spec: "one at a time", Verdict: "passed", Facts: []lesson.Row{ok, ok}},
			{Lab: "normal", Spec: "two at a time", Verdict: "passed", Facts: []lesson.Row{ok, na}},
			{Lab: "prime", Verdict: "passed", Facts: []lesson.Row{ok}},
		}}},
		{Name: "bob", Folder: "bob", Run: &Run{Labs: []Lab{
			{Lab: "normal", Spec: "one at a time", Verdict: "passed", Facts: []lesson.Row{ok}},
			{Lab: "normal", Spec: "two at a time", Verdict: "failed", Reason: "lab differs", Facts: []lesson.Row{ok, {Fact: "completions", Documented: "6", Observed: "5"}}},
			{Lab: "prime", Spec: "could not run", Verdict: "failed", Reason: "no report from the lab's process\nsecond line"},
		}}},
	}}
}

func TestClassCellsAndScores(t *testing.T) {
	c := sampleClass()
	alice, bob := c.Students[0], c.Students[1]
	if got := alice.Cell("normal"); got.Outcome != OutcomePassed {
		t.Errorf("alice normal %+v, want passed", got)
	}
	if got := bob.Cell("normal"); got.Outcome != OutcomeDiffers || got.Why != "completions: the lesson says 6, observed 5" {
		t.Errorf("bob normal %+v, want differs with the completions row", got)
	}
	if got := bob.Cell("prime"); got.Outcome != OutcomeNotRun || !strings.HasPrefix(got.Why, "no report") {
		t.Errorf("bob prime %+v, want could not run with the reason", got)
	}
	if got := bob.Cell("cron"); got.Outcome != OutcomeNotRun {
		t.Errorf("a lab without a report: %+v, want could not run", got)
	}
	// alice: 4 facts observed, all matched, 1 not observed.
	if got, want := alice.Score(c.Labs), (Score{LabsPassed: 2, Labs: 2, FactsMatched: 4, Facts: 4, FactsNotObserved: 1}); got != want {
		t.Errorf("alice score %+v, want %+v", got, want)
	}
	// bob: 3 facts, 2 matched; 1 lab differs, 1 could not run.
	if got, want := bob.Score(c.Labs), (Score{LabsPassed: 0, Labs: 2, FactsMatched: 2, Facts: 3, Differs: 1, CouldNotRun: 1}); got != want {
		t.Errorf("bob score %+v, want %+v", got, want)
	}
	if c.Passed() {
		t.Error("class with a failing student passed")
	}
}

func TestClassCSVAndJUnit(t *testing.T) {
	c := sampleClass()
	text, err := c.CSV()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+2*2 {
		t.Fatalf("%d CSV rows, want a header and one per student and lab", len(rows))
	}
	if got := strings.Join(rows[3], "|"); !strings.HasPrefix(got, "bob||normal|differs|completions: the lesson says 6, observed 5|0|2|2|3") {
		t.Errorf("bob's normal row %q", got)
	}
	data, err := c.JUnit()
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &parsed); err != nil {
		t.Fatalf("JUnit is not XML: %v\n%s", err, data)
	}
	if parsed.Tests != 4 || parsed.Failures != 2 || len(parsed.Suites) != 2 || parsed.Suites[1].Name != "bob" || parsed.Suites[1].Failures != 2 || parsed.Suites[0].Failures != 0 {
		t.Errorf("JUnit %+v, want a suite per student, bob's two labs failed", parsed)
	}
}

func TestClassHTMLEscapesAndCarriesScores(t *testing.T) {
	c := sampleClass()
	c.Students[1].Name = "<bob>"
	page, err := c.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page, "<bob>") || !strings.Contains(page, "&lt;bob&gt;") {
		t.Error("a student's name is not escaped")
	}
	for _, want := range []string{`data-labs-passed="2" data-labs="2" data-facts-matched="4" data-facts="4"`, `data-lab="normal" data-outcome="differs"`, `class="cell could-not-run"`} {
		if !strings.Contains(page, want) {
			t.Errorf("class page lacks %s", want)
		}
	}
}

func TestReportsReadInJapanese(t *testing.T) {
	hint := &lesson.Hint{En: "kubectl describe job normal-job -n s1", Ja: "kubectl describe job normal-job -n s1 の Pods Statuses を見てください。"}
	run := Run{Title: "t", Lang: "ja", Labs: []Lab{{Lab: "normal", Spec: "s", Verdict: "failed", Facts: []lesson.Row{
		{Fact: "pods created", FactJa: "作成されたポッド数", Documented: "6", Observed: "5", Hint: hint},
		{Fact: "primes printed", Documented: "9592", Observed: "9592", OK: true},
	}}}}
	page, err := run.HTML()
	if err != nil {
		t.Fatal(err)
	}
	md := run.Markdown()
	for _, want := range []string{"作成されたポッド数", "テキストの記述", "観測結果", "相違", hint.Ja} {
		if !strings.Contains(page, want) || !strings.Contains(md, want) {
			t.Errorf("Japanese report lacks %q", want)
		}
	}
	if !strings.Contains(page, `<html lang="ja">`) || strings.Contains(page, "the lesson says") {
		t.Error("the Japanese page is not Japanese throughout")
	}
	run.Lang = ""
	page, _ = run.HTML()
	if !strings.Contains(page, "the lesson says") || !strings.Contains(page, hint.En) || strings.Contains(page, "作成") {
		t.Error("the English page (the default) is not English")
	}
	c := sampleClass()
	c.Lang = "ja"
	cp, err := c.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"学生", "合格したラボ", "相違あり", "テキストの記述 6"} {
		if !strings.Contains(cp, want) {
			t.Errorf("Japanese class page lacks %q", want)
		}
	}
}

func TestAnInterruptedLabCouldNotRun(t *testing.T) {
	st := Student{Run: &Run{Labs: []Lab{{Lab: "normal", Verdict: "interrupted", Facts: []lesson.Row{{Fact: "the job ends Complete", Documented: "Complete", Observed: "context canceled"}}}}}}
	if got := st.Cell("normal"); got.Outcome != OutcomeNotRun || got.Why != "interrupted" {
		t.Errorf("interrupted lab: %+v, want could not run: interrupted", got)
	}
}

func TestShortFactAndPassRates(t *testing.T) {
	for _, c := range []struct {
		row  lesson.FactRef
		want string
	}{
		{lesson.FieldRow("job-container-failed.yaml", "Job two-containers", "spec.backoffLimit"), "backoffLimit"},
		{lesson.FieldRow("job.yaml", "Job ten-by-five", "spec.template.spec.containers[busybox].command"), "command"},
		{lesson.FieldRow("taskQueue-deploy.yaml", "Service taskqueue", "spec.ports[5672/TCP].nodePort"), "nodePort"},
		{lesson.FieldRow("job.yaml", "Job x", lesson.WholeObject), "job.yaml: Job x (the wh…"},
		{lesson.NodePortAllowedRow("taskQueue-deploy.yaml", "taskqueue"), "taskQueue-deploy.yaml: …"},
		{lesson.FactRef{Name: "most pods active at once"}, "most pods active at once"},
		{lesson.FactRef{Name: "waits from a pod's failure to the next pod grow (back-off)"}, "waits from a pod's fail…"},
	} {
		r := lesson.Report{Lab: "l"}
		r.Add(c.row, "a", "b", false)
		if got := shortFact(r.Rows[0], "en"); got != c.want {
			t.Errorf("shortFact(%q) = %q, want %q", c.row.Name, got, c.want)
		}
	}
	r := lesson.Report{Lab: "l"}
	r.Add(lesson.FactRef{Name: "pods created", Ja: "作成されたポッドの数(初回と再試行)"}, "a", "b", false)
	if got := shortFact(r.Rows[0], "ja"); got != "作成されたポッドの数(初回と再試行)" {
		t.Errorf("shortFact in Japanese: %q", got)
	}
	v := sampleClass().view()
	if len(v.Rates) != 2 || v.Rates[0] != (labRate{Lab: "normal", Passed: 1, Of: 2, Percent: 50}) || v.Rates[1] != (labRate{Lab: "prime", Passed: 1, Of: 2, Percent: 50}) {
		t.Errorf("rates %+v", v.Rates)
	}
	if c := sampleClass().Students[1].Cell("normal"); c.Short != "completions" {
		t.Errorf("bob's normal cell short %q", c.Short)
	}
}

// randomRun is a run of every kind of spec the class reads: passed, a
// difference (first, middle or last fact), not verified, could not run,
// interrupted; facts matched, not observed, or not; timelines and timings.
func randomRun(rng *rand.Rand, labs []string) *Run {
	r := &Run{Title: "joblab: s", Cluster: "kind", Started: time.Unix(1700000000, 0), Duration: time.Duration(rng.IntN(400)) * time.Second}
	verdicts := []string{VerdictPassed, VerdictPassed, VerdictFailed, VerdictNotVerified, VerdictInterrupted}
	for _, lab := range labs {
		if rng.IntN(10) == 0 {
			continue // no report from this lab
		}
		for spec := range 1 + rng.IntN(3) {
			l := Lab{Lab: lab, Spec: fmt.Sprintf("spec %d", spec), Verdict: verdicts[rng.IntN(len(verdicts))], Duration: time.Duration(rng.IntN(90)) * time.Second, APIRequests: int64(rng.IntN(500))}
			switch l.Verdict {
			case VerdictNotVerified:
				l.Reason = NotVerifiedPrefix + " the node is cordoned\nkubectl uncordon it"
			case VerdictFailed:
				l.Reason = "lab differs\n" + strings.Repeat("Expected\n", rng.IntN(3))
			}
			for f := range rng.IntN(8) {
				row := lesson.Row{Fact: fmt.Sprintf("fact %d", f), FactJa: fmt.Sprintf("事実 %d", f), Documented: "6", Observed: "6", OK: true, ID: fmt.Sprintf("%s/f%d", lab, f)}
				switch rng.IntN(5) {
				case 0:
					row.NotObserved, row.Observed = "forbidden: pods is forbidden", "not observed"
				case 1:
					row.OK, row.Observed, row.Short = false, fmt.Sprintf("%d\nof 6", rng.IntN(6)), "completions"
					row.Hint = &lesson.Hint{En: "kubectl get job -n {ns}", Ja: "kubectl get job"}
				}
				l.Facts = append(l.Facts, row)
			}
			l.Pods = []lesson.PodSpan{{Name: "pod-" + lab}}
			l.Measured = map[string]lesson.Measure{lab: {}}
			r.Labs = append(r.Labs, l)
		}
	}
	return r
}

// A class of slim runs is the same class: every page and the verdict's
// inputs read the same, byte for byte, in both languages; a slim spec
// holds its counts and at most one fact.
func TestSlimRunsMakeTheSameClass(t *testing.T) {
	labs := []string{"normal", "abnormal", "prime", "broker", "cron"}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, lang := range []string{"en", "ja"} {
		full := Class{Title: "class", Lang: lang, Labs: labs}
		var slim Class = full
		slim.Students = nil
		shrunk := false
		for i := range 40 {
			run := randomRun(rng, labs)
			st := Student{Name: fmt.Sprintf("s%02d", i), Target: "ns", Folder: fmt.Sprintf("s%02d", i), Run: run}
			full.Students = append(full.Students, st)
			st.Run = run.Slim()
			if i%2 == 1 {
				st.Run = st.Run.Slim() // a slim run's slim run is the same
			}
			for _, l := range st.Run.Labs {
				if len(l.Facts) > 1 || l.Counted == nil {
					t.Fatalf("%s: a slim spec holds %d facts (counted: %v), want at most the first that differs", st.Name, len(l.Facts), l.Counted)
				}
			}
			slim.Students = append(slim.Students, st)
			a, _ := json.Marshal(run)
			b, _ := json.Marshal(st.Run)
			shrunk = shrunk || len(b) < len(a)
			if run.Passed() != st.Run.Passed() || run.OnlyNotVerified() != st.Run.OnlyNotVerified() {
				t.Errorf("%s: Passed/OnlyNotVerified differ between the run and its slim run", st.Name)
			}
		}
		if !shrunk {
			t.Fatal("no slim run is smaller than its run: the test's runs carry nothing to leave out")
		}
		fullHTML, err := full.HTML()
		if err != nil {
			t.Fatal(err)
		}
		slimHTML, err := slim.HTML()
		if err != nil {
			t.Fatal(err)
		}
		fullCSV, _ := full.CSV()
		slimCSV, _ := slim.CSV()
		fullJUnit, _ := full.JUnit()
		slimJUnit, _ := slim.JUnit()
		fullView, _ := json.Marshal(full.View())
		slimView, _ := json.Marshal(slim.View())
		for _, p := range []struct{ name, full, slim string }{
			{"HTML", fullHTML, slimHTML}, {"Markdown", full.Markdown(), slim.Markdown()}, {"CSV", fullCSV, slimCSV},
			{"JUnit", string(fullJUnit), string(slimJUnit)}, {"View", string(fullView), string(slimView)}, {"Table", full.Table(), slim.Table()},
		} {
			if p.full != p.slim {
				t.Errorf("%s (%s) differs between full and slim runs", p.name, lang)
			}
		}
		if full.Passed() != slim.Passed() {
			t.Errorf("Passed differs (%s)", lang)
		}
	}
	if (*Run)(nil).Slim() != nil {
		t.Error("a nil run's slim run is not nil")
	}
}
