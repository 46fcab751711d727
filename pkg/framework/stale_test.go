package framework

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestLabObjectsAreTheNamesTheLabCreates(t *testing.T) {
	got := LabObjects("", []string{"broker"})
	for _, want := range []ObjectRef{{"Deployment", "taskqueue"}, {"Service", "taskqueue"}, {"Job", "pngen"}} {
		if !slices.Contains(got, want) {
			t.Errorf("broker objects %v lack %v", got, want)
		}
	}
	if got := LabObjects("", []string{"behaviours"}); !slices.Contains(got, ObjectRef{"Job", "prime-number"}) || !slices.Contains(got, ObjectRef{"Job", "normal-job"}) {
		t.Errorf("behaviours objects %v, want prime-number and normal-job", got)
	}
	if got := LabObjects("", []string{"harness"}); len(got) != 0 {
		t.Errorf("a spec outside the catalogue: %v", got)
	}
}

func TestClearStaleRemovesOnlyJoblabsObjectsOfThoseNames(t *testing.T) {
	// normal-job was kept by another lab (lost-pod); the Service taskqueue
	// is the student's own.
	stale := labelledJob("normal-job", map[string]string{OwnerLabelKey: OwnerLabelValue, LabLabelKey: LabLabelValue("lost-pod")})
	theirs := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "taskqueue", Namespace: "s1"}}
	cs := fake.NewClientset(stale, theirs)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	refs := []ObjectRef{{"Job", "normal-job"}, {"Service", "taskqueue"}, {"CronJob", "hello"}}
	if err := ClearStale(ctx, cs, "s1", refs, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.BatchV1().Jobs("s1").Get(ctx, "normal-job", metav1.GetOptions{}); err == nil {
		t.Error("joblab's stale Job is still there")
	}
	if _, err := cs.CoreV1().Services("s1").Get(ctx, "taskqueue", metav1.GetOptions{}); err != nil {
		t.Errorf("the student's Service was touched: %v", err)
	}
}

// TestLabObjectsFromFolders: the objects a lab folder's files create are
// the lab's, whatever step applies them: the CronJobs an applyScheduled
// step makes from a file (cron-policies' zones), the Job a crashNode lab
// applies (node-loss); a file the cluster refuses creates nothing.
func TestLabObjectsFromFolders(t *testing.T) {
	for lab, want := range map[string][]ObjectRef{
		"cron-policies": {{"CronJob", "cron-allow"}, {"CronJob", "cron-failing"}, {"CronJob", "cron-zone-tokyo"}, {"CronJob", "cron-zone-utc"}},
		"node-loss":     {{"Job", "node-loss"}},
	} {
		refs, _ := LabObjectsFrom("", lab)
		for _, w := range want {
			if !slices.Contains(refs, w) {
				t.Errorf("%s: %v lacks %v", lab, refs, w)
			}
		}
		if slices.Contains(refs, ObjectRef{"CronJob", "cron-bad-zone"}) {
			t.Errorf("%s: %v holds the CronJob the cluster refuses", lab, refs)
		}
	}
}
