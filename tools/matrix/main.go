// Command matrix runs every lab on each Kubernetes release joblab knows,
// one release after the other on this machine (make matrix), and writes a
// lab × release table: matrix.md, matrix.html and matrix.json in its output
// folder. For each release it runs
//
//	joblab run --kubernetes <release> --unverified --out <dir>/<release>
//
// which creates (or reuses) the kind cluster of that release, and reads the
// run's report.json back. Beside each lab's verdict the table lists the
// facts whose verdict differs between releases, with what each release
// showed: a fact Kubernetes changed is shown as changed.
//
// Usage:
//
//	go run ./tools/matrix [-releases v1.34.2,v1.37.2] [-joblab bin/joblab] [-out DIR] [LAB...]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/versions"
)

// Cell is one lab on one release.
type Cell struct {
	Verdict  string        `json:"verdict"`
	Duration time.Duration `json:"duration"`
	Reason   string        `json:"reason,omitempty"`
}

// Change is a fact whose verdict is not the same on every release.
type Change struct {
	Lab  string `json:"lab"`
	Fact string `json:"fact"`
	// Documented and Observed are per release; "" where the release did
	// not report the fact.
	Documented map[string]string `json:"documented"`
	Observed   map[string]string `json:"observed"`
	OK         map[string]bool   `json:"ok"`
}

// Matrix is the whole table.
type Matrix struct {
	Releases []string                   `json:"releases"`
	Labs     []string                   `json:"labs"`
	Cells    map[string]map[string]Cell `json:"cells"` // lab → release → cell
	Changes  []Change                   `json:"changes"`
	// RunErrors are releases whose run could not produce a report.
	RunErrors map[string]string `json:"runErrors,omitempty"`
	Started   time.Time         `json:"started"`
	Duration  time.Duration     `json:"duration"`
}

func main() {
	var all []string
	for _, r := range versions.Releases {
		all = append(all, r.Kubernetes)
	}
	releases := flag.String("releases", strings.Join(all, ","), "releases to run, oldest first")
	joblab := flag.String("joblab", "bin/joblab", "the joblab binary")
	out := flag.String("out", filepath.Join(artifacts(), "matrix"), "output folder")
	reportsOnly := flag.Bool("reports-only", false, "run nothing: build the table from the reports already in the output folder")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, err := run(ctx, strings.Split(*releases, ","), *joblab, *out, flag.Args(), *reportsOnly)
	if m != nil {
		if werr := write(m, *out); werr != nil && err == nil {
			err = werr
		}
		fmt.Printf("matrix: %s\n", filepath.Join(*out, "matrix.md"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "matrix:", err)
		os.Exit(1)
	}
}

func artifacts() string {
	if a := os.Getenv("ARTIFACTS"); a != "" {
		return a
	}
	return "_artifacts"
}

func run(ctx context.Context, releases []string, joblab, out string, labs []string, reportsOnly bool) (*Matrix, error) {
	m := &Matrix{Cells: map[string]map[string]Cell{}, RunErrors: map[string]string{}, Started: time.Now()}
	runs := map[string]*report.Run{}
	for _, name := range releases {
		rel, err := versions.Lookup(name)
		if err != nil {
			return nil, err
		}
		m.Releases = append(m.Releases, rel.Kubernetes)
		dir := filepath.Join(out, rel.Kubernetes)
		args := append([]string{"run", "--kubernetes", rel.Kubernetes, "--unverified", "--out", dir}, labs...)
		if !reportsOnly {
			fmt.Printf("==> Kubernetes %s: %s %s\n", rel.Kubernetes, joblab, strings.Join(args, " "))
			cmd := exec.CommandContext(ctx, joblab, args...)
			cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
			err = cmd.Run()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				return m, err
			}
		}
		// Exit 1 (a lab differs) and 7 (not verified) still wrote a report.
		r, rerr := report.FromGinkgoJSON(filepath.Join(dir, "report.json"))
		if rerr != nil {
			m.RunErrors[rel.Kubernetes] = fmt.Sprintf("no report (joblab exited: %v): %v", err, rerr)
			continue
		}
		runs[rel.Kubernetes] = r
		if ctx.Err() != nil {
			return m, ctx.Err()
		}
	}
	fill(m, runs)
	m.Duration = time.Since(m.Started).Round(time.Second)
	return m, nil
}

// fill builds the cells and the changed facts from each release's run.
func fill(m *Matrix, runs map[string]*report.Run) {
	labs := map[string]bool{}
	type factKey struct{ lab, fact string }
	facts := map[factKey]*Change{}
	var order []factKey
	for _, rel := range m.Releases {
		r := runs[rel]
		if r == nil {
			continue
		}
		for _, l := range r.Labs {
			labs[l.Lab] = true
			if m.Cells[l.Lab] == nil {
				m.Cells[l.Lab] = map[string]Cell{}
			}
			m.Cells[l.Lab][rel] = Cell{Verdict: l.Verdict, Duration: l.Duration.Round(time.Second), Reason: l.Reason}
			for _, f := range l.Facts {
				k := factKey{l.Lab, f.Fact}
				c := facts[k]
				if c == nil {
					c = &Change{Lab: l.Lab, Fact: f.Fact, Documented: map[string]string{}, Observed: map[string]string{}, OK: map[string]bool{}}
					facts[k] = c
					order = append(order, k)
				}
				c.Documented[rel], c.Observed[rel], c.OK[rel] = f.Documented, f.Observed, f.OK
			}
		}
	}
	for l := range labs {
		m.Labs = append(m.Labs, l)
	}
	sort.Strings(m.Labs)
	for _, k := range order {
		if c := facts[k]; changed(c, m.Releases, runs) {
			m.Changes = append(m.Changes, *c)
		}
	}
}

