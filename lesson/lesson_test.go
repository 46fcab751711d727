package lesson

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	steps := AbnormalEvents(3)
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
	abnormal := pods(0, 16, 41, 86)
	if !Growing(abnormal.CreationGaps()) {
		t.Errorf("gaps %v of the measured abnormal run are not growing", abnormal.CreationGaps())
	}
	if Growing(pods(0, 16, 30, 86).CreationGaps()) {
		t.Error("a shrinking gap was called growing")
	}
	// The back-off counts from each failure: 10, 20 and 40 s after pods
	// that ran 6 s, however long a pod took to start.
	backoff := Timeline{Pods: []PodRecord{
		{Created: t0, Finished: t0.Add(16 * time.Second)},                        // slow to start
		{Created: t0.Add(26 * time.Second), Finished: t0.Add(32 * time.Second)},  // 10 s after
		{Created: t0.Add(52 * time.Second), Finished: t0.Add(58 * time.Second)},  // 20 s after
		{Created: t0.Add(98 * time.Second), Finished: t0.Add(104 * time.Second)}, // 40 s after
	}}
	if w := backoff.BackoffWaits(); len(w) != 3 || w[0] != 10*time.Second || w[1] != 20*time.Second || w[2] != 40*time.Second || !Growing(w) {
		t.Errorf("back-off waits %v, want 10s 20s 40s", w)
	}
	// The creation gaps of the same run, 26 s, 26 s, 46 s, do not grow:
	// the first pod's slow start hides the back-off there.
	if Growing(backoff.CreationGaps()) {
		t.Errorf("creation gaps %v called growing", backoff.CreationGaps())
	}
	if !pods(0, 8, 16).OneAtATime() {
		t.Error("serial pods not seen as one at a time")
	}
	if pods(0, 0, 8).OneAtATime() {
		t.Error("two pods at once seen as one at a time")
	}
	if got := pods(0, 0, 11, 11, 22, 23).Batches(2 * time.Second); len(got) != 3 || got[0] != 2 || got[1] != 2 || got[2] != 2 {
		t.Errorf("batches %v, want pairs", got)
	}
}

func TestReportMarksDifferences(t *testing.T) {
	r := Report{Lab: "normal"}
	r.Equal("completions", "6/6", "6/6")
	r.Equal("parallelism", 2, 3)
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
