package specs

import (
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/internal/labdef"
	"github.com/joblab/joblab/lesson"
)

// TestPodsPerIndex reads the per-index lab's failure counts from pods as
// the Job controller annotates them: the lesson's run is the documented
// value; a retry missing, an index retried, a pod without an index or an
// annotation, an extra index, each differs.
func TestPodsPerIndex(t *testing.T) {
	const key = "batch.kubernetes.io/job-index-failure-count"
	l, ok := lesson.FindLab("per-index")
	if !ok || l.Def == nil {
		t.Fatal("the per-index lab is not a lab folder")
	}
	var fact *labdef.Fact
	for i := range l.Def.Facts {
		if l.Def.Facts[i].PodsPerIndex != nil {
			fact = &l.Def.Facts[i]
		}
	}
	if fact == nil {
		t.Fatal("lessonlabs/per-index has no podsPerIndex fact")
	}
	want, err := labdef.PerIndexOf(fact.DocumentedText())
	if err != nil {
		t.Fatal(err)
	}
	pod := func(name, index, count string) corev1.Pod {
		a := map[string]string{}
		if index != "" {
			a[lesson.CompletionIndexKey] = index
		}
		if count != "" {
			a[key] = count
		}
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: a}}
	}
	// What the Job controller makes of the lab's manifest: index 1 tried
	// twice, the second pod counting one failure before it.
	lessons := []corev1.Pod{pod("a", "0", "0"), pod("b", "1", "1"), pod("c", "1", "0"), pod("d", "2", "0"), pod("e", "3", "0")}
	cases := []struct {
		name string
		pods []corev1.Pod
		same bool
	}{
		{"the lesson's", lessons, true},
		{"the lesson's, listed otherwise", []corev1.Pod{lessons[4], lessons[2], lessons[0], lessons[3], lessons[1]}, true},
		{"index 1 not retried", []corev1.Pod{lessons[0], lessons[2], lessons[3], lessons[4]}, false},
		{"index 2 retried", append(append([]corev1.Pod{}, lessons...), pod("f", "2", "1")), false},
		{"an extra index", append(append([]corev1.Pod{}, lessons...), pod("f", "4", "0")), false},
		{"a pod without an index", append(append([]corev1.Pod{}, lessons...), pod("f", "", "0")), false},
		{"a pod without the annotation", []corev1.Pod{lessons[0], lessons[1], pod("c", "1", ""), lessons[3], lessons[4]}, false},
		{"no pods", nil, false},
	}
	for _, c := range cases {
		got := podsPerIndex(c.pods, key, want)
		if same := got == labdef.PerIndexText(want); same != c.same {
			t.Errorf("%s: %q, the same as documented: %t, want %t", c.name, got, same, c.same)
		}
	}
}

