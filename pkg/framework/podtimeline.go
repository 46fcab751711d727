package framework

import (
	"context"
	"sort"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/joblab/joblab/internal/kube"
	"github.com/joblab/joblab/lesson"
)

// recordPods watches the pods of selector in a namespace from now on and
// keeps, for each, when it was created, started, ended and deleted: the
// lab's timeline. stop ends the watch and returns the pods in creation
// order.
func recordPods(ctx context.Context, cs kubernetes.Interface, ns, selector string) (stop func() []lesson.PodSpan) {
	ctx, cancel := context.WithCancel(ctx)
	var mu sync.Mutex
	spans := map[string]*lesson.PodSpan{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		lw := kube.ListWatch(cs.CoreV1().Pods(ns).List, cs.CoreV1().Pods(ns).Watch, kube.ByLabels(selector))
		_, _ = watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, nil, func(ev watch.Event) (bool, error) {
			pod, ok := ev.Object.(*corev1.Pod)
			if !ok {
				return false, nil
			}
			mu.Lock()
			defer mu.Unlock()
			span := spans[pod.Name]
			if span == nil {
				span = &lesson.PodSpan{Name: pod.Name, Created: pod.CreationTimestamp.Time}
				spans[pod.Name] = span
			}
			updateSpan(span, pod)
			// Deleted: when the API server marked it (its clock, as the
			// other times), else when the watch saw it go.
			if pod.DeletionTimestamp != nil && span.Deleted.IsZero() {
				span.Deleted = pod.DeletionTimestamp.UTC()
			}
			if ev.Type == watch.Deleted && span.Deleted.IsZero() {
				span.Deleted = time.Now().UTC().Truncate(time.Second)
			}
			return false, nil
		})
	}()
	return func() []lesson.PodSpan {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		out := make([]lesson.PodSpan, 0, len(spans))
		for _, s := range spans {
			out = append(out, *s)
		}
		sort.Slice(out, func(i, j int) bool {
			if !out[i].Created.Equal(out[j].Created) {
				return out[i].Created.Before(out[j].Created)
			}
			return out[i].Name < out[j].Name
		})
		return out
	}
}

// updateSpan fills a pod's span from its status: started when its first
// container started (or the pod's start time), ended when its last
// container ended, and its phase.
func updateSpan(span *lesson.PodSpan, pod *corev1.Pod) {
	span.Phase = string(pod.Status.Phase)
	var started, finished time.Time
	allEnded := len(pod.Status.ContainerStatuses) > 0
	for _, c := range pod.Status.ContainerStatuses {
		switch {
		case c.State.Running != nil:
			allEnded = false
			if t := c.State.Running.StartedAt.Time; started.IsZero() || t.Before(started) {
				started = t
			}
		case c.State.Terminated != nil:
			if t := c.State.Terminated.StartedAt.Time; !t.IsZero() && (started.IsZero() || t.Before(started)) {
				started = t
			}
			if t := c.State.Terminated.FinishedAt.Time; t.After(finished) {
				finished = t
			}
		default:
			allEnded = false
		}
	}
	if started.IsZero() && pod.Status.StartTime != nil && pod.Status.Phase != corev1.PodPending {
		started = pod.Status.StartTime.Time
	}
	if !started.IsZero() && span.Started.IsZero() {
		span.Started = started.UTC()
	}
	if allEnded && !finished.IsZero() {
		span.Finished = finished.UTC()
	}
}
