package main

import (
	"github.com/joblab/joblab/internal/settings"

	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// spec builds a spec report of a lab labelled lab.
func spec(lab string, state types.SpecState, message string) types.SpecReport {
	s := types.SpecReport{
		ContainerHierarchyTexts:  []string{lab + ": the lab"},
		ContainerHierarchyLabels: [][]string{{lab}},
		LeafNodeType:             types.NodeTypeIt,
		LeafNodeText:             "does what the lesson says",
		State:                    state,
	}
	if message != "" {
		s.Failure = types.Failure{Message: message}
	}
	return s
}

// setupNode builds a suite-level node report.
func setupNode(state types.SpecState, message string) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: state, Failure: types.Failure{Message: message}}
}

func suite(specs ...types.SpecReport) []types.Report {
	return []types.Report{{SuiteDescription: "lessons", SpecReports: specs}}
}

const differs = "lab normal differs from the lesson:\n" +
	"  kubectl get jobs: COMPLETIONS: the lesson says 6/6, observed 5/5\n" +
	"  describe: Completions: the lesson says 6, observed 5\n" +
	"  pods created: the lesson says 6, observed 5\n" +
	"  events name distinct pods: the lesson says 6, observed 5"

func TestLessonFacts(t *testing.T) {
	facts := lessonFacts(differs)
	if len(facts) != 4 {
		t.Fatalf("got %d facts, want 4: %+v", len(facts), facts)
	}
	want := Fact{Fact: "kubectl get jobs: COMPLETIONS", Lesson: "6/6", Observed: "5/5"}
	if facts[0] != want {
		t.Errorf("first fact %+v, want %+v", facts[0], want)
	}
	commas := lessonFacts("lab broker differs from the lesson:\n  primes printed by the four pods together: the lesson says 550, each once, observed 551, each once")
	if len(commas) != 1 || commas[0].Lesson != "550, each once" || commas[0].Observed != "551, each once" {
		t.Errorf("facts with commas: %+v", commas)
	}
	if got := lessonFacts("Expected\n    <int>: 5\nto equal\n    <int>: 6"); got != nil {
		t.Errorf("a Gomega failure has no lesson facts, got %+v", got)
	}
}

