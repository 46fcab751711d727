package specs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
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
	lab.Apply(ctx, in.Manifest)

	lab.Step("waiting until the job completes (kubectl get jobs shows 6/6)")
	run, err := framework.WatchJob(ctx, cs, ns, "normal-job", framework.JobComplete, lab.Within(framework.LabTimeouts.NormalJob))
	lab.GoOn("the job ends Complete", "Complete", err, run != nil && run.Job != nil)
	job, tl := run.Job, run.Timeline

	r.Equal("kubectl get jobs: COMPLETIONS", fmt.Sprintf("%d/%d", lesson.NormalCompletions, lesson.NormalCompletions), kubectlJobCell(ctx, in.Env, ns, "normal-job", "Completions"))
	r.Equal("describe: Parallelism", in.Parallelism, ptr.Deref(job.Spec.Parallelism, 1))
	r.Equal("describe: Completions", lesson.NormalCompletions, ptr.Deref(job.Spec.Completions, 1))
	r.Equal("pods created", lesson.NormalCompletions, len(tl.Pods))
	r.Equal("most pods active at once", in.Parallelism, tl.MaxActive)
	waves := tl.Waves()
	if in.Parallelism == 1 {
		r.Add("pods run one after another", "each pod starts after the previous one ended", tl.Overlap(), tl.OneAtATime())
	} else {
		pairs := len(waves) == lesson.NormalCompletions/2
		for _, w := range waves {
			pairs = pairs && w == 2
		}
		r.Add("pods created two at a time (SuccessfulCreate in pairs)", "2, 2, 2", joinInts(waves), pairs)
	}

	lab.Step("reading the events of kubectl describe job normal-job")
	events, err := framework.WaitForEvents(ctx, cs, ns, "Job", "normal-job", job.UID, lesson.NormalEvents(lesson.NormalCompletions), lab.Within(framework.LabTimeouts.Events))
	r.Add("describe: events", fmt.Sprintf("%d x SuccessfulCreate, then Completed", lesson.NormalCompletions), lesson.Summary(events), err == nil)
	created := lesson.CreatedPods(events)
	r.Equal("events name distinct pods", lesson.NormalCompletions, len(distinct(created)))

	// Point 5 of the notes: a finished Job's pods are kept until the Job is
	// deleted. Every one of them, through one pass of the control plane's
	// pod garbage collector (a --terminated-pod-gc-threshold below the
	// lesson's six pods shows here).
	window := lab.Window(framework.LabTimeouts.PodGC)
	lab.Step(fmt.Sprintf("watching the %d finished pods for %s: the lesson keeps them until the Job is deleted", lesson.NormalCompletions, window))
	present, gone := framework.WatchForPodsGoing(ctx, cs, ns, "batch.kubernetes.io/job-name=normal-job", window)
	kept := fmt.Sprintf("all %d kept", present)
	if gone != "" || present != lesson.NormalCompletions {
		kept = fmt.Sprintf("%d of %d there when the watch began; %s", present, lesson.NormalCompletions, keptOrGone(gone))
	}
	r.Add(fmt.Sprintf("finished pods kept until the Job is deleted (watched %s)", window), fmt.Sprintf("all %d kept", lesson.NormalCompletions), kept, gone == "" && present == lesson.NormalCompletions)
	lab.Verify()
}

// podsStatuses is a Job's counts as kubectl describe job prints them
// (Pods Statuses).
func podsStatuses(j *batchv1.Job) string {
	return fmt.Sprintf("%d Running / %d Succeeded / %d Failed", j.Status.Active, j.Status.Succeeded, j.Status.Failed)
}

// kubectlJobCell is one column of kubectl get jobs for a Job, as the API
// server prints it.
func kubectlJobCell(ctx context.Context, env *framework.Env, ns, job, column string) string {
	rows, err := framework.KubectlGet(ctx, env.Client.BatchV1().RESTClient(), ns, "jobs", "")
	Expect(err).NotTo(HaveOccurred())
	return framework.KubectlCell(rows, job, column)
}

// readable renders an error for a report row: "none" rather than <nil>.
func readable(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}

// yesOr is "yes" when err is nil, else the error.
func yesOr(err error) string { return outcome("yes", err) }

// outcome is done when err is nil, else the error: what a wait observed.
func outcome(done string, err error) string {
	if err == nil {
		return done
	}
	return err.Error()
}

// differences says how got differs from want: missing and extra numbers.
func differences(want, got []int) string {
	in := func(xs []int) map[int]bool {
		m := make(map[int]bool, len(xs))
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var missing, extra []int
	for _, x := range want {
		if !g[x] {
			missing = append(missing, x)
		}
	}
	for _, x := range got {
		if !w[x] {
			extra = append(extra, x)
		}
	}
	if len(missing) == 0 && len(extra) == 0 && len(want) == len(got) {
		return "the same"
	}
	return fmt.Sprintf("%d printed; missing %s; extra %s", len(got), firstFew(missing), firstFew(extra))
}

func firstFew(xs []int) string {
	if len(xs) == 0 {
		return "none"
	}
	if len(xs) > 5 {
		return fmt.Sprintf("%v ... (%d)", xs[:5], len(xs))
	}
	return fmt.Sprint(xs)
}

// firstDifferentLine names the first line where got differs from want.
func firstDifferentLine(want, got string) string {
	if want == got {
		return "the same"
	}
	if n, w, g := differingLine(want, got); n > 0 {
		return fmt.Sprintf("line %d is %q, numpy prints %q", n, g, w)
	}
	return "differs"
}

// differingLine finds the first line (from 1) where got differs from
// want, and both lines ("" past the end); 0 when none does.
func differingLine(want, got string) (n int, w, g string) {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		w, g = "", ""
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return i + 1, w, g
		}
	}
	return 0, "", ""
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

// seconds writes durations as a person does: "17 s, 26 s, 46 s".
func seconds(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = fmt.Sprintf("%d s", int(d.Round(time.Second).Seconds()))
	}
	return strings.Join(out, ", ")
}

// joinInts writes numbers as a person does: "2, 2, 2".
func joinInts(ns []int) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return strings.Join(out, ", ")
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
