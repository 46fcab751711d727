//go:build e2e

package lessons

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/suites/framework"
	"github.com/joblab/joblab/suites/lesson"
)

// CronInput is the input of CronSpec.
type CronInput struct {
	Env *framework.Env
	Lab string
	// Runs is how many runs to watch; the history clean-up shows from the
	// fourth on.
	Runs int
}

// CronSpec is lesson 10.9: CronJob hello makes one Job a minute, each
// prints the date and a greeting, and only the last three finished Jobs
// (and their pods) are kept.
func CronSpec(ctx context.Context, in CronInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("kubectl apply -f cron-job.yaml")
	Expect(framework.Apply(ctx, in.Env.Config, ns, "cron-job.yaml")).To(Succeed())
	cj, err := cs.BatchV1().CronJobs(ns).Get(ctx, "hello", metav1.GetOptions{})
	Expect(err).NotTo(HaveOccurred())
	r.Equal("kubectl get cronjobs: SCHEDULE", lesson.CronSchedule, cj.Spec.Schedule)
	r.Equal("kubectl get cronjobs: SUSPEND", false, ptr.Deref(cj.Spec.Suspend, false))

	lab.Step(fmt.Sprintf("watching %d runs, one a minute, and the history clean-up", in.Runs))
	hist, err := framework.WatchCronRuns(ctx, cs, ns, in.Runs, framework.LabTimeouts.CronRuns)
	Expect(err).NotTo(HaveOccurred())

	var names, badNames, badLogs []string
	var scheduled []time.Time
	allDone := true
	for _, run := range hist.Runs {
		if !run.Finished {
			continue
		}
		names = append(names, run.Name)
		allDone = allDone && run.Succeeded == 1
		if reason := lesson.CronJobNameProblem("hello", run.Name, run.Scheduled); reason != "" {
			badNames = append(badNames, reason)
		}
		scheduled = append(scheduled, run.Scheduled)
		if p := lesson.CronLogProblem(run.Log); p != "" {
			badLogs = append(badLogs, run.Name+": "+p)
		}
	}
	r.Add("one Job per minute", "scheduled 60 s apart", fmt.Sprint(lesson.Gaps(scheduled)), lesson.EveryMinute(scheduled))
	r.Add("Job names hello-<scheduled minute since the epoch>", "all", fmt.Sprintf("%v; wrong: %v", names, badNames), len(badNames) == 0)
	r.Add("each Job 1/1", "1/1", fmt.Sprint(allDone), allDone)
	r.Add("each log: a date line, then the greeting", "date / "+lesson.CronGreeting, fmt.Sprintf("wrong: %v", badLogs), len(badLogs) == 0)

	lab.Step("checking what the history clean-up kept")
	r.Add("finished Jobs kept", fmt.Sprintf("at most %d", lesson.CronHistoryLimit), fmt.Sprintf("%d (%s)", hist.Kept(), hist), hist.Kept() <= lesson.CronHistoryLimit)
	oldest := hist.Runs[0]
	r.Equal("the oldest Job deleted by the clean-up", true, oldest.Deleted)
	err = framework.WaitForPodsGone(ctx, cs, ns, "batch.kubernetes.io/job-name="+oldest.Name, framework.LabTimeouts.PodsGone)
	r.Add("the oldest Job's pods removed with it", "removed", fmt.Sprint(err), err == nil)
	lab.Verify()
}
