package report

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/joblab/joblab/lesson"
)

// Outcomes of one lab for one student.
const (
	OutcomePassed  = "passed"
	OutcomeDiffers = "differs"
	OutcomeNotRun  = "could not run"
	// OutcomeNotVerified is a lab that ran but could not observe the fact
	// it exists for: never a pass.
	OutcomeNotVerified = "not verified"
)

// Class is the verification of several students (namespaces or clusters)
// at once: one run each.
type Class struct {
	Title string
	// Lang is the language the class page is read in ("en" or "ja").
	Lang     string
	Started  time.Time
	Duration time.Duration
	// Labs are the labs every student ran, in the lesson's order.
	Labs     []string
	Students []Student
}

// Student is one student's target and run.
type Student struct {
	Name string
	// Target says where the labs ran (context, server, namespace).
	Target string
	// Folder is the student's report folder, relative to the class page.
	Folder string
	Run    *Run
}

// Cell is one lab's outcome for one student.
type Cell struct {
	Outcome string `json:"outcome"`
	// Why is the first differing fact (lesson versus observed) or why the
	// lab could not run; empty when it passed.
	Why string `json:"why,omitempty"`
	// Hint says where to look for the first differing fact.
	Hint string `json:"hint,omitempty"`
	// Short names the first differing fact in a few words (the manifest
	// field's last name, parallelism), for the class page's compact cells.
	Short string `json:"short,omitempty"`
}

// shortFact names a row in at most a few words: its own short name (a
// manifest field's last name, command), else the start of its name in
// the language.
func shortFact(row lesson.Row, lang string) string {
	if row.Short != "" {
		return row.Short
	}
	fact := row.FactIn(lang)
	r := []rune(fact)
	if len(r) > 24 {
		return string(r[:23]) + "…"
	}
	return fact
}

// Score is how much of the lesson a student's cluster matched.
type Score struct {
	LabsPassed       int `json:"labsPassed"`
	Labs             int `json:"labs"`
	FactsMatched     int `json:"factsMatched"`
	Facts            int `json:"facts"`
	FactsNotObserved int `json:"factsNotObserved"`
	Differs          int `json:"differs"`
	CouldNotRun      int `json:"couldNotRun"`
	NotVerified      int `json:"notVerified"`
}

// Cell is the outcome of lab for this student: passed when every spec of
// the lab passed, differs when a spec recorded a fact that differs from
// the lesson, could not run when a spec failed without one.
func (s Student) Cell(lab string) Cell { return s.CellIn(lab, "en") }

// CellIn is Cell in a language ("en" or "ja").
func (s Student) CellIn(lab, lang string) Cell {
	var specs []Lab
	for _, l := range s.Run.Labs {
		for _, x := range strings.Split(l.Lab, ",") {
			if x == lab {
				specs = append(specs, l)
			}
		}
	}
	if len(specs) == 0 {
		return Cell{Outcome: OutcomeNotRun, Why: "no report from this lab"}
	}
	var notRun, notVerified, cleanup string
	for _, l := range specs {
		if l.Verdict == VerdictPassed {
			if cleanup == "" && strings.HasPrefix(l.Reason, CleanupPrefix) {
				cleanup = OneLine(CleanupFailed + strings.TrimPrefix(l.Reason, CleanupPrefix))
			}
			continue
		}
		if l.Verdict == VerdictInterrupted {
			return Cell{Outcome: OutcomeNotRun, Why: "interrupted"}
		}
		if l.Verdict == VerdictNotVerified {
			if notVerified == "" {
				notVerified = OneLine(strings.TrimPrefix(l.Reason, NotVerifiedPrefix))
			}
			continue
		}
		for _, f := range l.Facts {
			if !f.OK {
				says, observed := "the lesson says", "observed"
				if lang == "ja" {
					says, observed = "テキストの記述", "観測結果"
				}
				return Cell{Outcome: OutcomeDiffers, Hint: f.Hint.In(lang), Short: shortFact(f, lang),
					Why: fmt.Sprintf("%s: %s %s, %s %s", f.FactIn(lang), says, lesson.ValueIn(lang, f.Documented), observed, OneLine(lesson.ValueIn(lang, f.Observed)))}
			}
		}
		if notRun == "" {
			notRun = OneLine(l.Reason)
		}
	}
	if notRun != "" {
		return Cell{Outcome: OutcomeNotRun, Why: notRun}
	}
	if notVerified != "" {
		return Cell{Outcome: OutcomeNotVerified, Why: notVerified}
	}
	return Cell{Outcome: OutcomePassed, Why: cleanup}
}