func TestJudge(t *testing.T) {
	done := makeRun{exitCode: 0, timeout: time.Minute}
	failedRun := makeRun{exitCode: 2, timeout: time.Minute, logTail: []string{"ginkgo ran 1 spec", "FAIL", ""}}
	tests := []struct {
		name      string
		reports   []types.Report
		readErr   error
		run       makeRun
		verdict   string
		killedBy  string
		nFacts    int
		inDetail  string
		spec      string
		inFailure string
	}{
		{
			name:    "a fact differs",
			reports: suite(setupNode(types.SpecStatePassed, ""), spec("normal", types.SpecStateFailed, differs), spec("normal", types.SpecStatePassed, "")),
			run:     failedRun, verdict: Killed, killedBy: "kubectl get jobs: COMPLETIONS", nFacts: maxFacts,
			spec: "normal: the lab does what the lesson says [normal]",
		},
		{
			name:    "another failure",
			reports: suite(spec("prime", types.SpecStateFailed, "\nwaiting for job prime-number: it failed (BackoffLimitExceeded)\nmore")),
			run:     failedRun, verdict: Killed, killedBy: "waiting for job prime-number: it failed (BackoffLimitExceeded)",
		},
		{
			name:    "a spec timeout",
			reports: suite(spec("cron", types.SpecStateTimedout, "A spec timeout occurred")),
			run:     failedRun, verdict: Killed, killedBy: "timedout: A spec timeout occurred",
		},
		{
			name:    "a panic",
			reports: suite(types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStatePanicked, Failure: types.Failure{Message: "Test Panicked", ForwardedPanic: "nil map"}}),
			run:     failedRun, verdict: Killed, killedBy: "panicked: Test Panicked", inFailure: "nil map",
		},
		{
			name:    "a failure is a kill whatever make's exit code",
			reports: suite(spec("broker", types.SpecStateFailed, differs)),
			run:     done, verdict: Killed, killedBy: "kubectl get jobs: COMPLETIONS",
		},
		{
			name:    "every spec passed",
			reports: suite(setupNode(types.SpecStatePassed, ""), spec("normal", types.SpecStatePassed, ""), spec("abnormal", types.SpecStateSkipped, "")),
			run:     done, verdict: Survived,
		},
		{
			name:    "the suite's setup failed",
			reports: suite(setupNode(types.SpecStateFailed, "cluster unreachable\nat 10.0.0.1"), spec("normal", types.SpecStateSkipped, "")),
			run:     failedRun, verdict: Error, inDetail: "SynchronizedBeforeSuite failed before the lab ran: cluster unreachable",
		},
		{
			name:    "no spec ran",
			reports: suite(spec("normal", types.SpecStateSkipped, "")),
			run:     done, verdict: Error, inDetail: "no spec of the lab ran",
		},
		{
			name:    "make failed after the specs passed",
			reports: suite(spec("normal", types.SpecStatePassed, "")),
			run:     failedRun, verdict: Error, inDetail: "make exited 2 although every spec passed: FAIL",
		},
		{
			name:    "no report",
			readErr: fs.ErrNotExist,
			run:     failedRun, verdict: Error, inDetail: "make exited 2 without a report (report.json): FAIL",
		},
		{
			name:    "timed out without a report",
			readErr: fs.ErrNotExist,
			run:     makeRun{exitCode: -1, timedOut: true, timeout: 15 * time.Minute}, verdict: Error, inDetail: "timed out after 15m0s",
		},
		{
			name:    "interrupted",
			reports: suite(spec("cron", types.SpecStateInterrupted, "interrupted by user")),
			run:     makeRun{exitCode: 1, interrupted: true}, verdict: Error, inDetail: "interrupted",
		},
		{
			name:    "a broken report",
			readErr: errors.New("report.json is not a Ginkgo JSON report"),
			run:     failedRun, verdict: Error, inDetail: "not a Ginkgo JSON report",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := judge(tt.reports, tt.readErr, tt.run)
			if o.verdict != tt.verdict {
				t.Fatalf("verdict %q, want %q (%+v)", o.verdict, tt.verdict, o)
			}
			if o.killedBy != tt.killedBy {
				t.Errorf("killed by %q, want %q", o.killedBy, tt.killedBy)
			}
			if tt.nFacts > 0 && len(o.facts) != tt.nFacts {
				t.Errorf("%d facts, want %d", len(o.facts), tt.nFacts)
			}
			if !strings.Contains(o.detail, tt.inDetail) {
				t.Errorf("detail %q, want it to contain %q", o.detail, tt.inDetail)
			}
			if tt.spec != "" && o.spec != tt.spec {
				t.Errorf("spec %q, want %q", o.spec, tt.spec)
			}
			if !strings.Contains(o.failure, tt.inFailure) {
				t.Errorf("failure %q, want it to contain %q", o.failure, tt.inFailure)
			}
		})
	}
}

func TestReadReportRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	writeReport(t, path, suite(spec("prime", types.SpecStateFailed, differs)))
	reports, err := readReport(path)
	if err != nil {
		t.Fatal(err)
	}
	o := judge(reports, nil, makeRun{exitCode: 2})
	if o.verdict != Killed || o.killedBy != "kubectl get jobs: COMPLETIONS" {
		t.Errorf("judge of a written report: %+v", o)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readReport(path); err == nil || !strings.Contains(err.Error(), "not a Ginkgo JSON report") {
		t.Errorf("readReport of a broken file: %v", err)
	}
}

