package framework

import (
	"context"
	"fmt"
	"github.com/onsi/ginkgo/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/joblab/joblab/internal/kube"
)

// JobCondition returns the Job's condition of that type, or nil.
func JobCondition(j *batchv1.Job, t batchv1.JobConditionType) *batchv1.JobCondition {
	if j == nil {
		return nil
	}
	for i := range j.Status.Conditions {
		if j.Status.Conditions[i].Type == t {
			return &j.Status.Conditions[i]
		}
	}
	return nil
}

// ConditionSummary is "True (reason)" for a condition, "absent" for none.
func ConditionSummary(c *batchv1.JobCondition) string {
	if c == nil {
		return "absent"
	}
	return fmt.Sprintf("%s (%s)", c.Status, c.Reason)
}

// WatchJobUntil watches one Job, calls observe with every state it is seen
// in, and returns once done says so (or the Job is deleted: an error),
// with the last state seen.
func WatchJobUntil(ctx context.Context, cs kubernetes.Interface, ns, name, what string, timeout time.Duration, observe func(*batchv1.Job), done func(*batchv1.Job) bool) (*batchv1.Job, error) {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	lw := kube.ListWatch(cs.BatchV1().Jobs(ns).List, cs.BatchV1().Jobs(ns).Watch, kube.ByFields(sel))
	return WatchUntil(ctx, lw, fmt.Sprintf("job %s/%s: %s", ns, name, what), timeout, nil, func(t watch.EventType, j *batchv1.Job) (bool, error) {
		if t == watch.Deleted {
			return false, stop("the job was deleted")
		}
		if observe != nil {
			observe(j)
		}
		return done(j), nil
	}, DescribeJob)
}

// WatchJobGoneInBackground watches, from now, for the removal of a Job
// that may not be there yet: seen, then gone (the TTL controller's or a
// CronJob's doing). wait returns when its deletion was asked (its
// deletionTimestamp, else when it was seen gone), or why it was not seen
// go within timeout.
func WatchJobGoneInBackground(ctx context.Context, cs kubernetes.Interface, ns, name string, timeout time.Duration) (wait func() (time.Time, error)) {
	type result struct {
		asked time.Time
		err   error
	}
	done := make(chan result, 1)
	go func() {
		defer ginkgo.GinkgoRecover()
		sel := fields.OneTermEqualSelector("metadata.name", name).String()
		lw := kube.ListWatch(cs.BatchV1().Jobs(ns).List, cs.BatchV1().Jobs(ns).Watch, kube.ByFields(sel))
		var asked time.Time
		seen := false
		mark := func(j *batchv1.Job) {
			seen = true
			if asked.IsZero() && j.DeletionTimestamp != nil {
				asked = j.DeletionTimestamp.Time
			}
		}
		gone := func(store cache.Store) (bool, error) {
			for _, o := range store.List() {
				if j, ok := o.(*batchv1.Job); ok {
					mark(j)
				}
			}
			return seen && len(store.List()) == 0, nil
		}
		_, err := WatchUntil(ctx, lw, fmt.Sprintf("job %s/%s to be created, then removed", ns, name), timeout, gone, func(t watch.EventType, j *batchv1.Job) (bool, error) {
			mark(j)
			return t == watch.Deleted, nil
		}, DescribeJob)
		if asked.IsZero() && err == nil {
			asked = time.Now()
		}
		done <- result{asked, err}
	}()
	return func() (time.Time, error) {
		r := <-done
		return r.asked, r.err
	}
}

// PodsCreatedWithin watches the pods of selector for window and returns
// the names of those that existed or were created meanwhile: none is what
// a suspended Job shows.
func PodsCreatedWithin(ctx context.Context, cs kubernetes.Interface, ns, selector string, window time.Duration) ([]string, error) {
	lw := kube.ListWatch(cs.CoreV1().Pods(ns).List, cs.CoreV1().Pods(ns).Watch, kube.ByLabels(selector))
	seen := map[string]bool{}
	var names []string
	_, err := WatchUntil(ctx, lw, fmt.Sprintf("pods of %s in %s for %s", selector, ns, window), window, nil, func(_ watch.EventType, p *corev1.Pod) (bool, error) {
		if !seen[p.Name] {
			seen[p.Name] = true
			names = append(names, p.Name)
		}
		return false, nil
	}, DescribePod)
	if timedOut(err) {
		err = nil // the window passed: what was wanted
	}
	return names, err
}

// EvictPod asks the API server to evict a pod (policy/v1 Eviction), as
// kubectl drain does: the pod gets the DisruptionTarget condition and is
// stopped.
func EvictPod(ctx context.Context, cs kubernetes.Interface, ns, name string) error {
	return cs.PolicyV1().Evictions(ns).Evict(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}})
}

