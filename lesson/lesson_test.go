package lesson

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/internal/labdef"
)

var t0 = time.Date(2026, 11, 30, 0, 49, 44, 0, time.UTC)

func ev(reason, msg string, count int, at int) Event {
	typ := "Normal"
	if reason == "BackoffLimitExceeded" {
		typ = "Warning"
	}
	return Event{Type: typ, Reason: reason, Message: msg, Count: count, First: t0.Add(time.Duration(at) * time.Second)}
}

func TestMatchSequenceAbnormalAsMeasured(t *testing.T) {
	// The abnormal lab as measured on 1.34: four creations, then the warning.
	events := []Event{
		ev("SuccessfulCreate", "Created pod: abnormal-end-a", 1, 0),
		ev("SuccessfulCreate", "Created pod: abnormal-end-b", 1, 16),
		ev("SuccessfulCreate", "Created pod: abnormal-end-c", 1, 41),
		ev("SuccessfulCreate", "Created pod: abnormal-end-d", 1, 86),
		ev("BackoffLimitExceeded", "Job has reached the specified backoff limit", 1, 93),
	}
	// As lessonlabs/abnormal documents it: the first try and 3 retries,
	// then the warning.
	steps := []Step{
		{Type: "Normal", Reason: "SuccessfulCreate", Times: 4, MessagePrefix: "Created pod: "},
		{Type: "Warning", Reason: BackoffLimitExceeded, Times: 1, MessagePrefix: BackoffLimitMessage},
	}
	if diff := MatchSequence(events, steps); diff != "" {
		t.Fatalf("measured sequence does not match: %s", diff)
	}
	// backoffLimit 2 in the manifest: one creation fewer.
	if diff := MatchSequence(append(events[:3:3], events[4]), steps); !strings.Contains(diff, "saw 3") {
		t.Errorf("3 creations matched 4 documented: %q", diff)
	}
}

func TestMatchSequenceCountsAggregatedEvents(t *testing.T) {
	events := []Event{
		ev("SuccessfulCreate", "Created pod: normal-job-a", 4, 0),
		ev("SuccessfulCreate", "Created pod: normal-job-e", 2, 20),
		ev("Completed", "Job completed", 1, 30),
	}
	if diff := MatchSequence(events, NormalEvents(6)); diff != "" {
		t.Errorf("aggregated counts not taken into account: %s", diff)
	}
	if diff := MatchSequence(events, NormalEvents(5)); diff == "" {
		t.Error("six creations matched five documented")
	}
}

func TestMatchSequenceOrderTypeAndExtras(t *testing.T) {
	done := ev("Completed", "Job completed", 1, 0)
	create := ev("SuccessfulCreate", "Created pod: x", 1, 5)
	if diff := MatchSequence([]Event{done, create}, []Step{{Reason: "SuccessfulCreate", Times: 1, MessagePrefix: "Created pod: "}, {Reason: "Completed", Times: 1}}); diff == "" {
		t.Error("Completed before SuccessfulCreate matched")
	}
	warn := ev("BackoffLimitExceeded", "Job has reached the specified backoff limit", 1, 0)
	warn.Type = "Normal"
	if diff := MatchSequence([]Event{warn}, []Step{{Type: "Warning", Reason: "BackoffLimitExceeded", Times: 1}}); !strings.Contains(diff, "type Normal") {
		t.Errorf("wrong type not reported: %q", diff)
	}
	unrelated := ev("Scheduled", "whatever", 1, 1)
	if diff := MatchSequence([]Event{create, unrelated}, []Step{{Reason: "SuccessfulCreate", Times: 1, MessagePrefix: "Created pod: "}}); diff != "" {
		t.Errorf("an unrelated reason broke the match: %s", diff)
	}
}

func TestFromCoreEventsUsesSeriesAndSorts(t *testing.T) {
	later := corev1.Event{Reason: "Completed", FirstTimestamp: metav1.NewTime(t0.Add(time.Minute))}
	series := corev1.Event{Reason: "SuccessfulCreate", EventTime: metav1.NewMicroTime(t0), Series: &corev1.EventSeries{Count: 3}}
	got := FromCoreEvents([]corev1.Event{later, series})
	if got[0].Reason != "SuccessfulCreate" || got[0].Count != 3 || got[1].Count != 1 {
		t.Errorf("got %+v", got)
	}
}

