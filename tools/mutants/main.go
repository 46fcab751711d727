// Command mutants is joblab's mutation-testing runner (make mutants): it
// checks that the lesson suite notices when the lesson's manifests or lab
// programs are wrong.
//
// The catalogue (catalogue.go) holds single deliberate faults, each an
// exact replacement in one file of the repository, and names the lab whose
// run should notice it. For every selected mutant the runner copies the
// tracked files of the repository (git ls-files, as they are in the work
// tree; nothing untracked) into a temporary directory, applies the edit
// there and runs
//
//	make --no-print-directory lab LAB=<lab> ARTIFACTS=<tmp>/artifacts
//
// in the copy, with JOBLAB_MUTANT=<id> in the environment, then reads the
// Ginkgo JSON report. A mutant is killed when a spec of the lab failed, and
// survived when every spec passed; when there is no usable report (or the
// suite's setup failed before any lab ran) it is an error. Mutants run one
// after another on the cluster that make lab creates or reuses: run it on
// a warm cluster (make cluster first).
//
// Usage:
//
//	go run ./tools/mutants [flags] [mutant-id...]
//
// Flags come before mutant ids. With no id every mutant of the catalogue
// runs, in its order; ids run in the order given; -lab keeps the mutants of
// one lab; -list prints the (selected) catalogue and runs nothing.
//
// A table goes to stdout, and mutants.md, mutants.json and each make log
// (logs/<id>.log) to the output directory (-out, default $ARTIFACTS/mutants,
// else _artifacts/mutants in the repository). The copies are removed at the
// end, also on Ctrl-C (which interrupts the running make and its labs),
// unless -keep is given.
//
// With -grade, only the mutants that edit a lab's manifest run, each judged
// by the manifest comparison alone (server-side dry runs on the cluster):
// seconds for the whole catalogue.
//
// The catalogue holds equivalent answers too (Equivalent set): correct
// answers written differently, which must pass. One that is killed is a
// false alarm, as red as a survivor.
//
// Exit codes: 0 every mutant not marked equivalent was killed, no
// equivalent was, and none ended in an error, 1 a mutant survived, an
// equivalent was killed (a false alarm) or one ended in an error (or the
// run could not start), 2 bad usage, 130 interrupted.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	labreport "github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/pkg/cluster"
)

// Verdicts of a mutant.
const (
	Killed   = "killed"
	Survived = "survived"
	Error    = "error"
	NotRun   = "not run"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// defaultTimeout bounds one mutant's make lab: cluster reuse, builds and
// the lab itself (cron, the longest, watches four runs a minute apart).
const defaultTimeout = 15 * time.Minute

// interruptGrace is how long make and its labs get to clean up after
// SIGINT (on timeout or Ctrl-C) before their process group is killed.
const interruptGrace = time.Minute

// logTailLines is how many lines of make.log an error verdict quotes.
const logTailLines = 20

// maxFacts is how many differing facts a killed mutant keeps.
const maxFacts = 3

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done() // only a signal cancels ctx
		fmt.Fprintf(os.Stderr, "\nmutants: interrupted: stopping the running make lab (its lab cleans up, up to %s); Ctrl-C again quits at once, leaving the copies\n", interruptGrace)
		stop() // a second Ctrl-C ends the runner at once
	}()
	r := &runner{catalogue: Catalogue, stdout: os.Stdout, stderr: os.Stderr, grace: interruptGrace}
	os.Exit(r.run(ctx, os.Args[1:]))
}

// runner runs mutants of its catalogue; tests give it their own catalogue,
// writers and grace period.
type runner struct {
	catalogue      []Mutant
	stdout, stderr io.Writer
	// grace is the time between SIGINT and SIGKILL to make's process group.
	grace time.Duration
}

// options are the parsed command line.
type options struct {
	lab      string
	list     bool
	keep     bool
	timeout  time.Duration
	parallel int
	skipUnit bool
	out      string
	make     string
	repo     string
	ids      []string
	grade    bool
	cluster  bool
}

// Fact is one difference from the lesson that a failed lab reported.
type Fact struct {
	Fact     string `json:"fact"`
	Lesson   string `json:"lesson"`
	Observed string `json:"observed"`
}

// Result is the outcome of one mutant.
type Result struct {
	ID  string `json:"id"`
	Lab string `json:"lab"`
	// Verdict is killed, survived, error or "not run".
	Verdict string `json:"verdict"`
	// KilledBy is the first differing fact, or the first line of the
	// failure when the lab failed otherwise.
	KilledBy string `json:"killed_by,omitempty"`
	// Facts are up to three facts that differed from the lesson.
	Facts []Fact `json:"facts,omitempty"`
	// Spec is the first failed spec.
	Spec string `json:"spec,omitempty"`
	// Failure is the first failed spec's whole failure message.
	Failure string `json:"failure,omitempty"`
	// Detail says why the verdict is an error.
	Detail string `json:"detail,omitempty"`
	// LogTail are the last lines of make.log, for an error.
	LogTail  []string `json:"log_tail,omitempty"`
	Seconds  float64  `json:"seconds"`
	MakeExit int      `json:"make_exit"`
	// Log is the copy of make.log in the output directory.
	Log        string `json:"log,omitempty"`
	Why        string `json:"why"`
	Equivalent string `json:"equivalent,omitempty"`
	Files      string `json:"files"`
	Change     string `json:"change"`
}