func writeReport(t *testing.T, path string, reports []types.Report) {
	t.Helper()
	data, err := json.Marshal(reports)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestChildEnv(t *testing.T) {
	env := childEnv([]string{"PATH=/bin", "MAKEFLAGS=LAB=prime", "MAKELEVEL=1", "ARTIFACTS=/outer", settings.ManifestsEnv + "=/x", "KUBECONFIG=/k"}, "m-1", "/tmp/a")
	want := []string{"PATH=/bin", "KUBECONFIG=/k", "ARTIFACTS=/tmp/a", settings.MutantEnv + "=m-1", "GOFLAGS=-trimpath"}
	if !slices.Equal(env, want) {
		t.Errorf("childEnv = %v, want %v", env, want)
	}
}

func TestSummary(t *testing.T) {
	results := []Result{
		{Verdict: Killed}, {Verdict: Killed},
		{Verdict: Survived, Equivalent: "why"},
	}
	s := summarize(results)
	if !s.Passed || summaryLine(s) != "2 killed, 1 survived (1 equivalent), 0 errors" {
		t.Errorf("summary %+v: %q", s, summaryLine(s))
	}
	// An equivalent answer that was killed is a false alarm: red.
	s = summarize(append(results, Result{Verdict: Killed, Equivalent: "why"}))
	if s.Passed || summaryLine(s) != "2 killed, 1 survived (1 equivalent), 0 errors, 1 FALSE ALARMS (equivalent answers graded wrong)" {
		t.Errorf("summary %+v: %q", s, summaryLine(s))
	}
	s = summarize(append(results, Result{Verdict: Survived}, Result{Verdict: Error}, Result{Verdict: NotRun}))
	if s.Passed || summaryLine(s) != "2 killed, 2 survived (1 equivalent), 1 errors, 1 not run" {
		t.Errorf("summary %+v: %q", s, summaryLine(s))
	}
}

// testCatalogue is the runner's catalogue in the end-to-end tests: edits
// of the fake repository that gitRepo makes.
var testCatalogue = []Mutant{
	{ID: "kill-me", Lab: "normal", File: "manifests/job.yaml", From: "completions: 6", To: "completions: 5", Why: "5/5"},
	{ID: "survive-me", Lab: "prime", File: "manifests/job.yaml", From: "name: job", To: "name: other", Why: "another name"},
	{ID: "equal", Lab: "prime", File: "labs/a.go", From: "x = 1", To: "x = 1 // same", Why: "nothing", Equivalent: "a comment",
		Also: []Edit{{File: "labs/a.go", From: "package a", To: "package a // also"}}},
	{ID: "slow", Lab: "cron", File: "manifests/job.yaml", From: "completions: 6", To: "completions: 7", Why: "7/7"},
	{ID: "stale", Lab: "cron", File: "manifests/job.yaml", From: "not there", To: "x", Why: "nothing"},
}

// fakeMake stands in for make lab: it logs what it was given, writes a
// failing report when the job has 5 completions, sleeps for mutant slow,
// and a passing report otherwise.
const fakeMake = `#!/bin/sh
for a in "$@"; do
	case "$a" in
	ARTIFACTS=*) art="${a#ARTIFACTS=}" ;;
	LAB=*) lab="${a#LAB=}" ;;
	esac
done
echo "args: $*"
echo "mutant=$@MUTANTENV@ lab=$lab makeflags=${MAKEFLAGS:-unset} artifacts-env=$ARTIFACTS"
ls -R
test -x tools/script.sh && echo "script is executable"
mkdir -p "$art"
if [ "$@MUTANTENV@" = slow ]; then sleep 30; fi
if grep -q "completions: 5" manifests/job.yaml; then
	cp "$FAKE_REPORTS/killed.json" "$art/report.json"
	echo "FAIL"
	exit 2
fi
cp "$FAKE_REPORTS/passed.json" "$art/report.json"
`

// gitRepo makes a small git repository with tracked, untracked and
// deleted files, a fake make and its reports.
func gitRepo(t *testing.T) (repo, makePath string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	repo = filepath.Join(dir, "repo")
	files := map[string]string{
		"Makefile":           "lab:\n",
		"manifests/job.yaml": "kind: Job\nmetadata:\n  name: job\nspec:\n  completions: 6\n",
		"labs/a.go":          "package a\n\nvar x = 1\n",
		"tools/script.sh":    "#!/bin/sh\n",
		"gone.txt":           "deleted from the work tree\n",
	}
	for name, content := range files {
		path := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(repo, "tools/script.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("job.yaml", filepath.Join(repo, "manifests/link.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
	}
	if err := os.Remove(filepath.Join(repo, "gone.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "untracked.txt"), []byte("not copied\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	reports := filepath.Join(dir, "reports")
	if err := os.Mkdir(reports, 0o755); err != nil {
		t.Fatal(err)
	}
	writeReport(t, filepath.Join(reports, "killed.json"), suite(spec("normal", types.SpecStateFailed, differs)))
	writeReport(t, filepath.Join(reports, "passed.json"), suite(spec("prime", types.SpecStatePassed, "")))
	t.Setenv("FAKE_REPORTS", reports)
	makePath = filepath.Join(dir, "fake-make")
	if err := os.WriteFile(makePath, []byte(strings.ReplaceAll(fakeMake, "@MUTANTENV@", settings.MutantEnv)), 0o755); err != nil {
		t.Fatal(err)
	}
	return repo, makePath
}

// runCommand runs the runner on testCatalogue with args.
func runCommand(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	r := &runner{catalogue: testCatalogue, stdout: &out, stderr: &errOut, grace: 2 * time.Second}
	code = r.run(ctx, args)
	return code, out.String(), errOut.String()
}

// readOutputs reads mutants.json from out.
func readOutputs(t *testing.T, out string) Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "mutants.json"))
	if err != nil {
		t.Fatal(err)
	}
	var report Report
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "mutants.md")); err != nil {
		t.Error(err)
	}
	return report
}

