package specs

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/internal/labdef"
	"github.com/joblab/joblab/pkg/framework"
)

// TestWallSchedule: a minute in UTC written in Tokyo's wall time (UTC+9,
// no daylight saving time), worked out by hand.
func TestWallSchedule(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	for utc, want := range map[string]string{
		"2026-12-04T21:04:00Z": "4 6 * * *",   // 06:04 the next day in Tokyo
		"2026-12-04T14:59:00Z": "59 23 * * *", // 23:59 in Tokyo
		"2026-12-04T15:00:00Z": "0 0 * * *",   // midnight in Tokyo
	} {
		m, _ := time.Parse(time.RFC3339, utc)
		if got := wallSchedule(m, tokyo); got != want {
			t.Errorf("%s in Tokyo's wall time: %q, want %q", utc, got, want)
		}
	}
}

// TestCronPolicyFacts: each cronPolicy fact passes on runs as Kubernetes
// makes them under the lab's policy, and fails on the runs of the mutant
// that breaks it (the mutation catalogue's cron-policies mutants).
func TestCronPolicyFacts(t *testing.T) {
	m0 := time.Date(2026, 12, 4, 21, 3, 0, 0, time.UTC)
	m1, m2 := m0.Add(time.Minute), m0.Add(2*time.Minute)
	at := func(s int) time.Time { return m0.Add(time.Duration(s) * time.Second) }
	run := func(cj string, scheduled time.Time, seen, ended, deleted int, failed bool) *framework.CronJobRun {
		r := &framework.CronJobRun{CronJob: cj, Name: cj + "-" + scheduled.Format("1504"), Scheduled: scheduled, Seen: at(seen), Failed: failed}
		if ended > 0 {
			r.Ended = at(ended)
		}
		if deleted > 0 {
			r.Deleted = at(deleted)
		}
		return r
	}
	check := func(cj, of, other string, runs ...*framework.CronJobRun) bool {
		r := &folderRun{minute: m1, window: &cronWindow{first: map[string]time.Time{cj: m0}, runs: runs}}
		var ok bool
		documented := "x"
		r.cronPolicyFact(labdef.Fact{CronPolicy: &labdef.CronPolicyCheck{CronJob: cj, Of: of, Other: other}, Documented: 1}, &documented, func(_ string, b bool) { ok = b })
		return ok
	}
	for _, c := range []struct {
		name, cronJob, of, other string
		runs                     []*framework.CronJobRun
		want                     bool
	}{
		// Allow: the second run (seen at 61 s) starts before the first
		// (90 s) ends.
		{"allow", "a", labdef.PolicyOverlap, "", []*framework.CronJobRun{run("a", m0, 1, 92, 0, false), run("a", m1, 61, 0, 0, false)}, true},
		{"allow is forbid", "a", labdef.PolicyOverlap, "", []*framework.CronJobRun{run("a", m0, 1, 92, 0, false), run("a", m1, 93, 0, 0, false)}, false},
		{"allow, one run", "a", labdef.PolicyOverlap, "", []*framework.CronJobRun{run("a", m0, 1, 92, 0, false)}, false},
		// Forbid: the skipped run starts once the first has ended.
		{"forbid", "f", labdef.PolicyStartsLate, "", []*framework.CronJobRun{run("f", m0, 1, 92, 0, false), run("f", m1, 93, 0, 0, false)}, true},
		{"forbid, the third minute's", "f", labdef.PolicyStartsLate, "", []*framework.CronJobRun{run("f", m0, 1, 125, 0, false), run("f", m2, 126, 0, 0, false)}, true},
		{"forbid is allow", "f", labdef.PolicyStartsLate, "", []*framework.CronJobRun{run("f", m0, 1, 92, 0, false), run("f", m1, 61, 0, 0, false)}, false},
		{"forbid, never late", "f", labdef.PolicyStartsLate, "", []*framework.CronJobRun{run("f", m0, 1, 92, 0, false)}, false},
		// Forbid with a deadline of 20 s: the second minute's is missed.
		{"deadline", "d", labdef.PolicyMissed, "", []*framework.CronJobRun{run("d", m0, 1, 92, 0, false), run("d", m2, 121, 0, 0, false)}, true},
		{"deadline 120", "d", labdef.PolicyMissed, "", []*framework.CronJobRun{run("d", m0, 1, 92, 0, false), run("d", m1, 93, 0, 0, false)}, false},
		// Replace: the first deleted while running, the second runs.
		{"replace", "r", labdef.PolicyReplaced, "", []*framework.CronJobRun{run("r", m0, 1, 0, 61, false), run("r", m1, 61, 0, 0, false)}, true},
		{"replace is allow", "r", labdef.PolicyReplaced, "", []*framework.CronJobRun{run("r", m0, 1, 92, 0, false), run("r", m1, 61, 0, 0, false)}, false},
		// Suspended: nothing.
		{"suspended", "s", labdef.PolicyNone, "", nil, true},
		{"not suspended", "s", labdef.PolicyNone, "", []*framework.CronJobRun{run("s", m0, 1, 7, 0, false)}, false},
		{"first minute", "t", labdef.PolicyFirstMinute, "", []*framework.CronJobRun{run("t", m0, 1, 7, 0, false)}, true},
		{"first minute missing", "t", labdef.PolicyFirstMinute, "", []*framework.CronJobRun{run("t", m1, 61, 67, 0, false)}, false},
		// The zone: a run of the Tokyo one at the scheduled minute (m1),
		// none of the UTC one.
		{"zone", "tokyo", labdef.PolicyScheduledOnly, "utc", []*framework.CronJobRun{run("tokyo", m1, 61, 62, 0, false)}, true},
		{"zone ignored", "tokyo", labdef.PolicyScheduledOnly, "utc", []*framework.CronJobRun{run("utc", m1, 61, 62, 0, false)}, false},
		{"zone, both", "tokyo", labdef.PolicyScheduledOnly, "utc", []*framework.CronJobRun{run("tokyo", m1, 61, 62, 0, false), run("utc", m1, 61, 62, 0, false)}, false},
		// failedJobsHistoryLimit 1: the first goes once the second has
		// failed; the second stays until the third has.
		{"failed kept", "c", labdef.PolicyFailedKept, "", []*framework.CronJobRun{run("c", m0, 1, 4, 64, true), run("c", m1, 61, 64, 124, true), run("c", m2, 121, 124, 0, true)}, true},
		{"failed kept, watch ends early", "c", labdef.PolicyFailedKept, "", []*framework.CronJobRun{run("c", m0, 1, 4, 64, true), run("c", m1, 61, 64, 0, true)}, true},
		{"failed history 2", "c", labdef.PolicyFailedKept, "", []*framework.CronJobRun{run("c", m0, 1, 4, 124, true), run("c", m1, 61, 64, 0, true), run("c", m2, 121, 124, 0, true)}, false},
		{"failed history 0", "c", labdef.PolicyFailedKept, "", []*framework.CronJobRun{run("c", m0, 1, 4, 4, true), run("c", m1, 61, 64, 64, true)}, false},
	} {
		if got := check(c.cronJob, c.of, c.other, c.runs...); got != c.want {
			t.Errorf("%s: %s passes %t, want %t", c.name, c.of, got, c.want)
		}
	}
}

