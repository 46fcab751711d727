package framework

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/joblab/joblab/internal/kube"
)

func pendingPod() *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}, Status: corev1.PodStatus{Phase: corev1.PodPending}}
}

// succeeded waits with WatchUntil (no field selector: the fake clientset
// does not filter by fields) for pod p to succeed, as WaitForPodSucceeded does.
func succeeded(cs *fake.Clientset, timeout time.Duration) (*corev1.Pod, error) {
	lw := kube.ListWatch(cs.CoreV1().Pods("ns").List, cs.CoreV1().Pods("ns").Watch, nil)
	return WatchUntil(context.Background(), lw, "pod ns/p to succeed", timeout, nil, func(_ watch.EventType, p *corev1.Pod) (bool, error) {
		switch p.Status.Phase {
		case corev1.PodSucceeded:
			return true, nil
		case corev1.PodFailed:
			return false, stop("the pod failed")
		}
		return false, nil
	}, DescribePod)
}

func setPhase(t *testing.T, cs *fake.Clientset, phase corev1.PodPhase) {
	t.Helper()
	p := pendingPod()
	p.Status.Phase = phase
	if _, err := cs.CoreV1().Pods("ns").Update(context.Background(), p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestWatchUntilEndsOnTheWantedState(t *testing.T) {
	cs := fake.NewClientset(pendingPod())
	go func() {
		time.Sleep(200 * time.Millisecond)
		setPhase(t, cs, corev1.PodSucceeded)
	}()
	p, err := succeeded(cs, 10*time.Second)
	if err != nil || p.Status.Phase != corev1.PodSucceeded {
		t.Fatalf("got %v, %v", p, err)
	}
}

func TestWatchUntilStopsEarlyOnAWrongEndWithTheLastState(t *testing.T) {
	cs := fake.NewClientset(pendingPod())
	go func() {
		time.Sleep(200 * time.Millisecond)
		setPhase(t, cs, corev1.PodFailed)
	}()
	start := time.Now()
	_, err := succeeded(cs, time.Minute)
	var we *WaitError
	if !errors.As(err, &we) || we.Reason != "the pod failed" || !strings.Contains(we.LastSeen, "phase=Failed") || !strings.Contains(we.What, "pod ns/p to succeed") {
		t.Fatalf("got %#v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("a failed pod was waited for %s", time.Since(start))
	}
}

func TestWatchUntilSaysWhatItLastSawOnTimeout(t *testing.T) {
	cs := fake.NewClientset(pendingPod())
	_, err := succeeded(cs, 2*time.Second)
	if !timedOut(err) || !strings.Contains(err.Error(), "not within 2s") || !strings.Contains(err.Error(), "phase=Pending") {
		t.Fatalf("got %v", err)
	}
}

// TestMain turns off client-go's streaming list for the fake clientset,
// which does not send the initial-events bookmark a streaming list waits
// for (a real API server does).
func TestMain(m *testing.M) {
	_ = os.Setenv("KUBE_FEATURE_WatchListClient", "false")
	os.Exit(m.Run())
}
