package framework

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
)

// RunState is what the first test process records when the suite starts,
// for the summary written when it ends.
type RunState struct {
	Kubeconfig     string    `json:"kubeconfig"`
	Started        time.Time `json:"started"`
	RequestsServed float64   `json:"apiRequestsServedBefore"`
	// Kubernetes is the API server's version: what the verdicts hold for.
	Kubernetes string `json:"kubernetes"`
}

func runStatePath(s settings.Settings) string {
	return filepath.Join(s.Artifacts(), "run-state.json")
}

// SaveRunState records the start of the run.
func SaveRunState(ctx context.Context, env *Env) error {
	served, err := APIRequestsServed(ctx, env.Client)
	if err != nil {
		served = -1
	}
	version := "unknown"
	if info, err := env.Client.Discovery().ServerVersion(); err == nil {
		version = info.GitVersion
	}
	data, _ := json.Marshal(RunState{Kubeconfig: env.Kubeconfig, Started: time.Now(), RequestsServed: served, Kubernetes: version})
	if err := os.MkdirAll(env.Settings.Artifacts(), 0o755); err != nil {
		return err
	}
	return os.WriteFile(runStatePath(env.Settings), data, 0o644)
}

// SpecResult is one spec's line of the summary and benchmark.
type SpecResult struct {
	Lab         string  `json:"lab"`
	Spec        string  `json:"spec"`
	Verdict     string  `json:"verdict"`
	Seconds     float64 `json:"seconds"`
	Reason      string  `json:"reason,omitempty"`
	APIRequests int64   `json:"apiRequestsSent"`
}

// Benchmark is the measured cost of a run, written to the artifacts.
type Benchmark struct {
	WallSeconds       float64            `json:"wallSeconds"`
	SecondsPerLab     map[string]float64 `json:"secondsPerLab"`
	APIRequestsSent   int64              `json:"apiRequestsSentBySuite"`
	APIRequestsServed float64            `json:"apiRequestsServedByAPIServer"`
	Specs             []SpecResult       `json:"specs"`
	ParallelProcesses int                `json:"parallelProcesses"`
	APIServerNote     string             `json:"apiServerNote"`
	// Kubernetes is the cluster's version (the API server's).
	Kubernetes string `json:"kubernetes"`
}

// APIRequestsEntry is the report entry that carries a spec's request count.
const APIRequestsEntry = report.APIRequestsEntry

// labName is the lab of a spec's labels (report.LabName).
var labName = report.LabName

// pairsMarkdown is the old way / new way table of a suite's run.
func pairsMarkdown(r types.Report) string {
	return report.FromGinkgo([]types.Report{r}).PairsMarkdown()
}

// WriteSummary turns the suite report into the summary table (printed and
// written as summary.md, with every lab's documented-versus-observed table)
// and benchmark.json, into the artifacts folder of s.
func WriteSummary(ctx context.Context, s settings.Settings, report types.Report) error {
	artifacts := s.Artifacts()
	var results []SpecResult
	bench := Benchmark{SecondsPerLab: map[string]float64{}, ParallelProcesses: report.SuiteConfig.ParallelTotal,
		APIServerNote: "apiserver_request_total delta: every client's requests during the run (controllers, kubelet, the suite)"}
	for _, s := range report.SpecReports {
		// A skipped spec is a row with its reason: a skip nobody sees is
		// a check nobody ran.
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		lab := labName(s.Labels())
		r := SpecResult{Lab: lab, Spec: s.LeafNodeText, Verdict: verdict(s.State), Seconds: s.RunTime.Seconds()}
		if s.Failed() || s.State == types.SpecStateSkipped {
			r.Reason = firstLineOf(s.FailureMessage())
		}
		if s.State == types.SpecStateSkipped && r.Reason == "" {
			r.Reason = "not selected by this run's label filter"
		}
		for _, e := range s.ReportEntries {
			if e.Name == APIRequestsEntry {
				if n, err := strconv.ParseInt(e.StringRepresentation(), 10, 64); err == nil {
					r.APIRequests = n
				}
			}
		}
		bench.SecondsPerLab[lab] += r.Seconds
		bench.APIRequestsSent += r.APIRequests
		results = append(results, r)
	}
	sort.SliceStable(results, func(i, j int) bool { return results[i].Lab < results[j].Lab })
	bench.Specs = results
	bench.WallSeconds = report.RunTime.Seconds()
	if data, err := os.ReadFile(runStatePath(s)); err == nil {
		var st RunState
		if json.Unmarshal(data, &st) == nil {
			bench.Kubernetes = st.Kubernetes
			if st.RequestsServed >= 0 {
				if env, err := NewEnv(st.Kubeconfig, s); err == nil {
					if now, err := APIRequestsServed(ctx, env.Client); err == nil {
						bench.APIRequestsServed = now - st.RequestsServed
					}
				}
			}
		}
	}

	var table strings.Builder
	fmt.Fprintf(&table, "| lab | spec | verdict | duration | reason |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range results {
		fmt.Fprintf(&table, "| %s | %s | %s | %s | %s |\n", r.Lab, r.Spec, r.Verdict, (time.Duration(r.Seconds) * time.Second).Round(time.Second), strings.ReplaceAll(r.Reason, "|", `\|`))
	}
	fmt.Printf("\nSummary (Kubernetes %s, %s, %d parallel processes):\n%s", orUnknown(bench.Kubernetes), (time.Duration(bench.WallSeconds) * time.Second).Round(time.Second), bench.ParallelProcesses, table.String())

	var md strings.Builder
	fmt.Fprintf(&md, "# joblab: the Jobs and CronJobs lesson, checked\n\nKubernetes %s\n\n%s\n%s## What the lesson says next to what happened\n\n", orUnknown(bench.Kubernetes), table.String(), pairsMarkdown(report))
	labDir := filepath.Join(artifacts, "lessons")
	files, _ := filepath.Glob(filepath.Join(labDir, "*.md"))
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err == nil {
			md.Write(data)
			md.WriteString("\n")
		}
	}
	if err := os.WriteFile(filepath.Join(artifacts, "summary.md"), []byte(md.String()), 0o644); err != nil {
		return err
	}
	data, _ := json.MarshalIndent(bench, "", "  ")
	return os.WriteFile(filepath.Join(artifacts, "benchmark.json"), data, 0o644)
}

func verdict(s types.SpecState) string {
	switch s {
	case types.SpecStatePassed:
		return "passed"
	case types.SpecStateSkipped, types.SpecStatePending:
		return "skipped"
	default:
		return "FAILED"
	}
}

func firstLineOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

// ReportSkips prints every skipped spec of a suite with its reason and
// appends them to skipped.md in the artifacts: a skipped check is shown,
// never hidden. Suites without a lesson summary call it from their
// ReportAfterSuite (artifacts: the folder, settings.Artifacts).
func ReportSkips(artifacts string, report types.Report) error {
	var b strings.Builder
	for _, s := range report.SpecReports {
		if s.LeafNodeType == types.NodeTypeIt && s.State == types.SpecStateSkipped {
			fmt.Fprintf(&b, "| %s | %s | skipped | %s |\n", report.SuiteDescription, s.LeafNodeText, strings.ReplaceAll(firstLineOf(s.FailureMessage()), "|", `\|`))
		}
	}
	if b.Len() == 0 {
		return nil
	}
	fmt.Printf("\nSkipped in %s:\n%s", report.SuiteDescription, b.String())
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(artifacts, "skipped.md"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(b.String())
	return err
}

func orUnknown(s string) string {
	if s == "" {
		return "(version unknown)"
	}
	return s
}
