package framework

import (
	"context"
	"fmt"
	"reflect"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"github.com/joblab/joblab/internal/kube"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/manifests"
)

// ObjectRef names an object a lab creates in its namespace.
type ObjectRef struct {
	Kind, Name string
}

// LabObjects lists the objects the labs of labels create by name, from
// the manifests of manifestsDir (LabObjectsFrom).
func LabObjects(manifestsDir string, labels []string) []ObjectRef {
	var refs []ObjectRef
	for _, l := range labels {
		objs, _ := LabObjectsFrom(manifestsDir, l)
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
		if info.Def != nil && !info.Def.LessonFile(name) {
			data, _, err = ReadFolderFile(info.Def, dir, name)
		}
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
	if info.Def != nil {
		for _, job := range info.Def.InitiatorJobs() {
			// The initiator creates its Job through the API; the NodePort
			// probe makes a Job of its own.
			refs = append(refs, ObjectRef{"Job", job}, ObjectRef{"Job", ProbeJob})
		}
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
	byKind := map[string]ownedKind{}
	for _, k := range ownedKinds(cs, ns) {
		byKind[k.kind] = k
	}
	for _, ref := range refs {
		k, ok := byKind[ref.Kind]
		if !ok {
			continue
		}
		labels, err := k.labels(ctx, ref.Name)
		switch {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			return fmt.Errorf("looking for a stale %s %s in %s: %w", ref.Kind, ref.Name, ns, err)
		case labels[OwnerLabelKey] != OwnerLabelValue:
			continue // not joblab's: left alone
		}
		if err := k.delete(ctx, ref.Name); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("removing joblab's stale %s %s in %s: %w", ref.Kind, ref.Name, ns, err)
		}
		what := fmt.Sprintf("joblab's stale %s %s/%s to be gone", ref.Kind, ns, ref.Name)
		if err := waitForNone(ctx, k.listWatch(kube.ByName(ref.Name)), k.example, what, timeout, nil); err != nil {
			return err
		}
	}
	return nil
}
