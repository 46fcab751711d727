package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/joblab/joblab/lesson"
)

// ginkgoReport builds a Ginkgo JSON report like the suite writes: one spec
// per lab, with the lab's facts as a report entry.
func ginkgoReport(t *testing.T, labs map[string][]lesson.Row, failed string) string {
	t.Helper()
	rep := types.Report{SuiteDescription: "Jobs and CronJobs lesson", StartTime: time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC), RunTime: 5 * time.Minute}
	for name, rows := range labs {
		data, _ := json.Marshal(lesson.Report{Lab: name, Rows: rows, Pods: samplePods[name]})
		spec := types.SpecReport{
			LeafNodeType:   types.NodeTypeIt,
			LeafNodeText:   "does what the lesson says",
			LeafNodeLabels: []string{name},
			State:          types.SpecStatePassed,
			RunTime:        42 * time.Second,
			ReportEntries:  types.ReportEntries{{Name: LessonJSONEntry, Value: types.WrapEntryValue(string(data))}},
		}
		if name == failed {
			spec.State = types.SpecStateFailed
			spec.Failure = types.Failure{Message: "lab " + name + " differs from the lesson:\n  completions: the lesson says 6, observed 5"}
		}
		rep.SpecReports = append(rep.SpecReports, spec)
	}
	rep.SpecReports = append(rep.SpecReports, types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeLabels: []string{"cron"}, State: types.SpecStateSkipped})
	data, err := json.Marshal([]types.Report{rep})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// samplePods: normal's two pods, one after the other.
var samplePods = map[string][]lesson.PodSpan{
	"normal": {
		{Name: "normal-job-aaaaa", Created: time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC), Started: time.Date(2026, 11, 30, 3, 0, 2, 0, time.UTC), Finished: time.Date(2026, 11, 30, 3, 0, 12, 0, time.UTC), Phase: "Succeeded"},
		{Name: "normal-job-bbbbb", Created: time.Date(2026, 11, 30, 3, 0, 12, 0, time.UTC), Started: time.Date(2026, 11, 30, 3, 0, 14, 0, time.UTC), Finished: time.Date(2026, 11, 30, 3, 0, 24, 0, time.UTC), Phase: "Succeeded"},
	},
}

var sampleLabs = map[string][]lesson.Row{
	"normal":   {{Fact: "kubectl get jobs: COMPLETIONS", Documented: "6/6", Observed: "5/5", OK: false}},
	"prime":    {{Fact: "primes printed", Documented: "9592", Observed: "9592", OK: true}},
	"abnormal": {{Fact: "job condition Failed, reason", Documented: "BackoffLimitExceeded", Observed: "BackoffLimitExceeded", OK: true}},
}

func TestFromGinkgoJSONKeepsLabsFactsAndVerdicts(t *testing.T) {
	run, err := FromGinkgoJSON(ginkgoReport(t, sampleLabs, "normal"))
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Labs) != 3 {
		t.Fatalf("%d labs, want 3 (skipped specs left out): %+v", len(run.Labs), run.Labs)
	}
	if run.Passed() {
		t.Error("a run with a failed lab passed")
	}
	byLab := map[string]Lab{}
	for _, l := range run.Labs {
		byLab[l.Lab] = l
	}
	if n := byLab["normal"]; n.Verdict != "failed" || len(n.Facts) != 1 || n.Facts[0].Observed != "5/5" {
		t.Errorf("normal: %+v", n)
	}
	if p := byLab["prime"]; p.Verdict != "passed" || p.Duration != 42*time.Second {
		t.Errorf("prime: %+v", p)
	}
	table := run.Table()
	if !strings.Contains(table, "normal") || !strings.Contains(table, "completions: the lesson says 6, observed 5") {
		t.Errorf("table does not give the reason:\n%s", table)
	}
	md := run.Markdown()
	if !strings.Contains(md, "| DIFFERS | kubectl get jobs: COMPLETIONS | 6/6 | 5/5 |") {
		t.Errorf("markdown lacks the differing fact:\n%s", md)
	}
}

func TestFromGinkgoJSONRejectsOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	_ = os.WriteFile(path, []byte(`{"not": "a report"}`), 0o644)
	if _, err := FromGinkgoJSON(path); err == nil || !strings.Contains(err.Error(), "not a Ginkgo JSON report") {
		t.Errorf("got %v", err)
	}
}

func TestHTMLIsSelfContainedAndEscapes(t *testing.T) {
	run, err := FromGinkgoJSON(ginkgoReport(t, map[string][]lesson.Row{"prime": {{Fact: "<script>alert(1)</script>", Documented: "a", Observed: "b", OK: false}}}, ""))
	if err != nil {
		t.Fatal(err)
	}
	html, err := run.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") {
		t.Error("fact text not escaped")
	}
	for _, external := range []string{"src=", "<link", "http://", "https://"} {
		if strings.Contains(html, external) {
			t.Errorf("page refers to something outside itself: %q", external)
		}
	}
}

func TestLabNameLeavesOutGinkgoDecorators(t *testing.T) {
	if got := LabName([]string{"node-loss", "Serial"}); got != "node-loss" {
		t.Errorf("LabName = %q, want node-loss", got)
	}
	if got := LabName([]string{"behaviours"}); got != "behaviours" {
		t.Errorf("LabName = %q, want behaviours", got)
	}
}

