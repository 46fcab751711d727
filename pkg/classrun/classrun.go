// Package classrun runs the chosen labs of one or many students (a class)
// and reports them: each lab in a process of its own (this same binary,
// command __specs), at most Options.Parallel at once, labs that share an
// object name in a namespace or a NodePort on a cluster one after the
// other (the scheduler, schedule.go), every step shown as it happens; then
// each student's lab reports merged into one run (report.json, junit.xml,
// report.html, report.md) and, for a class, the class page. It says the
// verdict as an *Error of a Kind the command turns into its exit code.
//
// The joblab command is its only user: runs on the teacher's machine, and
// the in-cluster grader's index (one student).
package classrun

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	"golang.org/x/term"
	"sigs.k8s.io/yaml"

	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/lesson"
)

// Target is one run of chosen labs against one cluster (and maybe one
// namespace): a student's, when a class is verified.
type Target struct {
	// Student names the run in a class; empty for one target.
	Student string
	Labs    []string
	// Settings are the student's: kubeconfig, context, namespace, broker
	// NodePort. Run adds the options' folders and the progress file.
	Settings settings.Settings
	// Cluster is how the report names the cluster.
	Cluster string
	// ClusterKey identifies the cluster (its API server), so that labs of
	// different students on one cluster share its NodePorts in turn.
	ClusterKey string
	// Manifests is the student's own manifests folder (class file); it
	// takes the place of Options.Manifests.
	Manifests string
}

// Options are what every target of a run shares.
type Options struct {
	// Out is the report folder: the run's, or the class's (a folder per
	// student in it).
	Out string
	// Parallel bounds the labs run at once (0: no bound).
	Parallel int
	// Lang is the reports' language ("en", "ja").
	Lang string
	// Output is how the result is printed: "" (a table), "json", "yaml".
	Output string
	// Keep leaves every lab's objects on the cluster.
	Keep bool
	// ImageRepo, LabsDir and Manifests are the labs' settings of the same
	// names (folders made absolute here).
	ImageRepo, LabsDir, Manifests string
	// TraceRequests is the file each lab's process appends its API
	// requests to (settings.Settings.TraceRequests); "" for none.
	TraceRequests string
	// Self is the binary that runs a lab (command __specs).
	Self string
	// Stdout gets the progress and the result.
	Stdout io.Writer
}

// Kind is what an *Error says of a run.
type Kind int

const (
	// Differs: some lab differs from the lesson, or could not run.
	Differs Kind = iota + 1
	// NotVerified: nothing differs, but some lab could not observe what
	// it exists for.
	NotVerified
	// Interrupted: the run was stopped; its labs removed what they had
	// created.
	Interrupted
	// Invalid: the settings given cannot run (a usage error).
	Invalid
)

// Error is a run's verdict when it is not "every lab passed".
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// prepared is a run ready to start: its report folder and settings.
type prepared struct {
	dir  string
	base settings.Settings
}

