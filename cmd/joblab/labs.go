package main

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
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/spf13/cobra"
	"golang.org/x/term"
	"sigs.k8s.io/yaml"

	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/lesson"
)

// labFlags are the flags of the commands that run labs.
type labFlags struct {
	out, manifests, imageRepo, output, lang string
	keep                                    bool
	parallel                                int
	// labsDir is a lab folder, or a folder of them (joblab/v1), whose labs
	// run beside the lesson's; folderLabs are their names, once loaded.
	labsDir    string
	folderLabs []string
	// brokerNodePort is --broker-nodeport: "", "auto" or a number.
	brokerNodePort string
}

// brokerNodePort is the broker NodePort of the i-th student: the class
// file's (given), else --broker-nodeport's (auto: the lesson's plus i),
// else 0 (the lesson's).
func brokerNodePort(flag string, given int32, i int) (int32, error) {
	if given != 0 {
		return given, nil
	}
	switch flag {
	case "":
		return 0, nil
	case "auto":
		p := int32(lesson.BrokerNodePort + i)
		if p > settings.MaxNodePort {
			return 0, usageError("--broker-nodeport auto: student %d would get NodePort %d, past %d: give the class file's students nodePort values", i+1, p, settings.MaxNodePort)
		}
		return p, nil
	}
	n, err := strconv.ParseInt(flag, 10, 32)
	if err != nil || n < settings.MinNodePort || n > settings.MaxNodePort {
		return 0, usageError("--broker-nodeport %q: auto, or a NodePort of %d-%d", flag, settings.MinNodePort, settings.MaxNodePort)
	}
	return int32(n), nil
}

func (f *labFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.out, "out", "joblab-report", "folder for the reports (report.html, report.md, junit.xml, report.json) and each lab's log")
	fs.StringVar(&f.manifests, "manifests", "", "apply the manifests of this folder (your own YAML, same file names as the lesson's) instead of the lesson's")
	fs.StringVar(&f.imageRepo, "image-repo", "", "pull the lab programs' images from this repository (where 'joblab images --image-repo' pushed them), e.g. registry.school.example/class1")
	fs.BoolVar(&f.keep, "keep", false, "keep what the labs created (namespaces, objects) afterwards")
	fs.IntVar(&f.parallel, "parallel", 0, "lab processes at once, over every student (default: all at once); labs that share an object name in a namespace, or a NodePort, always take turns")
	fs.StringVarP(&f.output, "output", "o", "", "output format of the result: json or yaml (default: a table)")
	fs.StringVar(&f.lang, "lang", "en", "language of the reports: en, or ja (the lesson's: its facts in the notes' terms)")
	fs.StringVar(&f.brokerNodePort, "broker-nodeport", "", "the broker lab's NodePort: auto gives each student of a class one of their own (31672, 31673, ...; a class file's nodePort wins) so that their broker labs run side by side; a number gives that one; default the lesson's 31672")
	fs.StringVar(&f.labsDir, "labs", "", "also run the labs of this lab folder, or folder of lab folders (lab.yaml, joblab/v1; 'joblab lab new' writes one); with no LAB named, only these run")
}

// takeClassLabs makes a class file's labs: the --labs folder; both given
// must name the same folder.
func (f *labFlags) takeClassLabs(classPath, labs string) error {
	if labs == "" {
		return nil
	}
	if f.labsDir != "" && absOrEmpty(f.labsDir) != labs {
		return usageError("--labs %s and the class file %s's labs: %s name two lab folders: give one (the class file's, or --labs)", f.labsDir, classPath, labs)
	}
	f.labsDir = labs
	return nil
}

// loadFolders reads the lab folders of --labs into the catalogue, before
// the labs named are checked.
func (f *labFlags) loadFolders() error {
	if f.labsDir == "" {
		return nil
	}
	names, err := loadLabFolders(f.labsDir)
	if err != nil {
		return err
	}
	f.folderLabs = names
	return nil
}

