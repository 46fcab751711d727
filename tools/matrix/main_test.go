package main

import (
	"strings"
	"testing"
	"time"

	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/lesson"
)

func TestFillShowsOnlyFactsThatChanged(t *testing.T) {
	lab := func(verdict string, rows ...lesson.Row) report.Lab {
		return report.Lab{Lab: "abnormal", Verdict: verdict, Duration: 93 * time.Second, Facts: rows}
	}
	runs := map[string]*report.Run{
		"v1.34.2": {Labs: []report.Lab{lab("passed",
			lesson.Row{Fact: "job condition Failed, reason", Documented: "BackoffLimitExceeded", Observed: "BackoffLimitExceeded", OK: true},
			lesson.Row{Fact: "Job started → Failed", Documented: "about 93s", Observed: "91s", OK: true},
		)}},
		"v1.37.2": {Labs: []report.Lab{lab("failed",
			lesson.Row{Fact: "job condition Failed, reason", Documented: "BackoffLimitExceeded", Observed: "PodFailurePolicy", OK: false},
			lesson.Row{Fact: "Job started → Failed", Documented: "about 93s", Observed: "97s", OK: true},
		)}},
	}
	m := &Matrix{Releases: []string{"v1.34.2", "v1.37.2"}, Cells: map[string]map[string]Cell{}}
	fill(m, runs)
	if len(m.Labs) != 1 || m.Cells["abnormal"]["v1.37.2"].Verdict != "failed" || m.Cells["abnormal"]["v1.34.2"].Verdict != "passed" {
		t.Fatalf("cells: %+v", m.Cells)
	}
	// The reason changed its verdict; the timing only its value.
	if len(m.Changes) != 1 || m.Changes[0].Fact != "job condition Failed, reason" {
		t.Fatalf("changes: %+v", m.Changes)
	}
	md := markdown(m)
	if !strings.Contains(md, "DIFFERS: documented BackoffLimitExceeded, observed PodFailurePolicy") || strings.Contains(md, "97s") && strings.Contains(md, "Job started") {
		t.Errorf("markdown:\n%s", md)
	}
	// Names and times a run generates are not changes.
	runs["v1.34.2"].Labs[0].Facts = append(runs["v1.34.2"].Labs[0].Facts, lesson.Row{Fact: "SuccessfulDelete", Documented: "Deleted job hello-29938895 of pod p-mw4gg", Observed: "x", OK: true})
	runs["v1.37.2"].Labs[0].Facts = append(runs["v1.37.2"].Labs[0].Facts, lesson.Row{Fact: "SuccessfulDelete", Documented: "Deleted job hello-29938902 of pod p-686vz", Observed: "x", OK: true})
	m = &Matrix{Releases: []string{"v1.34.2", "v1.37.2"}, Cells: map[string]map[string]Cell{}}
	fill(m, runs)
	if len(m.Changes) != 1 {
		t.Errorf("generated names made changes: %+v", m.Changes)
	}
	// A release where the lab did not run at all is not a change by itself.
	delete(runs, "v1.37.2")
	m = &Matrix{Releases: []string{"v1.34.2", "v1.37.2"}, Cells: map[string]map[string]Cell{}}
	fill(m, runs)
	if len(m.Changes) != 0 {
		t.Errorf("a missing run made changes: %+v", m.Changes)
	}
}
