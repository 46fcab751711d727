//go:build e2e

package lessons

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/manifests"
	"github.com/joblab/joblab/suites/framework"
	"github.com/joblab/joblab/suites/lesson"
)

// BehaviourInput is the input of the lesson-behaviour specs.
type BehaviourInput struct {
	Env *framework.Env
	Lab string
}

// PodsStayUntilJobDeletedSpec is point 5 of the lesson: a finished Job's
// pods are kept until the Job is deleted, and go with it.
func PodsStayUntilJobDeletedSpec(ctx context.Context, in BehaviourInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("kubectl apply -f pn_job.yaml and waiting until it completes")
	Expect(framework.Apply(ctx, in.Env.Config, ns, "pn_job.yaml")).To(Succeed())
	_, err := framework.WatchJob(ctx, cs, ns, "prime-number", framework.JobComplete, framework.LabTimeouts.PrimeJob)
	Expect(err).NotTo(HaveOccurred())

	lab.Step("checking that the finished pod is still there")
	time.Sleep(5 * time.Second) // give a wrongly eager clean-up the time to show
	pods, err := framework.JobPods(ctx, cs, ns, "prime-number")
	Expect(err).NotTo(HaveOccurred())
	r.Equal("pods kept after the Job finished", 1, len(pods))

	lab.Step("kubectl delete job prime-number")
	Expect(cs.BatchV1().Jobs(ns).Delete(ctx, "prime-number", metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationBackground)})).To(Succeed())
	err = framework.WaitForPodsGone(ctx, cs, ns, "batch.kubernetes.io/job-name=prime-number", framework.LabTimeouts.PodsGone)
	r.Add("pods deleted with the Job", "deleted", fmt.Sprint(err), err == nil)
	lab.Verify()
}

// LostPodReplacedSpec is point 4 of the lesson: a Job's pod lost while
// running is replaced, and the Job still completes.
func LostPodReplacedSpec(ctx context.Context, in BehaviourInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("kubectl apply -f job-normal-end-parallelism2.yaml")
	Expect(framework.Apply(ctx, in.Env.Config, ns, "job-normal-end-parallelism2.yaml")).To(Succeed())

	lab.Step("losing a running pod (deleting it at once, as a failed node would)")
	var lost string
	Eventually(func(g Gomega) {
		pods, err := framework.JobPods(ctx, cs, ns, "normal-job")
		g.Expect(err).NotTo(HaveOccurred())
		for _, p := range pods {
			if p.Status.Phase == corev1.PodRunning {
				lost = p.Name
				return
			}
		}
		g.Expect(lost).NotTo(BeEmpty(), "no running pod yet")
	}).WithContext(ctx).WithTimeout(framework.Timeouts.PodStart).WithPolling(200 * time.Millisecond).Should(Succeed())
	Expect(cs.CoreV1().Pods(ns).Delete(ctx, lost, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})).To(Succeed())

	lab.Step("waiting until the job still completes")
	run, err := framework.WatchJob(ctx, cs, ns, "normal-job", framework.JobComplete, framework.LabTimeouts.NormalJob)
	Expect(err).NotTo(HaveOccurred())
	r.Equal("kubectl get jobs: COMPLETIONS", fmt.Sprintf("%d/%d", lesson.NormalCompletions, lesson.NormalCompletions), fmt.Sprintf("%d/%d", run.Job.Status.Succeeded, ptr.Deref(run.Job.Spec.Completions, 1)))
	pods, err := framework.JobPods(ctx, cs, ns, "normal-job")
	Expect(err).NotTo(HaveOccurred())
	succeeded := 0
	for _, p := range pods {
		if p.Status.Phase == corev1.PodSucceeded && p.Name != lost {
			succeeded++
		}
	}
	r.Add("a replacement pod ran", fmt.Sprintf("%d pods succeeded besides the lost %s", lesson.NormalCompletions, lost), fmt.Sprintf("%d", succeeded), succeeded == lesson.NormalCompletions)
	lab.Verify()
}

// RemovedCronJobAPISpec is the lesson's batch/v1beta1 CronJob: the cluster
// no longer serves that API, and joblab says what to write instead.
func RemovedCronJobAPISpec(ctx context.Context, in BehaviourInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace
	legacy, err := manifests.Read("legacy/cron-job.v1beta1.yaml")
	Expect(err).NotTo(HaveOccurred())

	lab.Step("sending the notes' CronJob to the API server as it is")
	body, err := yamlToJSON(legacy)
	Expect(err).NotTo(HaveOccurred())
	res := cs.BatchV1().RESTClient().Post().AbsPath("/apis/batch/v1beta1/namespaces", ns, "cronjobs").Body(body).SetHeader("Content-Type", "application/json").Do(ctx)
	err = res.Error()
	r.Add("the API server refuses batch/v1beta1 CronJob", "404 Not Found", fmt.Sprint(err), apierrors.IsNotFound(err))
	_, derr := cs.Discovery().ServerResourcesForGroupVersion("batch/v1beta1")
	r.Add("batch/v1beta1 is not served", "not served", fmt.Sprint(derr), derr != nil)

	lab.Step("applying it through joblab")
	err = framework.Apply(ctx, in.Env.Config, ns, "legacy/cron-job.v1beta1.yaml")
	var removed *manifests.RemovedAPIError
	r.Add("joblab's error names the removal and the fix", "removed in 1.25, write apiVersion: batch/v1", fmt.Sprint(err), errors.As(err, &removed) && removed.Use == "batch/v1" && removed.RemovedIn == "1.25")
	cjs, err := cs.BatchV1().CronJobs(ns).List(ctx, metav1.ListOptions{})
	Expect(err).NotTo(HaveOccurred())
	r.Equal("CronJobs created", 0, len(cjs.Items))
	lab.Verify()
}
