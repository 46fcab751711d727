package framework

import (
	"context"
	"fmt"
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
// lab: a shared cluster where joblab may only use one namespace. The labs
// then run one after another, and joblab removes only the objects it
// labelled as its own there.
const NamespaceEnv = settings.NamespaceEnv

// DeleteOwned deletes the objects of selector (AllOwned, or OwnedBy a
// lab) in a namespace (Jobs, CronJobs, Deployments and Services) and waits
// until they and their pods are gone: deletion is in the foreground, so an
// object disappears only after its dependents. Objects without joblab's
// label are never touched.
func DeleteOwned(ctx context.Context, cs kubernetes.Interface, ns, selector string, timeout time.Duration) error {
	if !strings.HasPrefix(selector, AllOwned) {
		return fmt.Errorf("DeleteOwned: selector %q does not select joblab's objects only", selector)
	}
	ownedSelector := selector
	list := metav1.ListOptions{LabelSelector: ownedSelector}
	del := metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationForeground)}
	steps := []struct {
		what   string
		delete func() error
		wait   func() error
	}{
		{"CronJobs", func() error { return cs.BatchV1().CronJobs(ns).DeleteCollection(ctx, del, list) }, func() error {
			return waitForNone(ctx, kube.ListWatch(cs.BatchV1().CronJobs(ns).List, cs.BatchV1().CronJobs(ns).Watch, kube.ByLabels(ownedSelector)), &batchv1.CronJob{}, ownedSelector+" CronJobs in "+ns+" to be gone", timeout)
		}},
		{"Jobs", func() error { return cs.BatchV1().Jobs(ns).DeleteCollection(ctx, del, list) }, func() error {
			return waitForNone(ctx, kube.ListWatch(cs.BatchV1().Jobs(ns).List, cs.BatchV1().Jobs(ns).Watch, kube.ByLabels(ownedSelector)), &batchv1.Job{}, ownedSelector+" Jobs in "+ns+" to be gone", timeout)
		}},
		{"Deployments", func() error { return cs.AppsV1().Deployments(ns).DeleteCollection(ctx, del, list) }, func() error {
			return waitForNone(ctx, kube.ListWatch(cs.AppsV1().Deployments(ns).List, cs.AppsV1().Deployments(ns).Watch, kube.ByLabels(ownedSelector)), &appsv1.Deployment{}, ownedSelector+" Deployments in "+ns+" to be gone", timeout)
		}},
		{"Services", func() error { return deleteOwnedServices(ctx, cs, ns, ownedSelector) }, func() error {
			return waitForNone(ctx, kube.ListWatch(cs.CoreV1().Services(ns).List, cs.CoreV1().Services(ns).Watch, kube.ByLabels(ownedSelector)), &corev1.Service{}, ownedSelector+" Services in "+ns+" to be gone", timeout)
		}},
	}
	for _, s := range steps {
		if err := s.delete(); err != nil {
			return fmt.Errorf("deleting joblab's %s in %s: %w", s.what, ns, err)
		}
	}
	for _, s := range steps {
		if err := s.wait(); err != nil {
			return err
		}
	}
	return nil
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
