package specs

import (
	"context"
	"errors"

	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/pkg/framework"
)

// MissingImageSpec checks joblab itself: a Job whose image cannot be pulled
// ends the wait as soon as the pull fails, with the image named, instead of
// after the lab's timeout.
func MissingImageSpec(ctx context.Context, env *framework.Env) {
	lab := framework.StartLab(ctx, env, "missing-image")
	const image = "joblab/does-not-exist:0.0.0"
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "missing-image", Labels: map[string]string{framework.OwnerLabelKey: framework.OwnerLabelValue, framework.LabLabelKey: framework.LabLabelValue(lab.Report.Lab)}},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "app", Image: image}},
		}}},
	}
	lab.Step("creating a Job whose image exists nowhere")
	_, err := env.Client.BatchV1().Jobs(lab.Namespace).Create(ctx, job, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())

	lab.Step("waiting for it as for any lab")
	_, err = framework.WatchJob(ctx, env.Client, lab.Namespace, "missing-image", framework.JobComplete, lab.Within(framework.LabTimeouts.NormalJob))
	var we *framework.WaitError
	Expect(errors.As(err, &we)).To(BeTrue(), "want a WaitError, got %v", err)
	Expect(we.Reason).To(ContainSubstring(image))
	// The reason is the pull failure, not the timeout ("not within ...").
	Expect(we.Reason).To(ContainSubstring("cannot be pulled"))
}
