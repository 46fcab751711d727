//go:build e2e

package smoke

import (
	"context"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/pkg/framework"
)

// joblab's own waits: a Job whose image cannot be pulled ends the wait as
// soon as the pull fails, with the image named, instead of after the lab's
// timeout.
var _ = Describe("joblab's waits", func() {
	It("report an image that cannot be pulled at once, naming it", func(ctx context.Context) {
		By("creating a namespace labelled as joblab's")
		ns, err := framework.CreateNamespace(ctx, client, "missing-image")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) {
			Expect(framework.DeleteNamespace(ctx, client, ns.Name)).To(Succeed())
		})

		const image = "joblab/does-not-exist:0.0.0"
		By("creating a Job whose image exists nowhere")
		job := &batchv1.Job{
			ObjectMeta: metav1.ObjectMeta{Name: "missing-image", Labels: map[string]string{framework.OwnerLabelKey: framework.OwnerLabelValue}},
			Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever,
				Containers:    []corev1.Container{{Name: "app", Image: image}},
			}}},
		}
		_, err = client.BatchV1().Jobs(ns.Name).Create(ctx, job, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())

		By("waiting for it as a lab waits for its Job")
		_, err = framework.WatchJob(ctx, client, ns.Name, "missing-image", framework.JobComplete, framework.LabTimeouts.NormalJob)
		var we *framework.WaitError
		Expect(errors.As(err, &we)).To(BeTrue(), "want a WaitError, got %v", err)
		Expect(we.Reason).To(ContainSubstring(image))
		// The reason is the pull failure, not the timeout ("not within ...").
		Expect(we.Reason).To(ContainSubstring("cannot be pulled"))
	})
})