// Run runs each chosen lab of each target and writes the reports; it
// returns each target's report (in the targets' order; nil where a target
// wrote none) and, unless every lab passed, an *Error saying why (or
// another error when the reports could not be written).
func Run(ctx context.Context, opts Options, runs []Target) ([]*report.Run, error) {
	reports := make([]*report.Run, len(runs))
	err := func() error {
		out := opts.Stdout
		if out == nil {
			out = io.Discard
		}
		outDir, err := filepath.Abs(opts.Out)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return err
		}
		self := opts.Self
		// A class is runs whose students have names (verify leaves the name
		// empty for a single target that was not asked for as a class).
		class := runs[0].Student != ""
		// Students whose labs share a cluster load it together: their waits
		// are bounded accordingly (settings.SlownessFor), unless given.
		sharing := map[string]int{}
		for _, r := range runs {
			sharing[r.ClusterKey]++
		}
		preps := make([]prepared, len(runs))
		var units []unit
		var sources []progressSource
		for i, r := range runs {
			dir := outDir
			if class {
				dir = filepath.Join(outDir, StudentFolder(r.Student))
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			base := r.Settings
			base.ProgressFile = filepath.Join(dir, "progress.tsv")
			os.Remove(base.ProgressFile)
			base.ManifestsDir = AbsOrEmpty(opts.Manifests)
			if r.Manifests != "" {
				base.ManifestsDir = AbsOrEmpty(r.Manifests)
			}
			base.ImageRepo = opts.ImageRepo
			base.TraceRequests = opts.TraceRequests
			base.LabsDir = AbsOrEmpty(opts.LabsDir)
			if base.Slowness == 0 {
				base.Slowness = settings.SlownessFor(sharing[r.ClusterKey])
			}
			if opts.Keep {
				base.Keep = settings.KeepAlways
			}
			if err := base.Validate(); err != nil {
				return &Error{Kind: Invalid, Err: err}
			}
			preps[i] = prepared{dir: dir, base: base}
			sources = append(sources, progressSource{path: base.ProgressFile, prefix: r.Student})
			for _, lab := range r.Labs {
				info, _ := lesson.FindLab(lab)
				units = append(units, unit{run: i, lab: lab, holds: labHolds(lab, base.ManifestsDir, r.ClusterKey, base.Namespace, base.BrokerNodePort), cluster: r.ClusterKey, alone: info.Alone})
			}
		}
		// The longest labs first (the cron lab's four minutes, the broker
		// lab's turns at the NodePort): the class ends when its longest chain
		// does. Among labs of one length, the students' order.
		// Labs that run alone on their cluster (they stop a node) come last:
		// they wait for every other lab there.
		sort.SliceStable(units, func(a, b int) bool {
			if units[a].alone != units[b].alone {
				return units[b].alone
			}
			return expected(units[a].lab) > expected(units[b].lab)
		})
		parallel := opts.Parallel
		if parallel == 0 {
			parallel = len(units)
		}

		start := time.Now()
		if class {
			fmt.Fprintf(out, "==> verifying %d students: %s, %d labs at once (reports: %s)\n", len(runs), strings.Join(runs[0].Labs, ", "), min(parallel, len(units)), outDir)
			if s := preps[0].base.Slowness; s > 1 {
				fmt.Fprintf(out, "    waits allow %.3g times a lab's time alone: %d students' labs share %s\n", s, sharing[runs[0].ClusterKey], runs[0].Cluster)
			}
		} else {
			fmt.Fprintf(out, "==> running %s (%d at once; logs: %s)\n", strings.Join(runs[0].Labs, ", "), min(parallel, len(units)), filepath.Join(outDir, "labs"))
		}
		stopProgress := showProgress(out, sources, start)
		results := make([]labResult, len(units))
		started := schedule(ctx, units, parallel, func(i int) {
			p := preps[units[i].run]
			results[i] = runLabProcess(ctx, self, units[i].lab, p.base, p.dir)
		})
		for i, ok := range started {
			if !ok {
				results[i] = labResult{lab: units[i].lab, err: errors.New("not started: interrupted"), notStarted: true}
			} else if results[i].lab == "" {
				results[i] = labResult{lab: units[i].lab, err: errors.New("stopped on an internal error (see above)")}
			}
		}
		stopProgress()

		classReport := report.Class{Title: "joblab: the Jobs and CronJobs lesson, class verification", Lang: opts.Lang, Started: start, Labs: runs[0].Labs}
		var problems []string
		for i, r := range runs {
			var mine []labResult
			for j, u := range units {
				if u.run == i {
					mine = append(mine, results[j])
				}
			}
			run, runProblems, err := writeRun(r, opts.Lang, mine, preps[i].dir)
			if err != nil {
				return err
			}
			reports[i] = run
			for _, p := range runProblems {
				if class {
					p = r.Student + ": " + p
				}
				problems = append(problems, p)
			}
			if !class {
				switch opts.Output {
				case "json", "yaml":
					if err := PrintStructured(out, opts.Output, run); err != nil {
						return err
					}
				default:
					fmt.Fprintf(out, "\n%s\nreports: %s, %s, %s\n", run.Table(), filepath.Join(outDir, "report.html"), filepath.Join(outDir, "report.md"), filepath.Join(outDir, "junit.xml"))
				}
			}
			classReport.Students = append(classReport.Students, report.Student{Name: r.Student, Target: r.Cluster, Folder: StudentFolder(r.Student), Run: run})
		}
		if class {
			classReport.Duration = time.Since(start)
			if err := WriteClass(classReport, outDir); err != nil {
				return err
			}
			switch opts.Output {
			case "json", "yaml":
				if err := PrintStructured(out, opts.Output, classReport.View()); err != nil {
					return err
				}
			default:
				fmt.Fprintf(out, "\n%s\nclass reports: %s, %s, %s, %s\n", classReport.Table(), filepath.Join(outDir, "class.html"), filepath.Join(outDir, "class.md"), filepath.Join(outDir, "class.csv"), filepath.Join(outDir, "junit.xml"))
			}
		}
		where := filepath.Join(outDir, "report.md")
		if class {
			where = filepath.Join(outDir, "class.md")
		}
		if ctx.Err() != nil {
			return &Error{Kind: Interrupted, Err: fmt.Errorf("interrupted: the labs stopped and removed what they had created (reports: %s)", outDir)}
		}
		verdict := Verdict(classReport.Students, where)
		if e, ok := verdict.(*Error); ok && e.Kind == Differs {
			return verdict
		}
		if len(problems) > 0 {
			return &Error{Kind: Differs, Err: fmt.Errorf("some labs could not run: %s", strings.Join(problems, "; "))}
		}
		return verdict
	}()
	return reports, err
}