// loadLabFolders reads lab folders into the catalogue; an error names the
// file, the line and the fix.
func loadLabFolders(dir string) ([]string, error) {
	names, err := lesson.RegisterFolders(dir)
	if err != nil {
		return nil, usageError("--labs %s:\n%v", dir, err)
	}
	return names, nil
}

// chooseLabs is selectLabs, where no name given means the lab folders'
// labs when --labs gave some.
func (f *labFlags) chooseLabs(args []string) ([]string, error) {
	if err := f.loadFolders(); err != nil {
		return nil, err
	}
	if len(args) == 0 && len(f.folderLabs) > 0 {
		return f.folderLabs, nil
	}
	return selectLabs(args)
}

// validate checks the flags before anything is built or started.
func (f *labFlags) validate() error {
	if err := validOutput(f.output, "json", "yaml"); err != nil {
		return err
	}
	if !report.ValidLang(f.lang) {
		return usageError("--lang %q: use %s", f.lang, strings.Join(report.Langs, " or "))
	}
	if f.parallel < 0 {
		return usageError("--parallel %d: give a positive number of labs, or 0 for all at once", f.parallel)
	}
	if f.manifests != "" {
		if st, err := os.Stat(f.manifests); err != nil || !st.IsDir() {
			return usageError("--manifests %s: not a folder; give the folder that holds your manifest files (job-normal-end.yaml, ...)", f.manifests)
		}
	}
	return nil
}

func validOutput(o string, allowed ...string) error {
	if o == "" {
		return nil
	}
	for _, a := range allowed {
		if o == a {
			return nil
		}
	}
	return usageError("output format %q: use %s", o, strings.Join(allowed, " or "))
}