// Summary counts the results.
type Summary struct {
	Killed   int `json:"killed"`
	Survived int `json:"survived"`
	// Equivalent counts the survivors that are marked equivalent.
	Equivalent int `json:"equivalent"`
	// FalseAlarms counts the equivalents that were killed: a correct answer
	// graded wrong, as red as a survivor.
	FalseAlarms int `json:"falseAlarms"`
	Errors      int `json:"errors"`
	NotRun      int `json:"not_run"`
	// Passed is true when every mutant not marked equivalent was killed
	// and none ended in an error.
	Passed bool `json:"passed"`
}

// Report is what mutants.json holds.
type Report struct {
	Started time.Time `json:"started"`
	Repo    string    `json:"repo"`
	Timeout string    `json:"timeout"`
	Summary Summary   `json:"summary"`
	Results []Result  `json:"results"`
}

// run is the whole command; it returns the exit code.
func (r *runner) run(ctx context.Context, args []string) int {
	opts, code, ok := r.parse(args)
	if !ok {
		return code
	}
	if opts.cluster && opts.list {
		// Listing breaks nothing.
		return r.printClusterList(opts)
	}
	if opts.cluster {
		if _, err := selectCluster(opts); err != nil {
			fmt.Fprintf(r.stderr, "mutants: %v\n", err)
			return exitUsage
		}
		if err := r.prepare(ctx, &opts); err != nil {
			fmt.Fprintf(r.stderr, "mutants: %v\n", err)
			return exitFailed
		}
		return r.runCluster(ctx, opts)
	}
	selected, err := r.selectMutants(opts)
	if err != nil {
		fmt.Fprintf(r.stderr, "mutants: %v\n", err)
		return exitUsage
	}
	if opts.list {
		r.printList(selected)
		return exitOK
	}
	if err := r.prepare(ctx, &opts); err != nil {
		fmt.Fprintf(r.stderr, "mutants: %v\n", err)
		return exitFailed
	}
	if opts.grade {
		return r.runGrade(ctx, opts, selected)
	}
	files, err := trackedFiles(ctx, opts.repo)
	if err != nil {
		fmt.Fprintf(r.stderr, "mutants: %v\n", err)
		return exitFailed
	}
	work, err := os.MkdirTemp("", "joblab-mutants-")
	if err != nil {
		fmt.Fprintf(r.stderr, "mutants: %v\n", err)
		return exitFailed
	}
	defer func() {
		if opts.keep {
			fmt.Fprintf(r.stderr, "==> kept the copies in %s\n", work)
			return
		}
		if err := os.RemoveAll(work); err != nil {
			fmt.Fprintf(r.stderr, "mutants: removing %s: %v\n", work, err)
		}
	}()

	report := Report{Started: time.Now(), Repo: opts.repo, Timeout: opts.timeout.String()}
	for _, m := range selected {
		report.Results = append(report.Results, Result{
			ID: m.ID, Lab: m.Lab, Verdict: NotRun, Why: m.Why, Equivalent: m.Equivalent,
			Files: strings.Join(editedFiles(m), ", "), Change: m.Change(),
		})
	}
	fmt.Fprintf(r.stderr, "==> %d mutants, one make lab each (timeout %s, %d at once), copies in %s\n", len(selected), opts.timeout, opts.parallel, work)
	// Two lanes. The labs that run the lab programs' images (prime,
	// broker, behaviours, indexed) share those images' tags and the broker's
	// NodePort, so their mutants run one after another; the busybox labs'
	// mutants run beside them, up to opts.parallel in all.
	var mu sync.Mutex
	done := 0
	runOne := func(slot string, i int) {
		m := selected[i]
		mu.Lock()
		fmt.Fprintf(r.stderr, "==> start %s (lab %s): %s\n", m.ID, m.Lab, m.Change())
		mu.Unlock()
		res := r.runMutant(ctx, opts, work, slot, files, m)
		mu.Lock()
		defer mu.Unlock()
		done++
		report.Results[i] = res
		fmt.Fprintf(r.stderr, "    [%d/%d] %s\n", done, len(selected), progressLine(res))
		report.Summary = summarize(report.Results)
		if err := writeOutputs(opts.out, report); err != nil {
			fmt.Fprintf(r.stderr, "mutants: %v\n", err)
		}
	}
	var imageLane, busyboxLane []int
	for i, m := range selected {
		if usesLabImages(m.Lab) || opts.parallel == 1 {
			imageLane = append(imageLane, i)
		} else {
			busyboxLane = append(busyboxLane, i)
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, i := range imageLane {
			if ctx.Err() != nil {
				return
			}
			runOne("tree-images", i)
		}
	}()
	next := make(chan int)
	for w := 1; w < max(opts.parallel, 2); w++ {
		wg.Add(1)
		go func(slot string) {
			defer wg.Done()
			for i := range next {
				runOne(slot, i)
			}
		}(fmt.Sprintf("tree-%d", w))
	}
	for _, i := range busyboxLane {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	report.Summary = summarize(report.Results)
	if err := writeOutputs(opts.out, report); err != nil {
		fmt.Fprintf(r.stderr, "mutants: %v\n", err)
	}
	r.printTable(report.Results)
	fmt.Fprintln(r.stdout, summaryLine(report.Summary))
	fmt.Fprintf(r.stdout, "reports: %s, %s\n", filepath.Join(opts.out, "mutants.md"), filepath.Join(opts.out, "mutants.json"))
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(r.stderr, "mutants: interrupted")
		return exitInterrupted
	case report.Summary.Passed:
		return exitOK
	default:
		return exitFailed
	}
}

// parse reads the command line. When ok is false the command ends with
// code (0 for -h, 2 for bad usage), the message already printed.
func (r *runner) parse(args []string) (opts options, code int, ok bool) {
	flags := flag.NewFlagSet("mutants", flag.ContinueOnError)
	flags.SetOutput(r.stderr)
	flags.StringVar(&opts.lab, "lab", "", "run only the mutants of this lab ("+strings.Join(Labs, ", ")+")")
	flags.BoolVar(&opts.list, "list", false, "print the catalogue as a table and exit")
	flags.BoolVar(&opts.keep, "keep", false, "keep the temporary copies (their path is printed)")
	flags.DurationVar(&opts.timeout, "timeout", defaultTimeout, "time limit of one mutant's make lab")
	flags.BoolVar(&opts.skipUnit, "no-unit", false, "do not run the lab programs' unit tests on a program mutant the lab did not kill")
	flags.IntVar(&opts.parallel, "parallel", 3, "mutants at once: the lab-image labs (prime, broker, behaviours, indexed) one at a time, the busybox labs beside them")
	flags.StringVar(&opts.out, "out", "", "output directory (default $ARTIFACTS/mutants, else _artifacts/mutants in the repository)")
	flags.StringVar(&opts.make, "make", "make", "the make command to run in each copy")
	flags.StringVar(&opts.repo, "repo", "", "repository root (default: the git top level of the current directory)")
	flags.BoolVar(&opts.cluster, "cluster", false, "run the cluster mutants instead (a controller off, a flag changed, a node cordoned, a port dropped): each applied to the kind cluster, judged by one make lab, and restored")
	flags.BoolVar(&opts.grade, "grade", false, "judge the manifest mutants and equivalent answers by the manifest comparison alone (server-side dry runs on the cluster of $"+settings.KubeconfigEnv+" or make cluster), in seconds, instead of a make lab each")
	flags.Usage = func() {
		fmt.Fprintf(flags.Output(), "usage: go run ./tools/mutants [flags] [mutant-id...]\n\n"+
			"Runs each mutant of the catalogue (all by default) as make lab on a copy of the repository\n"+
			"and tells whether the lab noticed it. Flags go before mutant ids.\n\nflags:\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return opts, exitOK, false
		}
		return opts, exitUsage, false
	}
	opts.ids = flags.Args()
	for _, id := range opts.ids {
		if strings.HasPrefix(id, "-") {
			fmt.Fprintf(r.stderr, "mutants: flag %s after a mutant id: put flags first\n", id)
			return opts, exitUsage, false
		}
	}
	if opts.lab != "" && !isLab(opts.lab) {
		fmt.Fprintf(r.stderr, "mutants: unknown lab %q: the labs are %s\n", opts.lab, strings.Join(Labs, ", "))
		return opts, exitUsage, false
	}
	if opts.timeout <= 0 {
		fmt.Fprintf(r.stderr, "mutants: -timeout must be positive, got %s\n", opts.timeout)
		return opts, exitUsage, false
	}
	return opts, exitOK, true
}

// selectMutants returns the mutants named by opts.ids in that order (every
// one of the catalogue, in its order, when none is named), keeping only
// those of opts.lab when set. An unknown id, or one of another lab than
// opts.lab, is an error.
func (r *runner) selectMutants(opts options) ([]Mutant, error) {
	var out []Mutant
	if len(opts.ids) == 0 {
		for _, m := range r.catalogue {
			if opts.lab == "" || m.Lab == opts.lab {
				out = append(out, m)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no mutant of lab %s in the catalogue", opts.lab)
		}
		return out, nil
	}
	for _, id := range opts.ids {
		i := slices.IndexFunc(r.catalogue, func(m Mutant) bool { return m.ID == id })
		switch {
		case i < 0:
			return nil, fmt.Errorf("unknown mutant %q: make mutants-list (or go run ./tools/mutants -list) shows the catalogue", id)
		case opts.lab != "" && r.catalogue[i].Lab != opts.lab:
			return nil, fmt.Errorf("mutant %s belongs to lab %s, not %s: drop -lab or the id", id, r.catalogue[i].Lab, opts.lab)
		case slices.ContainsFunc(out, func(m Mutant) bool { return m.ID == id }):
			continue // named twice
		}
		out = append(out, r.catalogue[i])
	}
	return out, nil
}

// prepare fills the repository root and output directory and checks that
// make can be found.
func (r *runner) prepare(ctx context.Context, opts *options) error {
	if opts.repo == "" {
		out, err := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel").Output()
		if err != nil {
			return fmt.Errorf("find the repository root (git rev-parse --show-toplevel): %w: run this inside the joblab repository", err)
		}
		opts.repo = strings.TrimSpace(string(out))
	}
	repo, err := filepath.Abs(opts.repo)
	if err != nil {
		return err
	}
	opts.repo = repo
	if _, err := os.Stat(filepath.Join(repo, "Makefile")); err != nil {
		return fmt.Errorf("%s has no Makefile: is it the joblab repository?", repo)
	}
	if opts.out == "" {
		if art := os.Getenv("ARTIFACTS"); art != "" {
			opts.out = filepath.Join(art, "mutants")
		} else {
			opts.out = filepath.Join(repo, "_artifacts", "mutants")
		}
	}
	if opts.out, err = filepath.Abs(opts.out); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(opts.out, "logs"), 0o755); err != nil {
		return fmt.Errorf("create the output directory: %w", err)
	}
	if _, err := exec.LookPath(opts.make); err != nil {
		return fmt.Errorf("cannot run %q: %w", opts.make, err)
	}
	if os.Getenv(settings.ManifestsEnv) != "" {
		fmt.Fprintln(r.stderr, "mutants: ignoring "+settings.ManifestsEnv+": each copy's own manifests/ must be applied")
	}
	return nil
}

// runMutant copies the tree, applies the mutant, runs make lab and judges
// the outcome.
func (r *runner) runMutant(ctx context.Context, opts options, work, slot string, files []string, m Mutant) Result {
	res := Result{
		ID: m.ID, Lab: m.Lab, Why: m.Why, Equivalent: m.Equivalent,
		Files: strings.Join(editedFiles(m), ", "), Change: m.Change(), MakeExit: -1,
	}
	fail := func(detail string) Result {
		res.Verdict, res.Detail = Error, detail
		return res
	}
	dir := filepath.Join(work, m.ID)
	// The copies of a lane live at one path, and are built with
	// -trimpath (childEnv), so that Go's build cache serves the packages
	// the mutant did not touch.
	tree := filepath.Join(work, slot)
	if err := os.RemoveAll(tree); err != nil {
		return fail(fmt.Sprintf("remove the previous copy: %v", err))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(err.Error())
	}
	if err := copyTree(opts.repo, tree, files); err != nil {
		return fail(fmt.Sprintf("copy the repository: %v", err))
	}
	if opts.keep {
		defer func() {
			if err := os.Rename(tree, filepath.Join(dir, "tree")); err != nil {
				fmt.Fprintf(r.stderr, "mutants: keeping the copy of %s: %v\n", m.ID, err)
			}
		}()
	}
	if err := applyEdits(tree, m.Edits()); err != nil {
		return fail(err.Error())
	}

	artifacts := filepath.Join(dir, "artifacts")
	logPath := filepath.Join(dir, "make.log")
	run := r.runMake(ctx, opts, m, tree, artifacts, logPath)
	res.Seconds = run.elapsed.Round(time.Second).Seconds()
	res.MakeExit = run.exitCode
	if kept := filepath.Join(opts.out, "logs", m.ID+".log"); copyFile(logPath, kept, 0o644) == nil {
		res.Log = kept
	}
	if run.startErr != nil {
		return fail(fmt.Sprintf("start %s: %v", opts.make, run.startErr))
	}
	run.logTail = lastLines(logPath, logTailLines)
	reports, err := readReport(filepath.Join(artifacts, "report.json"))
	o := judge(reports, err, run)
	res.Verdict, res.KilledBy, res.Facts, res.Spec, res.Failure, res.Detail = o.verdict, o.killedBy, o.facts, o.spec, o.failure, o.detail
	if o.verdict == Error {
		res.LogTail = run.logTail
	}
	// A lab program that the lab on the cluster cannot tell apart (its
	// fault shows only when a worker dies, say) still has its own tests,
	// against a real RabbitMQ: they are the second net.
	if res.Verdict == Survived && touchesLabPrograms(m) && !opts.skipUnit {
		if failed, ok := r.runUnitTests(ctx, tree, logPath); !ok {
			res.Verdict, res.KilledBy = Killed, "unit test "+failed+" (go test ./labs/...)"
		}
	}
	return res
}

// touchesLabPrograms tells whether a mutant edits the lab programs' code.
func touchesLabPrograms(m Mutant) bool {
	for _, f := range editedFiles(m) {
		if strings.HasPrefix(f, "labs/") && strings.HasSuffix(f, ".go") {
			return true
		}
	}
	return false
}

// runUnitTests runs the lab programs' tests in the copy, appending their
// output to the mutant's log, and returns the first failing test.
func (r *runner) runUnitTests(ctx context.Context, tree, logPath string) (string, bool) {
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "./labs/...")
	cmd.Dir = tree
	out, err := cmd.CombinedOutput()
	if f, ferr := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0o644); ferr == nil {
		fmt.Fprintf(f, "\n$ go test -count=1 ./labs/...\n%s", out)
		f.Close()
	}
	if err == nil {
		return "", true
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--- FAIL: ") {
			return strings.Fields(strings.TrimSpace(line))[2], false
		}
	}
	return "(the build or a package failed)", false
}

