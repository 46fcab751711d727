package framework

import (
	"context"
	"fmt"
	"reflect"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/internal/kube"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/manifests"
)

// ObjectRef names an object a lab creates in its namespace.
type ObjectRef struct {
	Kind, Name string
}

// LabObjects lists the objects the labs of labels create by name, from
// the manifests this process applies (LabObjectsFrom).
func LabObjects(labels []string) []ObjectRef {
	var refs []ObjectRef
	for _, l := range labels {
		objs, _ := LabObjectsFrom(settings.Current().ManifestsDir, l)
		refs = append(refs, objs...)
	}
	return refs
}

// LabObjectsFrom lists what a lab creates by name — the objects of the
// manifests it applies (from dir, the student's folder, or the lesson's
// when dir is empty) and, for the broker lab, the Job its initiator
// creates — and the NodePorts its Services take on the cluster. A manifest
// that cannot be read or decoded adds nothing: the lab reports it.
func LabObjectsFrom(dir, lab string) (refs []ObjectRef, nodePorts []int32) {
	info, ok := lesson.FindLab(lab)
	if !ok {
		return nil, nil
	}
	for _, name := range info.Manifests {
		data, err := ReadManifestFrom(dir, name)
		if err != nil {
			continue
		}
		objs, err := manifests.Decode(data)
		if err != nil {
			continue
		}
		refs = append(refs, objectRefs(objs)...)
		for _, obj := range objs {
			if svc, ok := obj.(*corev1.Service); ok {
				for _, p := range svc.Spec.Ports {
					if p.NodePort != 0 {
						nodePorts = append(nodePorts, p.NodePort)
					}
				}
			}
		}
	}
	if lab == "broker" {
		refs = append(refs, ObjectRef{"Job", fmt.Sprint(lesson.PngenJob["metadata.name"])})
	}
	return refs, nodePorts
}

// objectRefs names decoded objects by kind (their Go type: Job, CronJob,
// Deployment, Service, ...) and name.
func objectRefs(objs []runtime.Object) []ObjectRef {
	var refs []ObjectRef
	for _, obj := range objs {
		if m, err := meta.Accessor(obj); err == nil {
			refs = append(refs, ObjectRef{reflect.TypeOf(obj).Elem().Name(), m.GetName()})
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
