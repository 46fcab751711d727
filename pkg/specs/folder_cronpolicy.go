package specs

// The applyScheduled and cronMinutes steps of the lab folders, and the
// cronPolicy facts that read what cronMinutes saw: what a CronJob does
// when a run outlives its minute, when it is suspended, in a time zone,
// and with a failed-Jobs limit.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the checker's own time zone database, not the cluster's

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/internal/labdef"
	"github.com/joblab/joblab/pkg/framework"
)

// The cronMinutes window: until cronPast past the last watched minute (the
// first long runs of 90 s end about 30 s past the second minute and a
// Forbid run starts late then, with room for slow pod starts); where a
// late run is awaited and has not started by then (a class run of three
// namespaces on 2 cores started a first run more than 50 s late), on until
// it has, up to cronLatest past: each further minute is more load on a
// busy cluster, so no longer than needed.
const (
	cronPast   = 80 * time.Second
	cronLatest = 150 * time.Second
)

// cronWindow is what a cronMinutes step saw.
type cronWindow struct {
	// first is each CronJob's first scheduled minute after it was
	// created.
	first map[string]time.Time
	runs  []*framework.CronJobRun
}

// scheduledMinute is the Minute-th whole minute in which every CronJob of
// the lab so far runs: the latest first minute among them, plus Minute-1.
func (r *folderRun) scheduledMinute(ctx context.Context, minute int) time.Time {
	cjs, err := r.in.Env.Client.BatchV1().CronJobs(r.lab.Namespace).List(ctx, metav1.ListOptions{})
	Expect(err).NotTo(HaveOccurred())
	var last time.Time
	for _, cj := range cjs.Items {
		if m := cj.CreationTimestamp.Truncate(time.Minute).Add(time.Minute); m.After(last) {
			last = m
		}
	}
	if last.IsZero() {
		last = time.Now().Truncate(time.Minute).Add(time.Minute)
	}
	return last.Add(time.Duration(minute-1) * time.Minute)
}

// wallSchedule is the cron schedule of minute m in a time zone's wall
// time: "M H * * *".
func wallSchedule(m time.Time, zone *time.Location) string {
	t := m.In(zone)
	return fmt.Sprintf("%d %d * * *", t.Minute(), t.Hour())
}

// applyScheduled applies a file of the folder with {schedule} made the
// cron schedule of one minute of the lab in a time zone's wall time.
func (r *folderRun) applyScheduled(ctx context.Context, a *labdef.ApplyScheduled) {
	lab := r.lab
	zone, err := time.LoadLocation(a.WallTime)
	Expect(err).NotTo(HaveOccurred(), "labdef.Parse lets no unknown time zone through")
	r.minute = r.scheduledMinute(ctx, a.Minute)
	schedule := wallSchedule(r.minute, zone)
	lab.Step(fmt.Sprintf("kubectl apply -f %s with schedule %q (%s UTC in %s's wall time)", a.File, schedule, r.minute.UTC().Format("15:04"), a.WallTime))
	data, err := r.in.Lab.ReadManifest(a.File)
	Expect(err).NotTo(HaveOccurred())
	data = []byte(strings.ReplaceAll(string(data), "{schedule}", schedule))
	Expect(lab.ApplyData(ctx, a.File, data)).To(Succeed())
}