// makeRun is what happened to one make lab.
type makeRun struct {
	exitCode    int
	startErr    error
	timedOut    bool
	interrupted bool
	timeout     time.Duration
	elapsed     time.Duration
	logTail     []string
}

// runMake runs make lab for m in tree, its output to logPath. On timeout
// or interruption make's process group gets SIGINT (the labs clean up),
// then SIGKILL after the grace period.
func (r *runner) runMake(ctx context.Context, opts options, m Mutant, tree, artifacts, logPath string) makeRun {
	run := makeRun{exitCode: -1, timeout: opts.timeout}
	logFile, err := os.Create(logPath)
	if err != nil {
		run.startErr = err
		return run
	}
	defer logFile.Close()
	mctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()
	args := []string{"--no-print-directory", "lab", "LAB=" + m.Lab, "ARTIFACTS=" + artifacts}
	fmt.Fprintf(logFile, "$ %s=%s %s %s (in %s)\n", settings.MutantEnv, m.ID, opts.make, strings.Join(args, " "), tree)
	cmd := exec.CommandContext(mctx, opts.make, args...)
	cmd.Dir = tree
	cmd.Env = childEnv(os.Environ(), m.ID, artifacts)
	if !usesLabImages(m.Lab) {
		// The busybox labs run on the cluster as it is: they must not push
		// the lab images again while a lab-image mutant runs its own build.
		cmd.Env = append(cmd.Env, settings.KubeconfigEnv+"="+cluster.DefaultKubeconfig(settings.FromEnv().CacheDir, cluster.DefaultName))
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return signalGroup(cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = r.grace
	start := time.Now()
	err = cmd.Run()
	run.elapsed = time.Since(start)
	if cmd.Process == nil {
		run.startErr = err
		return run
	}
	if mctx.Err() != nil {
		// whatever of make's group outlived the grace period
		_ = signalGroup(cmd.Process.Pid, syscall.SIGKILL)
		run.interrupted = ctx.Err() != nil
		run.timedOut = !run.interrupted
	}
	run.exitCode = cmd.ProcessState.ExitCode()
	return run
}

// signalGroup sends sig to the process group led by pid.
func signalGroup(pid int, sig syscall.Signal) error {
	err := syscall.Kill(-pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

// childEnv is the runner's environment for make in a copy: the copy's own
// artifacts, the mutant's id, and none of an outer make's variables (which
// would pass this run's command-line variables down) nor JOBLAB_MANIFESTS
// (which would apply other manifests than the mutated ones).
func childEnv(env []string, id, artifacts string) []string {
	drop := []string{"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", settings.ArtifactsEnv, settings.ManifestsEnv, settings.MutantEnv, "GOFLAGS", settings.KubeconfigEnv}
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, name) {
			out = append(out, kv)
		}
	}
	return append(out, settings.ArtifactsEnv+"="+artifacts, settings.MutantEnv+"="+id, "GOFLAGS=-trimpath")
}

// trackedFiles lists the files git tracks in repo (git ls-files -z).
func trackedFiles(ctx context.Context, repo string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "git", "-C", repo, "ls-files", "-z")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %w: %s", repo, err, strings.TrimSpace(stderr.String()))
	}
	var files []string
	for _, f := range strings.Split(string(out), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("git tracks no file in %s", repo)
	}
	return files, nil
}

