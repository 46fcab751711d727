package specs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/restmapper"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/manifests"
	"github.com/joblab/joblab/pkg/framework"
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
	lab.Apply(ctx, "pn_job.yaml")
	run, err := framework.WatchJob(ctx, cs, ns, "prime-number", framework.JobComplete, lab.Within(framework.LabTimeouts.PrimeJob))
	lab.GoOn("the job ends Complete", "Complete", err, run != nil && run.Job != nil)
	r.Equal("the Job sets no TTL after finishing (ttlSecondsAfterFinished)", "unset", ttl(run.Job.Spec.TTLSecondsAfterFinished))

	watch := lab.Window(framework.LabTimeouts.PodsKept)
	lab.Step(fmt.Sprintf("watching the finished pod for %s: it must stay", watch))
	// The watch's first list: the pods there once the Job finished.
	present, gone := framework.WatchForPodsGoing(ctx, cs, ns, "batch.kubernetes.io/job-name=prime-number", watch)
	r.Equal("pods of the finished Job", 1, present)
	r.Add(fmt.Sprintf("pods kept after the Job finished (watched %s)", watch), "kept", keptOrGone(gone), gone == "")
	if gone == "" {
		r.Measure("finished Job and pod still there after (kept until deleted)", watch)
	}

	lab.Step("kubectl delete job prime-number")
	err = cs.BatchV1().Jobs(ns).Delete(ctx, "prime-number", metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationBackground)})
	if !apierrors.IsNotFound(err) {
		Expect(err).NotTo(HaveOccurred())
	}
	err = framework.WaitForPodsGone(ctx, cs, ns, "batch.kubernetes.io/job-name=prime-number", lab.Within(framework.LabTimeouts.PodsGone))
	r.Add("pods deleted with the Job", "deleted", outcome("deleted", err), err == nil)
	lab.Verify()
}

func ttl(v *int32) string {
	if v == nil {
		return "unset"
	}
	return fmt.Sprintf("%d s", *v)
}

func keptOrGone(gone string) string {
	if gone == "" {
		return "kept"
	}
	return gone
}

// LostPodReplacedSpec is point 4 of the lesson: a Job's pod lost while
// running is replaced, and the Job still completes. A pod that ends by
// itself before its deletion takes effect was not lost: the spec then
// loses another one, and the verdict rests on what the Job controller
// records (failed count, pods created), never on timing.
func LostPodReplacedSpec(ctx context.Context, in BehaviourInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("kubectl apply -f job-normal-end-parallelism2.yaml")
	lab.Apply(ctx, "job-normal-end-parallelism2.yaml")

	lab.Step("losing a running pod (deleting it at once, as a failed node would)")
	// Whether a deleted pod was lost or had just finished is what the Job
	// controller recorded for it (failed or succeeded), read once the pod
	// is gone: no timing decides it. A pod that finished first does not
	// count; another one is lost instead.
	var lost, endedFirst []string
	for attempt := 1; attempt <= 3 && len(lost) == 0; attempt++ {
		// Bounded by the Job's own budget: on a busy cluster (a class of
		// ten on two cores) a pod may take minutes to start.
		pod, err := framework.WaitForFreshRunningPod(ctx, cs, ns, "batch.kubernetes.io/job-name=normal-job", append(append([]string{}, endedFirst...), lost...), lab.Within(framework.LabTimeouts.NormalJob))
		if err != nil {
			// Losing a pod is the lab's act, not a fact of the lesson:
			// when no running pod could be caught, nothing was observed
			// (not verified, with the wait's last sight), never "differs"
			// nor "passed". A Job that runs no pod at all differs in the
			// normal lab, and a manifest that differs is a row above.
			why := "no running pod of normal-job could be caught to lose: " + err.Error()
			r.NotObservable("a pod of normal-job that has just started running", "found", why)
			lab.NotVerified(why)
			lab.Verify()
			return
		}
		victim := pod.Name
		Expect(cs.CoreV1().Pods(ns).Delete(ctx, victim, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})).To(Succeed())
		_, err = framework.WaitForPodGone(ctx, cs, ns, victim, lab.Within(framework.LabTimeouts.PodsGone))
		Expect(err).NotTo(HaveOccurred())
		counted, err := framework.JobCountedPod(ctx, cs, ns, "normal-job", pod.UID, lab.Within(framework.LabTimeouts.Events))
		Expect(err).NotTo(HaveOccurred())
		if counted == corev1.PodSucceeded {
			GinkgoWriter.Printf("pod %s succeeded before its deletion took effect: it was not lost; losing another\n", victim)
			endedFirst = append(endedFirst, victim)
			continue
		}
		lost = append(lost, victim)
	}
	r.Add("a pod of normal-job that has just started running", "found", "found", true)
	r.Equal("a running pod lost (counted failed by the Job controller)", 1, len(lost))

	lab.Step("waiting until the job still completes")
	run, err := framework.WatchJob(ctx, cs, ns, "normal-job", framework.JobComplete, lab.Within(framework.LabTimeouts.NormalJob))
	lab.GoOn("the job ends Complete", "Complete", err, run != nil && run.Job != nil)
	n := lesson.NormalCompletions
	r.Equal("kubectl get jobs: COMPLETIONS", fmt.Sprintf("%d/%d", n, n), kubectlJobCell(ctx, in.Env, ns, "normal-job", "Completions"))
	r.Equal("describe: Pods Statuses (the Job controller's record)", fmt.Sprintf("0 Running / %d Succeeded / %d Failed", n, len(lost)),
		podsStatuses(run.Job))
	r.Equal("pods that ran to an end: the completions plus one replacement per lost pod", n+len(lost), int(run.Job.Status.Succeeded+run.Job.Status.Failed))
	lab.Verify()
}