// selectLabs checks the names given; none means every lab.
func selectLabs(names []string) ([]string, error) {
	var valid []string
	for _, l := range lesson.Labs {
		valid = append(valid, l.Name)
	}
	if len(names) == 0 {
		return valid, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		expanded := []string{n}
		if n == lesson.ModernTrack {
			expanded = lesson.TrackLabs(lesson.ModernTrack)
		} else if _, ok := lesson.FindLab(n); !ok {
			return nil, usageError("unknown lab %q; the labs are: %s, or %s for the modern track's labs (see 'joblab list')", n, strings.Join(valid, ", "), lesson.ModernTrack)
		}
		for _, n := range expanded {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// completeLabs offers the lab names to shell completion.
func completeLabs(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	var names []string
	for _, l := range lesson.Labs {
		names = append(names, l.Name+"\t"+l.Summary)
	}
	names = append(names, lesson.ModernTrack+"\tevery lab of the modern track (today's Job features, GA by 1.34)")
	return names, cobra.ShellCompDirectiveNoFileComp
}

func newListCommand() *cobra.Command {
	var output, labsDir string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the labs, what each shows and how long it takes",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validOutput(output, "json", "yaml", "name"); err != nil {
				return err
			}
			if labsDir != "" {
				if _, err := loadLabFolders(labsDir); err != nil {
					return err
				}
			}
			w := cmd.OutOrStdout()
			type labOut struct {
				Name     string `json:"name"`
				Section  string `json:"section"`
				Summary  string `json:"summary"`
				Expected string `json:"expected"`
			}
			var labs []labOut
			for _, l := range lesson.Labs {
				labs = append(labs, labOut{l.Name, l.Section, l.Summary, l.Expected.String()})
			}
			switch output {
			case "json", "yaml":
				return printStructured(w, output, labs)
			case "name":
				for _, l := range labs {
					fmt.Fprintln(w, l.Name)
				}
				return nil
			}
			width := len("LAB")
			for _, l := range lesson.Labs {
				width = max(width, len(l.Name))
			}
			fmt.Fprintf(w, "%-*s %-10s %-9s %s\n", width, "LAB", "LESSON", "TAKES", "WHAT IT SHOWS")
			for _, l := range lesson.Labs {
				fmt.Fprintf(w, "%-*s %-10s ~%-8s %s\n", width, l.Name, l.Section, l.Expected, l.Summary)
			}
			fmt.Fprintf(w, "\n%s: every lab of the modern track (joblab run %s)\n", lesson.ModernTrack, lesson.ModernTrack)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "output format: json, yaml or name (default: a table)")
	cmd.Flags().StringVar(&labsDir, "labs", "", "also list the labs of this lab folder, or folder of lab folders")
	return cmd
}

func printStructured(w io.Writer, format string, v any) error {
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

// labRun is one run of chosen labs against one cluster (and maybe one
// namespace): a student's, when a class is verified.
type labRun struct {
	// student names the run in a class; empty for one target.
	student  string
	labs     []string
	settings settings.Settings
	flags    labFlags
	cluster  string // how the report names the cluster
	// clusterKey identifies the cluster (its API server), so that labs of
	// different students on one cluster share its NodePorts in turn.
	clusterKey string
	// manifests is the student's own manifests folder (class file); it
	// takes the place of --manifests.
	manifests string
}

// runLabs runs the labs of one target.
func runLabs(ctx context.Context, cmd *cobra.Command, r labRun) error {
	return runClass(ctx, cmd, []labRun{r})
}

// prepared is a run ready to start: its report folder and settings.
type prepared struct {
	dir  string
	base settings.Settings
}

// runClass runs each chosen lab of each run in a process of its own (this
// same binary, command __specs): at most --parallel at once, labs that
// share an object name in a namespace or a NodePort on a cluster one after
// the other, the rest side by side. It shows each step as it happens, then
// writes each run's reports (merged from its labs') and, for a class, the
// class page.
func runClass(ctx context.Context, cmd *cobra.Command, runs []labRun) error {
	_, err := runClassRuns(ctx, cmd, runs)
	return err
}

// runClassRuns is runClass, which also returns each run's report (in the
// runs' order; nil where a run wrote none): an in-cluster class's index
// stores its student's.
func runClassRuns(ctx context.Context, cmd *cobra.Command, runs []labRun) ([]*report.Run, error) {
	reports := make([]*report.Run, len(runs))
	err := func() error {
		out := cmd.OutOrStdout()
		flags := runs[0].flags
		outDir, err := filepath.Abs(flags.out)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return err
		}
		self, err := os.Executable()
		if err != nil {
			return err
		}
		// A class is runs whose students have names (verify leaves the name
		// empty for a single target that was not asked for as a class).
		class := runs[0].student != ""
		preps := make([]prepared, len(runs))
		var units []unit
		var sources []progressSource
		for i, r := range runs {
			dir := outDir
			if class {
				dir = filepath.Join(outDir, studentFolder(r.student))
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			base := r.settings
			base.ProgressFile = filepath.Join(dir, "progress.tsv")
			os.Remove(base.ProgressFile)
			base.ManifestsDir = absOrEmpty(flags.manifests)
			if r.manifests != "" {
				base.ManifestsDir = absOrEmpty(r.manifests)
			}
			base.ImageRepo = flags.imageRepo
			base.LabsDir = absOrEmpty(flags.labsDir)
			if flags.keep {
				base.Keep = settings.KeepAlways
			}
			if err := base.Validate(); err != nil {
				return usageError("%v", err)
			}
			preps[i] = prepared{dir: dir, base: base}
			sources = append(sources, progressSource{path: base.ProgressFile, prefix: r.student})
			for _, lab := range r.labs {
				info, _ := lesson.FindLab(lab)
				units = append(units, unit{run: i, lab: lab, holds: labHolds(lab, base.ManifestsDir, r.clusterKey, base.Namespace, base.BrokerNodePort), cluster: r.clusterKey, alone: info.Alone})
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
		parallel := flags.parallel
		if parallel == 0 {
			parallel = len(units)
		}

		start := time.Now()
		if class {
			fmt.Fprintf(out, "==> verifying %d students: %s, %d labs at once (reports: %s)\n", len(runs), strings.Join(runs[0].labs, ", "), min(parallel, len(units)), outDir)
		} else {
			fmt.Fprintf(out, "==> running %s (%d at once; logs: %s)\n", strings.Join(runs[0].labs, ", "), min(parallel, len(units)), filepath.Join(outDir, "labs"))
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

		classReport := report.Class{Title: "joblab: the Jobs and CronJobs lesson, class verification", Lang: flags.lang, Started: start, Labs: runs[0].labs}
		var problems, notVerified []string
		allPassed := true
		for i, r := range runs {
			var mine []labResult
			for j, u := range units {
				if u.run == i {
					mine = append(mine, results[j])
				}
			}
			run, runProblems, err := writeRun(r, mine, preps[i].dir)
			if err != nil {
				return err
			}
			reports[i] = run
			if run.OnlyNotVerified() {
				for _, l := range run.Labs {
					if l.Verdict == report.VerdictNotVerified {
						name := l.Lab
						if class {
							name = r.student + " " + name
						}
						notVerified = append(notVerified, name)
					}
				}
			} else {
				allPassed = allPassed && run.Passed()
			}
			for _, p := range runProblems {
				if class {
					p = r.student + ": " + p
				}
				problems = append(problems, p)
			}
			if !class {
				switch flags.output {
				case "json", "yaml":
					if err := printStructured(out, flags.output, run); err != nil {
						return err
					}
				default:
					fmt.Fprintf(out, "\n%s\nreports: %s, %s, %s\n", run.Table(), filepath.Join(outDir, "report.html"), filepath.Join(outDir, "report.md"), filepath.Join(outDir, "junit.xml"))
				}
			}
			classReport.Students = append(classReport.Students, report.Student{Name: r.student, Target: r.cluster, Folder: studentFolder(r.student), Run: run})
		}
		if class {
			classReport.Duration = time.Since(start)
			if err := writeClass(classReport, outDir); err != nil {
				return err
			}
			switch flags.output {
			case "json", "yaml":
				if err := printStructured(out, flags.output, classReport.View()); err != nil {
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
		switch {
		case ctx.Err() != nil:
			return withCode(exitInterrupted, fmt.Errorf("interrupted: the labs stopped and removed what they had created (reports: %s)", outDir))
		case !allPassed:
			return withCode(exitLabFailed, fmt.Errorf("some labs differ from the lesson (details: %s)", where))
		case len(problems) > 0:
			return withCode(exitLabFailed, fmt.Errorf("some labs could not run: %s", strings.Join(problems, "; ")))
		case len(notVerified) > 0:
			return withCode(exitNotVerified, fmt.Errorf("nothing differs from the lesson, but not verified (the cluster could not show what they exist for; the reason is in each lab's row): %s (details: %s)", strings.Join(notVerified, ", "), where))
		}
		return nil
	}()
	return reports, err
}

// writeRun merges a run's lab reports into its folder (report.json,
// junit.xml, report.html, report.md) and returns the run, with every
// chosen lab in it: one that could not run is a failed row with the
// reason, never left out.
func writeRun(r labRun, results []labResult, dir string) (*report.Run, []string, error) {
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
	run.Cluster = r.cluster
	for _, res := range results {
		switch {
		case run.HasLab(res.lab):
		case res.notStarted:
			run.Labs = append(run.Labs, report.Lab{Lab: res.lab, Spec: "not started", Verdict: "interrupted", Reason: "interrupted before its turn"})
		default:
			run.Labs = append(run.Labs, report.Lab{Lab: res.lab, Spec: "could not run", Verdict: "failed", Reason: couldNotRun(res)})
		}
	}
	run.Lang = r.flags.lang
	if r.student != "" {
		run.Title += ": " + r.student
	}
	return run, problems, writeReports(run, dir)
}

// writeClass writes the class page (class.html, class.md), the class as
// data (class.json, class.csv) and JUnit with a suite per student.
func writeClass(c report.Class, dir string) error {
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

// studentFolder is a student's report folder name: the name, with what a
// file name cannot hold replaced.
func studentFolder(name string) string {
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

func absOrEmpty(p string) string {
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
// only the specs that ran (each process skips the other labs).
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
			if s.State != types.SpecStateSkipped {
				merged.SpecReports = append(merged.SpecReports, s)
			}
		}
	}
	merged.EndTime = end
	merged.RunTime = end.Sub(merged.StartTime)
	return &merged
}

func writeReports(run *report.Run, dir string) error {
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