func pods(created ...int) Timeline {
	var tl Timeline
	for i, c := range created {
		tl.Pods = append(tl.Pods, PodRecord{Name: string(rune('a' + i)), Created: t0.Add(time.Duration(c) * time.Second), Finished: t0.Add(time.Duration(c+6) * time.Second)})
	}
	return tl
}

func TestTimelineRules(t *testing.T) {
	// The back-off counts from each failure: 10, 20 and 40 s after pods
	// that ran 6 s, however long a pod took to start.
	backoff := Timeline{Pods: []PodRecord{
		{Created: t0, Finished: t0.Add(16 * time.Second)},                        // slow to start
		{Created: t0.Add(26 * time.Second), Finished: t0.Add(32 * time.Second)},  // 10 s after
		{Created: t0.Add(52 * time.Second), Finished: t0.Add(58 * time.Second)},  // 20 s after
		{Created: t0.Add(98 * time.Second), Finished: t0.Add(104 * time.Second)}, // 40 s after
	}}
	if w := backoff.BackoffWaits(); len(w) != 3 || w[0] != 10*time.Second || w[1] != 20*time.Second || w[2] != 40*time.Second {
		t.Errorf("back-off waits %v, want 10s 20s 40s", w)
	}
	if !pods(0, 8, 16).OneAtATime() {
		t.Error("serial pods not seen as one at a time")
	}
	if pods(0, 0, 8).OneAtATime() {
		t.Error("two pods at once seen as one at a time")
	}
	if !BackoffAtLeast(backoff.BackoffWaits(), 10*time.Second) {
		t.Error("the back-off 10 s, 20 s, 40 s was not recognised")
	}
	// A controller noticing the first failure late (14 s) keeps the rule;
	// one not doubling, or not waiting, breaks it.
	for _, c := range []struct {
		waits []int
		want  bool
	}{{[]int{14, 20, 40}, true}, {[]int{20, 20, 40}, true}, {[]int{10, 10, 10}, false}, {[]int{0, 0, 0}, false}, {[]int{10, 20, 30}, false}} {
		w := secs(c.waits...)
		if got := BackoffAtLeast(w, 10*time.Second); got != c.want {
			t.Errorf("BackoffAtLeast(%v) = %t, want %t", w, got, c.want)
		}
	}
	// With the lag as the upper tolerance of the later waits (10 s): the
	// first wait may lag any amount (38, 20, 41 was seen in a loaded class
	// run); a back-off that does not double (40, 40, 40) or grows faster
	// (10, 20, 80) fails.
	for _, c := range []struct {
		waits []int
		want  bool
	}{{[]int{10, 20, 40}, true}, {[]int{38, 20, 41}, true}, {[]int{27, 30, 50}, true}, {[]int{40, 40, 40}, false}, {[]int{10, 20, 80}, false}, {[]int{10, 31, 40}, false}, {[]int{10, 10, 10}, false}} {
		w := secs(c.waits...)
		if got := BackoffWithin(w, nil, 10*time.Second, 10*time.Second); got != c.want {
			t.Errorf("BackoffWithin(%v, lag 10s) = %t, want %t", w, got, c.want)
		}
	}
	// A failure the API server learned of late lets the next wait follow
	// the report instead of the back-off: 88, 78, 40 s with the second
	// failure reported 70 s late (a loaded class run) keeps the rule, the
	// same waits reported on time do not, and neither does 40, 40, 40
	// reported within a few seconds. A report only loosens the upper
	// bound: 10, 10, 10 reported late is still not a back-off.
	for _, c := range []struct {
		waits, reports []int
		want           bool
	}{
		{[]int{88, 78, 40}, []int{80, 70, 2}, true},
		{[]int{88, 78, 40}, []int{2, 2, 2}, false},
		{[]int{88, 78, 40}, nil, false},
		{[]int{10, 78, 40}, []int{2, 67, 2}, false}, // 78 > 67 + 10
		{[]int{40, 40, 40}, []int{2, 2, 2}, false},
		{[]int{40, 40, 40}, []int{35, 35, 35}, true},
		{[]int{10, 10, 10}, []int{60, 60, 60}, false},
		{[]int{10, 20, 40}, []int{2, 2}, true}, // fewer reports than waits: the rest on time
	} {
		w, r := secs(c.waits...), secs(c.reports...)
		if got := BackoffWithin(w, r, 10*time.Second, 10*time.Second); got != c.want {
			t.Errorf("BackoffWithin(%v, reported %v, lag 10s) = %t, want %t", w, r, got, c.want)
		}
	}
}

