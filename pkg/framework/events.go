package framework

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/joblab/joblab/internal/kube"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/joblab/joblab/lesson"
)

// WaitForEvents watches the events of one object (by kind, name and UID,
// so that events of an earlier object of the same name do not count) until
// they match the documented steps: events can arrive late. On timeout it
// returns the events seen and the last difference.
func WaitForEvents(ctx context.Context, cs kubernetes.Interface, ns, kind, name string, uid types.UID, steps []lesson.Step, timeout time.Duration) ([]lesson.Event, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	sel := fields.Set{"involvedObject.kind": kind, "involvedObject.name": name, "involvedObject.uid": string(uid)}.AsSelector().String()
	lw := kube.ListWatch(cs.CoreV1().Events(ns).List, cs.CoreV1().Events(ns).Watch, kube.ByFields(sel))
	var mu sync.Mutex
	store := map[string]corev1.Event{}
	var diff string
	var events []lesson.Event
	_, err := watchtools.UntilWithSync(ctx, lw, &corev1.Event{}, nil, func(ev watch.Event) (bool, error) {
		e, ok := ev.Object.(*corev1.Event)
		if !ok {
			return false, nil
		}
		mu.Lock()
		defer mu.Unlock()
		store[e.Name] = *e
		items := make([]corev1.Event, 0, len(store))
		for _, v := range store {
			items = append(items, v)
		}
		events = lesson.FromCoreEvents(items)
		diff = lesson.MatchSequence(events, steps)
		return diff == "", nil
	})
	if err != nil {
		if diff == "" {
			diff = "no events at all"
		}
		return events, &WaitError{What: fmt.Sprintf("the documented events of %s %s/%s", kind, ns, name), Reason: fmt.Sprintf("not within %s", timeout), LastSeen: diff}
	}
	return events, nil
}
