//go:build e2e

package lessons

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/labs/primes"
	"github.com/joblab/joblab/suites/framework"
	"github.com/joblab/joblab/suites/lesson"
)

// NormalJobInput is the input of NormalJobSpec.
type NormalJobInput struct {
	Env      *framework.Env
	Lab      string
	Manifest string
	// Parallelism is what the lesson documents for this run: 1 (unset) or 2.
	Parallelism int
}

// NormalJobSpec is lesson 10.2: Job normal-job runs six pods to completion,
// one at a time, or two at a time with parallelism 2.
func NormalJobSpec(ctx context.Context, in NormalJobInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("kubectl apply -f " + in.Manifest)
	Expect(framework.Apply(ctx, in.Env.Config, ns, in.Manifest)).To(Succeed())

	lab.Step("waiting until the job completes (kubectl get jobs shows 6/6)")
	run, err := framework.WatchJob(ctx, cs, ns, "normal-job", framework.JobComplete, framework.LabTimeouts.NormalJob)
	Expect(err).NotTo(HaveOccurred())
	job, tl := run.Job, run.Timeline

	r.Equal("kubectl get jobs: COMPLETIONS", fmt.Sprintf("%d/%d", lesson.NormalCompletions, lesson.NormalCompletions), fmt.Sprintf("%d/%d", job.Status.Succeeded, ptr.Deref(job.Spec.Completions, 1)))
	r.Equal("describe: Parallelism", in.Parallelism, ptr.Deref(job.Spec.Parallelism, 1))
	r.Equal("describe: Completions", lesson.NormalCompletions, ptr.Deref(job.Spec.Completions, 1))
	r.Equal("pods created", lesson.NormalCompletions, len(tl.Pods))
	r.Equal("most pods active at once", in.Parallelism, tl.MaxActive)
	batches := tl.Batches(3 * time.Second)
	if in.Parallelism == 1 {
		r.Add("pods run one after another", "each pod starts after the previous one ended", fmt.Sprintf("one at a time: %v", tl.OneAtATime()), tl.OneAtATime())
	} else {
		pairs := len(batches) > 0 && batches[0] == 2 && maxOf(batches) <= 2
		r.Add("pods created two at a time (SuccessfulCreate in pairs)", "pairs", fmt.Sprintf("created in groups of %v", batches), pairs)
	}

	lab.Step("reading the events of kubectl describe job normal-job")
	events, err := framework.WaitForEvents(ctx, cs, ns, "Job", "normal-job", job.UID, lesson.NormalEvents(lesson.NormalCompletions), framework.LabTimeouts.Events)
	r.Add("describe: events", fmt.Sprintf("%d x SuccessfulCreate, then Completed", lesson.NormalCompletions), lesson.Summary(events), err == nil)
	created := lesson.CreatedPods(events)
	r.Equal("events name distinct pods", lesson.NormalCompletions, len(distinct(created)))
	lab.Verify()
}

// FailingJobInput is the input of FailingJobSpec.
type FailingJobInput struct {
	Env      *framework.Env
	Lab      string
	Manifest string
	JobName  string
	// BackoffLimit is the documented retry limit: pods = BackoffLimit + 1.
	BackoffLimit int
	// Containers maps each container to its documented exit code.
	Containers map[string]int32
	// KubectlStatus is the pod STATUS column the notes print.
	KubectlStatus string
	// GrowingBackoff asserts that the gaps between pod creations grow.
	GrowingBackoff bool
}

