package specs

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
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
	lab.Apply(ctx, "cron-job.yaml")
	cj, err := cs.BatchV1().CronJobs(ns).Get(ctx, "hello", metav1.GetOptions{})
	Expect(err).NotTo(HaveOccurred())
	table, err := framework.KubectlGet(ctx, cs.BatchV1().RESTClient(), ns, "cronjobs", "")
	Expect(err).NotTo(HaveOccurred())
	r.Equal("kubectl get cronjobs: SCHEDULE", lesson.CronSchedule, framework.KubectlCell(table, "hello", "Schedule"))
	r.Equal("kubectl get cronjobs: SUSPEND", "False", strings.Title(framework.KubectlCell(table, "hello", "Suspend"))) //nolint:staticcheck // one ASCII word

	lab.Step(fmt.Sprintf("watching %d runs, one a minute, and the history clean-up", in.Runs))
	hist, err := framework.WatchCronRuns(ctx, cs, ns, "hello", in.Runs, lab.Within(framework.LabTimeouts.CronRuns))
	lab.GoOn(fmt.Sprintf("%d runs finished, then the oldest removed by the history clean-up", in.Runs), "yes", err, hist != nil && len(hist.Runs) > 0)

	var names, badNames, badLogs, lostLogs, notDone, late []string
	var minutes []time.Time
	for _, run := range hist.Runs {
		if !run.Finished {
			continue
		}
		names = append(names, run.Name)
		if run.Succeeded != 1 {
			notDone = append(notDone, fmt.Sprintf("%s %d/1", run.Name, run.Succeeded))
		}
		if reason := lesson.CronJobNameProblem("hello", run.Name, run.Scheduled); reason != "" {
			badNames = append(badNames, reason)
		}
		if m, ok := lesson.CronNameMinute("hello", run.Name); ok {
			minutes = append(minutes, m)
		}
		if p := lesson.CronAppearedLate("hello", run.Name, run.Created, framework.LabTimeouts.ControllerLag); p != "" {
			late = append(late, p)
		}
		if run.LogLost != "" {
			lostLogs = append(lostLogs, run.LogLost)
		} else if p := lesson.CronLogProblem(run.Log); p != "" {
			badLogs = append(badLogs, run.Name+": "+p)
		}
	}
	r.Add("one Job per minute", "named for minutes 60 s apart", "apart: "+seconds(lesson.Gaps(minutes)), lesson.EveryMinute(minutes))
	r.Add("each Job appeared in the minute it is named for", fmt.Sprintf("created at its minute, or up to %s later", framework.LabTimeouts.ControllerLag), allOr(fmt.Sprintf("all %d", len(names)), late), len(late) == 0 && len(names) > 0)
	r.Add("Job names hello-<scheduled minute since the epoch>", "all", allOr(strings.Join(names, ", "), badNames), len(badNames) == 0)
	r.Add("each Job 1/1", "1/1", allOr(fmt.Sprintf("all %d 1/1", len(names)), notDone), len(notDone) == 0)
	if len(badLogs) == 0 && len(lostLogs) > 0 {
		r.NotObservable("each log: a date line, then the greeting", "date / "+lesson.CronGreeting, fmt.Sprintf("%d of %d logs as the lesson says; %s", len(names)-len(lostLogs), len(names), strings.Join(lostLogs, "; ")))
	} else {
		r.Add("each log: a date line, then the greeting", "date / "+lesson.CronGreeting, allOr(fmt.Sprintf("all %d logs", len(names)), append(badLogs, lostLogs...)), len(badLogs) == 0 && len(lostLogs) == 0)
	}

	lab.Step("checking what the history clean-up kept")
	// The wait ended when the oldest finished Job was deleted, after the
	// fourth run finished: the history then holds exactly the limit.
	r.Add("finished Jobs kept when the oldest is removed", fmt.Sprintf("exactly %d (the default successfulJobsHistoryLimit)", lesson.CronHistoryLimit), fmt.Sprintf("%d (%s)", hist.Kept(), hist), hist.Kept() == lesson.CronHistoryLimit)
	oldest := hist.Runs[0]
	var fourth *framework.CronRun
	for _, run := range hist.Runs {
		if run.Finished && run.FinishedSeen > 0 {
			if fourth == nil || run.FinishedSeen > fourth.FinishedSeen {
				fourth = run
			}
		}
	}
	after := oldest.Deleted && fourth != nil && fourth != oldest && oldest.DeletedSeen > fourth.FinishedSeen
	r.Add("the oldest Job removed only after the fourth run finished", "after", fmt.Sprintf("oldest %s deleted at watch event %d, the last run finished at event %d", oldest.Name, oldest.DeletedSeen, fourthSeen(fourth)), after)
	events, err := framework.WaitForEvents(ctx, cs, ns, "CronJob", "hello", cj.UID, []lesson.Step{{Type: "Normal", Reason: "SuccessfulDelete", Times: 1, MessagePrefix: "Deleted job " + oldest.Name}}, lab.Within(framework.LabTimeouts.Events))
	r.Add("removed by the CronJob controller (event SuccessfulDelete)", "Deleted job "+oldest.Name, deleteEvents(events), err == nil)
	err = framework.WaitForPodsGone(ctx, cs, ns, "batch.kubernetes.io/job-name="+oldest.Name, lab.Within(framework.LabTimeouts.PodsGone))
	r.Add("the oldest Job's pods removed with it", "removed", outcome("removed", err), err == nil)
	lab.Verify()
}

func fourthSeen(r *framework.CronRun) int {
	if r == nil {
		return 0
	}
	return r.FinishedSeen
}

// deleteEvents lists the messages of the CronJob's SuccessfulDelete events.
func deleteEvents(events []lesson.Event) string {
	var out []string
	for _, e := range events {
		if e.Reason == "SuccessfulDelete" {
			out = append(out, e.Message)
		}
	}
	if len(out) == 0 {
		return "no SuccessfulDelete event"
	}
	return strings.Join(out, "; ")
}

// allOr is what a row observed over several runs: good when none went
// wrong, else the wrong ones.
func allOr(good string, wrong []string) string {
	if len(wrong) == 0 {
		return good
	}
	return "wrong: " + strings.Join(wrong, "; ")
}
