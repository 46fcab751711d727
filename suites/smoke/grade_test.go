//go:build e2e

package smoke

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/internal/grade"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// A NodePort is one per cluster. In a class, one student's broker holds the
// lesson's 31672 while another student's manifest is graded: the grade must
// not change with that (fresh-clone CI once graded a correct broker manifest
// "refused: provided port is already allocated").
var _ = Describe("grading a manifest", func() {
	It("gives the same verdict on the broker's Service while another Service holds the lesson's NodePort", func(ctx context.Context) {
		By("creating two namespaces labelled as joblab's: one holds the NodePort, the other is graded in")
		holder, err := framework.CreateNamespace(ctx, client, "smoke-holder")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { Expect(framework.DeleteNamespace(ctx, client, holder.Name)).To(Succeed()) })
		graded, err := framework.CreateNamespace(ctx, client, "smoke-grade")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { Expect(framework.DeleteNamespace(ctx, client, graded.Name)).To(Succeed()) })

		By("waiting until no earlier lab holds NodePort 31672, then holding it with a Service of our own")
		Expect(framework.WaitForNodePortFree(ctx, client, 31672, framework.Timeouts.Namespace)).To(Succeed())
		_, err = client.CoreV1().Services(holder.Name).Create(ctx, &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "holder", Labels: map[string]string{framework.OwnerLabelKey: framework.OwnerLabelValue}},
			Spec: corev1.ServiceSpec{
				Type:     corev1.ServiceTypeNodePort,
				Selector: map[string]string{"app": "nobody"},
				Ports:    []corev1.ServicePort{{Port: 5672, NodePort: 31672}},
			},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())

		lessonYAML, err := lesson.LessonManifest("taskQueue-deploy.yaml")
		Expect(err).NotTo(HaveOccurred())
		gradeIt := func(data string) grade.Result {
			res, err := grade.Compare(ctx, grade.Input{Config: config, Namespace: graded.Name, Name: "taskQueue-deploy.yaml", Data: []byte(data)})
			Expect(err).NotTo(HaveOccurred())
			Expect(res.AsWritten).To(BeEmpty(), "every pair is defaulted by the API server")
			return res
		}

		By("grading the lesson's own manifest: no difference")
		Expect(gradeIt(string(lessonYAML)).Diffs).To(BeEmpty())

		By("grading it with targetPort and protocol written out at their defaults: no difference")
		Expect(gradeIt(strings.Replace(string(lessonYAML), "    nodePort: 31672\n", "    nodePort: 31672\n    targetPort: 5672\n    protocol: TCP\n", 1)).Diffs).To(BeEmpty())

		By("grading it with another NodePort, then with none: one difference, the nodePort")
		for _, edited := range []string{
			strings.Replace(string(lessonYAML), "nodePort: 31672", "nodePort: 31673", 1),
			strings.Replace(string(lessonYAML), "    nodePort: 31672\n", "", 1),
		} {
			diffs := gradeIt(edited).Diffs
			Expect(diffs).To(HaveLen(1))
			Expect(diffs[0].Object).To(Equal("Service taskqueue"))
			Expect(diffs[0].Path).To(HaveSuffix("nodePort"))
			Expect(diffs[0].Lesson).To(BeEquivalentTo(31672))
		}
	})
})
