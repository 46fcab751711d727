package framework

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/joblab/joblab/internal/kube"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
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
	// Log is the log of the Job's pod, read as soon as the Job finished.
	Log string
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

// WatchCronRuns watches the Jobs of a namespace until runs of them have
// finished and the oldest finished one has been deleted by the CronJob's
// history clean-up. The log of each Job's pod is read when it finishes,
// before the clean-up removes it.
func WatchCronRuns(ctx context.Context, cs kubernetes.Interface, ns string, runs int, timeout time.Duration) (*CronHistory, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var mu sync.Mutex
	hist := &CronHistory{}
	byName := map[string]*CronRun{}
	seen := 0
	lw := kube.ListWatch(cs.BatchV1().Jobs(ns).List, cs.BatchV1().Jobs(ns).Watch, nil)
	_, err := watchtools.UntilWithSync(ctx, lw, &batchv1.Job{}, nil, func(ev watch.Event) (bool, error) {
		j, ok := ev.Object.(*batchv1.Job)
		if !ok || !ownedByCronJob(j) {
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
			run.Log = jobLog(ctx, cs, ns, j.Name)
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
		return hist, &WaitError{What: fmt.Sprintf("%d cron runs in %s and the history clean-up of the oldest", runs, ns), Reason: fmt.Sprintf("not within %s", timeout), LastSeen: hist.String()}
	}
	return hist, nil
}

// ownedByCronJob tells whether a CronJob created the Job; other Jobs of a
// shared namespace are not the lab's.
func ownedByCronJob(j *batchv1.Job) bool {
	ref := metav1.GetControllerOf(j)
	return ref != nil && ref.Kind == "CronJob"
}

func jobLog(ctx context.Context, cs kubernetes.Interface, ns, job string) string {
	pods, err := JobPods(ctx, cs, ns, job)
	if err != nil || len(pods) == 0 {
		return ""
	}
	p := pods[len(pods)-1]
	if len(p.Spec.Containers) == 0 {
		return ""
	}
	log, _ := PodLog(ctx, cs, ns, p.Name, p.Spec.Containers[0].Name)
	return log
}

// WaitForPodsGone watches until no pod matches selector.
func WaitForPodsGone(ctx context.Context, cs kubernetes.Interface, ns, selector string, timeout time.Duration) error {
	lw := kube.ListWatch(cs.CoreV1().Pods(ns).List, cs.CoreV1().Pods(ns).Watch, kube.ByLabels(selector))
	return waitForNone(ctx, lw, &corev1.Pod{}, "pods "+selector+" in "+ns+" to be gone", timeout)
}

// waitForNone watches a list until it is empty.
func waitForNone(ctx context.Context, lw cache.ListerWatcher, obj runtime.Object, what string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	left := map[string]bool{}
	// The precondition sees the synced list: nothing left means done, even
	// though no event would ever say so.
	none := func(store cache.Store) (bool, error) { return len(store.List()) == 0, nil }
	_, err := watchtools.UntilWithSync(ctx, lw, obj, none, func(ev watch.Event) (bool, error) {
		m, err := meta.Accessor(ev.Object)
		if err != nil {
			return false, nil
		}
		left[m.GetName()] = ev.Type != watch.Deleted
		for _, l := range left {
			if l {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		var names []string
		for n, l := range left {
			if l {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		return &WaitError{What: what, Reason: fmt.Sprintf("not within %s", timeout), LastSeen: "still there: " + strings.Join(names, ", ")}
	}
	return nil
}

// WaitForDeploymentAvailable watches a Deployment until it is Available.
func WaitForDeploymentAvailable(ctx context.Context, cs kubernetes.Interface, ns, name string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	lw := kube.ListWatch(cs.AppsV1().Deployments(ns).List, cs.AppsV1().Deployments(ns).Watch, kube.ByFields(sel))
	last := "no deployment seen"
	_, err := watchtools.UntilWithSync(ctx, lw, &appsv1.Deployment{}, nil, func(ev watch.Event) (bool, error) {
		d, ok := ev.Object.(*appsv1.Deployment)
		if !ok {
			return false, nil
		}
		last = fmt.Sprintf("deployment %s: %d/%d available", d.Name, d.Status.AvailableReplicas, d.Status.Replicas)
		for _, c := range d.Status.Conditions {
			if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		pods, _ := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if pods != nil {
			for i := range pods.Items {
				last += "; " + DescribePod(&pods.Items[i])
			}
		}
		return &WaitError{What: fmt.Sprintf("deployment %s/%s to be available", ns, name), Reason: fmt.Sprintf("not within %s", timeout), LastSeen: last}
	}
	return nil
}
