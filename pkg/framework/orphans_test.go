package framework

import (
	"context"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"
)

const tracking = "batch.kubernetes.io/job-tracking" // as the Job controller names it

func orphanPod(name string, labelled bool, ownerKind, owner string, uid types.UID, finalizers ...string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "s1", Finalizers: finalizers}}
	if labelled {
		p.Labels = map[string]string{OwnerLabelKey: OwnerLabelValue}
	}
	if owner != "" {
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: ownerKind, Name: owner, UID: uid, Controller: ptr.To(true)}}
	}
	return p
}

func TestReleaseOrphanedPodsReleasesOnlyJoblabsPodsWhoseJobIsGone(t *testing.T) {
	alive := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "alive", Namespace: "s1", UID: "uid-alive"}}
	cs := fake.NewClientset(alive,
		orphanPod("gone-1", true, "Job", "gone", "uid-gone", tracking),
		orphanPod("alive-1", true, "Job", "alive", "uid-alive", tracking),
		orphanPod("renamed-1", true, "Job", "alive", "uid-of-an-earlier-alive", tracking),
		orphanPod("students-1", false, "Job", "gone", "uid-gone", tracking),
		orphanPod("two-finalizers", true, "Job", "gone", "uid-gone", "example.com/keep", tracking),
		orphanPod("no-owner", true, "", "", "", tracking),
		orphanPod("replicaset-1", true, "ReplicaSet", "web", "uid-web", tracking),
		orphanPod("untracked", true, "Job", "gone", "uid-gone"),
	)
	ctx := context.Background()
	released, err := ReleaseOrphanedPods(ctx, cs, "s1")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(released)
	want := []string{"gone-1", "no-owner", "renamed-1", "two-finalizers"}
	if !slices.Equal(released, want) {
		t.Errorf("released %v, want %v", released, want)
	}
	wantLeft := map[string][]string{
		"gone-1": nil, "alive-1": {tracking}, "renamed-1": nil, "students-1": {tracking},
		"two-finalizers": {"example.com/keep"}, "no-owner": nil, "replicaset-1": {tracking}, "untracked": nil,
	}
	for name, fins := range wantLeft {
		p, err := cs.CoreV1().Pods("s1").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Finalizers, fins) {
			t.Errorf("pod %s has finalizers %v, want %v", name, p.Finalizers, fins)
		}
	}
	// The Job is read once however many of its pods there are.
	gets := 0
	for _, a := range cs.Actions() {
		if a.GetVerb() == "get" && a.GetResource().Resource == "jobs" {
			gets++
		}
	}
	if gets != 2 {
		t.Errorf("%d Job reads, want 2 (gone and alive, once each)", gets)
	}
}

func TestReleaseOrphanedPodsNamesTheFixWhenItMayNotPatch(t *testing.T) {
	cs := fake.NewClientset(orphanPod("gone-1", true, "Job", "gone", "uid-gone", tracking))
	cs.PrependReactor("patch", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "gone-1", nil)
	})
	released, err := ReleaseOrphanedPods(context.Background(), cs, "s1")
	if len(released) != 0 || err == nil {
		t.Fatalf("released %v, error %v; want none and an error", released, err)
	}
	for _, part := range []string{"gone-1", "may not patch pods", "kubectl -n s1 patch pod gone-1 --type=json", tracking} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("the error %q does not say %q", err, part)
		}
	}
}
