package report

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/joblab/joblab/lesson"
)

// A lab that could not observe its fact (its spec skipped with
// NotVerifiedPrefix) is "not verified" everywhere a verdict appears: the
// run, the table, the class cell (its own colour), the score, JUnit
// (skipped with the reason) — never passed. A plain skip stays out.
func TestNotVerifiedIsNeverAPass(t *testing.T) {
	data, _ := json.Marshal(lesson.Report{Lab: "node-loss", Rows: []lesson.Row{{Fact: "the lost pod is started again on another node", Documented: "another node", Observed: "not observed: x", OK: true, NotObserved: "x"}}})
	why := NotVerifiedPrefix + "no node could be lost here: node joblab-worker2 is cordoned, SchedulingDisabled (kubectl uncordon joblab-worker2)"
	reps := []types.Report{{StartTime: time.Now(), SpecReports: []types.SpecReport{
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "replaces the pod", LeafNodeLabels: []string{"node-loss"}, State: types.SpecStateSkipped,
			Failure: types.Failure{Message: why}, ReportEntries: types.ReportEntries{{Name: LessonJSONEntry, Value: types.WrapEntryValue(string(data))}}},
		{LeafNodeType: types.NodeTypeIt, LeafNodeText: "prints primes", LeafNodeLabels: []string{"prime"}, State: types.SpecStatePassed},
		{LeafNodeType: types.NodeTypeIt, LeafNodeLabels: []string{"cron"}, State: types.SpecStateSkipped, Failure: types.Failure{Message: "not chosen"}},
	}}}
	run := FromGinkgo(reps)
	if len(run.Labs) != 2 {
		t.Fatalf("labs %+v: want node-loss and prime (a plain skip is left out)", run.Labs)
	}
	nl := run.Labs[0]
	if nl.Lab != "node-loss" || nl.Verdict != VerdictNotVerified || !strings.Contains(nl.Reason, "cordoned") || len(nl.Facts) != 1 {
		t.Errorf("node-loss: %+v", nl)
	}
	if run.Passed() || !run.OnlyNotVerified() {
		t.Errorf("passed %v, only not verified %v: want false, true", run.Passed(), run.OnlyNotVerified())
	}
	if tbl := run.Table(); !strings.Contains(tbl, "not verified") || !strings.Contains(tbl, "kubectl uncordon joblab-worker2") {
		t.Errorf("table:\n%s", tbl)
	}
	if md := run.Markdown(); !strings.Contains(md, "some labs not verified") {
		t.Errorf("markdown lacks the run's verdict:\n%s", md)
	}
	html, err := run.HTML()
	if err != nil || !strings.Contains(html, `class="not-verified"`) {
		t.Errorf("HTML: %v, not-verified class missing", err)
	}
	class := Class{Title: "c", Labs: []string{"node-loss", "prime"}, Students: []Student{{Name: "s1", Folder: "s1", Run: run}}}
	cell := class.Students[0].Cell("node-loss")
	if cell.Outcome != OutcomeNotVerified || !strings.Contains(cell.Why, "cordoned") || strings.HasPrefix(cell.Why, NotVerifiedPrefix) {
		t.Errorf("cell %+v", cell)
	}
	sc := class.Students[0].Score(class.Labs)
	if sc.LabsPassed != 1 || sc.NotVerified != 1 {
		t.Errorf("score %+v: want 1 passed, 1 not verified", sc)
	}
	page, err := class.HTML()
	if err != nil || !strings.Contains(page, `class="cell not-verified" data-lab="node-loss" data-outcome="not verified"`) {
		t.Errorf("class page: %v\n%s", err, page)
	}
	junit, err := class.JUnit()
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Suites []struct {
			Failures int `xml:"failures,attr"`
			Skipped  int `xml:"skipped,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(junit, &parsed); err != nil {
		t.Fatal(err)
	}
	s := parsed.Suites[0]
	if s.Failures != 0 || s.Skipped != 1 || s.Cases[0].Skipped == nil || !strings.Contains(s.Cases[0].Skipped.Message, "cordoned") {
		t.Errorf("junit: %s", junit)
	}
}
