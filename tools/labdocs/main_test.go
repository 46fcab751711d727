package main

import (
	"strings"
	"testing"

	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/lesson"
)

// TestDocsAreCurrent: the README's lab tables and docs/lessonlabs.md are
// what the lab folders say now (make docs writes them).
func TestDocsAreCurrent(t *testing.T) {
	root, err := gobuild.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	stale, err := write(root, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("%s not current with the lab folders: run make docs", strings.Join(stale, ", "))
	}
}

// TestTablesFollowTheCatalogue: a lab added to the catalogue is a row of
// its track's table, in the catalogue's order, and its facts are in the
// page.
func TestTablesFollowTheCatalogue(t *testing.T) {
	labs := append([]lesson.LabInfo{}, lesson.Labs...)
	extra, ok := lesson.FindLab("per-index")
	if !ok {
		t.Fatal("no lab per-index")
	}
	extra.Name, extra.Track = "added-here", ""
	labs = append(labs, extra)
	lessonTable, modernTable := readmeTables(labs)
	if !strings.Contains(lessonTable, "| `added-here` |") || strings.Contains(modernTable, "added-here") {
		t.Errorf("the added lab is not in the lesson's table alone:\n%s", lessonTable)
	}
	if strings.Index(lessonTable, "`normal`") > strings.Index(lessonTable, "`abnormal`") {
		t.Errorf("the lesson's table is not in the catalogue's order:\n%s", lessonTable)
	}
	if page := factsPage(labs); !strings.Contains(page, "\n## added-here\n") || !strings.Contains(page, "| failedIndexes") && !strings.Contains(page, "status.failedIndexes") {
		t.Errorf("the page lacks the added lab's facts")
	}
}
