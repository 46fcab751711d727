package framework

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/joblab/joblab/internal/kube"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	watchtools "k8s.io/client-go/tools/watch"
)

// CronRun is one Job a CronJob created, as a watch saw it.
type CronRun struct {
	Name      string
	Created   time.Time
	Scheduled time.Time
	Succeeded int32
	Finished  bool
	Deleted   bool
	// FinishedSeen and DeletedSeen number the watch events at which the
	// run was first seen finished and deleted: the order in which the API
	// server recorded them.
	FinishedSeen, DeletedSeen int
	// Log is the log of the Job's pod, read as soon as the Job finished;
	// LogLost, when the container runtime recorded losing it, says so.
	Log, LogLost string
}

// CronHistory is every run a CronJob made while watched, oldest first.
type CronHistory struct {
	Runs []*CronRun
}

// Finished counts the runs that finished.
func (h CronHistory) Finished() int {
	n := 0
	for _, r := range h.Runs {
		if r.Finished {
			n++
		}
	}
	return n
}

// Kept counts the finished runs that still exist.
func (h CronHistory) Kept() int {
	n := 0
	for _, r := range h.Runs {
		if r.Finished && !r.Deleted {
			n++
		}
	}
	return n
}

func (h CronHistory) String() string {
	var parts []string
	for _, r := range h.Runs {
		state := "running"
		switch {
		case r.Deleted:
			state = "deleted"
		case r.Finished:
			state = fmt.Sprintf("%d/1", r.Succeeded)
		}
		parts = append(parts, r.Name+" "+state)
	}
	if len(parts) == 0 {
		return "no job yet"
	}
	return strings.Join(parts, ", ")
}

// WatchCronRuns watches the Jobs that CronJob cronJob of a namespace makes
// until runs of them have
// finished and the oldest finished one has been deleted by the CronJob's
// history clean-up. The log of each Job's pod is read when it finishes,
// before the clean-up removes it.
func WatchCronRuns(ctx context.Context, cs kubernetes.Interface, ns, cronJob string, runs int, timeout time.Duration) (*CronHistory, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var mu sync.Mutex
	hist := &CronHistory{}
	byName := map[string]*CronRun{}
	seen := 0
	lw := kube.ListWatch(cs.BatchV1().Jobs(ns).List, cs.BatchV1().Jobs(ns).Watch, nil)
	_, err := watchtools.UntilWithSync(ctx, lw, &batchv1.Job{}, nil, func(ev watch.Event) (bool, error) {
		j, ok := ev.Object.(*batchv1.Job)
		if !ok || !ownedByCronJob(j, cronJob) {
			return false, nil
		}
		mu.Lock()
		defer mu.Unlock()
		seen++
		run, ok := byName[j.Name]
		if !ok {
			run = &CronRun{Name: j.Name, Created: j.CreationTimestamp.Time}
			if ts, err := time.Parse(time.RFC3339, j.Annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]); err == nil {
				run.Scheduled = ts
			}
			byName[j.Name] = run
			hist.Runs = append(hist.Runs, run)
			sort.SliceStable(hist.Runs, func(a, b int) bool { return hist.Runs[a].Created.Before(hist.Runs[b].Created) })
		}
		if ev.Type == watch.Deleted && !run.Deleted {
			run.Deleted, run.DeletedSeen = true, seen
		}
		run.Succeeded = j.Status.Succeeded
		if end := jobEnd(j); end != "" && !run.Finished {
			run.Finished, run.FinishedSeen = true, seen
			run.Log, run.LogLost = jobLog(ctx, cs, ns, j.Name)
		}
		if hist.Finished() < runs {
			return false, nil
		}
		for _, r := range hist.Runs {
			if r.Finished {
				return r.Deleted, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return hist, &WaitError{What: fmt.Sprintf("%d runs of CronJob %s/%s and the history clean-up of the oldest", runs, ns, cronJob), Reason: fmt.Sprintf("not within %s", timeout), LastSeen: hist.String()}
	}
	return hist, nil
}

// ownedByCronJob tells whether CronJob name created the Job; other Jobs of
// a shared namespace (another lab's CronJobs' among them) are not the
// lab's.
func ownedByCronJob(j *batchv1.Job, name string) bool {
	ref := metav1.GetControllerOf(j)
	return ref != nil && ref.Kind == "CronJob" && ref.Name == name
}

func jobLog(ctx context.Context, cs kubernetes.Interface, ns, job string) (log, lost string) {
	pods, err := JobPods(ctx, cs, ns, job)
	if err != nil || len(pods) == 0 {
		return "", ""
	}
	p := pods[len(pods)-1]
	if len(p.Spec.Containers) == 0 {
		return "", ""
	}
	log, err = PodLog(ctx, cs, ns, p.Name, p.Spec.Containers[0].Name)
	if IsLogLost(err) {
		return "", err.Error()
	}
	return log, ""
}
