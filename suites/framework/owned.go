package framework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/joblab/joblab/internal/settings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/internal/kube"
)

// NamespaceEnv names a namespace to work in instead of creating one per
// lab: a shared cluster where joblab may only use one namespace. Each lab
// then removes only the objects it labelled as its own there (OwnedBy);
// the joblab command runs labs that create objects of the same name there
// one after the other.
const NamespaceEnv = settings.NamespaceEnv

// DeleteOwned deletes the objects of selector (AllOwned, or OwnedBy a
// lab) in a namespace (Jobs, CronJobs, Deployments and Services) and waits
// until they and their pods are gone: deletion is in the foreground, so an
// object disappears only after its dependents. Objects without joblab's
// label are never touched.
//
// kinds, when given (Job, CronJob, Deployment, Service), limits the kinds
// looked at: a lab that knows what it created spares the other lists.
func DeleteOwned(ctx context.Context, cs kubernetes.Interface, ns, selector string, timeout time.Duration, kinds ...string) error {
	if !strings.HasPrefix(selector, AllOwned) {
		return fmt.Errorf("DeleteOwned: selector %q does not select joblab's objects only", selector)
	}
	ownedSelector := selector
	list := metav1.ListOptions{LabelSelector: ownedSelector}
	del := metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationForeground)}
	// A kind is deleted and waited for only when it has objects of the
	// selector: a clean namespace costs one list per kind.
	steps := []struct {
		what   string
		count  func() (int, error)
		delete func() error
		wait   func() error
	}{
		{"CronJobs", func() (int, error) {
			l, err := cs.BatchV1().CronJobs(ns).List(ctx, list)
			return lenOr(l, err, func() int { return len(l.Items) })
		}, func() error { return cs.BatchV1().CronJobs(ns).DeleteCollection(ctx, del, list) }, func() error {
			return waitForNone(ctx, kube.ListWatch(cs.BatchV1().CronJobs(ns).List, cs.BatchV1().CronJobs(ns).Watch, kube.ByLabels(ownedSelector)), &batchv1.CronJob{}, ownedSelector+" CronJobs in "+ns+" to be gone", timeout)
		}},
		{"Jobs", func() (int, error) {
			l, err := cs.BatchV1().Jobs(ns).List(ctx, list)
			return lenOr(l, err, func() int { return len(l.Items) })
		}, func() error { return cs.BatchV1().Jobs(ns).DeleteCollection(ctx, del, list) }, func() error {
			return waitForNone(ctx, kube.ListWatch(cs.BatchV1().Jobs(ns).List, cs.BatchV1().Jobs(ns).Watch, kube.ByLabels(ownedSelector)), &batchv1.Job{}, ownedSelector+" Jobs in "+ns+" to be gone", timeout)
		}},
		{"Deployments", func() (int, error) {
			l, err := cs.AppsV1().Deployments(ns).List(ctx, list)
			return lenOr(l, err, func() int { return len(l.Items) })
		}, func() error { return cs.AppsV1().Deployments(ns).DeleteCollection(ctx, del, list) }, func() error {
			return waitForNone(ctx, kube.ListWatch(cs.AppsV1().Deployments(ns).List, cs.AppsV1().Deployments(ns).Watch, kube.ByLabels(ownedSelector)), &appsv1.Deployment{}, ownedSelector+" Deployments in "+ns+" to be gone", timeout)
		}},
		{"Services", func() (int, error) {
			l, err := cs.CoreV1().Services(ns).List(ctx, list)
			return lenOr(l, err, func() int { return len(l.Items) })
		}, func() error { return deleteOwnedServices(ctx, cs, ns, ownedSelector) }, func() error {
			return waitForNone(ctx, kube.ListWatch(cs.CoreV1().Services(ns).List, cs.CoreV1().Services(ns).Watch, kube.ByLabels(ownedSelector)), &corev1.Service{}, ownedSelector+" Services in "+ns+" to be gone", timeout)
		}},
	}
	var deleted []func() error
	for _, s := range steps {
		if len(kinds) > 0 && !slices.Contains(kinds, strings.TrimSuffix(s.what, "s")) {
			continue
		}
		n, err := s.count()
		if err != nil {
			return fmt.Errorf("listing joblab's %s in %s: %w", s.what, ns, err)
		}
		if n == 0 {
			continue
		}
		if err := s.delete(); err != nil {
			return fmt.Errorf("deleting joblab's %s in %s: %w", s.what, ns, err)
		}
		deleted = append(deleted, s.wait)
	}
	for _, wait := range deleted {
		if err := wait(); err != nil {
			return err
		}
	}
	return nil
}

// lenOr is the length of a list, or the error that listing gave.
func lenOr[L any](l *L, err error, n func() int) (int, error) {
	if err != nil || l == nil {
		return 0, err
	}
	return n(), nil
}

// deleteOwnedServices deletes services one by one: Services have no
// DeleteCollection.
func deleteOwnedServices(ctx context.Context, cs kubernetes.Interface, ns, ownedSelector string) error {
	svcs, err := cs.CoreV1().Services(ns).List(ctx, metav1.ListOptions{LabelSelector: ownedSelector})
	if err != nil {
		return err
	}
	for _, s := range svcs.Items {
		if err := cs.CoreV1().Services(ns).Delete(ctx, s.Name, metav1.DeleteOptions{}); err != nil {
			return err
		}
	}
	return nil
}