// noWorkDirs fails when a joblab-mutants-* directory is left in tmp.
func noWorkDirs(t *testing.T, tmp string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(tmp, "joblab-mutants-*"))
	if len(left) > 0 {
		t.Errorf("temporary copies left behind: %v", left)
	}
}

func TestRunMutants(t *testing.T) {
	repo, fake := gitRepo(t)
	out := filepath.Join(t.TempDir(), "out")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("MAKEFLAGS", "LAB=cron")

	code, stdout, stderr := runCommand(context.Background(), "-no-unit", "-repo", repo, "-make", fake, "-out", out, "kill-me", "survive-me", "equal")
	if code != exitFailed {
		t.Errorf("exit code %d, want %d (survive-me survived)\nstdout:\n%s\nstderr:\n%s", code, exitFailed, stdout, stderr)
	}
	if !strings.Contains(stdout, "1 killed, 2 survived (1 equivalent), 0 errors") {
		t.Errorf("no summary line in\n%s", stdout)
	}
	for _, want := range []string{"MUTANT", "kill-me", "kubectl get jobs: COMPLETIONS (+2)", "survived (equivalent)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	report := readOutputs(t, out)
	verdicts := map[string]string{}
	for _, r := range report.Results {
		verdicts[r.ID] = r.Verdict
	}
	if want := map[string]string{"kill-me": Killed, "survive-me": Survived, "equal": Survived}; !equalMaps(verdicts, want) {
		t.Errorf("verdicts %v, want %v", verdicts, want)
	}
	kill := report.Results[0]
	if kill.MakeExit != 2 || len(kill.Facts) != maxFacts || kill.Facts[0].Observed != "5/5" {
		t.Errorf("kill-me result %+v", kill)
	}

	log, err := os.ReadFile(filepath.Join(out, "logs", "kill-me.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"args: --no-print-directory lab LAB=normal ARTIFACTS=",
		"mutant=kill-me lab=normal makeflags=unset artifacts-env=" + tmp,
		"job.yaml", "link.yaml", "script is executable",
	} {
		if !strings.Contains(string(log), want) {
			t.Errorf("make.log lacks %q:\n%s", want, log)
		}
	}
	for _, unwanted := range []string{"untracked.txt", "gone.txt"} {
		if strings.Contains(string(log), unwanted) {
			t.Errorf("the copy holds %s:\n%s", unwanted, log)
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, "mutants.md"))
	for _, want := range []string{"## Survivors", "`survive-me`", "## Equivalent mutants", "a comment", "## Killed", "observed 5/5"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("mutants.md lacks %q:\n%s", want, md)
		}
	}
	noWorkDirs(t, tmp)
	if data, _ := os.ReadFile(filepath.Join(repo, "manifests/job.yaml")); !strings.Contains(string(data), "completions: 6") {
		t.Error("the repository itself was mutated")
	}
}

func TestRunAllKilledExitsZero(t *testing.T) {
	repo, fake := gitRepo(t)
	out := t.TempDir()
	code, stdout, stderr := runCommand(context.Background(), "-no-unit", "-repo", repo, "-make", fake, "-out", out, "-lab", "normal")
	if code != exitOK {
		t.Errorf("exit code %d, want 0\n%s\n%s", code, stdout, stderr)
	}
}

func TestRunStaleMutantAndKeep(t *testing.T) {
	repo, fake := gitRepo(t)
	out := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	code, stdout, stderr := runCommand(context.Background(), "-no-unit", "-repo", repo, "-make", fake, "-out", out, "-keep", "stale", "kill-me")
	if code != exitFailed {
		t.Errorf("exit code %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	report := readOutputs(t, out)
	if r := report.Results[0]; r.Verdict != Error || !strings.Contains(r.Detail, "occurs 0 times") {
		t.Errorf("stale mutant: %+v", r)
	}
	kept, _ := filepath.Glob(filepath.Join(tmp, "joblab-mutants-*", "kill-me", "tree", "manifests", "job.yaml"))
	if len(kept) != 1 {
		t.Fatalf("-keep did not keep kill-me's copy (stderr: %s)", stderr)
	}
	if data, _ := os.ReadFile(kept[0]); !strings.Contains(string(data), "completions: 5") {
		t.Errorf("the kept copy is not mutated: %s", data)
	}
}

func TestRunTimeout(t *testing.T) {
	repo, fake := gitRepo(t)
	out := t.TempDir()
	start := time.Now()
	code, stdout, stderr := runCommand(context.Background(), "-no-unit", "-repo", repo, "-make", fake, "-out", out, "-timeout", "500ms", "slow")
	if code != exitFailed {
		t.Errorf("exit code %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("a 500ms timeout took %s: the process group was not stopped", took)
	}
	if r := readOutputs(t, out).Results[0]; r.Verdict != Error || !strings.Contains(r.Detail, "timed out after 500ms") {
		t.Errorf("slow mutant: %+v", r)
	}
}

func TestRunInterrupted(t *testing.T) {
	repo, fake := gitRepo(t)
	out := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	code, stdout, stderr := runCommand(ctx, "-repo", repo, "-make", fake, "-out", out, "-parallel", "1", "slow", "kill-me")
	if code != exitInterrupted {
		t.Errorf("exit code %d, want %d\n%s\n%s", code, exitInterrupted, stdout, stderr)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the interruption took %s", took)
	}
	report := readOutputs(t, out)
	if report.Results[0].Verdict != Error || report.Results[1].Verdict != NotRun {
		t.Errorf("results %+v", report.Results)
	}
	if !strings.Contains(stdout, "1 not run") {
		t.Errorf("summary does not count the mutant not run:\n%s", stdout)
	}
	noWorkDirs(t, tmp)
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"-lab", "nope"}, exitUsage, `unknown lab "nope"`},
		{[]string{"no-such-mutant"}, exitUsage, `unknown mutant "no-such-mutant"`},
		{[]string{"-lab", "prime", "kill-me"}, exitUsage, "belongs to lab normal, not prime"},
		{[]string{"-lab", "broker"}, exitUsage, "no mutant of lab broker"},
		{[]string{"kill-me", "-lab", "normal"}, exitUsage, "put flags first"},
		{[]string{"-timeout", "0s"}, exitUsage, "must be positive"},
		{[]string{"-bogus"}, exitUsage, "flag provided but not defined"},
		{[]string{"-h"}, exitOK, "usage: go run ./tools/mutants"},
	}
	for _, tt := range tests {
		code, _, stderr := runCommand(context.Background(), tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
			t.Errorf("mutants %v: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.code, tt.inStderr)
		}
	}
}

func TestList(t *testing.T) {
	code, stdout, _ := runCommand(context.Background(), "-list")
	if code != exitOK {
		t.Fatalf("-list exit code %d", code)
	}
	for _, m := range testCatalogue {
		if !strings.Contains(stdout, m.ID) {
			t.Errorf("-list lacks %s:\n%s", m.ID, stdout)
		}
	}
	if !strings.Contains(stdout, "x = 1 -> x = 1 // same (+1 more)") || !strings.Contains(stdout, "5 mutants") {
		t.Errorf("-list output:\n%s", stdout)
	}
	_, stdout, _ = runCommand(context.Background(), "-list", "-lab", "cron")
	if strings.Contains(stdout, "kill-me") || !strings.Contains(stdout, "slow") {
		t.Errorf("-list -lab cron:\n%s", stdout)
	}
}

// TestClusterList: -cluster -list lists the cluster mutants and breaks
// nothing. (The context is cancelled: were it to run them, it would fail
// before touching a cluster.)
func TestClusterList(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, stdout, stderr := runCommand(ctx, "-cluster", "-list", "-lab", "node-loss")
	if code != exitOK || !strings.Contains(stdout, "cluster-worker-cordoned") || !strings.Contains(stdout, "cluster-stock-tolerations") || strings.Contains(stdout, "cluster-job-controller-off") || !strings.Contains(stdout, "2 cluster mutants") {
		t.Errorf("-cluster -list -lab node-loss: exit %d\n%s%s", code, stdout, stderr)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// An id that names no cluster mutant is refused with its name, listed or
// run, before anything touches a cluster.
func TestClusterUnknownID(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{{"-cluster", "-list", "cluster-no-such"}, {"-cluster", "cluster-no-such"}, {"-cluster", "cluster-worker-cordoned", "cluster-no-such"}} {
		code, stdout, stderr := runCommand(ctx, args...)
		if code != exitUsage || !strings.Contains(stderr, `unknown cluster mutant "cluster-no-such"`) {
			t.Errorf("%v: exit %d, want %d naming the id\n%s%s", args, code, exitUsage, stdout, stderr)
		}
	}
}