// copyTree copies files (slash-separated, relative to repo) from repo's
// work tree to dst, keeping their permissions and symbolic links. A
// tracked file deleted from the work tree is skipped, and so is a
// submodule.
func copyTree(repo, dst string, files []string) error {
	for _, f := range files {
		src := filepath.Join(repo, filepath.FromSlash(f))
		target := filepath.Join(dst, filepath.FromSlash(f))
		fi, err := os.Lstat(src)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return err
		case fi.IsDir():
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			link, err := os.Readlink(src)
			if err != nil {
				return err
			}
			if err := os.Symlink(link, target); err != nil {
				return err
			}
			continue
		}
		if err := copyFile(src, target, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies the regular file src to dst with permissions perm.
func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chmod(dst, perm) // the umask may have narrowed it
}

// applyEdits applies the edits, in order, to the files under tree.
func applyEdits(tree string, edits []Edit) error {
	for _, e := range edits {
		path := filepath.Join(tree, filepath.FromSlash(e.File))
		fi, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("%s: %w (the catalogue is stale: update tools/mutants/catalogue.go)", e.File, err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		changed, err := e.Apply(string(data))
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(changed), fi.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

// editedFiles lists the files a mutant edits, each once.
func editedFiles(m Mutant) []string {
	var files []string
	for _, e := range m.Edits() {
		if !slices.Contains(files, e.File) {
			files = append(files, e.File)
		}
	}
	return files
}

// readReport reads a Ginkgo v2 JSON report: one report per suite.
func readReport(path string) ([]types.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return nil, fmt.Errorf("%s is not a Ginkgo JSON report: %w", path, err)
	}
	return reports, nil
}

// outcome is the verdict on one make lab and what it rests on.
type outcome struct {
	verdict  string
	killedBy string
	facts    []Fact
	spec     string
	failure  string
	detail   string
}

// killingStates are the states of a lab spec that kill a mutant.
const killingStates = types.SpecStateFailed | types.SpecStateTimedout | types.SpecStatePanicked | types.SpecStateAborted

// judge gives the verdict from the report (or the error reading it) and
// the way make ended. A failed lab spec (an It) kills the mutant, whatever
// make's exit code; a failed suite setup, a run cut short and a missing
// report are errors, since the lab did not get to look at the mutant.
func judge(reports []types.Report, readErr error, run makeRun) outcome {
	var o outcome
	if readErr != nil {
		o.verdict = Error
		switch {
		case run.interrupted:
			o.detail = "interrupted before the lab ended"
		case run.timedOut:
			o.detail = fmt.Sprintf("timed out after %s, before the lab wrote its report", run.timeout)
		case errors.Is(readErr, fs.ErrNotExist):
			o.detail = fmt.Sprintf("make exited %d without a report (report.json): %s", run.exitCode, lastNonEmpty(run.logTail))
		default:
			o.detail = readErr.Error()
		}
		return o
	}
	var killers, setup []types.SpecReport
	passed, cutShort := 0, 0
	for _, rep := range reports {
		for _, s := range rep.SpecReports {
			switch {
			case !s.LeafNodeType.Is(types.NodeTypeIt):
				if s.State.Is(types.SpecStateFailureStates) {
					setup = append(setup, s)
				}
			case s.State.Is(killingStates):
				killers = append(killers, s)
			case s.State == types.SpecStateSkipped && strings.HasPrefix(s.Failure.Message, labreport.NotVerifiedPrefix):
				// Not verified is never a pass.
				killers = append(killers, s)
			case s.State.Is(types.SpecStateInterrupted):
				cutShort++
			case s.State.Is(types.SpecStatePassed):
				passed++
			}
		}
	}
	switch {
	case len(killers) > 0:
		o.verdict = Killed
		first := killers[0]
		o.spec = specName(first)
		o.failure = failureMessage(first)
		for _, s := range killers {
			o.facts = append(o.facts, lessonFacts(failureMessage(s))...)
		}
		o.facts = o.facts[:min(len(o.facts), maxFacts)]
		if len(o.facts) > 0 {
			o.killedBy = o.facts[0].Fact
		} else {
			o.killedBy = firstLine(o.failure)
			if first.State != types.SpecStateFailed {
				o.killedBy = first.State.String() + ": " + o.killedBy
			}
		}
	case len(setup) > 0:
		o.verdict = Error
		o.spec = specName(setup[0])
		o.failure = failureMessage(setup[0])
		o.detail = fmt.Sprintf("%s failed before the lab ran: %s", setup[0].LeafNodeType, firstLine(o.failure))
	case run.timedOut:
		o.verdict, o.detail = Error, fmt.Sprintf("timed out after %s", run.timeout)
	case run.interrupted || cutShort > 0:
		o.verdict, o.detail = Error, "interrupted before the lab ended"
	case passed == 0:
		o.verdict, o.detail = Error, "no spec of the lab ran (every spec skipped or none matched the label)"
	case run.exitCode != 0:
		o.verdict = Error
		o.detail = fmt.Sprintf("make exited %d although every spec passed: %s", run.exitCode, lastNonEmpty(run.logTail))
	default:
		o.verdict = Survived
	}
	return o
}

// specName is a spec's full text with its labels.
func specName(s types.SpecReport) string {
	name := s.FullText()
	if name == "" {
		name = s.LeafNodeType.String()
	}
	if labels := s.Labels(); len(labels) > 0 {
		name += " [" + strings.Join(labels, ", ") + "]"
	}
	return name
}

// failureMessage is a spec's failure message, or its panic.
func failureMessage(s types.SpecReport) string {
	msg := strings.TrimSpace(s.Failure.Message)
	if s.Failure.ForwardedPanic != "" {
		msg = strings.TrimSpace(msg + "\n" + s.Failure.ForwardedPanic)
	}
	if msg == "" {
		msg = s.State.String() + " (no failure message)"
	}
	return msg
}

// differsHeader and factLine read the suite's failure message:
//
//	lab <name> differs from the lesson:
//	  <fact>: the lesson says <x>, observed <y>
var (
	differsHeader = regexp.MustCompile(`^lab \S.* differs from the lesson:`)
	factLine      = regexp.MustCompile(`^\s*(.+?): the lesson says (.*?), observed (.*)$`)
)

// lessonFacts returns the facts of a "differs from the lesson" failure
// message, in order; none for any other message.
func lessonFacts(msg string) []Fact {
	lines := strings.Split(msg, "\n")
	if !differsHeader.MatchString(strings.TrimSpace(lines[0])) {
		return nil
	}
	var facts []Fact
	for _, l := range lines[1:] {
		if m := factLine.FindStringSubmatch(l); m != nil {
			facts = append(facts, Fact{Fact: m[1], Lesson: m[2], Observed: m[3]})
		}
	}
	return facts
}

// firstLine is the first non-empty line of s.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// lastNonEmpty is the last non-empty line of lines.
func lastNonEmpty(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return "(empty log)"
}

// lastLines returns up to n last lines of the file at path.
func lastLines(path string, n int) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{fmt.Sprintf("(cannot read %s: %v)", path, err)}
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return lines[max(0, len(lines)-n):]
}

// summarize counts the results.
func summarize(results []Result) Summary {
	var s Summary
	s.Passed = true
	for _, r := range results {
		switch r.Verdict {
		case Killed:
			s.Killed++
			if r.Equivalent != "" {
				// An equivalent answer graded wrong: a false alarm.
				s.FalseAlarms++
				s.Passed = false
			}
		case Survived:
			s.Survived++
			if r.Equivalent != "" {
				s.Equivalent++
			} else {
				s.Passed = false
			}
		case Error:
			s.Errors++
			s.Passed = false
		default:
			s.NotRun++
			s.Passed = false
		}
	}
	return s
}

// summaryLine is the run's last line.
func summaryLine(s Summary) string {
	line := fmt.Sprintf("%d killed, %d survived (%d equivalent), %d errors", s.Killed-s.FalseAlarms, s.Survived, s.Equivalent, s.Errors)
	if s.FalseAlarms > 0 {
		line += fmt.Sprintf(", %d FALSE ALARMS (equivalent answers graded wrong)", s.FalseAlarms)
	}
	if s.NotRun > 0 {
		line += fmt.Sprintf(", %d not run", s.NotRun)
	}
	return line
}

// verdictText is the verdict as the table shows it.
func verdictText(r Result) string {
	if r.Equivalent != "" && (r.Verdict == Survived || r.Verdict == Killed) {
		return r.Verdict + " (equivalent)"
	}
	return r.Verdict
}

// reason is the table's "killed by" column: the fact or failure that killed
// the mutant, or why it is an error.
func reason(r Result) string {
	switch r.Verdict {
	case Killed:
		s := r.KilledBy
		if len(r.Facts) > 1 {
			s += fmt.Sprintf(" (+%d)", len(r.Facts)-1)
		}
		return s
	case Error:
		return r.Detail
	}
	return "-"
}

// progressLine tells how a mutant ended, while the run goes on.
func progressLine(r Result) string {
	switch r.Verdict {
	case Killed:
		return fmt.Sprintf("killed in %.0fs by %s", r.Seconds, r.KilledBy)
	case Survived:
		if r.Equivalent != "" {
			return fmt.Sprintf("survived in %.0fs (equivalent: %s)", r.Seconds, r.Equivalent)
		}
		return fmt.Sprintf("SURVIVED in %.0fs: the lab did not notice that %s", r.Seconds, r.Why)
	}
	return fmt.Sprintf("%s after %.0fs: %s", r.Verdict, r.Seconds, r.Detail)
}

// printTable prints the results as a table.
func (r *runner) printTable(results []Result) {
	tw := tabwriter.NewWriter(r.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MUTANT\tLAB\tVERDICT\tKILLED BY\tSECONDS")
	for _, res := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.0f\n", res.ID, res.Lab, verdictText(res), truncate(oneLine(reason(res)), 70), res.Seconds)
	}
	tw.Flush()
}

// printList prints the catalogue (-list).
func (r *runner) printList(mutants []Mutant) {
	tw := tabwriter.NewWriter(r.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLAB\tEQUIVALENT\tFILE\tCHANGE")
	for _, m := range mutants {
		eq := "-"
		if m.Equivalent != "" {
			eq = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Lab, eq, strings.Join(editedFiles(m), ", "), m.Change())
	}
	tw.Flush()
	fmt.Fprintf(r.stdout, "%d mutants\n", len(mutants))
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// writeOutputs writes mutants.json and mutants.md to dir.
func writeOutputs(dir string, report Report) error {
	data, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "mutants.json"), append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "mutants.md"), []byte(markdown(report)), 0o644)
}

// markdown renders the report for people: the table, then what survived
// (what the suite does not notice), the equivalent mutants, the errors and
// what killed each mutant.
func markdown(report Report) string {
	var b strings.Builder
	// cell keeps a table cell or list item on one line; spaces are kept,
	// as they matter inside code spans.
	cell := func(s string) string {
		return strings.NewReplacer("\r", "", "\n", " ", "|", `\|`).Replace(strings.TrimSpace(s))
	}
	logNote := func(r Result) string {
		if r.Log == "" {
			return ""
		}
		return " (log: logs/" + filepath.Base(r.Log) + ")"
	}
	fmt.Fprintf(&b, "# Mutation testing of the lesson suite\n\n")
	fmt.Fprintf(&b, "%s. Started %s, timeout %s per mutant, repository %s.\n\n",
		summaryLine(report.Summary), report.Started.Format(time.RFC3339), report.Timeout, report.Repo)
	fmt.Fprintf(&b, "| mutant | lab | verdict | killed by | seconds |\n| --- | --- | --- | --- | ---: |\n")
	for _, r := range report.Results {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %.0f |\n", r.ID, r.Lab, verdictText(r), cell(truncate(reason(r), 120)), r.Seconds)
	}
	section := func(title, intro string, keep func(Result) bool, item func(Result)) {
		var rs []Result
		for _, r := range report.Results {
			if keep(r) {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n", title, intro)
		for _, r := range rs {
			item(r)
		}
	}
	section("Survivors", "The lab passed although the mutant changes what a student sees; the suite should notice it.",
		func(r Result) bool { return r.Verdict == Survived && r.Equivalent == "" },
		func(r Result) {
			fmt.Fprintf(&b, "- `%s` (%s, %s: `%s`): %s\n", r.ID, r.Lab, r.Files, cell(r.Change), cell(r.Why))
		})
	section("Equivalent mutants", "Marked equivalent in the catalogue: nothing the lab observes changes, so survival is expected.",
		func(r Result) bool { return r.Equivalent != "" },
		func(r Result) {
			note := ""
			if r.Verdict == Killed {
				note = " **Killed: a false alarm (a correct answer graded wrong), or the lab is flaky.**"
			}
			fmt.Fprintf(&b, "- `%s` (%s): %s; %s.%s\n", r.ID, r.Verdict, cell(r.Why), cell(r.Equivalent), note)
		})
	section("Errors", "No verdict: the lab did not get to judge the mutant.",
		func(r Result) bool { return r.Verdict == Error },
		func(r Result) {
			fmt.Fprintf(&b, "- `%s` (%s): %s%s\n", r.ID, r.Lab, cell(r.Detail), logNote(r))
			if len(r.LogTail) > 0 {
				fmt.Fprintf(&b, "\n  ```\n")
				for _, l := range r.LogTail {
					fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(l, "```", "'''"))
				}
				fmt.Fprintf(&b, "  ```\n\n")
			}
		})
	section("Killed", "What the lab reported.",
		func(r Result) bool { return r.Verdict == Killed },
		func(r Result) {
			fmt.Fprintf(&b, "- `%s` (%s%s), expected because %s:\n", r.ID, r.Lab, logNote(r), cell(r.Why))
			if len(r.Facts) == 0 {
				fmt.Fprintf(&b, "  - %s\n", cell(truncate(firstLine(r.Failure), 300)))
			}
			for _, f := range r.Facts {
				fmt.Fprintf(&b, "  - %s: the lesson says %s, observed %s\n", cell(f.Fact), cell(truncate(f.Lesson, 200)), cell(truncate(f.Observed, 200)))
			}
		})
	section("Not run", "Interrupted before these ran.",
		func(r Result) bool { return r.Verdict == NotRun },
		func(r Result) { fmt.Fprintf(&b, "- `%s` (%s)\n", r.ID, r.Lab) })
	return b.String()
}