// ResumeJob sets spec.suspend to false, as kubectl patch does.
func ResumeJob(ctx context.Context, cs kubernetes.Interface, ns, name string) error {
	_, err := cs.BatchV1().Jobs(ns).Patch(ctx, name, types.MergePatchType, []byte(`{"spec":{"suspend":false}}`), metav1.PatchOptions{})
	return err
}

// CronJobRun is one Job a CronJob made, as one watch saw it: its times
// are this process's clock when the watch saw each change, so that they
// order against each other.
type CronJobRun struct {
	CronJob, Name string
	// Scheduled is the CronJob's scheduled time of the run (its Job's
	// annotation).
	Scheduled time.Time
	// Seen, Ended and Deleted are when the watch first saw the Job, saw it
	// finished (Complete or Failed), and saw it deleted; zero when not.
	Seen, Ended, Deleted time.Time
	Failed               bool
}

func (r *CronJobRun) String() string {
	state := "running"
	switch {
	case !r.Deleted.IsZero() && r.Ended.IsZero():
		state = "deleted while running"
	case !r.Deleted.IsZero():
		state = "finished, then deleted"
	case r.Failed:
		state = "failed"
	case !r.Ended.IsZero():
		state = "complete"
	}
	return fmt.Sprintf("%s (scheduled %s) %s", r.Name, r.Scheduled.UTC().Format("15:04:05"), state)
}

// WatchCronJobRuns records every Job that the named CronJobs of ns make: a
// window of the CronJobs' schedule, watched until soft when enough (given
// the runs so far) holds by then, else until it holds, and never past
// until. A nil enough always holds.
func WatchCronJobRuns(ctx context.Context, cs kubernetes.Interface, ns string, cronJobs []string, soft, until time.Time, enough func([]*CronJobRun) bool) ([]*CronJobRun, error) {
	var mu sync.Mutex
	var runs []*CronJobRun
	byName := map[string]*CronJobRun{}
	lw := kube.ListWatch(cs.BatchV1().Jobs(ns).List, cs.BatchV1().Jobs(ns).Watch, nil)
	window := time.Until(until)
	done := func() bool { return !time.Now().Before(soft) && (enough == nil || enough(runs)) }
	// After soft, a run that is enough may already be there: look once a
	// second, since no further event need come.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopped := false
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				mu.Lock()
				if done() {
					stopped = true
					mu.Unlock()
					cancel()
					return
				}
				mu.Unlock()
			}
		}
	}()
	_, err := WatchUntil(ctx, lw, fmt.Sprintf("the Jobs of CronJobs %s in %s until %s", strings.Join(cronJobs, ", "), ns, until.UTC().Format("15:04:05")), window, nil, func(t watch.EventType, j *batchv1.Job) (bool, error) {
		ref := metav1.GetControllerOf(j)
		if ref == nil || ref.Kind != "CronJob" || !slices.Contains(cronJobs, ref.Name) {
			return false, nil
		}
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		run, ok := byName[j.Name]
		if !ok {
			run = &CronJobRun{CronJob: ref.Name, Name: j.Name, Seen: now}
			if ts, err := time.Parse(time.RFC3339, j.Annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]); err == nil {
				run.Scheduled = ts
			}
			byName[j.Name] = run
			runs = append(runs, run)
		}
		if end := jobEnd(j); end != "" && run.Ended.IsZero() {
			run.Ended, run.Failed = now, end == JobFailed
		}
		if t == watch.Deleted && run.Deleted.IsZero() {
			run.Deleted = now
		}
		return done(), nil
	}, DescribeJob)
	mu.Lock()
	defer mu.Unlock()
	if timedOut(err) || stopped {
		err = nil // the window passed, or enough was seen: what was wanted
	}
	sort.SliceStable(runs, func(a, b int) bool { return runs[a].Seen.Before(runs[b].Seen) })
	return runs, err
}

// WaitForRunningPod watches the pods of selector until one runs (and is
// not being deleted), and returns it.
func WaitForRunningPod(ctx context.Context, cs kubernetes.Interface, ns, selector string, timeout time.Duration) (*corev1.Pod, error) {
	lw := kube.ListWatch(cs.CoreV1().Pods(ns).List, cs.CoreV1().Pods(ns).Watch, kube.ByLabels(selector))
	return WatchUntil(ctx, lw, fmt.Sprintf("a running pod of %s in %s", selector, ns), timeout, nil, func(t watch.EventType, p *corev1.Pod) (bool, error) {
		return t != watch.Deleted && p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning, nil
	}, DescribePod)
}
