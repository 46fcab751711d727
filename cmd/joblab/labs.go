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
	"strings"
	"sync"
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
	out, manifests, imageRepo, output string
	keep                              bool
	parallel                          int
}

func (f *labFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.out, "out", "joblab-report", "folder for the reports (report.html, report.md, junit.xml, report.json) and each lab's log")
	fs.StringVar(&f.manifests, "manifests", "", "apply the manifests of this folder (your own YAML, same file names as the lesson's) instead of the lesson's")
	fs.StringVar(&f.imageRepo, "image-repo", "", "pull the lab programs' images from this repository (where 'joblab images --image-repo' pushed them), e.g. registry.school.example/class1")
	fs.BoolVar(&f.keep, "keep", false, "keep what the labs created (namespaces, objects) afterwards")
	fs.IntVar(&f.parallel, "parallel", 0, "labs at once (default: every lab at once; one at a time inside one namespace)")
	fs.StringVarP(&f.output, "output", "o", "", "output format of the result: json or yaml (default: a table)")
}

// validate checks the flags before anything is built or started.
func (f *labFlags) validate() error {
	if err := validOutput(f.output, "json", "yaml"); err != nil {
		return err
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
		if _, ok := lesson.FindLab(n); !ok {
			return nil, usageError("unknown lab %q; the labs are: %s (see 'joblab list')", n, strings.Join(valid, ", "))
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
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
	return names, cobra.ShellCompDirectiveNoFileComp
}

func newListCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the labs, what each shows and how long it takes",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validOutput(output, "json", "yaml", "name"); err != nil {
				return err
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
			fmt.Fprintf(w, "%-16s %-10s %-9s %s\n", "LAB", "LESSON", "TAKES", "WHAT IT SHOWS")
			for _, l := range lesson.Labs {
				fmt.Fprintf(w, "%-16s %-10s ~%-8s %s\n", l.Name, l.Section, l.Expected, l.Summary)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "output format: json, yaml or name (default: a table)")
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

// labRun is one run of chosen labs against one cluster.
type labRun struct {
	labs     []string
	settings settings.Settings
	flags    labFlags
	cluster  string // how the report names the cluster
}

// runLabs runs each chosen lab's specs in a process of its own (this same
// binary, command __specs), at most flags.parallel at once, shows each
// step as it happens, then merges the labs' reports into one.
func runLabs(ctx context.Context, cmd *cobra.Command, r labRun) error {
	out := cmd.OutOrStdout()
	outDir, err := filepath.Abs(r.flags.out)
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
	progressFile := filepath.Join(outDir, "progress.tsv")
	os.Remove(progressFile)
	base := r.settings
	base.ProgressFile = progressFile
	base.ManifestsDir = absOrEmpty(r.flags.manifests)
	base.ImageRepo = r.flags.imageRepo
	if r.flags.keep {
		base.Keep = settings.KeepAlways
	}
	if err := base.Validate(); err != nil {
		return usageError("%v", err)
	}
	parallel := r.flags.parallel
	if parallel == 0 {
		parallel = len(r.labs)
	}
	if base.Namespace != "" {
		parallel = 1 // the labs share the namespace and some object names
	}

	start := time.Now()
	fmt.Fprintf(out, "==> running %s (%d at once; logs: %s)\n", strings.Join(r.labs, ", "), parallel, filepath.Join(outDir, "labs"))
	stopProgress := showProgress(out, progressFile, start)
	results := make([]labResult, len(r.labs))
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, lab := range r.labs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				results[i] = labResult{lab: lab, err: errors.New("not started: interrupted")}
				return
			}
			defer func() { <-slots }()
			results[i] = runLabProcess(ctx, self, lab, base, outDir)
		}()
	}
	wg.Wait()
	stopProgress()

	var all []types.Report
	var problems []string
	for _, res := range results {
		if res.err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v (log: %s)", res.lab, res.err, res.log))
		}
		all = append(all, res.reports...)
	}
	merged := mergeReports(all)
	if merged != nil {
		_ = reporters.GenerateJSONReport(*merged, filepath.Join(outDir, "report.json"))
		_ = reporters.GenerateJUnitReport(*merged, filepath.Join(outDir, "junit.xml"))
	}
	run := report.FromGinkgo(all)
	run.Cluster = r.cluster
	// Every chosen lab is in the report: one that could not run is a
	// failed row with the reason, never left out.
	for _, res := range results {
		if !run.HasLab(res.lab) {
			run.Labs = append(run.Labs, report.Lab{Lab: res.lab, Spec: "could not run", Verdict: "failed", Reason: couldNotRun(res)})
		}
	}
	if err := writeReports(run, outDir); err != nil {
		return err
	}
	switch r.flags.output {
	case "json", "yaml":
		if err := printStructured(out, r.flags.output, run); err != nil {
			return err
		}
	default:
		fmt.Fprintf(out, "\n%s\nreports: %s, %s, %s\n", run.Table(), filepath.Join(outDir, "report.html"), filepath.Join(outDir, "report.md"), filepath.Join(outDir, "junit.xml"))
	}
	switch {
	case ctx.Err() != nil:
		return withCode(exitInterrupted, fmt.Errorf("interrupted: the labs stopped and removed what they had created (logs: %s)", filepath.Join(outDir, "labs")))
	case !run.Passed():
		return withCode(exitLabFailed, fmt.Errorf("some labs differ from the lesson (details: %s)", filepath.Join(outDir, "report.md")))
	case len(problems) > 0:
		return withCode(exitLabFailed, fmt.Errorf("some labs could not run: %s", strings.Join(problems, "; ")))
	}
	return nil
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

// showProgress prints each lab step as it happens, with the time elapsed:
// one line per step, which reads the same in a terminal and in CI logs.
// In a terminal it also says every 15 s what is still awaited.
func showProgress(w io.Writer, path string, start time.Time) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	go func() {
		defer close(finished)
		var offset int64
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
			f, err := os.Open(path)
			if err != nil {
				continue
			}
			_, _ = f.Seek(offset, 0)
			sc := bufio.NewScanner(f)
			printed := false
			for sc.Scan() {
				line := sc.Text()
				offset += int64(len(line)) + 1
				parts := strings.SplitN(line, "\t", 3)
				if len(parts) != 3 {
					continue
				}
				last[parts[1]] = parts[2]
				fmt.Fprintf(w, "[%8s] %-16s %s\n", time.Since(start).Round(time.Second), parts[1], parts[2])
				printed = true
			}
			f.Close()
			quiet++
			if printed {
				quiet = 0
			}
			if tty && quiet >= 15 {
				quiet = 0
				for lab, step := range last {
					fmt.Fprintf(w, "[%8s] %-16s still: %s\n", time.Since(start).Round(time.Second), lab, step)
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