// Verdict is a class's (or one run's) verdict from its students' runs,
// where is the report to read: nil when every lab passed; an *Error of
// Kind Differs when a lab differs or could not run; NotVerified, naming
// the labs, when nothing differs but some labs could not observe what they
// exist for.
func Verdict(students []report.Student, where string) error {
	var notVerified []string
	for _, st := range students {
		if st.Run == nil {
			return &Error{Kind: Differs, Err: fmt.Errorf("student %s has no report (details: %s)", st.Name, where)}
		}
		if !st.Run.OnlyNotVerified() {
			if !st.Run.Passed() {
				return &Error{Kind: Differs, Err: fmt.Errorf("some labs differ from the lesson, or could not run (details: %s)", where)}
			}
			continue
		}
		for _, l := range st.Run.Labs {
			if l.Verdict == report.VerdictNotVerified {
				name := l.Lab
				if st.Name != "" {
					name = st.Name + " " + name
				}
				notVerified = append(notVerified, name)
			}
		}
	}
	if len(notVerified) > 0 {
		return &Error{Kind: NotVerified, Err: fmt.Errorf("nothing differs from the lesson, but not verified (the cluster could not show what they exist for; the reason is in each lab's row): %s (details: %s)", strings.Join(notVerified, ", "), where)}
	}
	return nil
}

// writeRun merges a run's lab reports into its folder (report.json,
// junit.xml, report.html, report.md) and returns the run, with every
// chosen lab in it: one that could not run is a failed row with the
// reason, never left out.
func writeRun(r Target, lang string, results []labResult, dir string) (*report.Run, []string, error) {
	var all []types.Report
	var problems []string
	for _, res := range results {
		switch {
		case res.notStarted:
			problems = append(problems, fmt.Sprintf("%s: %v", res.lab, res.err))
		case res.err != nil:
			problems = append(problems, fmt.Sprintf("%s: %v (log: %s)", res.lab, res.err, res.log))
		}
		all = append(all, res.reports...)
	}
	if merged := mergeReports(all); merged != nil {
		_ = reporters.GenerateJSONReport(*merged, filepath.Join(dir, "report.json"))
		_ = reporters.GenerateJUnitReport(*merged, filepath.Join(dir, "junit.xml"))
	}
	run := report.FromGinkgo(all)
	run.Cluster = r.Cluster
	for _, res := range results {
		switch {
		case run.HasLab(res.lab):
		case res.notStarted:
			run.Labs = append(run.Labs, report.Lab{Lab: res.lab, Spec: "not started", Verdict: "interrupted", Reason: "interrupted before its turn"})
		default:
			run.Labs = append(run.Labs, report.Lab{Lab: res.lab, Spec: "could not run", Verdict: "failed", Reason: couldNotRun(res)})
		}
	}
	run.Lang = lang
	if r.Student != "" {
		run.Title += ": " + r.Student
	}
	return run, problems, WriteReports(run, dir)
}