// Score counts the labs passed and the facts matched over the class's labs.
// A fact that could not be observed counts neither way.
func (s Student) Score(labs []string) Score {
	var sc Score
	for _, lab := range labs {
		sc.Labs++
		switch s.Cell(lab).Outcome {
		case OutcomePassed:
			sc.LabsPassed++
		case OutcomeDiffers:
			sc.Differs++
		case OutcomeNotVerified:
			sc.NotVerified++
		default:
			sc.CouldNotRun++
		}
	}
	for _, l := range s.Run.Labs {
		c := l.Counted
		if c == nil {
			counted := countFacts(l.Facts)
			c = &counted
		}
		sc.Facts += c.Matched + c.Differing
		sc.FactsMatched += c.Matched
		sc.FactsNotObserved += c.NotObserved
	}
	return sc
}

// Passed tells whether every student passed every lab.
func (c Class) Passed() bool {
	for _, s := range c.Students {
		if sc := s.Score(c.Labs); sc.LabsPassed != sc.Labs {
			return false
		}
	}
	return len(c.Students) > 0
}

// Table renders the class as plain text: a line per student.
func (c Class) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s %-6s %-11s %s\n", "STUDENT", "LABS", "FACTS", "FIRST DIFFERENCE")
	for _, s := range c.Students {
		sc := s.Score(c.Labs)
		first := "as the lesson says"
		for _, lab := range c.Labs {
			if cell := s.Cell(lab); cell.Outcome != OutcomePassed {
				first = lab + " " + cell.Outcome + ": " + cell.Why
				break
			}
		}
		fmt.Fprintf(&b, "%-20s %-6s %-11s %s\n", s.Name, fmt.Sprintf("%d/%d", sc.LabsPassed, sc.Labs), fmt.Sprintf("%d/%d", sc.FactsMatched, sc.Facts), OneLine(first))
	}
	return b.String()
}

// Markdown renders the class page as Markdown.
func (c Class) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nStarted %s, took %s; %d students.\n\n", c.Title, c.Started.UTC().Format(time.RFC3339), c.Duration.Round(time.Second), len(c.Students))
	b.WriteString("| student | labs passed | facts matched |")
	for _, lab := range c.Labs {
		b.WriteString(" " + lab + " |")
	}
	b.WriteString("\n| --- | --- | --- |" + strings.Repeat(" --- |", len(c.Labs)) + "\n")
	for _, s := range c.Students {
		sc := s.Score(c.Labs)
		fmt.Fprintf(&b, "| [%s](<%s/report.md>) | %d/%d | %d/%d |", mdEsc(s.Name), url.PathEscape(s.Folder), sc.LabsPassed, sc.Labs, sc.FactsMatched, sc.Facts)
		for _, lab := range c.Labs {
			cell := s.Cell(lab)
			if cell.Why != "" {
				fmt.Fprintf(&b, " %s: %s |", cell.Outcome, mdEsc(cell.Why))
			} else {
				fmt.Fprintf(&b, " %s |", cell.Outcome)
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	for _, s := range c.Students {
		fmt.Fprintf(&b, "- %s: %s\n", mdEsc(s.Name), mdEsc(s.Target))
	}
	return b.String()
}

// CSV renders the class for a spreadsheet: one row per student and lab.
func (c Class) CSV() (string, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"student", "target", "lab", "outcome", "why", "labs_passed", "labs", "facts_matched", "facts"})
	for _, s := range c.Students {
		sc := s.Score(c.Labs)
		for _, lab := range c.Labs {
			cell := s.Cell(lab)
			_ = w.Write([]string{s.Name, s.Target, lab, cell.Outcome, cell.Why,
				fmt.Sprint(sc.LabsPassed), fmt.Sprint(sc.Labs), fmt.Sprint(sc.FactsMatched), fmt.Sprint(sc.Facts)})
		}
	}
	w.Flush()
	return b.String(), w.Error()
}

// JSON-friendly view of the class, with the cells and scores computed.
type classView struct {
	Title    string        `json:"title"`
	Started  time.Time     `json:"started"`
	Seconds  float64       `json:"seconds"`
	Labs     []string      `json:"labs"`
	Students []studentView `json:"students"`
	// Rates are each lab's pass rate over the class, in Labs' order.
	Rates []labRate `json:"rates"`
}

// labRate is how many students passed a lab, and how many were not
// verified (neither passed nor differs).
type labRate struct {
	Lab         string `json:"lab"`
	Passed      int    `json:"passed"`
	NotVerified int    `json:"notVerified"`
	Of          int    `json:"of"`
	Percent     int    `json:"percent"`
}

type studentView struct {
	Name   string          `json:"name"`
	Target string          `json:"target"`
	Folder string          `json:"folder"`
	Score  Score           `json:"score"`
	Labs   map[string]Cell `json:"labs"`
}

// View is the class as the JSON output and the class page show it.
func (c Class) View() any { return c.view() }

