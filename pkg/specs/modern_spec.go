package specs

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// ModernInput is the input of the modern track's specs.
type ModernInput struct {
	Env *framework.Env
	Lab string
}

// jobSelector selects a Job's pods by the label the Job controller sets.
func jobSelector(job string) string { return "batch.kubernetes.io/job-name=" + job }

// jobTook is how long a Job ran, from its start to its end (completion
// or the Failed condition), as the Job's status records it.
func jobTook(j *batchv1.Job) time.Duration {
	if j == nil || j.Status.StartTime == nil {
		return 0
	}
	end := j.Status.CompletionTime
	if c := framework.JobCondition(j, batchv1.JobFailed); end == nil && c != nil {
		end = &c.LastTransitionTime
	}
	if end == nil {
		return 0
	}
	return end.Sub(j.Status.StartTime.Time)
}

// jobDecided is how long after its start the Job controller set the
// condition of type want (FailureTarget, SuccessCriteriaMet: its decision,
// made before the pods have stopped) and that condition's type; a cluster
// that sets no such condition is read by its terminal one.
func jobDecided(j *batchv1.Job, want batchv1.JobConditionType) (time.Duration, batchv1.JobConditionType) {
	if j == nil || j.Status.StartTime == nil {
		return 0, want
	}
	if c := framework.JobCondition(j, want); c != nil {
		return c.LastTransitionTime.Sub(j.Status.StartTime.Time), want
	}
	terminal := batchv1.JobFailed
	if want == batchv1.JobSuccessCriteriaMet {
		terminal = batchv1.JobComplete
	}
	return jobTook(j), terminal
}

// ReplacementSpec is podReplacementPolicy Failed: a deleted pod is
// replaced only once it has terminated.
func ReplacementSpec(ctx context.Context, in ModernInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace
	const job = "replaced-when-failed"

	lab.Step("kubectl apply -f modern/replacement.yaml")
	waitJob := framework.WatchJobInBackground(ctx, cs, ns, job, framework.JobComplete, lab.Within(framework.LabTimeouts.ModernJob))
	lab.Apply(ctx, "modern/replacement.yaml")
	pod, err := framework.WaitForRunningPod(ctx, cs, ns, jobSelector(job), lab.Within(framework.LabTimeouts.ModernJob))
	lab.Require("a running pod of the Job", "running", err)

	lab.Step("kubectl delete pod " + pod.Name + " (it takes 10 s to stop)")
	// Every state of the Job from now on: was there a moment with the old
	// pod terminating and no replacement yet? The watch's goroutine alone
	// writes these; they are read once it has ended (statesDone).
	var states []string
	sawGap, sawTerminating := false, false
	observe := func(j *batchv1.Job) {
		terminating := ptr.Deref(j.Status.Terminating, 0)
		s := fmt.Sprintf("active %d, terminating %d", j.Status.Active, terminating)
		if len(states) == 0 || states[len(states)-1] != s {
			states = append(states, s)
		}
		sawTerminating = sawTerminating || terminating > 0
		sawGap = sawGap || (j.Status.Active == 0 && terminating == 1)
	}
	statesDone := make(chan struct{})
	go func() {
		defer close(statesDone)
		_, _ = framework.WatchJobUntil(ctx, cs, ns, job, "a replacement pod active", lab.Within(framework.LabTimeouts.ModernJob), observe, func(j *batchv1.Job) bool {
			// The old pod gone and a replacement running, whatever the
			// policy did in between.
			return j.Status.Active == 1 && ptr.Deref(j.Status.Terminating, 0) == 0 && sawTerminating
		})
	}()
	Expect(cs.CoreV1().Pods(ns).Delete(ctx, pod.Name, metav1.DeleteOptions{})).To(Succeed())
	phase, err := framework.WaitForPodGone(ctx, cs, ns, pod.Name, lab.Within(framework.LabTimeouts.PodsGone))
	r.Add("the deleted pod ends", "Failed (its TERM trap exits 1)", fmt.Sprintf("%s (%s)", phase, outcome("removed", err)), err == nil && phase == corev1.PodFailed)
	<-statesDone

	lab.Step("waiting until the replacement completes the Job")
	run, err := waitJob()
	lab.GoOn("the job ends Complete", "Complete", err, run != nil && run.Job != nil)
	r.Add("Job status after the delete: terminating 1 with active 0, then the replacement", "active 0, terminating 1 → active 1", strings.Join(states, " → "), sawGap)
	var old, replacement *lesson.PodRecord
	for i := range run.Timeline.Pods {
		if p := &run.Timeline.Pods[i]; p.Name == pod.Name {
			old = p
		} else {
			replacement = p
		}
	}
	switch {
	case old == nil || replacement == nil:
		r.Add("the replacement pod is created after the deleted pod has terminated", "after", fmt.Sprintf("deleted pod seen: %t, replacement seen: %t", old != nil, replacement != nil), false)
	case old.FinishedSeq == 0 || replacement.SeenSeq == 0:
		r.Add("the replacement pod is created after the deleted pod has terminated", "after", "the watch did not record the order", false)
	default:
		// The watch's order of events, the API server's own: finer than
		// the one-second timestamps.
		r.Add("the replacement pod is created after the deleted pod has terminated", "after", fmt.Sprintf("deleted pod seen %s at event %d, replacement first seen at event %d", old.Phase, old.FinishedSeq, replacement.SeenSeq), replacement.SeenSeq > old.FinishedSeq)
	}
	r.Equal("pods created (the deleted one and its replacement)", 2, len(run.Timeline.Pods))
	lab.Verify()
}

func reasonOf(c *batchv1.JobCondition) string {
	if c == nil {
		return "no such condition"
	}
	return c.Reason
}

func messageOf(c *batchv1.JobCondition) string {
	if c == nil {
		return "no such condition"
	}
	return c.Message
}

// noneOr is "none" for an empty list, else the list.
func noneOr(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, "; ")
}
