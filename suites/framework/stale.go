package framework

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/internal/kube"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/manifests"
)

// ObjectRef names an object a lab creates in its namespace.
type ObjectRef struct {
	Kind, Name string
}

// LabObjects lists the objects the labs of labels create by name: those
// of the manifests the lab applies (the student's, when given) and, for
// the broker lab, the Job its initiator creates.
func LabObjects(labels []string) []ObjectRef {
	var refs []ObjectRef
	for _, l := range labels {
		info, ok := lesson.FindLab(l)
		if !ok {
			continue
		}
		for _, name := range info.Manifests {
			data, err := ReadManifest(name)
			if err != nil {
				continue
			}
			objs, err := manifests.Decode(data)
			if err != nil {
				continue
			}
			for _, obj := range objs {
				switch o := obj.(type) {
				case *batchv1.Job:
					refs = append(refs, ObjectRef{"Job", o.Name})
				case *batchv1.CronJob:
					refs = append(refs, ObjectRef{"CronJob", o.Name})
				case *appsv1.Deployment:
					refs = append(refs, ObjectRef{"Deployment", o.Name})
				case *corev1.Service:
					refs = append(refs, ObjectRef{"Service", o.Name})
				}
			}
		}
		if l == "broker" {
			refs = append(refs, ObjectRef{"Job", fmt.Sprint(lesson.PngenJob["metadata.name"])})
		}
	}
	return refs
}

// ClearStale removes, before a lab in a shared namespace, joblab's objects
// that carry a name the lab is about to create, whichever lab left them
// (kept with --keep, or an interrupted run): while the lab runs no other
// lab holds those names (the command schedules them so), so such an object
// is stale. An object of that name that joblab did not create is left
// alone; applying the lab's manifest then says so.
func ClearStale(ctx context.Context, cs kubernetes.Interface, ns string, refs []ObjectRef, timeout time.Duration) error {
	del := metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationForeground)}
	for _, ref := range refs {
		var (
			labels map[string]string
			err    error
			remove func() error
			gone   func() error
		)
		sel := kube.ByFields(fields.OneTermEqualSelector("metadata.name", ref.Name).String())
		what := fmt.Sprintf("joblab's stale %s %s/%s to be gone", ref.Kind, ns, ref.Name)
		switch ref.Kind {
		case "Job":
			var o *batchv1.Job
			if o, err = cs.BatchV1().Jobs(ns).Get(ctx, ref.Name, metav1.GetOptions{}); err == nil {
				labels = o.Labels
			}
			remove = func() error { return cs.BatchV1().Jobs(ns).Delete(ctx, ref.Name, del) }
			gone = func() error {
				return waitForNone(ctx, kube.ListWatch(cs.BatchV1().Jobs(ns).List, cs.BatchV1().Jobs(ns).Watch, sel), &batchv1.Job{}, what, timeout)
			}
		case "CronJob":
			var o *batchv1.CronJob
			if o, err = cs.BatchV1().CronJobs(ns).Get(ctx, ref.Name, metav1.GetOptions{}); err == nil {
				labels = o.Labels
			}
			remove = func() error { return cs.BatchV1().CronJobs(ns).Delete(ctx, ref.Name, del) }
			gone = func() error {
				return waitForNone(ctx, kube.ListWatch(cs.BatchV1().CronJobs(ns).List, cs.BatchV1().CronJobs(ns).Watch, sel), &batchv1.CronJob{}, what, timeout)
			}
		case "Deployment":
			var o *appsv1.Deployment
			if o, err = cs.AppsV1().Deployments(ns).Get(ctx, ref.Name, metav1.GetOptions{}); err == nil {
				labels = o.Labels
			}
			remove = func() error { return cs.AppsV1().Deployments(ns).Delete(ctx, ref.Name, del) }
			gone = func() error {
				return waitForNone(ctx, kube.ListWatch(cs.AppsV1().Deployments(ns).List, cs.AppsV1().Deployments(ns).Watch, sel), &appsv1.Deployment{}, what, timeout)
			}
		case "Service":
			var o *corev1.Service
			if o, err = cs.CoreV1().Services(ns).Get(ctx, ref.Name, metav1.GetOptions{}); err == nil {
				labels = o.Labels
			}
			remove = func() error { return cs.CoreV1().Services(ns).Delete(ctx, ref.Name, del) }
			gone = func() error {
				return waitForNone(ctx, kube.ListWatch(cs.CoreV1().Services(ns).List, cs.CoreV1().Services(ns).Watch, sel), &corev1.Service{}, what, timeout)
			}
		default:
			continue
		}
		switch {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			return fmt.Errorf("looking for a stale %s %s in %s: %w", ref.Kind, ref.Name, ns, err)
		case labels[OwnerLabelKey] != OwnerLabelValue:
			continue // not joblab's: left alone
		}
		if err := remove(); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("removing joblab's stale %s %s in %s: %w", ref.Kind, ref.Name, ns, err)
		}
		if err := gone(); err != nil {
			return err
		}
	}
	return nil
}
