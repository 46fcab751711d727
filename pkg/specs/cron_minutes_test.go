package specs

import (
	"testing"

	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// TestRunMinutesCountEveryRunSeen: the history of a loaded class run, where
// minute 29941081's run was still running when 29941082's finished, is a
// Job every minute; a history with a minute no run was made for is not.
func TestRunMinutesCountEveryRunSeen(t *testing.T) {
	run := func(name string, finished bool) *framework.CronRun {
		return &framework.CronRun{Name: name, Finished: finished}
	}
	loaded := []*framework.CronRun{run("hello-29941078", true), run("hello-29941079", true), run("hello-29941080", true),
		run("hello-29941082", true), run("hello-29941081", false), run("hello-29941083", false), run("other-29941090", true)}
	gaps := lesson.Gaps(runMinutes("hello", loaded))
	if len(gaps) != 5 {
		t.Fatalf("gaps %v, want 5 (six runs of hello)", gaps)
	}
	for _, g := range gaps {
		if g.Seconds() != 60 {
			t.Errorf("gaps %v, want every one 60 s", gaps)
			break
		}
	}
	skipped := []*framework.CronRun{run("hello-29941078", true), run("hello-29941079", true), run("hello-29941081", true), run("hello-29941082", false)}
	if got := seconds(lesson.Gaps(runMinutes("hello", skipped))); got != "60 s, 120 s, 60 s" {
		t.Errorf("a skipped minute gives %s, want 60 s, 120 s, 60 s", got)
	}
}
