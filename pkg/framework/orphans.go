package framework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// ReleaseOrphanedPods removes the Job controller's tracking finalizer
// (batch.kubernetes.io/job-tracking) from joblab's pods in namespace ns
// whose Job is gone, and returns the names of the pods it released.
//
// The Job controller removes that finalizer itself once it has counted a
// pod, and from a pod whose Job no longer exists. Once, on a cluster
// loaded far beyond its cores (a class of 30 on two), it had not done so
// 17 minutes after a class's Jobs were deleted: the pods, already deleted,
// stayed, and their namespace stayed Terminating. Releasing them is what
// the controller would have done; a pod whose Job still exists, a pod
// without joblab's label and any other finalizer are left alone.
//
// Under a Role that may not patch pods (the shipped one may not), the
// error names each pod and the kubectl command that releases it.
func ReleaseOrphanedPods(ctx context.Context, cs kubernetes.Interface, ns string) ([]string, error) {
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: AllOwned})
	if err != nil {
		return nil, fmt.Errorf("listing joblab's pods in namespace %s: %w", ns, err)
	}
	jobs := map[string]types.UID{} // a Job's name: its UID, or "" when it is gone
	jobUID := func(name string) (types.UID, error) {
		if uid, ok := jobs[name]; ok {
			return uid, nil
		}
		job, err := cs.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			jobs[name] = ""
		case err != nil:
			return "", err
		default:
			jobs[name] = job.UID
		}
		return jobs[name], nil
	}
	var released []string
	var errs []error
	for i := range pods.Items {
		pod := &pods.Items[i]
		at := slices.Index(pod.Finalizers, batchv1.JobTrackingFinalizer)
		if at < 0 {
			continue
		}
		if ref := metav1.GetControllerOf(pod); ref != nil && ref.Kind == "Job" {
			uid, err := jobUID(ref.Name)
			if err != nil {
				errs = append(errs, fmt.Errorf("reading Job %s of pod %s: %w", ref.Name, pod.Name, err))
				continue
			}
			if uid == ref.UID {
				continue // its Job is there: the controller's to release
			}
		} else if ref != nil {
			continue // not a Job's pod
		}
		if err := releasePod(ctx, cs, ns, pod.Name, at); err != nil {
			errs = append(errs, err)
			continue
		}
		released = append(released, pod.Name)
	}
	return released, errors.Join(errs...)
}

// releasePod removes the finalizer at index at of pod name in ns, provided it is
// still the tracking finalizer there (a JSON patch test).
func releasePod(ctx context.Context, cs kubernetes.Interface, ns, name string, at int) error {
	path := fmt.Sprintf("/metadata/finalizers/%d", at)
	patch, err := json.Marshal([]map[string]string{
		{"op": "test", "path": path, "value": batchv1.JobTrackingFinalizer},
		{"op": "remove", "path": path},
	})
	if err != nil {
		return err
	}
	_, err = cs.CoreV1().Pods(ns).Patch(ctx, name, types.JSONPatchType, patch, metav1.PatchOptions{})
	switch {
	case err == nil, apierrors.IsNotFound(err):
		return nil
	case apierrors.IsForbidden(err):
		return fmt.Errorf("pod %s in %s keeps the Job controller's finalizer %s after its Job is gone, and this user may not patch pods: "+
			"release it with kubectl -n %s patch pod %s --type=json -p '%s' (as a user who may): %w",
			name, ns, batchv1.JobTrackingFinalizer, ns, name, patch, err)
	default:
		return fmt.Errorf("releasing pod %s in %s from the finalizer %s: %w", name, ns, batchv1.JobTrackingFinalizer, err)
	}
}
