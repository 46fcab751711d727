package framework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/joblab/joblab/internal/kube"
)

// freshStart is how recently a pod's container must have started for
// WaitForFreshRunningPod to pick it at once: well inside the lesson's
// 5-second pods, so the deletion lands while the pod still runs.
const freshStart = 2 * time.Second

// freshWindow is how long WaitForFreshRunningPod waits for a freshly
// started pod before it takes any running one.
const freshWindow = 10 * time.Second

// WaitForFreshRunningPod watches the pods of selector until one runs whose
// container started within the last freshStart, skipping the names in
// exclude, and returns it. When none has within freshWindow, it takes any
// running pod: a second watch, whose first list also shows a pod that was
// already running and sends no more events.
func WaitForFreshRunningPod(ctx context.Context, cs kubernetes.Interface, ns, selector string, exclude []string, timeout time.Duration) (*corev1.Pod, error) {
	began := time.Now()
	lw := kube.ListWatch(cs.CoreV1().Pods(ns).List, cs.CoreV1().Pods(ns).Watch, kube.ByLabels(selector))
	var picked *corev1.Pod
	pick := func(fresh bool) func(watch.EventType, *corev1.Pod) (bool, error) {
		return func(t watch.EventType, p *corev1.Pod) (bool, error) {
			if t == watch.Deleted || slices.Contains(exclude, p.Name) || p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning {
				return false, nil
			}
			for _, c := range p.Status.ContainerStatuses {
				if c.State.Running != nil && (!fresh || time.Since(c.State.Running.StartedAt.Time) < freshStart) {
					picked = p
					return true, nil
				}
			}
			return false, nil
		}
	}
	what := fmt.Sprintf("a pod of %s in %s that has just started running", selector, ns)
	_, err := WatchUntil(ctx, lw, what, min(freshWindow, timeout), nil, pick(true), DescribePod)
	if picked != nil || !timedOut(err) || ctx.Err() != nil || timeout <= freshWindow {
		return picked, err
	}
	_, err = WatchUntil(ctx, lw, fmt.Sprintf("a running pod of %s in %s (none had just started within %s)", selector, ns, freshWindow), timeout-time.Since(began), nil, pick(false), DescribePod)
	return picked, err
}

// WaitForPodGone watches a pod until it is removed and returns the last
// phase it was seen in.
func WaitForPodGone(ctx context.Context, cs kubernetes.Interface, ns, name string, timeout time.Duration) (corev1.PodPhase, error) {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	lw := kube.ListWatch(cs.CoreV1().Pods(ns).List, cs.CoreV1().Pods(ns).Watch, kube.ByFields(sel))
	last, err := waitRemoved(ctx, lw, fmt.Sprintf("pod %s/%s to be removed", ns, name), timeout, DescribePod)
	if last == nil {
		return "", err
	}
	return last.Status.Phase, err
}

// waitRemoved watches the one object lw lists until it is removed (at
// once when the first list is empty), and returns the last state seen.
func waitRemoved[T runtime.Object](ctx context.Context, lw cache.ListerWatcher, what string, timeout time.Duration, describe func(T) string) (T, error) {
	gone := func(store cache.Store) (bool, error) { return len(store.List()) == 0, nil }
	return WatchUntil(ctx, lw, what, timeout, gone, func(t watch.EventType, _ T) (bool, error) {
		return t == watch.Deleted, nil
	}, describe)
}

// WatchForPodsGoing watches the pods of selector for window and returns
// how many there were when the watch began, and "" when none was deleted
// or marked for deletion, else which and when. It returns early on the
// first such pod: the window is long enough that a plausible
// ttlSecondsAfterFinished or an eager clean-up shows.
func WatchForPodsGoing(ctx context.Context, cs kubernetes.Interface, ns, selector string, window time.Duration) (present int, gone string) {
	ctx, cancel := context.WithTimeout(ctx, window)
	defer cancel()
	began := time.Now()
	lw := kube.ListWatch(cs.CoreV1().Pods(ns).List, cs.CoreV1().Pods(ns).Watch, kube.ByLabels(selector))
	var going []string
	empty := func(store cache.Store) (bool, error) {
		present = len(store.List())
		if present == 0 {
			going = append(going, "no pod left")
			return true, nil
		}
		return false, nil
	}
	_, _ = watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, empty, func(ev watch.Event) (bool, error) {
		p, ok := ev.Object.(*corev1.Pod)
		if !ok {
			return false, nil
		}
		if ev.Type == watch.Deleted || p.DeletionTimestamp != nil {
			going = append(going, fmt.Sprintf("pod %s removed %s after the watch began", p.Name, time.Since(began).Round(time.Second)))
			return true, nil
		}
		return false, nil
	})
	return present, strings.Join(going, "; ")
}

// JobCountedPod reads, once a pod of a Job is gone, how the Job
// controller counted it: the controller records an ended pod in
// status.uncountedTerminatedPods before it lets the pod go, then moves it
// to the failed or succeeded count. Call it only for a Job whose pods
// otherwise all succeed (the lesson's normal-job): once the uncounted
// lists are empty, a failed count above zero can only be the lost pod.
func JobCountedPod(ctx context.Context, cs kubernetes.Interface, ns, job string, uid types.UID, timeout time.Duration) (corev1.PodPhase, error) {
	sel := fields.OneTermEqualSelector("metadata.name", job).String()
	lw := kube.ListWatch(cs.BatchV1().Jobs(ns).List, cs.BatchV1().Jobs(ns).Watch, kube.ByFields(sel))
	var counted corev1.PodPhase
	_, err := WatchUntil(ctx, lw, fmt.Sprintf("job %s/%s to record pod %s as ended", ns, job, uid), timeout, nil, func(_ watch.EventType, j *batchv1.Job) (bool, error) {
		u := j.Status.UncountedTerminatedPods
		switch {
		case u != nil && slices.Contains(u.Failed, uid):
			counted = corev1.PodFailed
		case u != nil && slices.Contains(u.Succeeded, uid):
			counted = corev1.PodSucceeded
		case u != nil && len(u.Failed)+len(u.Succeeded) > 0:
			return false, nil // other pods still being counted
		case j.Status.Failed > 0:
			// Moved out of the uncounted lists: a Job of the lesson's whose
			// pods all succeed has failed > 0 only through a lost pod.
			counted = corev1.PodFailed
		default:
			counted = corev1.PodSucceeded
		}
		return true, nil
	}, DescribeJob)
	return counted, err
}