// WriteClass writes the class page (class.html, class.md), the class as
// data (class.json, class.csv) and JUnit with a suite per student.
func WriteClass(c report.Class, dir string) error {
	page, err := c.HTML()
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(c.View(), "", "  ")
	if err != nil {
		return err
	}
	table, err := c.CSV()
	if err != nil {
		return err
	}
	junit, err := c.JUnit()
	if err != nil {
		return err
	}
	for name, content := range map[string][]byte{
		"class.html": []byte(page), "class.md": []byte(c.Markdown()), "class.json": append(data, '\n'),
		"class.csv": []byte(table), "junit.xml": junit,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// StudentFolder is a student's report folder name: the name, with what a
// file name cannot hold replaced.
func StudentFolder(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '_'
		}
		return r
	}, name)
}

// expected is about how long a lab takes (the catalogue's figure).
func expected(lab string) time.Duration {
	l, _ := lesson.FindLab(lab)
	return l.Expected
}

// AbsOrEmpty is p made absolute ("" stays "": no folder given; a path
// that cannot be made absolute stays as written).
func AbsOrEmpty(p string) string {
	if p == "" {
		return ""
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// labResult is what one lab's process left.
type labResult struct {
	lab     string
	log     string
	reports []types.Report
	err     error
	// notStarted: interrupted before its turn came.
	notStarted bool
}

// runLabProcess runs one lab's specs in a child process with its own
// artifacts folder. On interruption the child gets one SIGINT (Ginkgo then
// runs every clean-up: the lab's objects are removed), and SIGKILL only
// if it has not ended within three minutes.
func runLabProcess(ctx context.Context, self, lab string, base settings.Settings, outDir string) labResult {
	s := base
	s.ArtifactsDir = filepath.Join(outDir, "labs", lab)
	res := labResult{lab: lab, log: filepath.Join(outDir, "labs", lab+".log")}
	if err := os.MkdirAll(s.ArtifactsDir, 0o755); err != nil {
		res.err = err
		return res
	}
	logFile, err := os.Create(res.log)
	if err != nil {
		res.err = err
		return res
	}
	defer logFile.Close()
	// A report left by an earlier run into the same folder must not stand
	// in for this one.
	reportPath := filepath.Join(s.ArtifactsDir, "report.json")
	if err := os.Remove(reportPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		res.err = err
		return res
	}
	child := exec.Command(self, "__specs", "--label", lab)
	child.Env = append(os.Environ(), s.ChildEnv())
	child.Stdout, child.Stderr = logFile, logFile
	// Its own process group, so that one Ctrl-C reaches it once (through
	// this process); it gets SIGINT too if this process dies.
	child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT}
	if err := child.Start(); err != nil {
		res.err = err
		return res
	}
	done := make(chan error, 1)
	go func() { done <- child.Wait() }()
	var waitErr error
	select {
	case waitErr = <-done:
	case <-ctx.Done():
		_ = syscall.Kill(-child.Process.Pid, syscall.SIGINT)
		select {
		case waitErr = <-done:
		case <-time.After(3 * time.Minute):
			_ = syscall.Kill(-child.Process.Pid, syscall.SIGKILL)
			waitErr = <-done
		}
	}
	data, err := os.ReadFile(reportPath)
	if err == nil {
		err = json.Unmarshal(data, &res.reports)
	}
	if err != nil {
		res.err = fmt.Errorf("no report from the lab's process (exit: %s): %w", exitText(waitErr), err)
	}
	return res
}

// couldNotRun says why a lab left no spec in its report: the suite's
// set-up failure, or the process's error.
func couldNotRun(res labResult) string {
	for _, r := range res.reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType != types.NodeTypeIt && s.Failed() {
				return fmt.Sprintf("the suite's %s failed: %s (log: %s)", s.LeafNodeType, s.FailureMessage(), res.log)
			}
		}
	}
	if res.err != nil {
		return fmt.Sprintf("%v (log: %s)", res.err, res.log)
	}
	return "the lab ran no spec (log: " + res.log + ")"
}