// TestCrashFacts: the lost pod's replacement on another node, and its
// fate, from the pods a crash saw.
func TestCrashFacts(t *testing.T) {
	victim := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "lost", UID: "1"}, Spec: corev1.PodSpec{NodeName: "worker"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	terminating := victim
	terminating.DeletionTimestamp = ptr.To(metav1.Now())
	succeeded := victim
	succeeded.Status.Phase = corev1.PodSucceeded
	elsewhere := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "new", UID: "2"}, Spec: corev1.PodSpec{NodeName: "worker2"}}
	same := elsewhere
	same.Spec.NodeName = "worker"
	pending := elsewhere
	pending.Spec.NodeName = ""
	check := func(f labdef.Fact, pods ...corev1.Pod) bool {
		r := &folderRun{crash: map[string]*nodeCrash{"j": {node: "worker", victim: &victim, pods: pods}}}
		var ok bool
		r.crashFact(f, func(_ string, b bool) { ok = b })
		return ok
	}
	replaced := labdef.Fact{ReplacedElsewhere: &labdef.JobRef{Job: "j"}}
	fate := labdef.Fact{LostPodFate: &labdef.JobRef{Job: "j"}}
	for _, c := range []struct {
		name string
		f    labdef.Fact
		pods []corev1.Pod
		want bool
	}{
		{"replaced on another node", replaced, []corev1.Pod{terminating, elsewhere}, true},
		{"replaced on the lost node", replaced, []corev1.Pod{terminating, same}, false},
		{"replacement not scheduled", replaced, []corev1.Pod{terminating, pending}, false},
		{"no replacement", replaced, []corev1.Pod{terminating}, false},
		{"lost pod Terminating", fate, []corev1.Pod{terminating, elsewhere}, true},
		{"lost pod deleted", fate, []corev1.Pod{elsewhere}, true},
		{"lost pod Succeeded", fate, []corev1.Pod{succeeded, elsewhere}, false},
		{"lost pod still Running", fate, []corev1.Pod{victim, elsewhere}, false},
	} {
		if got := check(c.f, c.pods...); got != c.want {
			t.Errorf("%s: passes %t, want %t", c.name, got, c.want)
		}
	}
}
