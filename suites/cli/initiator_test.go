//go:build e2e

package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/joblab/joblab/labs/initiator"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// The lesson runs its job initiator from the student's machine, against
// the cluster its kubeconfig names: the command itself is built and run
// here, with --kubeconfig and --context, not the package in-process.
var _ = Describe("the job-initiator command", Label("cli", "broker"), Serial, func() {
	It("fills the queue and creates Job pngen on the cluster that --kubeconfig and --context name", func(ctx context.Context) {
		By("building labs/job-initiator")
		dir := GinkgoT().TempDir()
		cmdBin := filepath.Join(dir, "job-initiator")
		build := exec.CommandContext(ctx, "go", "build", "-o", cmdBin, "./labs/job-initiator")
		build.Dir = root
		out, err := build.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))

		By("a kubeconfig whose current context is another, unreachable cluster: only --context reaches this one")
		cfg, err := clientcmd.LoadFromFile(admin.Kubeconfig)
		Expect(err).NotTo(HaveOccurred())
		real := cfg.CurrentContext
		Expect(real).NotTo(BeEmpty())
		cfg.Clusters["elsewhere"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:1"}
		cfg.Contexts["elsewhere"] = &clientcmdapi.Context{Cluster: "elsewhere", AuthInfo: cfg.Contexts[real].AuthInfo}
		cfg.CurrentContext = "elsewhere"
		kubeconfig := filepath.Join(dir, "student.kubeconfig")
		Expect(clientcmd.WriteToFile(*cfg, kubeconfig)).To(Succeed())

		By("the broker, in a namespace of its own (kubectl apply -f taskQueue-deploy.yaml)")
		ns, err := framework.CreateNamespace(ctx, admin.Client, "initiator")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { Expect(framework.DeleteNamespace(ctx, admin.Client, ns.Name)).To(Succeed()) })
		Expect(framework.WaitForNodePortFree(ctx, admin.Client, lesson.BrokerNodePort, framework.Timeouts.Namespace)).To(Succeed())
		Expect(admin.Apply(ctx, ns.Name, "broker", "taskQueue-deploy.yaml")).To(Succeed())
		Expect(framework.WaitForDeploymentAvailable(ctx, admin.Client, ns.Name, "taskqueue", framework.LabTimeouts.BrokerReady)).To(Succeed())

		args := []string{"--kubeconfig", kubeconfig, "--namespace", ns.Name, "--image", framework.LabImage(suiteSettings.ImageRepo, initiator.WorkerImage)}
		By("without --context: the current context's cluster does not answer, and the command says so")
		run := exec.CommandContext(ctx, cmdBin, args...)
		out, err = run.CombinedOutput()
		var exit *exec.ExitError
		Expect(errors.As(err, &exit)).To(BeTrue(), "job-initiator must fail on an unreachable cluster: %v\n%s", err, out)
		Expect(exit.ExitCode()).To(Equal(1), string(out))
		Expect(string(out)).To(ContainSubstring("127.0.0.1:1"), "the error names the server it tried")

		By("job-initiator --kubeconfig K --context " + real)
		run = exec.CommandContext(ctx, cmdBin, append(args, "--context", real)...)
		run.Env = append(os.Environ(), "KUBECONFIG=/nonexistent")
		out, err = run.CombinedOutput()
		GinkgoWriter.Printf("%s\n", out)
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("broker found at "))

		By("waiting until Job pngen completes: four items, four pods")
		done, err := framework.WatchJob(ctx, admin.Client, ns.Name, "pngen", framework.JobComplete, framework.LabTimeouts.BrokerJob)
		Expect(err).NotTo(HaveOccurred())
		Expect(done.Job.Status.Succeeded).To(BeEquivalentTo(lesson.BrokerItemCount))
		job, err := admin.Client.BatchV1().Jobs(ns.Name).Get(ctx, "pngen", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(*job.Spec.Completions).To(BeEquivalentTo(4))
		Expect(*job.Spec.Parallelism).To(BeEquivalentTo(2))
		Expect(job.Spec.TTLSecondsAfterFinished).To(BeNil())
	}, NodeTimeout(10*time.Minute))
})
