package framework

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestRecorderKeepsWhenAFailureWasReported: the pod's end is reported when
// the watch first sees it finished, as the time of its latest status write
// (the API server's clock); a later status write does not move it, and
// another manager's metadata write does not count.
func TestRecorderKeepsWhenAFailureWasReported(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	at := func(s int) *metav1.Time { t := metav1.NewTime(t0.Add(time.Duration(s) * time.Second)); return &t }
	pod := func(phase corev1.PodPhase, fields ...metav1.ManagedFieldsEntry) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "abnormal-end-x", CreationTimestamp: *at(0), ManagedFields: fields}}
		p.Status.Phase = phase
		if phase == corev1.PodFailed {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "busybox", State: corev1.ContainerState{
				Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, FinishedAt: *at(6)},
			}}}
		}
		return p
	}
	controller := metav1.ManagedFieldsEntry{Manager: "kube-controller-manager", Operation: metav1.ManagedFieldsOperationUpdate, Time: at(90)}
	running := metav1.ManagedFieldsEntry{Manager: "kubelet", Operation: metav1.ManagedFieldsOperationUpdate, Subresource: "status", Time: at(2)}
	failed := running
	failed.Time = at(66)
	later := running
	later.Time = at(120)

	r := newPodRecorder()
	r.observe(pod(corev1.PodRunning, controller, running), false)
	if got := r.timeline().Pods[0].Reported; !got.IsZero() {
		t.Errorf("a running pod has a report time %v", got)
	}
	r.observe(pod(corev1.PodFailed, controller, failed), false)
	r.observe(pod(corev1.PodFailed, controller, later), false)
	p := r.timeline().Pods[0]
	if want := t0.Add(66 * time.Second); !p.Reported.Equal(want) {
		t.Errorf("reported %v, want %v (the status write that ended it)", p.Reported, want)
	}
	if lag := p.Reported.Sub(p.Finished); lag != 60*time.Second {
		t.Errorf("report lag %v, want 1m0s", lag)
	}
}
