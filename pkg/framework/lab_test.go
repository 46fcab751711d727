package framework

import (
	"errors"
	"testing"
	"time"

	"github.com/joblab/joblab/lesson"
)

func TestGoOnRecordsTheFailedWaitAndCutsLaterWaitsShort(t *testing.T) {
	lab := &Lab{Report: &lesson.Report{Lab: "normal", Namespace: "s1"}}
	if got := lab.Within(time.Minute); got != time.Minute {
		t.Fatalf("before any failed wait: %s, want the full minute", got)
	}
	lab.GoOn(lesson.FactRef{ID: "wait", Name: "the job ends Complete", Hint: &lesson.Hint{En: "look at job x -n {ns}"}}, "Complete", errors.New("the job ended Failed"), true)
	if got := lab.Within(time.Minute); got != LabTimeouts.AfterFailedWait {
		t.Errorf("after a failed wait: %s, want %s", got, LabTimeouts.AfterFailedWait)
	}
	if got := lab.Within(time.Second); got != time.Second {
		t.Errorf("a wait shorter than the cut: %s, want it kept", got)
	}
	rows := lab.Report.Failed()
	if len(rows) != 1 || rows[0].Observed != "the job ended Failed" || rows[0].Hint == nil || rows[0].Hint.En != "look at job x -n s1" || rows[0].ID != "normal/wait" {
		t.Errorf("rows %+v, want the failed wait as a differing row with its hint", rows)
	}
}
