package framework

import (
	"context"
	"slices"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func labelledJob(name string, labels map[string]string) *batchv1.Job {
	return &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "s1", Labels: labels}}
}

func TestDeleteOwnedTouchesOnlyTheLabsOwnObjects(t *testing.T) {
	mine := labelledJob("normal-job", map[string]string{OwnerLabelKey: OwnerLabelValue, LabLabelKey: LabLabelValue("normal")})
	other := labelledJob("prime-number", map[string]string{OwnerLabelKey: OwnerLabelValue, LabLabelKey: LabLabelValue("prime")})
	students := labelledJob("my-job", nil)
	cs := fake.NewClientset(mine, other, students)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := DeleteOwned(ctx, cs, "s1", OwnedBy("normal"), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	left, err := cs.BatchV1().Jobs("s1").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, j := range left.Items {
		names = append(names, j.Name)
	}
	if len(names) != 2 || names[0] != "my-job" || names[1] != "prime-number" {
		t.Errorf("left %v, want the other lab's and the student's Jobs", names)
	}
	// Only Jobs had objects: the other kinds cost one watch each.
	deletes := 0
	for _, a := range cs.Actions() {
		if a.GetVerb() == "delete-collection" || a.GetVerb() == "delete" {
			deletes++
			if a.GetResource().Resource != "jobs" {
				t.Errorf("deleted %s, which had no object of the lab", a.GetResource().Resource)
			}
		}
	}
	if deletes != 1 {
		t.Errorf("%d deletions, want one: the lab's Job", deletes)
	}
}

func TestDeleteOwnedRefusesASelectorBeyondJoblabs(t *testing.T) {
	cs := fake.NewClientset()
	if err := DeleteOwned(context.Background(), cs, "s1", "app=web", time.Second); err == nil {
		t.Error("a selector without joblab's owner label was accepted")
	}
}

func TestDeleteOwnedLooksOnlyAtTheKindsGiven(t *testing.T) {
	cs := fake.NewClientset()
	if err := DeleteOwned(context.Background(), cs, "s1", OwnedBy("prime"), time.Second, "Job"); err != nil {
		t.Fatal(err)
	}
	for _, a := range cs.Actions() {
		if a.GetResource().Resource != "jobs" {
			t.Errorf("looked at %s, want Jobs only", a.GetResource().Resource)
		}
	}
	// One watch: the fake client lists, then watches (a real API server
	// answers both with one watch that sends the list first).
	var verbs []string
	for _, a := range cs.Actions() {
		verbs = append(verbs, a.GetVerb())
	}
	if !slices.Equal(verbs, []string{"list", "watch"}) {
		t.Errorf("requests %v for a clean namespace, want one list and watch", verbs)
	}
}

func TestManifestKinds(t *testing.T) {
	data, err := ReadManifestFrom("", "taskQueue-deploy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := manifestKinds(data); !slices.Equal(got, []string{"Deployment", "Service"}) {
		t.Errorf("kinds %v, want Deployment and Service", got)
	}
	if got := manifestKinds([]byte("not: [yaml")); len(got) != 4 {
		t.Errorf("an undecodable manifest: %v, want all four kinds", got)
	}
}
