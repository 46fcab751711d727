package specs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// ModernInput is the input of the modern track's specs.
type ModernInput struct {
	Env *framework.Env
	Lab string
}

// cronPolicyJobs are the CronJobs of modern/cron-policies.yaml.
var cronPolicyJobs = []string{"cron-allow", "cron-forbid", "cron-forbid-deadline", "cron-replace", "cron-suspended", "cron-tokyo", "cron-failing"}

// CronPoliciesSpec is what a CronJob does when a run outlives its minute,
// when it is suspended, in a time zone, and with a failed-Jobs limit,
// watched over two scheduled minutes.
func CronPoliciesSpec(ctx context.Context, in ModernInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("a CronJob in time zone " + lesson.CronBadTimeZone + " is refused")
	badZone := createBadZoneCronJob(ctx, cs, ns, in.Lab)
	refused := apierrors.IsInvalid(badZone) && strings.Contains(badZone.Error(), lesson.CronTimeZoneField)
	r.Add("a CronJob whose timeZone is not in the time zone database", fmt.Sprintf("refused: %s, naming %s", lesson.CronUnknownZoneReason, lesson.CronTimeZoneField), badZoneOutcome(badZone), refused)

	lab.Step("kubectl apply -f modern/cron-policies.yaml")
	lab.Apply(ctx, "modern/cron-policies.yaml")
	// Each CronJob's first two scheduled minutes after it was created: an
	// apply can straddle a minute boundary, and then the CronJobs created
	// after it start a minute later than those created before.
	firstMinute := map[string]time.Time{}
	var m1, m2 time.Time
	for _, name := range cronPolicyJobs {
		cj, err := cs.BatchV1().CronJobs(ns).Get(ctx, name, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		m := cj.CreationTimestamp.Truncate(time.Minute).Add(time.Minute)
		firstMinute[name] = m
		if m1.IsZero() || m.Before(m1) {
			m1 = m
		}
		if m.Add(time.Minute).After(m2) {
			m2 = m.Add(time.Minute)
		}
	}
	// Until 80 s past the last second minute: the first long runs end about
	// 30 s past it (their 90 s) and Forbid's late run starts then, with room
	// for slow pod starts; what a later minute brings changes no fact below.
	// Where Forbid's late run has not started by then (a class run of three
	// namespaces on 2 cores started a first run more than 50 s late), on
	// until it has, up to 150 s past: the CronJobs' every further minute is
	// more load on a busy cluster, so no longer than needed.
	soft, until := m2.Add(80*time.Second), m2.Add(150*time.Second)
	// A schedule whose next run differs between zones: minute m2 written
	// in Tokyo's wall time ("M H * * *"), once in Asia/Tokyo, once in
	// Etc/UTC. Only the Tokyo one may run in the window: a cluster that
	// ignored timeZone would run neither (or the UTC one).
	zoneSchedule := tokyoSchedule(m2)
	lab.Step(fmt.Sprintf("two CronJobs with schedule %q (%s UTC in Tokyo's wall time): one in Asia/Tokyo, one in Etc/UTC", zoneSchedule, m2.UTC().Format("15:04")))
	for name, zone := range map[string]string{zoneTokyo: "Asia/Tokyo", zoneUTC: "Etc/UTC"} {
		Expect(createZoneCronJob(ctx, cs, ns, in.Lab, name, zone, zoneSchedule)).To(Succeed())
	}
	lab.Step(fmt.Sprintf("watching the CronJobs' Jobs over their first two minutes, %s to %s, until %s (or until Forbid's late run starts, up to %s)", m1.UTC().Format("15:04"), m2.UTC().Format("15:04"), soft.UTC().Format("15:04:05"), until.UTC().Format("15:04:05")))
	forbidLate := func(runs []*framework.CronJobRun) bool {
		for _, run := range runs {
			if run.CronJob == "cron-forbid" && run.Scheduled.After(firstMinute["cron-forbid"]) {
				return true
			}
		}
		return false
	}
	runs, err := framework.WatchCronJobRuns(ctx, cs, ns, append(slices.Clone(cronPolicyJobs), zoneTokyo, zoneUTC), soft, until, forbidLate)
	Expect(err).NotTo(HaveOccurred())
	// runOf is the CronJob's run of its first (0) or second (1) minute.
	runOf := func(cronJob string, minute int) *framework.CronJobRun {
		want := firstMinute[cronJob].Add(time.Duration(minute) * time.Minute)
		for _, run := range runs {
			if run.CronJob == cronJob && run.Scheduled.Equal(want) {
				return run
			}
		}
		return nil
	}
	// after is the CronJob's first run scheduled later than minute.
	after := func(cronJob string, minute time.Time) *framework.CronJobRun {
		var first *framework.CronJobRun
		for _, run := range runs {
			if run.CronJob == cronJob && run.Scheduled.After(minute) && (first == nil || run.Scheduled.Before(first.Scheduled)) {
				first = run
			}
		}
		return first
	}
	of := func(cronJob string) string {
		var parts []string
		for _, run := range runs {
			if run.CronJob == cronJob {
				parts = append(parts, run.String())
			}
		}
		if len(parts) == 0 {
			return "no Job"
		}
		return strings.Join(parts, "; ")
	}

	// Allow: the second minute's run starts while the first still runs.
	a1, a2 := runOf("cron-allow", 0), runOf("cron-allow", 1)
	r.Add("concurrencyPolicy Allow: the second minute's Job starts while the first runs", "two Jobs at once", of("cron-allow"),
		a1 != nil && a2 != nil && (a1.Ended.IsZero() || a2.Seen.Before(a1.Ended)))

	// Forbid: no run while the first is active; then the latest skipped
	// minute's run starts late (no startingDeadlineSeconds). That is the
	// second minute's when the first run ends before the third minute, the
	// third's when its pod was slow to start: either waits.
	f1, f2 := runOf("cron-forbid", 0), after("cron-forbid", firstMinute["cron-forbid"])
	r.Add("concurrencyPolicy Forbid: the next Job waits until the first has finished, then starts late", "started after the first ended",
		of("cron-forbid"), f1 != nil && f2 != nil && !f1.Ended.IsZero() && !f2.Seen.Before(f1.Ended))

	// Forbid with startingDeadlineSeconds 20: the skipped run is missed
	// (the first run ends some 30 s after the second minute).
	d1, d2 := runOf("cron-forbid-deadline", 0), runOf("cron-forbid-deadline", 1)
	r.Add("Forbid with startingDeadlineSeconds 20: the skipped minute's Job never starts", "the first minute's Job only", of("cron-forbid-deadline"), d1 != nil && d2 == nil)

	// Replace: the first run is deleted while running, the second runs.
	p1, p2 := runOf("cron-replace", 0), runOf("cron-replace", 1)
	r.Add("concurrencyPolicy Replace: the running Job is deleted and the second minute's Job runs", "first deleted while running, second running",
		of("cron-replace"), p1 != nil && p2 != nil && !p1.Deleted.IsZero() && (p1.Ended.IsZero() || p1.Ended.After(p2.Seen.Add(-time.Second))))

	r.Equal("suspend: true: Jobs of the suspended CronJob", "no Job", of("cron-suspended"))
	t1 := runOf("cron-tokyo", 0)
	r.Add("timeZone Asia/Tokyo: scheduled every minute all the same", "a Job for the first minute", of("cron-tokyo"), t1 != nil)
	var tokyoRun *framework.CronJobRun
	for _, run := range runs {
		if run.CronJob == zoneTokyo && run.Scheduled.Equal(m2) {
			tokyoRun = run
		}
	}
	r.Add("timeZone: a schedule in Tokyo's wall time runs in Asia/Tokyo, not in Etc/UTC", fmt.Sprintf("Asia/Tokyo: a Job for %s UTC; Etc/UTC: no Job", m2.UTC().Format("15:04")),
		fmt.Sprintf("Asia/Tokyo: %s; Etc/UTC: %s", of(zoneTokyo), of(zoneUTC)), tokyoRun != nil && of(zoneUTC) == "no Job")

	// failedJobsHistoryLimit 1: once the second minute's run has failed,
	// the first's is deleted, and not before; the second stays until a
	// third has failed. A count of the failed Jobs left at the end could
	// catch the window closing between the third's failure and the
	// controller's clean-up. Limit 2 keeps the first until a third failure,
	// limit 0 deletes each at once.
	c1, c2 := runOf("cron-failing", 0), runOf("cron-failing", 1)
	c3 := after("cron-failing", firstMinute["cron-failing"].Add(time.Minute))
	limitKept := c1 != nil && c2 != nil && c1.Failed && c2.Failed &&
		!c1.Deleted.IsZero() && !c1.Deleted.Before(c2.Ended) && // the first goes once the second has failed
		(c2.Deleted.IsZero() || (c3 != nil && !c3.Ended.IsZero() && !c2.Deleted.Before(c3.Ended))) && // the second stays until a third has
		(c3 == nil || c3.Ended.IsZero() || c1.Deleted.Before(c3.Ended)) // and the first went before that
	r.Add(fmt.Sprintf("failedJobsHistoryLimit %d: failed Jobs kept after two failed runs", lesson.CronFailedKept), fmt.Sprintf("%d kept, the older deleted", lesson.CronFailedKept), of("cron-failing"), limitKept)
	lab.Verify()
}

// The CronJobs of the time-zone check, made by the spec (their schedule
// depends on when it runs).
const (
	zoneTokyo = "cron-zone-tokyo"
	zoneUTC   = "cron-zone-utc"
)

// tokyo is Japan's time: UTC+9, with no daylight saving time since 1951;
// the checker's own, not the cluster's time zone database.
var tokyo = time.FixedZone("JST", 9*60*60)

// tokyoSchedule is the cron schedule of minute m in Tokyo's wall time:
// "M H * * *".
func tokyoSchedule(m time.Time) string {
	t := m.In(tokyo)
	return fmt.Sprintf("%d %d * * *", t.Minute(), t.Hour())
}

// createZoneCronJob creates a CronJob of the lab in a time zone, whose
// Job's pod ends at once.
func createZoneCronJob(ctx context.Context, cs kubernetes.Interface, ns, lab, name, zone, schedule string) error {
	cj := &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: framework.LabLabels(lab)},
		Spec: batchv1.CronJobSpec{
			Schedule: schedule,
			TimeZone: ptr.To(zone),
			JobTemplate: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: framework.LabLabels(lab)},
				Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: framework.LabLabels(lab)},
					Spec: corev1.PodSpec{
						RestartPolicy: corev1.RestartPolicyNever,
						Containers:    []corev1.Container{{Name: "busybox", Image: "busybox:1", Command: []string{"true"}}},
					},
				}},
			},
		},
	}
	_, err := cs.BatchV1().CronJobs(ns).Create(ctx, cj, metav1.CreateOptions{})
	return err
}

// createBadZoneCronJob asks the API server for a CronJob in a time zone
// that does not exist, labelled as the lab's so that, were it accepted,
// the clean-up would remove it.
func createBadZoneCronJob(ctx context.Context, cs kubernetes.Interface, ns, lab string) error {
	cj := &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "cron-bad-zone", Labels: framework.LabLabels(lab)},
		Spec: batchv1.CronJobSpec{
			Schedule: "*/1 * * * *",
			TimeZone: ptr.To(lesson.CronBadTimeZone),
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever,
				Containers:    []corev1.Container{{Name: "busybox", Image: "busybox:1", Command: []string{"true"}}},
			}}}},
		},
	}
	_, err := cs.BatchV1().CronJobs(ns).Create(ctx, cj, metav1.CreateOptions{})
	return err
}

// badZoneOutcome says what the API server answered.
func badZoneOutcome(err error) string {
	if err == nil {
		return "accepted"
	}
	return fmt.Sprintf("refused: %s: %v", apierrors.ReasonForError(err), err)
}
