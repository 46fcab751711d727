//go:build e2e

package leastprivilege

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/joblab/joblab/internal/classjob"
	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/pkg/framework"
)

// inClusterStudents is the in-cluster class's size; the second student's
// answer differs on purpose.
const inClusterStudents = 5

var _ = Describe("joblab class: a class graded in the cluster", Label("least-privilege", "in-cluster"), Serial, func() {
	It("grades five students as an Indexed Job with the shipped Role's credentials, retries a killed grading pod, and collects the class page", func(ctx context.Context) {
		By("creating five namespaces, the shipped Role in each, bound to the teacher's ServiceAccount")
		namespaces, dir, teacher := classroom(ctx, inClusterStudents, "inclass")
		grading, err := framework.CreateNamespace(ctx, admin.Client, "grading")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) {
			Expect(framework.DeleteNamespace(ctx, admin.Client, grading.Name)).To(Succeed())
		})

		By("writing the class file: the students' labs run with the teacher's Role-bound token, the second student's answer runs two pods at a time")
		root, err := gobuild.RepoRoot()
		Expect(err).NotTo(HaveOccurred())
		reference, err := os.ReadFile(filepath.Join(root, "examples/labs/ten-by-five/job.yaml"))
		Expect(err).NotTo(HaveOccurred())
		wrong := strings.Replace(string(reference), "parallelism: 5", "parallelism: 2", 1)
		Expect(wrong).NotTo(Equal(string(reference)))
		Expect(os.MkdirAll(filepath.Join(dir, "s2"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "s2", "job.yaml"), []byte(wrong), 0o644)).To(Succeed())
		class := "apiVersion: joblab/v1\nkind: Class\nlabs: " + filepath.Join(root, "examples", "labs") + "\nstudents:\n"
		for i, ns := range namespaces {
			class += fmt.Sprintf("  s%d: {context: classroom, namespace: %s", i+1, ns)
			if i == 1 {
				class += ", manifests: s2"
			}
			class += "}\n"
		}
		Expect(os.WriteFile(filepath.Join(dir, "class.yaml"), []byte(class), 0o644)).To(Succeed())

		By("building joblab with cgo off, so that the grader's image holds this very binary")
		bin := filepath.Join(dir, "joblab")
		build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/joblab")
		build.Dir = root
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := build.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		// The students' contexts from the teacher's kubeconfig, the
		// grading cluster as the admin: one KUBECONFIG of both.
		kubeconfigs := teacher + string(os.PathListSeparator) + admin.Kubeconfig
		gradingContext := currentContext(admin.Kubeconfig)
		joblab := func(args ...string) (string, int) {
			cmd := exec.CommandContext(ctx, bin, args...)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfigs)
			out, err := cmd.CombinedOutput()
			GinkgoWriter.Printf("$ joblab %s\n%s\n", strings.Join(args, " "), out)
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				return string(out), exit.ExitCode()
			}
			Expect(err).NotTo(HaveOccurred())
			return string(out), 0
		}
		grade := []string{"--grading-context", gradingContext, "--grading-namespace", grading.Name, "--name", "lp"}

		By("joblab class submit: an Indexed Job of five, all at once, each index retried once")
		out2, code := joblab(append([]string{"class", "submit", "--class", filepath.Join(dir, "class.yaml"), "--parallel", "5", "--retries", "1"}, grade...)...)
		Expect(code).To(Equal(0), out2)
		Expect(out2).To(ContainSubstring("class lp: 5 students, graded by Job joblab-class-lp in namespace " + grading.Name))

		By("checking the grader's rights: its results in the grading namespace, nothing else")
		jobName := classjob.JobName("lp")
		job, err := admin.Client.BatchV1().Jobs(grading.Name).Get(ctx, jobName, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(*job.Spec.CompletionMode).To(Equal(batchv1.IndexedCompletion))
		Expect(*job.Spec.Completions).To(BeEquivalentTo(inClusterStudents))
		role, err := admin.Client.RbacV1().Roles(grading.Name).Get(ctx, classjob.GraderName("lp"), metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		for _, r := range role.Rules {
			Expect(r.Resources).To(Equal([]string{"configmaps"}))
			Expect(r.Verbs).NotTo(ContainElement(Or(Equal("delete"), Equal("list"), Equal("*"))))
		}
		secret, err := admin.Client.CoreV1().Secrets(grading.Name).Get(ctx, jobName, metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		kc, err := clientcmd.Load(secret.Data["0.kubeconfig"])
		Expect(err).NotTo(HaveOccurred())
		for _, a := range kc.AuthInfos {
			Expect(a.ClientCertificateData).To(BeEmpty(), "the students' credentials are the teacher's token, not the admin's certificate")
			Expect(a.Token).NotTo(BeEmpty())
		}
		for _, c := range kc.Clusters {
			Expect(c.Server).To(Equal("https://kubernetes.default.svc"), "the grading pods reach their own cluster's API server")
		}

		By("deleting the first student's grading pod while it runs: the index is graded again, alone")
		killed := waitRunningGradingPod(ctx, grading.Name, "0")
		Expect(admin.Client.CoreV1().Pods(grading.Name).Delete(ctx, killed, metav1.DeleteOptions{})).To(Succeed())
		status, code := joblab(append([]string{"class", "status"}, grade...)...)
		Expect(code).To(Equal(0), status)
		Expect(status).To(ContainSubstring("class lp: 5 students:"))

		By("waiting for the Job to end, watch-driven")
		end, err := framework.WatchJob(ctx, admin.Client, grading.Name, jobName, framework.JobComplete, 12*time.Minute)
		Expect(err).NotTo(HaveOccurred(), "the grading Job: %v", err)
		Expect(end.Job.Status.Failed).To(BeNumerically(">=", 1), "the killed grading pod counts as a failed try")
		status, _ = joblab(append([]string{"class", "status"}, grade...)...)
		Expect(status).To(ContainSubstring("class lp: 5 students: 5 graded, 0 running, 0 waiting, 0 retrying, 0 could not run"))
		Expect(status).To(MatchRegexp(`(?m)^0\s+s1\s+graded\s+2\s+passed`), "s1 graded on its second try")

		By("joblab class collect: the class page, as a local class run writes it")
		reportDir := filepath.Join(suiteSettings.Artifacts(), "in-cluster")
		out3, code := joblab(append([]string{"class", "collect", "--out", reportDir}, grade...)...)
		Expect(code).To(Equal(1), "s2's answer differs:\n%s", out3)
		md, err := os.ReadFile(filepath.Join(reportDir, "s2", "report.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(ContainSubstring("| DIFFERS | job.yaml: Job ten-by-five spec.parallelism | 5 | 2 |"))
		Expect(string(md)).To(ContainSubstring("| DIFFERS | most pods active at once |"))
		dom := renderDOM(ctx, filepath.Join(reportDir, "class.html"))
		Expect(strings.Count(dom, `<tr class="student"`)).To(Equal(inClusterStudents))
		Expect(dom).To(ContainSubstring(`data-lab="ten-by-five" data-outcome="differs"`))
		Expect(strings.Count(dom, `data-outcome="passed"`)).To(Equal(inClusterStudents - 1))

		By("joblab class delete: the class goes whole, the students' credentials with it")
		_, code = joblab(append([]string{"class", "delete"}, grade...)...)
		Expect(code).To(Equal(0))
		Eventually(ctx, func(ctx context.Context) int {
			list, err := admin.Client.CoreV1().Secrets(grading.Name).List(ctx, metav1.ListOptions{LabelSelector: classjob.ClassSelector("lp")})
			Expect(err).NotTo(HaveOccurred())
			return len(list.Items)
		}).WithTimeout(2*time.Minute).WithPolling(2*time.Second).Should(BeZero(), "the students' credentials are removed with the class's Job")
	})
})

// currentContext is a kubeconfig's current context.
func currentContext(path string) string {
	cfg, err := clientcmd.LoadFromFile(path)
	Expect(err).NotTo(HaveOccurred())
	return cfg.CurrentContext
}

// waitRunningGradingPod waits, watch-driven, for a Running grading pod
// of an index and returns its name.
func waitRunningGradingPod(ctx context.Context, ns, index string) string {
	pod, err := framework.WaitForFreshRunningPod(ctx, admin.Client, ns, batchv1.JobCompletionIndexAnnotation+"="+index, nil, 5*time.Minute)
	Expect(err).NotTo(HaveOccurred(), "a Running grading pod of index %s", index)
	Expect(pod.Status.Phase).To(Equal(corev1.PodRunning))
	return pod.Name
}
