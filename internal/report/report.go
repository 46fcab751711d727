// Package report turns a run of the lesson suite (Ginkgo's JSON report) into
// what a teacher keeps: a summary table, and a Markdown and a
// self-contained HTML page that show, lab by lab, what the lesson documents
// next to what the cluster did.
package report

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/joblab/joblab/lesson"
)

// The report entries a lab's spec carries (the suites write them under
// these names): its lesson report as JSON, and the API requests it sent.
const (
	LessonJSONEntry  = "lesson report json"
	APIRequestsEntry = "api requests sent"
)

// The verdicts of a lab. NotVerified is a lab that could not observe the
// fact it exists for (its spec skipped with NotVerifiedPrefix and the
// reason): never a pass.
const (
	VerdictPassed      = "passed"
	VerdictFailed      = "failed"
	VerdictInterrupted = "interrupted"
	VerdictNotVerified = "not verified"
	// NotVerifiedPrefix starts the skip message of a spec that could not
	// observe its lab's fact.
	NotVerifiedPrefix = "not verified: "
	// CleanupPrefix starts the reason of a lab that passed, every fact as
	// the lesson says, and whose clean-up after it then failed: the
	// verdict is the lab's; what is left is joblab's to remove.
	CleanupPrefix = VerdictPassed + "; " + CleanupFailed
	// CleanupFailed is CleanupPrefix without the verdict: a class cell's
	// reason, beside its outcome.
	CleanupFailed = "joblab's clean-up after it failed (joblab clean removes what it left): "
)

// Lab is one spec's outcome.
type Lab struct {
	Lab      string
	Spec     string
	Verdict  string
	Duration time.Duration
	Reason   string
	Facts    []lesson.Row
	// APIRequests is how many API requests the spec's process sent while
	// it ran (the client-side count).
	APIRequests int64 `json:",omitempty"`
	// Pods are the lab's pods as they came and went.
	Pods []lesson.PodSpan `json:",omitempty"`
	// Measured are the timings of the spec's lab reports, by report lab
	// name (pods-kept, indexed): the old way / new way comparison's.
	Measured map[string]lesson.Measure `json:",omitempty"`
	// Counted, in a slim run (Slim), counts the spec's facts, of which
	// Facts then holds only the first that differs.
	Counted *FactCount `json:",omitempty"`
}

// FactCount counts a spec's facts as a class's score does.
type FactCount struct {
	Matched, Differing, NotObserved int
}

// Run is a whole run.
type Run struct {
	Title string
	// Lang is the language the report is read in ("en" or "ja").
	Lang     string `json:",omitempty"`
	Cluster  string
	Started  time.Time
	Duration time.Duration
	Labs     []Lab
}

// HasLab tells whether a lab (by its label) has a spec in the run.
func (r Run) HasLab(label string) bool {
	for _, l := range r.Labs {
		for _, x := range strings.Split(l.Lab, ",") {
			if x == label {
				return true
			}
		}
	}
	return false
}

// Slim is the run as a class's reports read it, and no more: each spec's
// lab, verdict, duration and reason, its facts counted as the class's
// score counts them (Counted), and of its facts only the first that
// differs, the one a class cell shows. The pods' timelines and the measured
// timings, which only the student's own report shows, are left out. A
// class (Class.HTML, Markdown, CSV, View, JUnit, Table) and its verdict
// read the same from a slim run as from the run; a teacher collecting a
// class holds slim runs, so what it holds grows by a few kilobytes a
// student, not by the student's whole report.
func (r *Run) Slim() *Run {
	if r == nil {
		return nil
	}
	s := &Run{Title: r.Title, Lang: r.Lang, Cluster: r.Cluster, Started: r.Started, Duration: r.Duration, Labs: make([]Lab, len(r.Labs))}
	for i, l := range r.Labs {
		sl := Lab{Lab: l.Lab, Spec: l.Spec, Verdict: l.Verdict, Duration: l.Duration, Reason: l.Reason, Counted: l.Counted}
		if sl.Counted == nil {
			c := countFacts(l.Facts)
			sl.Counted = &c
		}
		for _, f := range l.Facts {
			if !f.OK {
				sl.Facts = []lesson.Row{f}
				break
			}
		}
		s.Labs[i] = sl
	}
	return s
}

// countFacts counts facts as a class's score does: a fact not observed
// counts neither way, whether it matched or not.
func countFacts(facts []lesson.Row) FactCount {
	var c FactCount
	for _, f := range facts {
		switch {
		case f.NotObserved != "":
			c.NotObserved++
		case f.OK:
			c.Matched++
		default:
			c.Differing++
		}
	}
	return c
}

// Passed tells whether every lab passed.
func (r Run) Passed() bool {
	for _, l := range r.Labs {
		if l.Verdict != VerdictPassed {
			return false
		}
	}
	return len(r.Labs) > 0
}

// OnlyNotVerified tells whether no lab failed and at least one could not be
// verified: the run is not a pass, and not a difference either.
func (r Run) OnlyNotVerified() bool {
	seen := false
	for _, l := range r.Labs {
		switch l.Verdict {
		case VerdictPassed:
		case VerdictNotVerified:
			seen = true
		default:
			return false
		}
	}
	return seen
}