func (c Class) view() classView {
	v := classView{Title: c.Title, Started: c.Started, Seconds: c.Duration.Seconds(), Labs: c.Labs}
	for _, s := range c.Students {
		sv := studentView{Name: s.Name, Target: s.Target, Folder: s.Folder, Score: s.Score(c.Labs), Labs: map[string]Cell{}}
		for _, lab := range c.Labs {
			sv.Labs[lab] = s.CellIn(lab, c.Lang)
		}
		v.Students = append(v.Students, sv)
	}
	for _, lab := range c.Labs {
		r := labRate{Lab: lab, Of: len(v.Students)}
		for _, s := range v.Students {
			switch s.Labs[lab].Outcome {
			case OutcomePassed:
				r.Passed++
			case OutcomeNotVerified:
				r.NotVerified++
			}
		}
		if r.Of > 0 {
			r.Percent = 100 * r.Passed / r.Of
		}
		v.Rates = append(v.Rates, r)
	}
	return v
}

// JUnit renders the class as JUnit XML: one test suite per student, one
// test case per lab, failed with its first difference.
func (c Class) JUnit() ([]byte, error) {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	type skipped struct {
		Message string `xml:"message,attr"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Time      string   `xml:"time,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		Skipped   *skipped `xml:"skipped,omitempty"`
	}
	type suite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Skipped  int        `xml:"skipped,attr"`
		Time     string     `xml:"time,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	type suites struct {
		XMLName  xml.Name `xml:"testsuites"`
		Name     string   `xml:"name,attr"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Suites   []suite  `xml:"testsuite"`
	}
	all := suites{Name: c.Title}
	for _, s := range c.Students {
		su := suite{Name: s.Name, Time: fmt.Sprintf("%.1f", s.Run.Duration.Seconds())}
		for _, lab := range c.Labs {
			cell := s.Cell(lab)
			var took time.Duration
			for _, l := range s.Run.Labs {
				if l.Lab == lab {
					took += l.Duration
				}
			}
			tc := testcase{Name: lab, Classname: s.Name, Time: fmt.Sprintf("%.1f", took.Seconds())}
			switch cell.Outcome {
			case OutcomePassed:
			case OutcomeNotVerified:
				// Skipped with the reason: never counted as a pass.
				tc.Skipped = &skipped{Message: cell.Outcome + ": " + OneLine(cell.Why)}
				su.Skipped++
			default:
				tc.Failure = &failure{Message: cell.Outcome + ": " + OneLine(cell.Why), Type: cell.Outcome, Text: cell.Why}
				su.Failures++
			}
			su.Tests++
			su.Cases = append(su.Cases, tc)
		}
		all.Tests += su.Tests
		all.Failures += su.Failures
		all.Suites = append(all.Suites, su)
	}
	out, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