func TestNotApplicableOnlyWhenNothingWasObserved(t *testing.T) {
	na := []lesson.Row{{Fact: "a", NotObserved: "one node"}, {Fact: "b", NotObserved: "one node"}}
	if got := notApplicable(na); !strings.Contains(got, "one node") {
		t.Errorf("every fact unobserved: %q, want the reason", got)
	}
	some := append(na, lesson.Row{Fact: "c", OK: true})
	if got := notApplicable(some); got != "" {
		t.Errorf("a fact observed: %q, want nothing", got)
	}
	if got := notApplicable(nil); got != "" {
		t.Errorf("no facts: %q, want nothing", got)
	}
}

func TestPairsSetTheLessonsWayNextToTheModernWay(t *testing.T) {
	run := Run{Labs: []Lab{
		{Lab: "broker", Verdict: "passed", Measured: map[string]lesson.Measure{"broker": {What: "apply → done", Took: 150 * time.Second}}},
		{Lab: "indexed", Verdict: "passed", Measured: map[string]lesson.Measure{"indexed": {What: "apply → done", Took: 20 * time.Second}}},
		{Lab: "behaviours", Verdict: "passed", Measured: map[string]lesson.Measure{"pods-kept": {What: "kept", Took: time.Minute}}},
	}}
	pairs := run.Pairs()
	if len(pairs) != 2 {
		t.Fatalf("%d pairs, want 2 (broker/indexed, pods-kept/ttl; nothing of two-containers ran): %+v", len(pairs), pairs)
	}
	if pairs[0].Pair.New != "indexed" || pairs[0].Old.Took != 150*time.Second || pairs[0].New.Took != 20*time.Second {
		t.Errorf("first pair %+v", pairs[0])
	}
	if pairs[1].New.Seen || pairs[1].New.String() != "not run" {
		t.Errorf("lifecycle did not run, but the pair says %q", pairs[1].New)
	}
	md := run.Markdown()
	if !strings.Contains(md, "| broker | indexed: ") || !strings.Contains(md, "apply → done: 2m30s") {
		t.Errorf("the run's Markdown lacks the pair table:\n%s", md)
	}
}

// TestCleanupFailureAloneKeepsTheLabsVerdict: a lab whose body passed and
// whose clean-up then failed is passed, its reason naming the clean-up, in
// the run, its table and the class's cell; a lab whose body failed first
// stays failed whatever its clean-up did, and an interrupted one stays
// interrupted.
func TestCleanupFailureAloneKeepsTheLabsVerdict(t *testing.T) {
	cleanupFailure := types.Failure{Message: "removing lab cron's objects from namespace s1 after it: 2 Jobs still there after 4m0s", FailureNodeType: types.NodeTypeCleanupAfterEach}
	spec := func(lab string, state types.SpecState, first types.Failure, more ...types.Failure) types.SpecReport {
		s := types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "does what the lesson says", LeafNodeLabels: []string{lab}, State: state, Failure: first}
		for _, f := range more {
			s.AdditionalFailures = append(s.AdditionalFailures, types.AdditionalFailure{State: types.SpecStateFailed, Failure: f})
		}
		return s
	}
	body := types.Failure{Message: "lab normal differs from the lesson", FailureNodeType: types.NodeTypeIt}
	run := FromGinkgo([]types.Report{{SpecReports: types.SpecReports{
		spec("cron", types.SpecStateFailed, cleanupFailure, cleanupFailure),
		spec("prime", types.SpecStateTimedout, cleanupFailure),
		spec("normal", types.SpecStateFailed, body, cleanupFailure),
		spec("broker", types.SpecStateInterrupted, cleanupFailure),
	}}})
	byLab := map[string]Lab{}
	for _, l := range run.Labs {
		byLab[l.Lab] = l
	}
	for _, lab := range []string{"cron", "prime"} {
		if l := byLab[lab]; l.Verdict != VerdictPassed || !strings.HasPrefix(l.Reason, CleanupPrefix) || !strings.Contains(l.Reason, "2 Jobs still there") {
			t.Errorf("%s: verdict %q, reason %q; want passed with the clean-up's failure", lab, l.Verdict, l.Reason)
		}
	}
	if l := byLab["normal"]; l.Verdict != VerdictFailed || l.Reason != body.Message {
		t.Errorf("normal: verdict %q, reason %q; want failed for its body", l.Verdict, l.Reason)
	}
	if l := byLab["broker"]; l.Verdict != VerdictInterrupted {
		t.Errorf("broker: verdict %q, want interrupted", l.Verdict)
	}
	if table := run.Table(); !strings.Contains(table, "clean-up after it failed") {
		t.Errorf("the table hides the failed clean-up:\n%s", table)
	}
	st := Student{Name: "s1", Run: run}
	if c := st.Cell("cron"); c.Outcome != OutcomePassed || !strings.HasPrefix(c.Why, "joblab's clean-up after it failed") {
		t.Errorf("cron's cell: %+v, want passed with the clean-up's failure", c)
	}
	if c := st.Cell("normal"); c.Outcome == OutcomePassed {
		t.Errorf("normal's cell passed: %+v", c)
	}
}