// cronMinutes watches the Jobs of the CronJobs over their first minutes.
func (r *folderRun) cronMinutes(ctx context.Context, c *labdef.CronMinutes) {
	lab, cs, ns := r.lab, r.in.Env.Client, r.lab.Namespace
	w := &cronWindow{first: map[string]time.Time{}}
	var m1, last time.Time
	for _, name := range c.CronJobs {
		cj, err := cs.BatchV1().CronJobs(ns).Get(ctx, name, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		// An apply can straddle a minute boundary: the CronJobs created
		// after it start a minute later than those created before.
		m := cj.CreationTimestamp.Truncate(time.Minute).Add(time.Minute)
		w.first[name] = m
		if m1.IsZero() || m.Before(m1) {
			m1 = m
		}
		if end := m.Add(time.Duration(c.Minutes-1) * time.Minute); end.After(last) {
			last = end
		}
	}
	soft, until := last.Add(cronPast), last.Add(cronLatest)
	var enough func([]*framework.CronJobRun) bool
	waiting := ""
	if c.LateRun != "" {
		waiting = fmt.Sprintf(" (or until %s's late run starts, up to %s)", c.LateRun, until.UTC().Format("15:04:05"))
		enough = func(runs []*framework.CronJobRun) bool {
			return slices.ContainsFunc(runs, func(run *framework.CronJobRun) bool {
				return run.CronJob == c.LateRun && run.Scheduled.After(w.first[c.LateRun])
			})
		}
	}
	lab.Step(fmt.Sprintf("watching the CronJobs' Jobs over their first %d minutes, %s to %s, until %s%s", c.Minutes, m1.UTC().Format("15:04"), last.UTC().Format("15:04"), soft.UTC().Format("15:04:05"), waiting))
	runs, err := framework.WatchCronJobRuns(ctx, cs, ns, append(slices.Clone(c.CronJobs), c.AlsoWatch...), soft, until, enough)
	Expect(err).NotTo(HaveOccurred())
	w.runs = runs
	r.window = w
}

// runOf is the CronJob's run of its first (0) or second (1) minute.
func (w *cronWindow) runOf(cronJob string, minute int) *framework.CronJobRun {
	return w.runAt(cronJob, w.first[cronJob].Add(time.Duration(minute)*time.Minute))
}

// runAt is the CronJob's run scheduled at m.
func (w *cronWindow) runAt(cronJob string, m time.Time) *framework.CronJobRun {
	for _, run := range w.runs {
		if run.CronJob == cronJob && run.Scheduled.Equal(m) {
			return run
		}
	}
	return nil
}

// after is the CronJob's first run scheduled later than minute.
func (w *cronWindow) after(cronJob string, minute time.Time) *framework.CronJobRun {
	var first *framework.CronJobRun
	for _, run := range w.runs {
		if run.CronJob == cronJob && run.Scheduled.After(minute) && (first == nil || run.Scheduled.Before(first.Scheduled)) {
			first = run
		}
	}
	return first
}

// of is every run of the CronJob, as the report shows them.
func (w *cronWindow) of(cronJob string) string {
	var parts []string
	for _, run := range w.runs {
		if run.CronJob == cronJob {
			parts = append(parts, run.String())
		}
	}
	if len(parts) == 0 {
		return "no Job"
	}
	return strings.Join(parts, "; ")
}

// cronPolicyFact checks a fact of the runs the cronMinutes step saw. The
// documented value is the lesson's words; the verdict is the runs' order,
// computed here.
func (r *folderRun) cronPolicyFact(f labdef.Fact, documented *string, add func(string, bool)) {
	w, c := r.window, f.CronPolicy
	if w == nil {
		add("no cronMinutes step watched the runs", false)
		return
	}
	name := c.CronJob
	first, second := w.runOf(name, 0), w.runOf(name, 1)
	switch c.Of {
	case labdef.PolicyOverlap:
		add(w.of(name), first != nil && second != nil && (first.Ended.IsZero() || second.Seen.Before(first.Ended)))
	case labdef.PolicyStartsLate:
		// The latest skipped minute's run starts late: the second minute's
		// when the first run ends before the third minute, the third's
		// when its pod was slow to start; either waits.
		next := w.after(name, w.first[name])
		add(w.of(name), first != nil && next != nil && !first.Ended.IsZero() && !next.Seen.Before(first.Ended))
	case labdef.PolicyMissed:
		add(w.of(name), first != nil && second == nil)
	case labdef.PolicyReplaced:
		add(w.of(name), first != nil && second != nil && !first.Deleted.IsZero() && (first.Ended.IsZero() || first.Ended.After(second.Seen.Add(-time.Second))))
	case labdef.PolicyNone:
		add(w.of(name), w.of(name) == "no Job")
	case labdef.PolicyFirstMinute:
		add(w.of(name), first != nil)
	case labdef.PolicyScheduledOnly:
		*documented = strings.ReplaceAll(*documented, "{minute}", r.minute.UTC().Format("15:04"))
		add(fmt.Sprintf("%s: %s; %s: %s", name, w.of(name), c.Other, w.of(c.Other)), !r.minute.IsZero() && w.runAt(name, r.minute) != nil && w.of(c.Other) == "no Job")
	case labdef.PolicyFailedKept:
		// failedJobsHistoryLimit 1: once the second run has failed, the
		// first's is deleted, and not before; the second stays until a
		// third has failed. A count of the failed Jobs left at the end
		// could catch the window closing between the third's failure and
		// the controller's clean-up. Limit 2 keeps the first until a third
		// failure, limit 0 deletes each at once.
		third := w.after(name, w.first[name].Add(time.Minute))
		ok := first != nil && second != nil && first.Failed && second.Failed &&
			!first.Deleted.IsZero() && !first.Deleted.Before(second.Ended) && // the first goes once the second has failed
			(second.Deleted.IsZero() || (third != nil && !third.Ended.IsZero() && !second.Deleted.Before(third.Ended))) && // the second stays until a third has
			(third == nil || third.Ended.IsZero() || first.Deleted.Before(third.Ended)) // and the first went before that
		add(w.of(name), ok)
	}
}