var classPage = template.Must(template.New("class").Funcs(template.FuncMap{
	"round": func(s float64) string { return (time.Duration(s) * time.Second).String() },
	"date":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"cell":  func(s studentView, lab string) Cell { return s.Labs[lab] },
	"slug":  func(s string) string { return strings.ReplaceAll(s, " ", "-") },
	// A folder name as one path segment of a link: "a#1" must not end the
	// path.
	"pathEscape": url.PathEscape,
}).Funcs(langFuncs("en")).Parse(`<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1rem; color: #222; }
h1 { font-size: 1.6rem; }
.scroll { overflow: auto; max-height: 88vh; border: 1px solid #ccc; }
table { border-collapse: separate; border-spacing: 0; }
th, td { border-right: 1px solid #ddd; border-bottom: 1px solid #ddd; padding: .25rem .35rem; text-align: left; vertical-align: top; font-size: .8rem; background: #fff; }
thead th { position: sticky; top: 0; z-index: 2; background: #f3f3f3; }
thead tr.rates th { top: 7.6rem; font-weight: normal; font-size: .75rem; }
th.lab { height: 7rem; vertical-align: bottom; white-space: nowrap; }
th.lab span { writing-mode: vertical-rl; transform: rotate(180deg); display: inline-block; }
th.sort { cursor: pointer; }
th.sort::after { content: " \21C5"; color: #888; }
.name { position: sticky; left: 0; z-index: 1; min-width: 8rem; max-width: 9rem; }
thead .name { z-index: 3; }
td.cell { width: 3.3rem; min-width: 3.3rem; max-width: 3.3rem; padding: .25rem; font-weight: 600; }
td.cell .short, td.cell details { max-width: 3.3rem; }
td.passed { background: #e6f4ea; color: #0a6b2d; }
td.differs { background: #fce8e6; color: #b00020; }
td.could-not-run { background: #fff4e5; color: #8a4b00; }
td.not-verified { background: #efe9fb; color: #5b3ea8; font-style: italic; }
td .short { display: block; font-weight: normal; font-size: .72rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
td details { font-weight: normal; }
td details summary { font-size: .7rem; color: #555; cursor: pointer; }
td details[open] { max-width: none; }
td details .why { display: block; font-size: .75rem; width: 18rem; white-space: normal; }
.target { display: block; max-width: 9rem; font-weight: normal; font-size: .72rem; color: #666; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.legend span { padding: .1rem .4rem; margin-right: .4rem; font-size: .8rem; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>{{t "Started"}} {{date .Started}}, {{t "took"}} {{round .Seconds}}; {{len .Students}} {{t "students"}}. {{if eq lang "ja"}}学生の名前から、その学生のレポート(テキストの記述とクラスタで起きたことを事実ごとに並べたもの)を開けます。セルの「詳細」で最初の相違の全文を表示します。見出しをクリックすると並べ替えます。{{else}}Each student's own report (the lesson next to what their cluster did, fact by fact) is linked from their name; a cell's "more" shows its first difference in full. Click a heading to sort.{{end}}</p>
<p class="legend"><span class="passed" style="background:#e6f4ea;color:#0a6b2d">{{t "passed"}}</span><span style="background:#fce8e6;color:#b00020">{{t "differs"}}</span><span style="background:#efe9fb;color:#5b3ea8;font-style:italic">{{t "not verified"}}</span><span style="background:#fff4e5;color:#8a4b00">{{t "could not run"}}</span></p>
<div class="scroll" id="scroll">
<table id="class">
<thead><tr><th class="name sort" data-sort="student">{{t "student"}}</th><th class="sort" data-sort="labs-passed">{{t "labs passed"}}</th><th class="sort" data-sort="facts-matched">{{t "facts matched"}}</th>{{range .Labs}}<th class="lab" title="{{.}}"><span>{{.}}</span></th>{{end}}</tr>
<tr class="rates"><th class="name">{{t "passed"}}</th><th></th><th></th>{{range .Rates}}<th class="rate" data-lab="{{.Lab}}" data-passed="{{.Passed}}" data-of="{{.Of}}" title="{{.Passed}}/{{.Of}}{{if .NotVerified}}, {{.NotVerified}} {{t "not verified"}}{{end}}">{{.Percent}}%</th>{{end}}</tr></thead>
<tbody>{{range $s := .Students}}
<tr class="student" data-student="{{$s.Name}}" data-labs-passed="{{$s.Score.LabsPassed}}" data-labs="{{$s.Score.Labs}}" data-facts-matched="{{$s.Score.FactsMatched}}" data-facts="{{$s.Score.Facts}}">
<td class="name"><a href="{{pathEscape $s.Folder}}/report.html">{{$s.Name}}</a><span class="target" title="{{$s.Target}}">{{$s.Target}}</span></td>
<td>{{$s.Score.LabsPassed}}/{{$s.Score.Labs}}</td><td>{{$s.Score.FactsMatched}}/{{$s.Score.Facts}}</td>
{{range $.Labs}}{{$c := cell $s .}}<td class="cell {{slug $c.Outcome}}" data-lab="{{.}}" data-outcome="{{$c.Outcome}}" title="{{.}}: {{t $c.Outcome}}{{if $c.Why}}: {{$c.Why}}{{end}}">{{t $c.Outcome}}{{if $c.Short}}<span class="short">{{$c.Short}}</span>{{end}}{{if $c.Why}}<details><summary>{{t "more"}}</summary><span class="why">{{$c.Why}}</span>{{if $c.Hint}}<span class="why hint">{{t "where to look"}}: {{$c.Hint}}</span>{{end}}</details>{{end}}</td>{{end}}
</tr>{{end}}
</tbody>
</table>
</div>
<script>
// Sorting by a heading: student (A-Z), labs passed or facts matched (most first).
document.querySelectorAll("th.sort").forEach(function (th) {
  th.addEventListener("click", function () {
    var key = th.dataset.sort, body = document.querySelector("#class tbody");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      if (key === "student") { return a.dataset.student.localeCompare(b.dataset.student); }
      var k = key === "labs-passed" ? "labsPassed" : "factsMatched";
      return Number(b.dataset[k]) - Number(a.dataset[k]) || a.dataset.student.localeCompare(b.dataset.student);
    });
    rows.forEach(function (r) { body.appendChild(r); });
    document.documentElement.dataset.sorted = key;
  });
});
// What the browser laid out, for the checks that read the DOM: does the
// table fit the window without scrolling sideways?
window.addEventListener("load", function () {
  var s = document.getElementById("scroll");
  document.documentElement.dataset.fits = String(s.scrollWidth <= s.clientWidth);
  document.documentElement.dataset.tableWidth = String(s.scrollWidth);
});
</script>
</body>
</html>
`))

// HTML renders the class page: one self-contained page, a row per
// student, a column per lab.
func (c Class) HTML() (string, error) {
	return render(classPage, c.Lang, c.view())
}