// TestDecided times a condition from the Job's start: within [at, by),
// not before at, not at by or later, and never without the condition
// (False, or missing) or a start.
func TestDecided(t *testing.T) {
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	job := func(after time.Duration, status corev1.ConditionStatus, started bool) *batchv1.Job {
		j := &batchv1.Job{}
		if started {
			j.Status.StartTime = &metav1.Time{Time: start}
		}
		if status != "" {
			j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobSuccessCriteriaMet, Status: status, LastTransitionTime: metav1.Time{Time: start.Add(after)}}}
		}
		return j
	}
	cases := []struct {
		name string
		job  *batchv1.Job
		want string
		ok   bool
	}{
		{"12 s after the start", job(12*time.Second, corev1.ConditionTrue, true), "12s", true},
		{"at the documented 5 s", job(5*time.Second, corev1.ConditionTrue, true), "5s", true},
		{"before the documented 5 s", job(4*time.Second, corev1.ConditionTrue, true), "4s", false},
		{"at by", job(2*time.Minute, corev1.ConditionTrue, true), "2m0s", false},
		{"the condition False", job(12*time.Second, corev1.ConditionFalse, true), "no True SuccessCriteriaMet condition", false},
		{"no condition", job(0, "", true), "no True SuccessCriteriaMet condition", false},
		{"no start", job(12*time.Second, corev1.ConditionTrue, false), "no status.startTime", false},
	}
	for _, c := range cases {
		_, got, ok := decided(c.job, "SuccessCriteriaMet", 5*time.Second, 2*time.Minute)
		if ok != c.ok || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q %t, want %q %t", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestDeletedAfter times a Job's deletion from its end: the TTL (15 s)
// kept, or a second early (the times are to the second), passes; too
// early, too late, or a Job that never finished, does not. A failed Job
// ends at its Failed condition.
func TestDeletedAfter(t *testing.T) {
	end := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	completed := &batchv1.Job{Status: batchv1.JobStatus{CompletionTime: &metav1.Time{Time: end}}}
	failed := &batchv1.Job{Status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Time{Time: end}}}}}
	cases := []struct {
		name  string
		job   *batchv1.Job
		after time.Duration
		want  string
		ok    bool
	}{
		{"on time", completed, 15 * time.Second, "15s", true},
		{"a second early, to the second", completed, 14 * time.Second, "14s", true},
		{"14 s late", completed, 29 * time.Second, "29s", true},
		{"15 s late", completed, 30 * time.Second, "30s", false},
		{"too early", completed, 10 * time.Second, "10s", false},
		{"a failed Job", failed, 16 * time.Second, "16s", true},
		{"never finished", &batchv1.Job{}, 15 * time.Second, "had not finished", false},
	}
	for _, c := range cases {
		_, got, ok := deletedAfter(c.job, end.Add(c.after), 15*time.Second, 30*time.Second)
		if ok != c.ok || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q %t, want %q %t", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestIndexNames: an Indexed Job's pods as the controller makes them
// pass; a pod whose label, hostname or annotation disagrees fails.
func TestIndexNames(t *testing.T) {
	pod := func(annotation, label, hostname string) corev1.Pod {
		p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "indexed-primes-" + annotation + "-x", Annotations: map[string]string{}, Labels: map[string]string{}}}
		if annotation != "" {
			p.Annotations[lesson.CompletionIndexKey] = annotation
		}
		if label != "" {
			p.Labels[lesson.CompletionIndexKey] = label
		}
		p.Spec.Hostname = hostname
		return p
	}
	good := []corev1.Pod{pod("0", "0", "indexed-primes-0"), pod("1", "1", "indexed-primes-1")}
	if got, ok := indexNames(good, "indexed-primes"); !ok {
		t.Errorf("the controller's pods: %q", got)
	}
	for name, p := range map[string]corev1.Pod{
		"another label":    pod("1", "2", "indexed-primes-1"),
		"another hostname": pod("1", "1", "indexed-primes"),
		"no annotation":    pod("", "1", "indexed-primes-1"),
		"no label":         pod("1", "", "indexed-primes-1"),
	} {
		if got, ok := indexNames([]corev1.Pod{good[0], p}, "indexed-primes"); ok {
			t.Errorf("%s passed: %q", name, got)
		}
	}
	if _, ok := indexNames(nil, "indexed-primes"); ok {
		t.Error("no pods passed")
	}
}

// TestReplacedAfter reads the order of a deleted pod's end and its
// replacement's creation from the watch's event numbers: created after
// the end passes; created while it terminated, or not seen, does not.
func TestReplacedAfter(t *testing.T) {
	tl := func(finished, replacementSeen int) *lesson.Timeline {
		return &lesson.Timeline{Pods: []lesson.PodRecord{
			{Name: "old", Phase: corev1.PodFailed, SeenSeq: 1, FinishedSeq: finished},
			{Name: "new", SeenSeq: replacementSeen},
		}}
	}
	cases := []struct {
		name string
		tl   *lesson.Timeline
		ok   bool
	}{
		{"replaced once terminated (policy Failed)", tl(7, 9), true},
		{"replaced while terminating (TerminatingOrFailed)", tl(9, 7), false},
		{"the end not recorded", tl(0, 9), false},
		{"no replacement", &lesson.Timeline{Pods: []lesson.PodRecord{{Name: "old", SeenSeq: 1, FinishedSeq: 7}}}, false},
	}
	for _, c := range cases {
		if got, ok := replacedAfter(c.tl, "old"); ok != c.ok {
			t.Errorf("%s: %q %t, want %t", c.name, got, ok, c.ok)
		}
	}
	if _, ok := replacedAfter(tl(7, 9), "another"); ok {
		t.Error("a pod never deleted passed")
	}
	if old, replacement := replaced(tl(7, 9), "old"); old == nil || replacement == nil || replacement.Name != "new" {
		t.Errorf("replaced: %v, %v", old, replacement)
	}
}

// TestLogLinesProblem reads the cron lab's log as documented: the date
// line as busybox date prints it, then the greeting as the notes spell
// it; a log without the date, with another greeting, or with a line that
// is no date, differs.
func TestLogLinesProblem(t *testing.T) {
	const documented = "{date}\nHello from the kubernetes cluseter"
	if p := logLinesProblem("Mon Nov 30 00:50:01 UTC 2026\nHello from the kubernetes cluseter\n", documented); p != "" {
		t.Errorf("the lesson's log: %s", p)
	}
	if p := logLinesProblem("Mon Nov  2 00:50:01 UTC 2026\nHello from the kubernetes cluseter\n", documented); p != "" {
		t.Errorf("a one-digit day, as date pads it: %s", p)
	}
	for _, bad := range []string{"Hello from the kubernetes cluseter\n", "Mon Nov 30 00:50:01 UTC 2026\nHello from the kubernetes cluster\n", "yesterday\nHello from the kubernetes cluseter\n", ""} {
		if p := logLinesProblem(bad, documented); p == "" {
			t.Errorf("%q passed", bad)
		}
	}
}