// verdictLine is the run's verdict in one phrase.
func (r Run) verdictLine() string {
	switch {
	case r.Passed():
		return "every lab passed"
	case r.OnlyNotVerified():
		return "some labs not verified"
	}
	return "some labs failed"
}

// FromGinkgoJSON reads the JSON report Ginkgo writes (--json-report).
func FromGinkgoJSON(path string) (*Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return nil, fmt.Errorf("%s is not a Ginkgo JSON report: %w", path, err)
	}
	return FromGinkgo(reports), nil
}

// FromGinkgo turns Ginkgo's suite reports (one per suite, or one per lab
// process of the joblab command) into one run: every spec that ran, with
// its lab's documented-versus-observed facts.
func FromGinkgo(reports []types.Report) *Run {
	run := &Run{Title: "joblab: the Jobs and CronJobs lesson"}
	var end time.Time
	for _, rep := range reports {
		if run.Started.IsZero() || rep.StartTime.Before(run.Started) {
			run.Started = rep.StartTime
		}
		if e := rep.StartTime.Add(rep.RunTime); e.After(end) {
			end = e
		}
		for _, s := range rep.SpecReports {
			notVerified := s.State == types.SpecStateSkipped && strings.HasPrefix(s.Failure.Message, NotVerifiedPrefix)
			if s.LeafNodeType != types.NodeTypeIt || (s.State == types.SpecStateSkipped && !notVerified) || s.State == types.SpecStatePending {
				continue
			}
			lab := Lab{Lab: LabName(s.Labels()), Spec: s.LeafNodeText, Verdict: verdict(s.State), Duration: s.RunTime}
			if notVerified {
				lab.Verdict, lab.Reason = VerdictNotVerified, s.Failure.Message
			}
			if lab.Lab == "" {
				lab.Lab = s.LeafNodeText
			}
			if s.Failed() {
				lab.Reason = s.FailureMessage()
			}
			if onlyCleanupFailed(s) {
				lab.Verdict, lab.Reason = VerdictPassed, CleanupPrefix+OneLine(s.Failure.Message)
			}
			for _, e := range s.ReportEntries {
				if e.Name == APIRequestsEntry {
					if n, err := strconv.ParseInt(e.StringRepresentation(), 10, 64); err == nil {
						lab.APIRequests = n
					}
				}
				if e.Name != LessonJSONEntry {
					continue
				}
				var lr lesson.Report
				if json.Unmarshal([]byte(e.StringRepresentation()), &lr) == nil {
					lab.Facts = append(lab.Facts, lr.Rows...)
					lab.Pods = append(lab.Pods, lr.Pods...)
					if lr.Measured != nil {
						if lab.Measured == nil {
							lab.Measured = map[string]lesson.Measure{}
						}
						lab.Measured[lr.Lab] = *lr.Measured
					}
				}
			}
			if lab.Reason == "" {
				lab.Reason = notApplicable(lab.Facts)
			}
			run.Labs = append(run.Labs, lab)
		}
	}
	sort.SliceStable(run.Labs, func(i, j int) bool { return run.Labs[i].Lab < run.Labs[j].Lab })
	if !end.IsZero() {
		run.Duration = end.Sub(run.Started)
	}
	return run
}

// onlyCleanupFailed tells whether a spec failed in its clean-ups alone
// (DeferCleanup: deleting its objects, its namespace, starting a stopped
// node again) after its body passed: Ginkgo keeps the first failure as the
// spec's and any later ones as additional, so a clean-up's first failure
// means the body, which checks every fact, did not fail. Interrupted
// specs are not: their labs did not finish.
func onlyCleanupFailed(s types.SpecReport) bool {
	cleanup := types.NodeTypeCleanupAfterEach | types.NodeTypeCleanupAfterAll
	if !s.State.Is(types.SpecStateFailed|types.SpecStateTimedout) || !s.Failure.FailureNodeType.Is(cleanup) {
		return false
	}
	for _, f := range s.AdditionalFailures {
		if !f.Failure.FailureNodeType.Is(cleanup) {
			return false
		}
	}
	return true
}

func verdict(s types.SpecState) string {
	switch {
	case s == types.SpecStatePassed:
		return VerdictPassed
	case s.Is(types.SpecStateInterrupted | types.SpecStateAborted):
		return VerdictInterrupted
	}
	return VerdictFailed
}

// OneLine shortens a reason to its first line.
func OneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		rest := strings.TrimSpace(s[i+1:])
		s = s[:i]
		if rest != "" {
			if j := strings.IndexByte(rest, '\n'); j >= 0 {
				rest = rest[:j]
			}
			s += " " + rest
		}
	}
	if len(s) > 140 {
		s = s[:140] + "..."
	}
	return s
}

