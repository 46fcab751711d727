package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/lesson"
)

// Exit codes, distinct per kind of failure.
const (
	exitLabFailed   = 1
	exitUsage       = 2
	exitCluster     = 3 // no Docker, or the kind cluster cannot be made
	exitKubeconfig  = 4 // unreadable kubeconfig, unknown context
	exitUnreachable = 5 // the API server does not answer
	exitForbidden   = 6 // RBAC forbids what the labs need
	exitInterrupted = 130
)

// exitError carries an exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func runList(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Printf("%-16s %-10s %-9s %s\n", "LAB", "LESSON", "TAKES", "WHAT IT SHOWS")
	for _, l := range lesson.Labs {
		fmt.Printf("%-16s %-10s ~%-8s %s\n", l.Name, l.Section, l.Expected, l.Summary)
	}
	return nil
}

// selectLabs checks the names given; none means every lab.
func selectLabs(names []string) ([]string, error) {
	if len(names) == 0 {
		for _, l := range lesson.Labs {
			names = append(names, l.Name)
		}
		return names, nil
	}
	var valid []string
	for _, l := range lesson.Labs {
		valid = append(valid, l.Name)
	}
	for _, n := range names {
		if strings.HasPrefix(n, "-") {
			return nil, usageError("flag %s after a lab name: put flags first, e.g. joblab run --out DIR prime cron", n)
		}
		if _, ok := lesson.FindLab(n); !ok {
			return nil, usageError("unknown lab %q; the labs are: %s (see 'joblab list')", n, strings.Join(valid, ", "))
		}
	}
	return names, nil
}

type suiteRun struct {
	labs       []string
	kubeconfig string
	kubeCtx    string
	namespace  string
	imageRepo  string
	outDir     string
	procs      int
	keep       bool
}

// runSuite runs the chosen labs of the lesson suite (the same Ginkgo specs
// as make e2e) against kubeconfig, shows progress, and writes the reports.
func runSuite(ctx context.Context, s suiteRun) error {
	root, err := gobuild.RepoRoot()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.outDir, 0o755); err != nil {
		return err
	}
	outDir, _ := filepath.Abs(s.outDir)
	progressFile := filepath.Join(outDir, "progress.tsv")
	os.Remove(progressFile)
	suiteLog := filepath.Join(outDir, "suite.log")
	logFile, err := os.Create(suiteLog)
	if err != nil {
		return err
	}
	defer logFile.Close()

	args := []string{"run", "github.com/onsi/ginkgo/v2/ginkgo", "--tags", "e2e", "--no-color", "-v",
		fmt.Sprintf("--procs=%d", s.procs), "--label-filter=" + strings.Join(s.labs, " || "),
		"--output-dir=" + outDir, "--json-report=report.json", "--junit-report=junit.xml", "--timeout=60m", "./suites/lessons"}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Env = append(os.Environ(), "JOBLAB_KUBECONFIG="+s.kubeconfig, "ARTIFACTS="+outDir, "JOBLAB_PROGRESS="+progressFile)
	if s.kubeCtx != "" {
		cmd.Env = append(cmd.Env, "JOBLAB_CONTEXT="+s.kubeCtx)
	}
	if s.namespace != "" {
		cmd.Env = append(cmd.Env, "JOBLAB_NAMESPACE="+s.namespace)
	}
	if s.imageRepo != "" {
		cmd.Env = append(cmd.Env, "JOBLAB_IMAGE_REPO="+s.imageRepo)
	}
	if s.keep {
		cmd.Env = append(cmd.Env, "JOBLAB_KEEP_NAMESPACE=always")
	}
	start := time.Now()
	fmt.Printf("==> running %s (log: %s)\n", strings.Join(s.labs, ", "), suiteLog)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stopProgress := showProgress(progressFile, start)
	var runErr error
	select {
	case runErr = <-done:
	case <-ctx.Done():
		fmt.Println("==> interrupted: stopping the labs and removing what they created")
		// Ginkgo runs every spec's clean-up when interrupted.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		var suiteErr error
		select {
		case suiteErr = <-done:
		case <-time.After(3 * time.Minute):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			suiteErr = <-done
		}
		stopProgress()
		return &exitError{exitInterrupted, fmt.Errorf("interrupted; the suite stopped with %w (log: %s)", suiteErr, suiteLog)}
	}
	stopProgress()

	run, err := report.FromGinkgoJSON(filepath.Join(outDir, "report.json"))
	if err != nil {
		return &exitError{exitCluster, fmt.Errorf("the suite did not report (%w); see %s", err, suiteLog)}
	}
	run.Cluster = s.kubeconfig
	if s.kubeCtx != "" {
		run.Cluster += " (context " + s.kubeCtx + ")"
	}
	if err := writeReports(run, outDir); err != nil {
		return err
	}
	fmt.Printf("\n%s\nreports: %s, %s, %s\n", run.Table(), filepath.Join(outDir, "report.html"), filepath.Join(outDir, "report.md"), filepath.Join(outDir, "junit.xml"))
	if !run.Passed() {
		return &exitError{exitLabFailed, fmt.Errorf("some labs differ from the lesson (details: %s)", filepath.Join(outDir, "report.md"))}
	}
	if runErr != nil {
		return &exitError{exitLabFailed, fmt.Errorf("the suite failed: %w (see %s)", runErr, suiteLog)}
	}
	return nil
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
func showProgress(path string, start time.Time) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	tty := term.IsTerminal(int(os.Stdout.Fd()))
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
				fmt.Printf("[%8s] %-16s %s\n", time.Since(start).Round(time.Second), parts[1], parts[2])
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
					fmt.Printf("[%8s] %-16s still: %s\n", time.Since(start).Round(time.Second), lab, step)
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}
