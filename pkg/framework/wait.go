package framework

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/joblab/joblab/internal/kube"

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

// WaitError is a wait that ended without the wanted state: it says what was
// awaited, why it stopped, and the last state seen.
type WaitError struct {
	What     string
	Reason   string
	LastSeen string
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("waiting for %s: %s; last seen: %s", e.What, e.Reason, e.LastSeen)
}

// WaitForPodSucceeded watches a pod until it succeeds. It stops at once when
// the pod fails or cannot pull its image, and after timeout otherwise.
func WaitForPodSucceeded(ctx context.Context, cs kubernetes.Interface, ns, name string, timeout time.Duration) (*corev1.Pod, error) {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	lw := kube.ListWatch(cs.CoreV1().Pods(ns).List, cs.CoreV1().Pods(ns).Watch, kube.ByFields(sel))
	return WatchUntil(ctx, lw, fmt.Sprintf("pod %s/%s to succeed", ns, name), timeout, nil, func(t watch.EventType, p *corev1.Pod) (bool, error) {
		switch {
		case t == watch.Deleted:
			return false, stop("the pod was deleted")
		case p.Status.Phase == corev1.PodSucceeded:
			return true, nil
		case p.Status.Phase == corev1.PodFailed:
			return false, stop("the pod failed")
		}
		if reason := imagePullProblem(p); reason != "" {
			return false, stop(reason)
		}
		return false, nil
	}, DescribePod)
}

// imagePullProblem reports an image that cannot be pulled, naming it: an
// invalid name, a registry that says the image is not there, or one whose
// name does not resolve (offline: the mirror lacks it and docker.io is out
// of reach). A pull
// that fails for a passing reason (a rate limit, a timeout) is not one:
// kubelet retries it, and the wait goes on.
func imagePullProblem(p *corev1.Pod) string {
	for _, cs := range append(append([]corev1.ContainerStatus(nil), p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
		w := cs.State.Waiting
		if w == nil {
			continue
		}
		final := w.Reason == "InvalidImageName"
		if w.Reason == "ErrImagePull" || w.Reason == "ImagePullBackOff" {
			msg := strings.ToLower(w.Message)
			for _, s := range []string{"not found", "manifest unknown", "repository does not exist", "pull access denied", "unauthorized", "name unknown", "no such host"} {
				final = final || strings.Contains(msg, s)
			}
		}
		if final {
			return fmt.Sprintf("image %s of container %s cannot be pulled (%s: %s); is it built and served (offline: the registry mirror), or pushed to the registry the manifest names?", cs.Image, cs.Name, w.Reason, w.Message)
		}
	}
	return ""
}

// DescribePod is a one-line, describe-like summary of a pod's state.
func DescribePod(p *corev1.Pod) string {
	parts := []string{fmt.Sprintf("pod %s phase=%s", p.Name, p.Status.Phase)}
	for _, cs := range p.Status.ContainerStatuses {
		switch {
		case cs.State.Terminated != nil:
			t := cs.State.Terminated
			parts = append(parts, fmt.Sprintf("%s terminated %s exit=%d", cs.Name, t.Reason, t.ExitCode))
		case cs.State.Waiting != nil:
			parts = append(parts, fmt.Sprintf("%s waiting %s %s", cs.Name, cs.State.Waiting.Reason, cs.State.Waiting.Message))
		case cs.State.Running != nil:
			parts = append(parts, cs.Name+" running")
		}
	}
	return strings.Join(parts, ", ")
}

// WaitForPodsGone watches until no pod matches selector.
func WaitForPodsGone(ctx context.Context, cs kubernetes.Interface, ns, selector string, timeout time.Duration) error {
	lw := kube.ListWatch(cs.CoreV1().Pods(ns).List, cs.CoreV1().Pods(ns).Watch, kube.ByLabels(selector))
	return waitForNone(ctx, lw, &corev1.Pod{}, "pods "+selector+" in "+ns+" to be gone", timeout, nil)
}

// waitForNone watches a list until it is empty. present, when not nil,
// sees every object the watch finds there (the first list, and any that
// appear) until it is gone, e.g. to delete it; its error ends the wait.
func waitForNone(ctx context.Context, lw cache.ListerWatcher, obj runtime.Object, what string, timeout time.Duration, present func(obj any) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	left := map[string]bool{} // name -> still there
	seen := func(o any) error {
		m, err := meta.Accessor(o)
		if err != nil {
			return nil
		}
		left[m.GetName()] = true
		if present != nil {
			return present(o)
		}
		return nil
	}
	noneLeft := func() bool {
		for _, l := range left {
			if l {
				return false
			}
		}
		return true
	}
	// The precondition sees the synced list: nothing there means done,
	// even though no event would ever say so.
	precondition := func(store cache.Store) (bool, error) {
		for _, o := range store.List() {
			if err := seen(o); err != nil {
				return false, err
			}
		}
		return noneLeft(), nil
	}
	_, err := watchtools.UntilWithSync(ctx, lw, obj, precondition, func(ev watch.Event) (bool, error) {
		if ev.Type == watch.Deleted {
			if m, err := meta.Accessor(ev.Object); err == nil {
				left[m.GetName()] = false
			}
			return noneLeft(), nil
		}
		if err := seen(ev.Object); err != nil {
			return false, err
		}
		return noneLeft(), nil
	})
	if err == nil {
		return nil
	}
	if ctx.Err() == nil {
		return &WaitError{What: what, Reason: err.Error()}
	}
	var names []string
	for n, l := range left {
		if l {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return &WaitError{What: what, Reason: fmt.Sprintf("not within %s", timeout), LastSeen: "still there: " + strings.Join(names, ", ")}
}

// WaitForDeploymentAvailable watches a Deployment until it is Available.
// On timeout it also describes the namespace's pods (why it is not).
func WaitForDeploymentAvailable(ctx context.Context, cs kubernetes.Interface, ns, name string, timeout time.Duration) error {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	lw := kube.ListWatch(cs.AppsV1().Deployments(ns).List, cs.AppsV1().Deployments(ns).Watch, kube.ByFields(sel))
	describe := func(d *appsv1.Deployment) string {
		return fmt.Sprintf("deployment %s: %d/%d available", d.Name, d.Status.AvailableReplicas, d.Status.Replicas)
	}
	_, err := WatchUntil(ctx, lw, fmt.Sprintf("deployment %s/%s to be available", ns, name), timeout, nil, func(_ watch.EventType, d *appsv1.Deployment) (bool, error) {
		for _, c := range d.Status.Conditions {
			if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	}, describe)
	var we *WaitError
	if errors.As(err, &we) {
		if pods, perr := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{}); perr == nil {
			for i := range pods.Items {
				we.LastSeen += "; " + DescribePod(&pods.Items[i])
			}
		}
		return we
	}
	return err
}
