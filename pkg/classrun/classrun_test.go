package classrun

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
	"github.com/onsi/ginkgo/v2/types"
)

func run(verdicts ...string) *report.Run {
	r := &report.Run{}
	for i, v := range verdicts {
		r.Labs = append(r.Labs, report.Lab{Lab: []string{"normal", "broker", "node-loss"}[i], Verdict: v})
	}
	return r
}

// The verdict of a class, as the exit code gives it: a difference anywhere
// wins over "not verified", which wins over a pass; a student without a
// report is never a pass.
func TestVerdict(t *testing.T) {
	kind := func(err error) Kind {
		var e *Error
		if errors.As(err, &e) {
			return e.Kind
		}
		if err != nil {
			t.Fatalf("not an *Error: %v", err)
		}
		return 0
	}
	p, nv, f := report.VerdictPassed, report.VerdictNotVerified, report.VerdictFailed
	for _, c := range []struct {
		name     string
		students []report.Student
		want     Kind
		names    string
	}{
		{"every lab passed", []report.Student{{Name: "a", Run: run(p, p)}, {Name: "b", Run: run(p)}}, 0, ""},
		{"one lab not verified", []report.Student{{Name: "a", Run: run(p, nv)}, {Name: "b", Run: run(p)}}, NotVerified, "a broker"},
		{"one not verified, one differs", []report.Student{{Name: "a", Run: run(nv)}, {Name: "b", Run: run(p, f)}}, Differs, ""},
		{"one run alone, not verified", []report.Student{{Run: run(p, p, nv)}}, NotVerified, "node-loss"},
		{"a student without a report", []report.Student{{Name: "a", Run: run(p)}, {Name: "b"}}, Differs, ""},
		{"a run without labs", []report.Student{{Name: "a", Run: run()}}, Differs, ""},
	} {
		err := Verdict(c.students, "class.md")
		if got := kind(err); got != c.want {
			t.Errorf("%s: kind %d, want %d (%v)", c.name, got, c.want, err)
		}
		if c.names != "" && !strings.Contains(err.Error(), c.names) {
			t.Errorf("%s: %q does not name %q", c.name, err, c.names)
		}
	}
}

// A chosen lab is never left out of a run's report: one whose process
// left no report is a failed row saying why, one not started an
// interrupted row.
func TestWriteRunKeepsEveryLab(t *testing.T) {
	dir := t.TempDir()
	r, problems, err := writeRun(Target{Student: "s1", Cluster: "kind"}, "en", []labResult{
		{lab: "normal", err: errors.New("exit status 2"), log: "normal.log"},
		{lab: "cron", err: errors.New("not started: interrupted"), notStarted: true},
	}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Labs) != 2 || r.Labs[0].Verdict != report.VerdictFailed || r.Labs[1].Verdict != report.VerdictInterrupted {
		t.Fatalf("labs %+v, want normal failed and cron interrupted", r.Labs)
	}
	if !strings.Contains(r.Labs[0].Reason, "exit status 2") || !strings.Contains(r.Labs[0].Reason, "normal.log") {
		t.Errorf("the reason %q does not say why nor where the log is", r.Labs[0].Reason)
	}
	if len(problems) != 2 || !strings.HasSuffix(r.Title, ": s1") {
		t.Errorf("problems %v, title %q", problems, r.Title)
	}
	for _, name := range []string{"report.html", "report.md"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

// A lab that could not verify its fact is skipped with the reason: the
// merged report.json keeps it (the matrix and the benchmark read it), and
// drops only the specs a lab's process skipped for being another lab's.
func TestMergedReportKeepsNotVerifiedLabs(t *testing.T) {
	spec := func(lab string, state types.SpecState, msg string) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: lab + " spec", LeafNodeLabels: []string{lab}, State: state, Failure: types.Failure{Message: msg}}
	}
	merged := mergeReports([]types.Report{
		{SpecReports: types.SpecReports{spec("managed-by", types.SpecStatePassed, ""), spec("suspended-resources", types.SpecStateSkipped, "")}},
		{SpecReports: types.SpecReports{spec("managed-by", types.SpecStateSkipped, ""), spec("suspended-resources", types.SpecStateSkipped, report.NotVerifiedPrefix+"the cluster runs Kubernetes v1.34.2")}},
	})
	run := report.FromGinkgo([]types.Report{*merged})
	if len(run.Labs) != 2 || run.Labs[1].Lab != "suspended-resources" || run.Labs[1].Verdict != report.VerdictNotVerified || !strings.Contains(run.Labs[1].Reason, "v1.34.2") {
		t.Fatalf("merged report's labs: %+v, want managed-by passed and suspended-resources not verified with its reason", run.Labs)
	}
}

// TestLabProcessesGetTheRunsSettings: each lab's process gets the run's
// settings as one value: the options' image repository, folders and
// request trace beside the target's own (a child reads no other).
func TestLabProcessesGetTheRunsSettings(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "settings.json")
	self := filepath.Join(dir, "joblab")
	// The variable that carries a child's settings, as settings names it.
	name, _, _ := strings.Cut(settings.Settings{}.ChildEnv(), "=")
	script := "#!/bin/sh\nprintf '%s' \"$" + name + "\" > " + dump + "\n"
	if err := os.WriteFile(self, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	trace := filepath.Join(dir, "requests.trace")
	_, _ = Run(context.Background(), Options{Out: filepath.Join(dir, "out"), Self: self, Stdout: io.Discard, ImageRepo: "registry.example/class", TraceRequests: trace},
		[]Target{{Labs: []string{"prime"}, Settings: settings.Settings{Kubeconfig: "/k", Namespace: "s1"}}})
	data, err := os.ReadFile(dump)
	if err != nil {
		t.Fatalf("the lab's process got no settings: %v", err)
	}
	var got settings.Settings
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("settings %q: %v", data, err)
	}
	if got.TraceRequests != trace || got.ImageRepo != "registry.example/class" || got.Kubeconfig != "/k" || got.Namespace != "s1" {
		t.Errorf("the lab's settings: %+v", got)
	}
}