func TestReportLags(t *testing.T) {
	// Each wait's report lag is its previous pod's: reported minus
	// finished, never negative, zero when not known; a pod not seen to end
	// gives no wait and no lag.
	tl := Timeline{Pods: []PodRecord{
		{Created: t0, Finished: t0.Add(6 * time.Second), Reported: t0.Add(8 * time.Second)},
		{Created: t0.Add(16 * time.Second), Finished: t0.Add(22 * time.Second), Reported: t0.Add(82 * time.Second)},
		{Created: t0.Add(92 * time.Second), Finished: t0.Add(98 * time.Second), Reported: t0.Add(97 * time.Second)},
		{Created: t0.Add(140 * time.Second), Finished: t0.Add(146 * time.Second)},
		{Created: t0.Add(160 * time.Second)},
		{Created: t0.Add(170 * time.Second)},
	}}
	got := tl.ReportLags()
	want := []time.Duration{2 * time.Second, 60 * time.Second, 0, 0}
	if len(got) != len(want) || len(got) != len(tl.BackoffWaits()) {
		t.Fatalf("report lags %v (for %d waits), want %v", got, len(tl.BackoffWaits()), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("report lag %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// waves builds a Timeline from watch events in order: "+a" a pod created,
// "-a" a pod finished.
func waves(events ...string) Timeline {
	tl := Timeline{WatchedFromStart: true}
	index := map[byte]int{}
	for seq, e := range events {
		name := e[1]
		if e[0] == '+' {
			index[name] = len(tl.Pods)
			tl.Pods = append(tl.Pods, PodRecord{Name: string(name), SeenSeq: seq + 1})
			continue
		}
		tl.Pods[index[name]].FinishedSeq = seq + 1
	}
	return tl
}

func TestWavesFollowWhatTheControllerAnswered(t *testing.T) {
	for _, c := range []struct {
		name string
		tl   Timeline
		want string
	}{
		{"parallelism 2, pairs ending together", waves("+a", "+b", "-a", "-b", "+c", "+d", "-c", "-d", "+e", "+f", "-e", "-f"), "[2 2 2]"},
		// b started seconds after a on a busy node: its replacement d
		// comes after c, and f after e, seconds apart.
		{"parallelism 2, one pod of each pair late", waves("+a", "+b", "-a", "+c", "-b", "+d", "-c", "+e", "-d", "+f", "-e", "-f"), "[2 2 2]"},
		// b ended even after its partner's replacement c: a's line ran
		// ahead by a whole pod, and the pods no longer go in pairs.
		{"parallelism 2, one pod later than a whole run", waves("+a", "+b", "-a", "+c", "-c", "+e", "-b", "+d", "-e", "-d", "+f", "-f"), "[2 2 1 1]"},
		{"parallelism 1", waves("+a", "-a", "+b", "-b", "+c", "-c"), "[1 1 1]"},
		{"parallelism 3", waves("+a", "+b", "+c", "-a", "-b", "-c", "+d", "+e", "+f"), "[3 3]"},
		{"completions 5", waves("+a", "+b", "-a", "-b", "+c", "+d", "-c", "-d", "+e", "-e"), "[2 2 1]"},
	} {
		if got := fmt.Sprint(c.tl.Waves()); got != c.want {
			t.Errorf("%s: waves %s, want %s", c.name, got, c.want)
		}
	}
	// Without the watch's order, the timestamps decide: the notes' pairs.
	if got := fmt.Sprint(pods(0, 0, 6, 6, 12, 12).Waves()); got != "[2 2 2]" {
		t.Errorf("waves by timestamps %s, want [2 2 2]", got)
	}
}

func TestReportMarksDifferences(t *testing.T) {
	r := Report{Lab: "normal"}
	r.Equal(FactRef{Name: "completions"}, "6/6", "6/6")
	r.Equal(FactRef{Name: "parallelism"}, 2, 3)
	if len(r.Failed()) != 1 || r.Failed()[0].Fact != "parallelism" {
		t.Errorf("failed rows %+v", r.Failed())
	}
	if !strings.Contains(r.Text(), "DIFFERS") || !strings.Contains(r.Markdown(), "| DIFFERS | parallelism | 2 | 3 |") {
		t.Errorf("rendering:\n%s\n%s", r.Text(), r.Markdown())
	}
}

func TestCatalogueNamesTheLessonsManifests(t *testing.T) {
	known := map[string]bool{}
	for _, m := range ManifestNames() {
		known[m] = true
	}
	for _, l := range Labs {
		// A lab that stops a node runs a Job of the harness's own (the
		// lesson gives no manifest for it); every other lab applies the
		// lesson's.
		if l.Title == "" || (len(l.Manifests) == 0 && !l.Alone) {
			t.Errorf("lab %s has no title or manifests", l.Name)
		}
		for _, m := range l.Manifests {
			if l.Def != nil {
				continue // a lab folder documents its own files
			}
			if !known[m] {
				t.Errorf("lab %s names manifest %s, which the lesson does not document", l.Name, m)
			}
		}
	}
}

func TestOverlapSaysWhichPodsRanTogether(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	one := Timeline{Pods: []PodRecord{{Name: "a", Created: t0, Finished: t0.Add(10 * time.Second)}, {Name: "b", Created: t0.Add(11 * time.Second), Finished: t0.Add(20 * time.Second)}}}
	if got := one.Overlap(); got != "each pod started after the previous one ended" || !one.OneAtATime() {
		t.Errorf("one at a time: %q", got)
	}
	two := Timeline{Pods: []PodRecord{{Name: "a", Created: t0, Finished: t0.Add(10 * time.Second)}, {Name: "b", Created: t0.Add(4 * time.Second), Finished: t0.Add(14 * time.Second)}}}
	if got := two.Overlap(); got != "pod b created 6s before pod a ended" || two.OneAtATime() {
		t.Errorf("overlapping: %q", got)
	}
}

func TestRegisterFoldersRefusesATakenName(t *testing.T) {
	catalogue := slices.Clone(Labs)
	t.Cleanup(func() { Labs = catalogue })
	// normal and broker are joblab's own folders.
	for lab, says := range map[string]string{"broker": "the lab of lessonlabs/broker has that name already", "normal": "the lab of lessonlabs/normal has that name already"} {
		before, ok := FindLab(lab)
		if !ok {
			t.Fatalf("no lab %s in the catalogue", lab)
		}
		dir := t.TempDir()
		for name, content := range labdef.Starter(lab) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := RegisterFolders(dir); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("a lab folder named %s: %v", lab, err)
		}
		if l, ok := FindLab(lab); !ok || l.Folder != before.Folder || l.Summary != before.Summary {
			t.Fatalf("the lesson's %s lab is gone", lab)
		}
	}
}

// TestSortLabs: the lesson's labs first, then the modern track's, then
// another track's; within a track by order, labs without one after those
// with, by name.
func TestSortLabs(t *testing.T) {
	labs := []LabInfo{
		{Name: "teacher-b"},
		{Name: "late", Track: ModernTrack, Order: 9},
		{Name: "teacher-a"},
		{Name: "own", Track: "extra", Order: 1},
		{Name: "second", Order: 2},
		{Name: "early", Track: ModernTrack, Order: 1},
		{Name: "first", Order: 1},
	}
	SortLabs(labs)
	var got []string
	for _, l := range labs {
		got = append(got, l.Name)
	}
	if want := "first second teacher-a teacher-b early late own"; strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q", strings.Join(got, " "), want)
	}
}

// secs is durations of so many seconds.
func secs(n ...int) []time.Duration {
	var ds []time.Duration
	for _, x := range n {
		ds = append(ds, time.Duration(x)*time.Second)
	}
	return ds
}

func TestWavesOfLives(t *testing.T) {
	for _, c := range []struct {
		lives       []time.Duration
		parallelism int
		want        string
	}{
		{secs(7, 7, 7, 7, 7, 7), 2, "[2 2 2]"},
		{secs(7, 8, 7, 8, 7, 8), 2, "[2 2 2]"},
		{secs(10, 10, 10, 80, 10, 10), 2, "[2 2 1 1]"}, // the fourth pod a minute late to start
		{secs(7, 7, 7, 7, 7, 7), 1, "[1 1 1 1 1 1]"},
		{secs(7, 7, 7, 7, 7, 7), 3, "[3 3]"},
		{secs(5, 5, 5, 5, 5, 5, 5, 5, 5, 5), 5, "[5 5]"},
		{secs(5, 5, 5), 5, "[3]"},
		{secs(5), 0, "[]"},
	} {
		if got := fmt.Sprint(WavesOfLives(c.lives, c.parallelism)); got != c.want {
			t.Errorf("WavesOfLives(%v, %d) = %s, want %s", c.lives, c.parallelism, got, c.want)
		}
	}
}
