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
	lab.GoOn("the job ends Complete", "Complete", errors.New("the job ended Failed"), true)
	if got := lab.Within(time.Minute); got != LabTimeouts.AfterFailedWait {
		t.Errorf("after a failed wait: %s, want %s", got, LabTimeouts.AfterFailedWait)
	}
	if got := lab.Within(time.Second); got != time.Second {
		t.Errorf("a wait shorter than the cut: %s, want it kept", got)
	}
	rows := lab.Report.Failed()
	if len(rows) != 1 || rows[0].Observed != "the job ended Failed" || rows[0].Hint == nil {
		t.Errorf("rows %+v, want the failed wait as a differing row with its hint", rows)
	}
}
