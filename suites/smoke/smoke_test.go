//go:build e2e

package smoke

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/pkg/framework"
)

var _ = Describe("the cluster", func() {
	It("runs a busybox:latest pod to completion", func(ctx context.Context) {
		By("creating a namespace labelled as joblab's")
		ns, err := framework.CreateNamespace(ctx, client, "smoke")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) {
			Expect(framework.DeleteNamespace(ctx, client, ns.Name)).To(Succeed())
		})

		By("running busybox:latest with pull policy Always")
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "smoke", Labels: map[string]string{framework.OwnerLabelKey: framework.OwnerLabelValue}},
			Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever,
				Containers: []corev1.Container{{
					Name:            "busybox",
					Image:           "busybox:latest",
					ImagePullPolicy: corev1.PullAlways,
					Command:         []string{"sh", "-c", "echo hello from $(hostname); /bin/true"},
				}},
			},
		}
		_, err = client.CoreV1().Pods(ns.Name).Create(ctx, pod, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())

		By("waiting until the pod has succeeded")
		done, err := framework.WaitForPodSucceeded(ctx, client, ns.Name, "smoke", framework.Timeouts.PodFinish)
		Expect(err).NotTo(HaveOccurred())
		Expect(done.Status.ContainerStatuses).To(HaveLen(1))
		Expect(done.Status.ContainerStatuses[0].State.Terminated.ExitCode).To(BeZero())

		By("reading the pod's log")
		raw, err := client.CoreV1().Pods(ns.Name).GetLogs("smoke", &corev1.PodLogOptions{}).DoRaw(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.TrimSpace(string(raw))).To(Equal("hello from smoke"))
	})
})