// RemovedCronJobAPISpec is the lesson's batch/v1beta1 CronJob: the cluster
// no longer serves that API, and joblab says what to write instead.
func RemovedCronJobAPISpec(ctx context.Context, in BehaviourInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("asking the API server's discovery for CronJob in batch/v1beta1, as kubectl apply does")
	// kubectl apply maps the manifest's kind and version through the
	// server's discovery; for a removed version it stops with exactly this
	// error (kubectl: "resource mapping not found ... ensure CRDs are
	// installed first").
	const kubectlSays = `no matches for kind "CronJob" in version "batch/v1beta1"`
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cs.Discovery()))
	_, err := mapper.RESTMapping(schema.GroupKind{Group: "batch", Kind: "CronJob"}, "v1beta1")
	r.Add("kubectl apply's error for the notes' CronJob", kubectlSays, readable(err), err != nil && meta.IsNoMatchError(err) && err.Error() == kubectlSays)
	_, derr := cs.Discovery().ServerResourcesForGroupVersion("batch/v1beta1")
	r.Add("batch/v1beta1 is not served", "404: the server could not find the requested resource", readable(derr), apierrors.IsNotFound(derr))

	lab.Step("applying it through joblab")
	lab.NoteOrigin("legacy/cron-job.v1beta1.yaml")
	err = in.Env.Apply(ctx, ns, lab.Report.Lab, "legacy/cron-job.v1beta1.yaml")
	var removed *manifests.RemovedAPIError
	ok := errors.As(err, &removed) && strings.Contains(err.Error(), kubectlSays) && strings.Contains(err.Error(), "removed in Kubernetes 1.25") && strings.Contains(err.Error(), "write apiVersion: batch/v1")
	r.Add("joblab's error names the removal and the fix", kubectlSays+"; removed in Kubernetes 1.25; write apiVersion: batch/v1", readable(err), ok)
	// Only this lab's: the cron lab may run beside it in the same namespace.
	cjs, err := cs.BatchV1().CronJobs(ns).List(ctx, metav1.ListOptions{LabelSelector: framework.OwnedBy(lab.Report.Lab)})
	Expect(err).NotTo(HaveOccurred())
	r.Equal("CronJobs created", 0, len(cjs.Items))
	lab.Verify()
}
