package specs

import (
	"testing"
	"time"

	"github.com/joblab/joblab/lesson"
)

// timelineOf builds a Job's timeline from each pod's creation and end, in
// seconds from the Job's start.
func timelineOf(createdEnded ...[2]int) lesson.Timeline {
	t0 := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	var tl lesson.Timeline
	for i, ce := range createdEnded {
		tl.Pods = append(tl.Pods, lesson.PodRecord{Name: string(rune('a' + i)), Created: t0.Add(time.Duration(ce[0]) * time.Second), Finished: t0.Add(time.Duration(ce[1]) * time.Second)})
	}
	tl.Sort()
	return tl
}

// TestUnevenLivesExplainOnlyWhatTheLessonsParallelismMakes: on a loaded
// node (one pod a minute late to start) parallelism 2 makes 2, 2, 1, 1,
// and the row is not held against the Job; pods three at a time, one at a
// time, or fewer than the lesson's are still differences, and even waves
// are simply the lesson's.
func TestUnevenLivesExplainOnlyWhatTheLessonsParallelismMakes(t *testing.T) {
	want := []int{2, 2, 2}
	loaded := timelineOf([2]int{0, 10}, [2]int{0, 10}, [2]int{10, 20}, [2]int{10, 90}, [2]int{20, 30}, [2]int{30, 40})
	if got := loaded.Waves(); joinInts(got) != "2, 2, 1, 1" {
		t.Fatalf("the loaded timeline's waves are %v, want 2, 2, 1, 1", got)
	}
	if why := unevenLives(loaded, want, loaded.Waves()); why == "" {
		t.Error("a loaded node's 2, 2, 1, 1 under parallelism 2 was held against the Job")
	} else if why != "the pods lived 10 s to 80 s, creation to end (a loaded node), and parallelism 2 makes waves 2, 2, 1, 1 of such pods, as seen" {
		t.Errorf("reason %q", why)
	}
	even := timelineOf([2]int{0, 7}, [2]int{0, 7}, [2]int{7, 14}, [2]int{7, 14}, [2]int{14, 21}, [2]int{14, 21})
	threes := timelineOf([2]int{0, 7}, [2]int{0, 7}, [2]int{0, 7}, [2]int{7, 14}, [2]int{7, 14}, [2]int{7, 14})
	ones := timelineOf([2]int{0, 7}, [2]int{7, 14}, [2]int{14, 21}, [2]int{21, 28}, [2]int{28, 35}, [2]int{35, 42})
	fewer := timelineOf([2]int{0, 10}, [2]int{0, 10}, [2]int{10, 20}, [2]int{10, 90}, [2]int{20, 30})
	for name, tl := range map[string]lesson.Timeline{"even": even, "three at a time": threes, "one at a time": ones, "five pods": fewer} {
		if why := unevenLives(tl, want, tl.Waves()); why != "" {
			t.Errorf("%s (waves %v): explained away as %q", name, tl.Waves(), why)
		}
	}
}