// changed tells whether a fact's verdict, or its documented value, is not
// the same on every release that ran its lab. A timing that merely differs
// within its bound is not a change, nor are the names and times a run
// generates (perRun).
func changed(c *Change, releases []string, runs map[string]*report.Run) bool {
	var first *string
	for _, rel := range releases {
		if runs[rel] == nil {
			continue
		}
		doc, seen := c.Documented[rel]
		key := "absent"
		if seen {
			key = fmt.Sprintf("%v|%s", c.OK[rel], perRun(doc))
		}
		if first == nil {
			first = &key
		} else if key != *first {
			return true
		}
	}
	return false
}

func write(m *Matrix, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "matrix.json"), data, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "matrix.md"), []byte(markdown(m)), 0o644); err != nil {
		return err
	}
	var b strings.Builder
	if err := page.Execute(&b, m); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "matrix.html"), []byte(b.String()), 0o644)
}

func cellText(c Cell, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%s (%s)", c.Verdict, c.Duration)
}

func markdown(m *Matrix) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# joblab: every lab on each Kubernetes release\n\nStarted %s, took %s.\n\n| lab | %s |\n|---|%s\n", m.Started.Format(time.RFC3339), m.Duration, strings.Join(m.Releases, " | "), strings.Repeat("---|", len(m.Releases)))
	for _, l := range m.Labs {
		var cells []string
		for _, rel := range m.Releases {
			c, ok := m.Cells[l][rel]
			cells = append(cells, cellText(c, ok))
		}
		fmt.Fprintf(&b, "| %s | %s |\n", l, strings.Join(cells, " | "))
	}
	for rel, e := range m.RunErrors {
		fmt.Fprintf(&b, "\n**%s**: %s\n", rel, e)
	}
	b.WriteString("\n## Facts that differ between releases\n\n")
	if len(m.Changes) == 0 {
		b.WriteString("None: every fact has the same documented value and verdict on every release.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "| lab | fact | %s |\n|---|---|%s\n", strings.Join(m.Releases, " | "), strings.Repeat("---|", len(m.Releases)))
	for _, c := range m.Changes {
		var cells []string
		for _, rel := range m.Releases {
			if _, ok := c.Documented[rel]; !ok {
				cells = append(cells, "—")
				continue
			}
			mark := "ok"
			if !c.OK[rel] {
				mark = "DIFFERS"
			}
			cells = append(cells, strings.ReplaceAll(fmt.Sprintf("%s: documented %s, observed %s", mark, c.Documented[rel], c.Observed[rel]), "|", `\|`))
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Lab, strings.ReplaceAll(c.Fact, "|", `\|`), strings.Join(cells, " | "))
	}
	return b.String()
}

var page = template.Must(template.New("matrix").Funcs(template.FuncMap{
	"cell": func(m *Matrix, lab, rel string) Cell { return m.Cells[lab][rel] },
	"has":  func(m *Matrix, lab, rel string) bool { _, ok := m.Cells[lab][rel]; return ok },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>joblab: labs × Kubernetes releases</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.passed{background:#e6f4ea}td.failed{background:#fce8e6}td.not-verified{background:#efe6fb}
</style></head><body>
<h1>Every lab on each Kubernetes release</h1>
<p>Started {{.Started.Format "2006-01-02 15:04"}}, took {{.Duration}}.</p>
<table><thead><tr><th>lab</th>{{range .Releases}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{$m := .}}{{range $lab := .Labs}}<tr><th>{{$lab}}</th>{{range $rel := $m.Releases}}{{if has $m $lab $rel}}{{$c := cell $m $lab $rel}}<td class="{{if eq $c.Verdict "not verified"}}not-verified{{else}}{{$c.Verdict}}{{end}}" title="{{$c.Reason}}">{{$c.Verdict}} ({{$c.Duration}})</td>{{else}}<td>—</td>{{end}}{{end}}</tr>
{{end}}</tbody></table>
{{range $rel, $e := .RunErrors}}<p><b>{{$rel}}</b>: {{$e}}</p>{{end}}
<h2>Facts that differ between releases</h2>
{{if not .Changes}}<p>None: every fact has the same documented value and verdict on every release.</p>{{else}}
<table><thead><tr><th>lab</th><th>fact</th>{{range .Releases}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range $c := .Changes}}<tr><td>{{$c.Lab}}</td><td>{{$c.Fact}}</td>{{range $rel := $m.Releases}}<td>{{index $c.Observed $rel}}{{if not (index $c.OK $rel)}} (differs from {{index $c.Documented $rel}}){{end}}</td>{{end}}</tr>
{{end}}</tbody></table>{{end}}
</body></html>
`))

// Generated names' suffixes (pod-xxxxx, namespace-xxxxx) and numbers (a
// CronJob's Job named for its minute, a time of day) differ from run to
// run: they are not what a release changed.
var (
	generatedSuffix = regexp.MustCompile(`-[a-z0-9]{5}\b`)
	number          = regexp.MustCompile(`[0-9]+`)
)

// perRun is a documented value with what each run generates masked.
func perRun(s string) string {
	return number.ReplaceAllString(generatedSuffix.ReplaceAllString(s, "-·"), "#")
}