// LabName is the lab a spec belongs to: its labels, without Ginkgo's
// decorator labels (Serial), the modern track's label and the lab
// folders' one.
func LabName(labels []string) string {
	var out []string
	for _, l := range labels {
		if l != "Serial" && l != "Ordered" && l != lesson.ModernTrack && l != lesson.FolderLabel {
			out = append(out, l)
		}
	}
	return strings.Join(out, ",")
}

// notApplicable says why a lab whose every fact could not be observed here
// checked nothing, or "" when it observed something.
func notApplicable(facts []lesson.Row) string {
	if len(facts) == 0 {
		return ""
	}
	for _, f := range facts {
		if f.NotObserved == "" {
			return ""
		}
	}
	return "nothing could be observed here: " + facts[0].NotObserved
}

// PairRow is one situation done the lesson's way and the modern way, with
// what each took in this run.
type PairRow struct {
	lesson.Pair
	Old, New Timing
}

// Timing is a lab's measured time in a run, if it ran and measured one.
type Timing struct {
	Seen bool
	lesson.Measure
	Verdict string
}

func (t Timing) String() string {
	if !t.Seen {
		return "not run"
	}
	return fmt.Sprintf("%s: %s", t.What, t.Took)
}

// Pairs are the old way / new way pairs (lesson.Pairs()) of which at least
// one side ran, with their timings.
func (r Run) Pairs() []PairRow {
	find := func(name string) Timing {
		for _, l := range r.Labs {
			if m, ok := l.Measured[name]; ok {
				return Timing{Seen: true, Measure: m, Verdict: l.Verdict}
			}
		}
		return Timing{}
	}
	var out []PairRow
	for _, p := range lesson.Pairs() {
		row := PairRow{Pair: p, Old: find(p.Old), New: find(p.New)}
		if row.Old.Seen || row.New.Seen {
			out = append(out, row)
		}
	}
	return out
}

// PairsMarkdown renders Pairs as a Markdown section ("" when none ran).
func (r Run) PairsMarkdown() string {
	pairs := r.Pairs()
	if len(pairs) == 0 {
		return ""
	}
	l := r.Lang
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n| %s | %s | %s | %s |\n| --- | --- | --- | --- |\n", word(l, "The lesson's way and today's way"), word(l, "the lesson's way"), word(l, "today's way"), word(l, "took (lesson)"), word(l, "took (today's)"))
	for _, p := range pairs {
		fmt.Fprintf(&b, "| %s | %s: %s | %s | %s |\n", p.Pair.Old, p.Pair.New, mdEsc(p.What), mdEsc(p.Old.String()), mdEsc(p.New.String()))
	}
	return b.String() + "\n"
}

// Table renders the summary table as plain text.
func (r Run) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %-12s %-9s %s\n", "LAB", "VERDICT", "DURATION", "REASON")
	for _, l := range r.Labs {
		reason := OneLine(l.Reason)
		if reason == "" {
			reason = "as the lesson says (" + l.Spec + ")"
		}
		fmt.Fprintf(&b, "%-16s %-12s %-9s %s\n", l.Lab, l.Verdict, l.Duration.Round(time.Second), reason)
	}
	return b.String()
}

// Markdown renders the run as Markdown, in the run's language.
func (r Run) Markdown() string {
	l := r.Lang
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.Title)
	if r.Cluster != "" {
		fmt.Fprintf(&b, "%s: %s  \n", word(l, "Cluster"), r.Cluster)
	}
	fmt.Fprintf(&b, "%s: %s, %s %s. %s: %s.\n\n", word(l, "Started"), r.Started.UTC().Format(time.RFC3339), word(l, "took"), r.Duration.Round(time.Second), word(l, "verdict"), word(l, r.verdictLine()))
	fmt.Fprintf(&b, "| %s | %s | %s | %s |\n| --- | --- | --- | --- |\n", word(l, "lab"), word(l, "verdict"), word(l, "duration"), word(l, "reason"))
	for _, lab := range r.Labs {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", lab.Lab, word(l, lab.Verdict), lab.Duration.Round(time.Second), mdEsc(OneLine(lab.Reason)))
	}
	if pairs := r.PairsMarkdown(); pairs != "" {
		b.WriteString("\n" + pairs)
	}
	for _, lab := range r.Labs {
		fmt.Fprintf(&b, "\n## %s: %s\n\n%s, %s.\n\n", lab.Lab, lab.Spec, word(l, lab.Verdict), lab.Duration.Round(time.Second))
		if len(lab.Facts) > 0 {
			fmt.Fprintf(&b, "| | %s | %s | %s | %s |\n| --- | --- | --- | --- | --- |\n", word(l, "fact"), word(l, "the lesson says"), word(l, "observed"), word(l, "where to look"))
			for _, f := range lab.Facts {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", word(l, f.Mark()), mdEsc(f.FactIn(l)), mdEsc(lesson.ValueIn(l, f.Documented)), mdEsc(lesson.ValueIn(l, f.Observed)), mdEsc(f.Hint.In(l)))
			}
		}
		if lab.Reason != "" {
			fmt.Fprintf(&b, "\n```\n%s\n```\n", strings.TrimSpace(lab.Reason))
		}
	}
	return b.String()
}

func mdEsc(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