// FailingJobSpec is lessons 10.3 and 10.4: every pod fails (one failing
// container is enough), the job retries backoffLimit times with a growing
// back-off, then stops with BackoffLimitExceeded.
func FailingJobSpec(ctx context.Context, in FailingJobInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("kubectl apply -f " + in.Manifest)
	Expect(framework.Apply(ctx, in.Env.Config, ns, in.Manifest)).To(Succeed())

	lab.Step("waiting until the job fails")
	run, err := framework.WatchJob(ctx, cs, ns, in.JobName, framework.JobFailed, framework.LabTimeouts.AbnormalJob)
	Expect(err).NotTo(HaveOccurred())
	job, tl := run.Job, run.Timeline
	pods := in.BackoffLimit + 1

	reason := ""
	for _, c := range job.Status.Conditions {
		if c.Type == "Failed" && c.Status == corev1.ConditionTrue {
			reason = c.Reason
		}
	}
	r.Equal("job condition Failed, reason", lesson.BackoffLimitExceeded, reason)
	r.Equal("kubectl get jobs: COMPLETIONS", "0/1", fmt.Sprintf("%d/%d", job.Status.Succeeded, ptr.Deref(job.Spec.Completions, 1)))
	r.Equal("describe: Pods Statuses", fmt.Sprintf("0 Running / 0 Succeeded / %d Failed", pods), fmt.Sprintf("%d Running / %d Succeeded / %d Failed", job.Status.Active, job.Status.Succeeded, job.Status.Failed))
	r.Equal("pods created (first try + backoffLimit retries)", pods, len(tl.Pods))

	lab.Step("checking every pod and container state (kubectl get pod)")
	podList, err := framework.JobPods(ctx, cs, ns, in.JobName)
	Expect(err).NotTo(HaveOccurred())
	var phases, exits, status []string
	for i := range podList {
		p := &podList[i]
		phases = append(phases, string(p.Status.Phase))
		status = append(status, framework.KubectlStatus(p))
		for _, c := range p.Status.ContainerStatuses {
			if t := c.State.Terminated; t != nil {
				exits = append(exits, fmt.Sprintf("%s=%d", c.Name, t.ExitCode))
			}
		}
	}
	r.Equal("pod phases", repeat("Failed", pods), strings.Join(phases, ","))
	r.Equal("container exit codes", repeat(exitCodes(in.Containers), pods), strings.Join(exits, ","))
	r.Equal("kubectl get pod: STATUS", repeat(in.KubectlStatus, pods), strings.Join(status, ","))
	if in.GrowingBackoff {
		gaps := tl.CreationGaps()
		r.Add("gaps between pod creations grow (back-off)", "growing", fmt.Sprint(roundAll(gaps)), len(gaps) == pods-1 && lesson.Growing(gaps))
	}

	lab.Step("reading the events of kubectl describe job " + in.JobName)
	events, err := framework.WaitForEvents(ctx, cs, ns, "Job", in.JobName, job.UID, lesson.AbnormalEvents(in.BackoffLimit), framework.LabTimeouts.Events)
	r.Add("describe: events", fmt.Sprintf("%d x SuccessfulCreate, then Warning BackoffLimitExceeded", pods), lesson.Summary(events), err == nil)
	lab.Verify()
}

// PrimeJobInput is the input of PrimeJobSpec.
type PrimeJobInput struct {
	Env *framework.Env
	Lab string
}

// PrimeJobSpec is lesson 10.5: Job prime-number prints the primes from 2
// to 100001 in one bracketed array.
func PrimeJobSpec(ctx context.Context, in PrimeJobInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("kubectl apply -f pn_job.yaml")
	Expect(framework.Apply(ctx, in.Env.Config, ns, "pn_job.yaml")).To(Succeed())

	lab.Step("waiting until the job completes")
	run, err := framework.WatchJob(ctx, cs, ns, "prime-number", framework.JobComplete, framework.LabTimeouts.PrimeJob)
	Expect(err).NotTo(HaveOccurred())
	r.Equal("kubectl get jobs: COMPLETIONS", "1/1", fmt.Sprintf("%d/%d", run.Job.Status.Succeeded, ptr.Deref(run.Job.Spec.Completions, 1)))

	lab.Step("kubectl logs of the pod")
	pods, err := framework.JobPods(ctx, cs, ns, "prime-number")
	Expect(err).NotTo(HaveOccurred())
	Expect(pods).To(HaveLen(1))
	r.Equal("kubectl get pod: STATUS", "Completed", framework.KubectlStatus(&pods[0]))
	log, err := framework.PodLog(ctx, cs, ns, pods[0].Name, "pn-generator")
	Expect(err).NotTo(HaveOccurred())
	first, _, _ := strings.Cut(log, "\n")
	r.Add("log begins", "[    2     3     5     7    11 ...", first, strings.HasPrefix(first, "[    2     3     5     7    11"))
	got, err := primes.Parse(strings.NewReader(log))
	r.Add("log is one bracketed array", "yes", fmt.Sprintf("parse error: %v", err), err == nil)
	r.Equal("primes printed", lesson.PrimeCount, len(got))
	if len(got) > 0 {
		r.Equal("first and last prime", fmt.Sprintf("2 .. %d", lesson.PrimeLast), fmt.Sprintf("%d .. %d", got[0], got[len(got)-1]))
	}
	r.Add("exactly the primes of 2..100001", "yes", fmt.Sprint(equalInts(got, primes.InRange(lesson.PrimeStart, lesson.PrimeEnd))), equalInts(got, primes.InRange(lesson.PrimeStart, lesson.PrimeEnd)))
	lab.Verify()
}

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func distinct(xs []string) map[string]bool {
	out := map[string]bool{}
	for _, x := range xs {
		out[x] = true
	}
	return out
}

func repeat(s string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = s
	}
	return strings.Join(parts, ",")
}

func exitCodes(m map[string]int32) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s=%d", n, m[n])
	}
	return strings.Join(parts, ",")
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Second)
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
