package lesson

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CronJobNameProblem checks a CronJob's Job name hello-<n> against its
// scheduled time: on Kubernetes 1.34, n is the scheduled time in minutes
// since the epoch (older controllers used seconds). It returns "" when the
// name fits.
func CronJobNameProblem(cronJob, job string, scheduled time.Time) string {
	n, err := strconv.ParseInt(strings.TrimPrefix(job, cronJob+"-"), 10, 64)
	if !strings.HasPrefix(job, cronJob+"-") || err != nil {
		return job + ": not " + cronJob + "-<number>"
	}
	if scheduled.IsZero() {
		return job + ": no scheduled-timestamp annotation"
	}
	if n*60 != scheduled.Unix() {
		return fmt.Sprintf("%s: scheduled at %s (%d min since the epoch)", job, scheduled.UTC().Format(time.RFC3339), scheduled.Unix()/60)
	}
	return ""
}

// CronNameMinute is the minute a CronJob's Job hello-<n> is named for (n
// minutes since the epoch), read from its name alone; ok is false for a
// name of another shape.
func CronNameMinute(cronJob, job string) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(job, cronJob+"-"), 10, 64)
	if !strings.HasPrefix(job, cronJob+"-") || err != nil {
		return time.Time{}, false
	}
	return time.Unix(n*60, 0).UTC(), true
}

// CronAppearedLate says how a Job appeared against the minute its name
// gives: "" when it was created in that minute, at most lag after it (how
// late a busy controller may act); else what was seen. The creation time
// is the API server's, not the controller's own annotation.
func CronAppearedLate(cronJob, job string, created time.Time, lag time.Duration) string {
	minute, ok := CronNameMinute(cronJob, job)
	if !ok {
		return job + ": not " + cronJob + "-<minute>"
	}
	if d := created.Sub(minute); d < 0 || d > lag {
		return fmt.Sprintf("%s created at %s, %s after %s", job, created.UTC().Format("15:04:05"), d, minute.Format("15:04:05"))
	}
	return ""
}

// Gaps returns the time between consecutive instants.
func Gaps(ts []time.Time) []time.Duration {
	var gaps []time.Duration
	for i := 1; i < len(ts); i++ {
		gaps = append(gaps, ts[i].Sub(ts[i-1]))
	}
	return gaps
}