// mergeReports joins the lab processes' suite reports into one, keeping
// only the specs that ran (each process skips the other labs), and those
// that could not verify their fact (skipped, saying why: report.json and
// junit.xml name them as the reports do).
func mergeReports(all []types.Report) *types.Report {
	if len(all) == 0 {
		return nil
	}
	merged := all[0]
	merged.SpecReports = nil
	merged.SuiteSucceeded = true
	var end time.Time
	for _, r := range all {
		if r.StartTime.Before(merged.StartTime) {
			merged.StartTime = r.StartTime
		}
		if r.EndTime.After(end) {
			end = r.EndTime
		}
		merged.SuiteSucceeded = merged.SuiteSucceeded && r.SuiteSucceeded
		for _, s := range r.SpecReports {
			if s.State != types.SpecStateSkipped || strings.HasPrefix(s.Failure.Message, report.NotVerifiedPrefix) {
				merged.SpecReports = append(merged.SpecReports, s)
			}
		}
	}
	merged.EndTime = end
	merged.RunTime = end.Sub(merged.StartTime)
	return &merged
}

// WriteReports writes a run's report.html and report.md into dir.
func WriteReports(run *report.Run, dir string) error {
	html, err := run.HTML()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "report.html"), []byte(html), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "report.md"), []byte(run.Markdown()), 0o644)
}

// progressSource is a progress file and the student whose it is.
type progressSource struct {
	path, prefix string
}

// showProgress prints each lab step as it happens, with the time elapsed:
// one line per step, which reads the same in a terminal and in CI logs.
// In a terminal it also says every 15 s what is still awaited.
func showProgress(w io.Writer, sources []progressSource, start time.Time) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	width := 16
	for _, s := range sources {
		if s.prefix != "" {
			width = max(width, len(s.prefix)+1+len("two-containers"))
		}
	}
	go func() {
		defer close(finished)
		offsets := make([]int64, len(sources))
		last := map[string]string{}
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		quiet := 0
		for final := false; !final; {
			select {
			case <-done:
				final = true // read what the last steps wrote, then stop
			case <-tick.C:
			}
			printed := false
			for i, src := range sources {
				f, err := os.Open(src.path)
				if err != nil {
					continue
				}
				_, _ = f.Seek(offsets[i], 0)
				sc := bufio.NewScanner(f)
				for sc.Scan() {
					line := sc.Text()
					offsets[i] += int64(len(line)) + 1
					parts := strings.SplitN(line, "\t", 3)
					if len(parts) != 3 {
						continue
					}
					who := parts[1]
					if src.prefix != "" {
						who = src.prefix + "/" + who
					}
					last[who] = parts[2]
					fmt.Fprintf(w, "[%8s] %-*s %s\n", time.Since(start).Round(time.Second), width, who, parts[2])
					printed = true
				}
				f.Close()
			}
			quiet++
			if printed {
				quiet = 0
			}
			if tty && quiet >= 15 {
				quiet = 0
				for who, step := range last {
					fmt.Fprintf(w, "[%8s] %-*s still: %s\n", time.Since(start).Round(time.Second), width, who, step)
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// exitText describes how a lab process ended.
func exitText(err error) string {
	if err == nil {
		return "0"
	}
	return err.Error()
}

// PrintStructured prints v as JSON or YAML (format "yaml").
func PrintStructured(w io.Writer, format string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if format == "yaml" {
		if data, err = yaml.JSONToYAML(data); err != nil {
			return err
		}
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
