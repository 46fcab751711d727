package framework

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/joblab/joblab/internal/settings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
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
// Each kind costs one watch, which lists what is there, and a delete per
// object: the kinds are cleared side by side. kinds, when given (Job,
// CronJob, Deployment, Service), limits the kinds looked at: a lab that
// knows what it created spares the other watches.
func DeleteOwned(ctx context.Context, cs kubernetes.Interface, ns, selector string, timeout time.Duration, kinds ...string) error {
	if !strings.HasPrefix(selector, AllOwned) {
		return fmt.Errorf("DeleteOwned: selector %q does not select joblab's objects only", selector)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, k := range ownedKinds(cs, ns) {
		if len(kinds) > 0 && !slices.Contains(kinds, k.kind) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := k.clear(ctx, selector, selector+" "+k.kind+"s in "+ns+" to be gone", timeout); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// clear deletes every object of kind k that selector selects, as one watch
// sees them (the first list, and any that appear), and waits until none is
// left.
func (k ownedKind) clear(ctx context.Context, selector, what string, timeout time.Duration) error {
	asked := map[types.UID]bool{}
	return waitForNone(ctx, k.listWatch(kube.ByLabels(selector)), k.example, what, timeout, func(obj any) error {
		m, err := meta.Accessor(obj)
		if err != nil || m.GetDeletionTimestamp() != nil || asked[m.GetUID()] {
			return nil
		}
		asked[m.GetUID()] = true
		if err := k.delete(ctx, m.GetName()); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting joblab's %s %s: %w", k.kind, m.GetName(), err)
		}
		return nil
	})
}

// ownedKind is one kind of object joblab creates in a namespace, with the
// calls its clean-ups make.
type ownedKind struct {
	kind    string // Job, CronJob, Deployment, Service
	example runtime.Object
	labels  func(ctx context.Context, name string) (map[string]string, error)
	// delete deletes in the foreground (an object goes after its
	// dependents), but for Services, which have none.
	delete    func(ctx context.Context, name string) error
	listWatch func(narrow func(*metav1.ListOptions)) cache.ListerWatcher
}

// typedClient is the part of a client-go typed client the clean-ups use.
type typedClient[T metav1.Object, L runtime.Object] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
	Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

func newOwnedKind[T metav1.Object, L runtime.Object](kind string, example runtime.Object, c typedClient[T, L], del metav1.DeleteOptions) ownedKind {
	return ownedKind{
		kind:    kind,
		example: example,
		labels: func(ctx context.Context, name string) (map[string]string, error) {
			o, err := c.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return nil, err
			}
			return o.GetLabels(), nil
		},
		delete: func(ctx context.Context, name string) error { return c.Delete(ctx, name, del) },
		listWatch: func(narrow func(*metav1.ListOptions)) cache.ListerWatcher {
			return kube.ListWatch(c.List, c.Watch, narrow)
		},
	}
}

// ownedKinds are the kinds joblab creates in a namespace, CronJobs first
// (their Jobs go with them).
func ownedKinds(cs kubernetes.Interface, ns string) []ownedKind {
	fg := metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationForeground)}
	return []ownedKind{
		newOwnedKind("CronJob", &batchv1.CronJob{}, cs.BatchV1().CronJobs(ns), fg),
		newOwnedKind("Job", &batchv1.Job{}, cs.BatchV1().Jobs(ns), fg),
		newOwnedKind("Deployment", &appsv1.Deployment{}, cs.AppsV1().Deployments(ns), fg),
		newOwnedKind("Service", &corev1.Service{}, cs.CoreV1().Services(ns), metav1.DeleteOptions{}),
	}
}

// LabLabels are the labels joblab puts on what a lab creates: its owner
// label and the lab's.
func LabLabels(lab string) map[string]string {
	return map[string]string{OwnerLabelKey: OwnerLabelValue, LabLabelKey: LabLabelValue(lab)}
}
