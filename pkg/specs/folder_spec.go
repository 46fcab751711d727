package specs

// The labs of lab folders (joblab/v1, internal/labdef): a teacher's
// exercises, registered from the folder the settings name. Each fact's
// check is one word of the vocabulary, implemented here once.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"k8s.io/utils/ptr"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/joblab/joblab/internal/labdef"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// registerFolderLabs registers the lab folders' labs like the lesson's:
// joblab's own (lessonlabs/, in the catalogue already) and those of dir
// (the settings' LabsDir). A folder that does not load registers one
// failing spec that says why: the run reports it, naming the line.
func registerFolderLabs(dir string) {
	if dir != "" {
		if _, err := lesson.RegisterFolders(dir); err != nil {
			Describe("lab folders "+dir, Label(lesson.FolderLabel), func() {
				It("load", func() { Fail(err.Error()) })
			})
		}
	}
	for _, info := range lesson.Labs {
		l := info.Def
		if l == nil {
			continue
		}
		labels := Labels{lesson.FolderLabel, l.Name}
		if l.Track == lesson.ModernTrack {
			labels = append(labels, lesson.ModernTrack)
		}
		args := []any{labels}
		if l.Alone {
			// It stops a node: no other spec of the suite has pods on
			// it meanwhile (the joblab command runs it alone likewise).
			args = append(args, Serial)
		}
		Describe(lesson.Describe(l.Name), append(args, func() {
			for _, run := range l.Parts() {
				It(run.SpecText(), func(ctx context.Context) {
					FolderLabSpec(ctx, FolderLabInput{Env: env, Lab: run})
				})
			}
		})...)
	}
}

// FolderLabInput is the input of FolderLabSpec.
type FolderLabInput struct {
	Env *framework.Env
	Lab *labdef.Lab
}

// folderRun is a lab folder's run: what its waits saw, by Job.
type folderRun struct {
	in  FolderLabInput
	lab *framework.Lab
	// waits are the watches of the wait and watch steps, by step (from
	// 0); runs what the latest of them done saw, by Job; stopWatch stops
	// a watch step's watch.
	waits     map[int]func() (*framework.JobRun, error)
	stopWatch map[int]context.CancelFunc
	runs      map[string]*framework.JobRun
	// gone are the watches of the waitGone steps, by Job; asked when
	// each Job's deletion was asked.
	gone  map[string]func() (time.Time, error)
	asked map[string]time.Time
	// deleted is the pod a deletePod step deleted, by Job.
	deleted map[string]string
	// cron is what each cronRuns step saw, by CronJob.
	cron map[string]*framework.CronHistory
	// lost are the pods a losePod step lost, by Job.
	lost map[string][]string
	// crash is what a crashNode step saw, by Job.
	crash map[string]*nodeCrash
	// broker is what an initiator step saw.
	broker *brokerRun
	// minute is an applyScheduled step's minute; window what the
	// cronMinutes step saw.
	minute time.Time
	window *cronWindow
	// dyn reads the objects of field facts, made at the first one.
	dyn dynamic.Interface
	// logs are the pods' logs read so far, by pod/container.
	logs map[string]podLog
	// events are what each events fact waited for, by Job.
	events map[string][]lesson.Event
}

// FolderLabSpec runs a lab folder: its Jobs are watched from the start,
// its steps done in order, then each fact checked and reported as a row
// (its id, its Japanese name, its hint).
func FolderLabSpec(ctx context.Context, in FolderLabInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab.ReportName())
	if in.Lab.Since != "" {
		version, minor, err := in.Env.Kubernetes()
		Expect(err).NotTo(HaveOccurred(), "the API server's version")
		if why := in.Lab.NotBefore(version, minor); why != "" {
			lab.Report.NotObservable(lesson.ReleaseRow(), "since "+in.Lab.Since, why)
			lab.NotVerified(why)
			lab.Verify()
			return
		}
	}
	run := &folderRun{in: in, lab: lab, waits: map[int]func() (*framework.JobRun, error){}, stopWatch: map[int]context.CancelFunc{}, runs: map[string]*framework.JobRun{},
		gone: map[string]func() (time.Time, error){}, asked: map[string]time.Time{}, deleted: map[string]string{}, cron: map[string]*framework.CronHistory{}, lost: map[string][]string{}, crash: map[string]*nodeCrash{}, events: map[string][]lesson.Event{}}
	cs, ns := in.Env.Client, lab.Namespace
	// Every waited Job is watched before anything is applied, so that the
	// facts of its pods (created, active, waves, back-off) see them all,
	// and its removal is seen whenever it comes.
	for i, s := range in.Lab.Steps {
		switch {
		case s.Wait != nil:
			w := s.Wait
			run.waits[i] = framework.WatchJobInBackground(ctx, cs, ns, w.Job, framework.JobEnd(w.For), lab.Within(w.Within))
		case s.Watch != nil:
			// Watched from now, whatever the Job does, until its step has
			// watched for its time (a slow apply takes none of it): the
			// step stops it.
			w := s.Watch
			watchCtx, stop := context.WithCancel(ctx)
			run.stopWatch[i] = stop
			run.waits[i] = framework.WatchJobInBackground(watchCtx, cs, ns, w.Job, framework.JobComplete, framework.LabTimeouts.WatchBound)
		case s.CrashNode != nil:
			// Watched from now until the Job reaches its completion; the
			// step bounds it from the node's stop, by the tolerations in
			// force.
			watchCtx, stop := context.WithCancel(ctx)
			run.stopWatch[i] = stop
			run.waits[i] = framework.WatchJobInBackground(watchCtx, cs, ns, s.CrashNode.Job, framework.JobSuccessCriteriaMet, framework.LabTimeouts.WatchBound)
		case s.WaitGone != nil:
			w := s.WaitGone
			run.gone[w.Job] = framework.WatchJobGoneInBackground(ctx, cs, ns, w.Job, lab.Within(w.Within))
		}
	}
	checked := map[string]bool{}
	for i, s := range in.Lab.Steps {
		if s.Check != nil {
			for _, id := range s.Check {
				run.factByID(ctx, id)
				checked[id] = true
			}
			continue
		}
		run.step(ctx, i, s)
	}
	for _, f := range in.Lab.Facts {
		if !checked[f.ID] {
			run.fact(ctx, f)
		}
	}
	lab.Verify()
}

// factByID checks the fact of that id (labdef checked there is one).
func (r *folderRun) factByID(ctx context.Context, id string) {
	for _, f := range r.in.Lab.Facts {
		if f.ID == id {
			r.fact(ctx, f)
			return
		}
	}
	Fail("lab " + r.in.Lab.Name + ": no fact " + id + " (labdef.Parse lets none through)")
}

func (r *folderRun) step(ctx context.Context, i int, s labdef.Step) {
	lab, cs, ns := r.lab, r.in.Env.Client, r.lab.Namespace
	switch {
	case s.Apply != "":
		lab.Step("kubectl apply -f " + s.Apply)
		lab.ApplyFile(ctx, r.in.Lab, s.Apply)
	case s.ApplyLesson != "":
		r.waitNodePortFree(ctx, s.ApplyLesson)
		lab.Step("kubectl apply -f " + s.ApplyLesson)
		lab.Apply(ctx, s.ApplyLesson)
	case s.Wait != nil:
		w := s.Wait
		lab.Step(fmt.Sprintf("waiting until job %s ends %s (at most %s from the lab's start)", w.Job, w.For, lab.Within(w.Within)))
		jr, err := r.waits[i]()
		r.runs[w.Job] = jr
		lab.GoOn(stepFact(w.Row()), w.For, err, jr != nil && jr.Job != nil)
		if w.Measure != "" {
			lab.Report.Measure(w.Measure, jobTook(jr.Job))
		}
	case s.Watch != nil:
		w := s.Watch
		window := lab.Window(w.For)
		lab.Step(fmt.Sprintf("watching job %s and its pods for %s", w.Job, window))
		select {
		case <-time.After(window):
		case <-ctx.Done():
		}
		r.stopWatch[i]()
		jr, err := r.waits[i]()
		r.runs[w.Job] = jr
		// A watch is a row only when it could not watch: what it saw is
		// read by the facts.
		if jr == nil || jr.Job == nil {
			observed := "no job seen"
			if err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) && !framework.TimedOut(err) {
				observed = err.Error()
			}
			lab.Report.Add(stepFact(w.Row(window.String())), "watched", observed, false)
		}
	case s.DeleteJob != nil:
		job := s.DeleteJob.Job
		lab.Step("kubectl delete job " + job)
		err := cs.BatchV1().Jobs(ns).Delete(ctx, job, metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationBackground)})
		if err != nil && !apierrors.IsNotFound(err) {
			// A row only when it could not: what follows reads the rest.
			lab.Report.Add(stepFact(labdef.DeleteJobRow(job)), "deleted", err.Error(), false)
		}
	case s.LosePod != nil:
		r.losePod(ctx, s.LosePod.Job)
	case s.WaitAvailable != nil:
		r.waitAvailable(ctx, s.WaitAvailable)
	case s.Initiator != nil:
		r.initiator(ctx, s.Initiator.Job)
	case s.ApplyScheduled != nil:
		r.applyScheduled(ctx, s.ApplyScheduled)
	case s.CronMinutes != nil:
		r.cronMinutes(ctx, s.CronMinutes)
	case s.CrashNode != nil:
		r.crashNode(ctx, i, s.CrashNode.Job)
	case s.RestartNode != nil:
		r.restartNode(ctx, s.RestartNode.Job)
	case s.ApplyRefused != nil:
		a := s.ApplyRefused
		lab.Step("kubectl apply -f " + a.File + ": the cluster must refuse it")
		// The folder's own file (joblab's, not a student's answer), else
		// the lesson's manifest (the student's of that name, if any).
		var err error
		if data, rerr := r.in.Lab.ReadManifest(a.File); rerr == nil {
			err = lab.ApplyData(ctx, a.File, data)
		} else {
			lab.NoteOrigin(a.File)
			err = r.in.Env.Apply(ctx, ns, lab.Report.Lab, a.File)
		}
		ok := err != nil
		for _, say := range a.Says {
			ok = ok && strings.Contains(err.Error(), say)
		}
		lab.Report.Add(stepFact(a.Row()), strings.Join(a.Says, "; "), readable(err), ok)
	case s.CronRuns != nil:
		c := s.CronRuns
		lab.Step(fmt.Sprintf("watching %d runs of cronjob %s and its history clean-up (at most %s)", c.Runs, c.CronJob, lab.Within(c.Within)))
		hist, err := framework.WatchCronRuns(ctx, cs, ns, c.CronJob, c.Runs, lab.Within(c.Within))
		r.cron[c.CronJob] = hist
		lab.GoOn(stepFact(c.Row()), "yes", err, hist != nil && len(hist.Runs) > 0)
	case s.WaitGone != nil:
		w := s.WaitGone
		lab.Step(fmt.Sprintf("waiting until job %s is removed (at most %s from the lab's start)", w.Job, lab.Within(w.Within)))
		asked, err := r.gone[w.Job]()
		if err == nil {
			r.asked[w.Job] = asked
		}
		lab.Report.Add(stepFact(w.Row()), "removed", outcome("removed", err), err == nil)
	case s.DeletePod != nil:
		job := s.DeletePod.Job
		lab.Step("kubectl delete pod: a running pod of job " + job)
		pod, err := framework.WaitForFreshRunningPod(ctx, cs, ns, "batch.kubernetes.io/job-name="+job, nil, lab.Within(framework.LabTimeouts.ModernJob))
		if err == nil {
			err = cs.CoreV1().Pods(ns).Delete(ctx, pod.Name, metav1.DeleteOptions{})
			r.deleted[job] = pod.Name
		}
		lab.Require(stepFact(labdef.DeletePodRow(job)), "deleted", err)
	case s.EvictPod != nil:
		job := s.EvictPod.Job
		lab.Step("evicting a running pod of job " + job + " (as kubectl drain does)")
		pod, err := framework.WaitForRunningPod(ctx, cs, ns, "batch.kubernetes.io/job-name="+job, lab.Within(framework.LabTimeouts.ModernJob))
		running, accepted := labdef.EvictRows(job)
		lab.Require(stepFact(running), "running", err)
		err = framework.EvictPod(ctx, cs, ns, pod.Name)
		lab.Report.Add(stepFact(accepted), "accepted", outcome("accepted", err), err == nil)
	case s.Suspend != nil, s.Resume != nil:
		ref, suspend := s.Suspend, true
		if ref == nil {
			ref, suspend = s.Resume, false
		}
		verb := map[bool]string{true: "suspend", false: "resume"}[suspend]
		lab.Step(fmt.Sprintf("kubectl patch job %s: %s (spec.suspend %t)", ref.Job, verb, suspend))
		patch := fmt.Sprintf(`{"spec":{"suspend":%t}}`, suspend)
		_, err := cs.BatchV1().Jobs(ns).Patch(ctx, ref.Job, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
		if suspend {
			lab.Require(stepFact(labdef.SuspendRow(ref.Job)), "done", err)
		} else {
			lab.Require(stepFact(labdef.ResumeRow(ref.Job)), "done", err)
		}
	case s.Patch != nil:
		p := s.Patch
		body, strategic := p.Body()
		kind, how := types.MergePatchType, "--type merge"
		if strategic {
			kind, how = types.StrategicMergePatchType, "--type strategic"
		}
		lab.Step(fmt.Sprintf("kubectl patch %s %s %s", strings.ToLower(p.Kind), p.Name, how))
		data, err := sigsyaml.YAMLToJSON([]byte(body))
		if err == nil {
			switch p.Kind {
			case "Job":
				_, err = cs.BatchV1().Jobs(ns).Patch(ctx, p.Name, kind, data, metav1.PatchOptions{})
			default:
				_, err = cs.BatchV1().CronJobs(ns).Patch(ctx, p.Name, kind, data, metav1.PatchOptions{})
			}
		}
		lab.Require(stepFact(p.Row()), "done", err)
	}
}

// stepFact is a step's row as the report records it: its id, names and
// hint (the lab's namespace is filled in by the report).
func stepFact(row labdef.StepRow) lesson.FactRef {
	return lesson.FactRef{ID: row.ID, Name: row.Name, Ja: row.Ja, Hint: &lesson.Hint{En: row.Hint.En, Ja: row.Hint.Ja}}
}

// fact checks one fact and records its row.
func (r *folderRun) fact(ctx context.Context, f labdef.Fact) {
	lab, cs, ns := r.lab, r.in.Env.Client, r.lab.Namespace
	if len(f.ByRelease) > 0 {
		version, minor, err := r.in.Env.Kubernetes()
		Expect(err).NotTo(HaveOccurred(), "the API server's version")
		f, _ = f.ForRelease(version, minor)
	}
	ref, documented := r.factRef(f)
	add := func(observed string, ok bool) { lab.Report.Add(ref, documented, observed, ok) }
	// measure: a timing fact's duration, when it names the lab's timing.
	measure := func(took time.Duration) {
		if f.Measure != "" {
			lab.Report.Measure(f.Measure, took)
		}
	}
	// same: an object's field compares by value where Kubernetes does
	// (quantities); everything else by its text.
	same := func(observed, want string) bool { return observed == want }
	switch {
	case f.Field != nil:
		same = func(o, w string) bool { return labdef.SameValue(f.Field.Path, o, w) }
	case f.PodField != nil:
		same = func(o, w string) bool { return labdef.SameValue(f.PodField.Path, o, w) }
	}
	equal := func(observed string) { add(observed, same(observed, f.DocumentedText())) }
	// every: a per-pod value is documented once for every pod (a list:
	// pod by pod, in name order).
	every := func(values []string) {
		if list, ok := f.Documented.([]any); ok {
			ok := len(values) == len(list)
			for i, x := range list {
				ok = ok && same(values[i], fmt.Sprint(x))
			}
			add(strings.Join(values, ","), ok)
			return
		}
		add(everyText(values, f.DocumentedText(), same))
	}
	timeline := func(job string) (*lesson.Timeline, bool) {
		jr := r.runs[job]
		if jr == nil {
			add("the wait for job "+job+" saw nothing", false)
			return nil, false
		}
		if !jr.Timeline.WatchedFromStart {
			lab.Report.NotObservable(ref, documented, "the pod watch began after the Job's first pod")
			return nil, false
		}
		return &jr.Timeline, true
	}
	jobPods := func(name string) ([]corev1.Pod, bool) {
		pods, err := framework.JobPods(ctx, cs, ns, name)
		if err != nil {
			add(err.Error(), false)
			return nil, false
		}
		return pods, true
	}
	job := func(name string) *batchv1.Job {
		j, err := cs.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			add(err.Error(), false)
			return nil
		}
		return j
	}
	switch {
	case f.Kubectl != nil:
		k := f.Kubectl
		if k.Get == "pods" {
			pods, table, err := framework.JobPodsTable(ctx, cs, ns, k.Job)
			if err != nil {
				add(err.Error(), false)
				return
			}
			if k.Column == "" {
				equal(strconv.Itoa(len(pods)))
				return
			}
			every(columnFold(table, k.Column))
			return
		}
		rows, err := framework.KubectlGet(ctx, cs.BatchV1().RESTClient(), ns, k.Get, "")
		if err != nil {
			add(err.Error(), false)
			return
		}
		equal(cellFold(rows, k.Name, k.Column))
	case f.Condition != nil:
		if j := job(f.Condition.Job); j != nil {
			c := framework.JobCondition(j, batchv1.JobConditionType(f.Condition.Type))
			if f.Condition.Of == labdef.ConditionStatus {
				// "True (JobSuspended)"; "no such condition" without one.
				equal(framework.ConditionSummary(c))
				return
			}
			if c == nil || c.Status != corev1.ConditionTrue {
				add(fmt.Sprintf("no True %s condition (%s)", f.Condition.Type, framework.DescribeJob(j)), false)
				return
			}
			if f.Condition.Of != labdef.ConditionMessage {
				equal(c.Reason)
				return
			}
			pod := "(no pod)"
			if pods, ok := jobPods(f.Condition.Job); !ok {
				return
			} else if len(pods) > 0 {
				pod = firstCreated(pods).Name
			}
			want := labdef.MessageText(f.DocumentedText(), ns, pod)
			documented = labdef.MessageText(documented, ns, pod)
			add(c.Message, c.Message == want)
		}
	case f.PodsStatuses != nil:
		if j := job(f.PodsStatuses.Job); j != nil {
			equal(podsStatuses(j))
		}
	case f.Broker != nil:
		r.brokerFact(ctx, f, &ref, &documented, add)
	case f.StartedFirst != nil:
		if tl, ok := timeline(f.StartedFirst.Job); ok {
			equal(strconv.Itoa(tl.CreatedBeforeFirstFinish()))
		}
	case f.CronPolicy != nil:
		r.cronPolicyFact(f, &documented, add)
	case f.ReplacedElsewhere != nil, f.LostPodFate != nil:
		r.crashFact(f, add)
	case f.PodsCreated != nil:
		if tl, ok := timeline(f.PodsCreated.Job); ok {
			equal(strconv.Itoa(len(tl.Pods)))
		}
	case f.MaxActive != nil:
		if tl, ok := timeline(f.MaxActive.Job); ok {
			equal(strconv.Itoa(tl.MaxActive))
		}
	case f.Waves != nil:
		if tl, ok := timeline(f.Waves.Job); ok {
			want, _ := labdef.WavesOf(f.DocumentedText())
			got := tl.Waves()
			if why := unevenLives(*tl, want, got); why != "" {
				lab.Report.NotObservable(ref, documented, why)
			} else {
				add(joinInts(got), equalInts(got, want))
			}
		}
	case f.OneAtATime != nil:
		if tl, ok := timeline(f.OneAtATime.Job); ok {
			add(tl.Overlap(), tl.OneAtATime())
		}
	case f.Backoff != nil:
		if tl, ok := timeline(f.Backoff.Job); ok {
			lag := f.Backoff.Lag
			if lag == 0 {
				lag = framework.LabTimeouts.BackoffLag
			}
			waits, reports := tl.BackoffWaits(), tl.ReportLags()
			count := f.Backoff.Count == 0 || len(waits) == f.Backoff.Count
			add(backoffText(waits, reports, lag), count && len(waits) > 0 && lesson.BackoffWithin(waits, reports, f.Backoff.First, lag))
		}
	case f.PodPhases != nil:
		pods, ok := jobPods(f.PodPhases.Job)
		if !ok {
			return
		}
		var phases []string
		for _, p := range pods {
			phases = append(phases, string(p.Status.Phase))
		}
		every(phases)
	case f.ExitCode != nil:
		pods, ok := jobPods(f.ExitCode.Job)
		if !ok {
			return
		}
		var codes []string
		for _, p := range pods {
			code := "not terminated"
			for _, c := range p.Status.ContainerStatuses {
				if c.Name == f.ExitCode.Container && c.State.Terminated != nil {
					code = strconv.Itoa(int(c.State.Terminated.ExitCode))
				}
			}
			codes = append(codes, code)
		}
		every(codes)
	case f.ExitCodes != nil:
		pods, ok := jobPods(f.ExitCodes.Job)
		if !ok {
			return
		}
		var exits []string
		for _, p := range pods {
			for _, c := range p.Status.ContainerStatuses {
				if t := c.State.Terminated; t != nil {
					exits = append(exits, fmt.Sprintf("%s=%d", c.Name, t.ExitCode))
				}
			}
		}
		want := make([]string, f.ExitCodes.Pods)
		for i := range want {
			want[i] = f.DocumentedText()
		}
		got := strings.Join(exits, ",")
		add(got, got == strings.Join(want, ","))
	case f.Events != nil:
		j := job(f.Events.Job)
		if j == nil {
			return
		}
		want, _ := f.EventSteps()
		var steps []lesson.Step
		for _, s := range want {
			steps = append(steps, lesson.Step{Type: s.Type, Reason: s.Reason, Times: s.Times, MessagePrefix: f.Events.Messages[s.Reason]})
		}
		events, err := framework.WaitForEvents(ctx, cs, ns, "Job", j.Name, j.UID, steps, lab.Within(framework.LabTimeouts.Events))
		r.events[f.Events.Job] = events
		add(lesson.Summary(events), err == nil)
	case f.EventPods != nil:
		// The events the events fact before it waited for (labdef
		// checks there is one).
		n := len(distinct(lesson.CreatedPods(r.events[f.EventPods.Job])))
		equal(strconv.Itoa(n))
	case f.PodsKept != nil:
		job := f.PodsKept.Job
		window := lab.Window(f.PodsKept.For)
		if window != f.PodsKept.For {
			// A wait failed: the watch is cut short, and its row says so.
			g := f
			g.PodsKept = &labdef.PodsKept{Job: job, For: window}
			ref.Name, ref.Ja = g.RowName(), g.JaName()
		}
		want, _ := f.DocumentedInt()
		lab.Step(fmt.Sprintf("watching the %d finished pods of job %s for %s: they stay until the Job is deleted", want, job, window))
		present, gone := framework.WatchForPodsGoing(ctx, cs, ns, "batch.kubernetes.io/job-name="+job, window)
		kept := fmt.Sprintf("all %d kept", present)
		if gone != "" || present != want {
			kept = fmt.Sprintf("%d of %d there when the watch began; %s", present, want, keptOrGone(gone))
		}
		add(kept, gone == "" && present == want)
		if gone == "" && present == want {
			measure(window)
		}
	case f.Log != nil:
		r.log(ctx, f, ref, documented, add)
	case f.Field != nil:
		equal(r.field(ctx, f.Field))
	case f.PodField != nil:
		pods, ok := jobPods(f.PodField.Job)
		if !ok {
			return
		}
		var values []string
		for _, p := range pods {
			obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&p)
			if err != nil {
				add(err.Error(), false)
				return
			}
			values = append(values, fieldText(obj, f.PodField.Path))
		}
		every(values)
	case f.PodsPerIndex != nil:
		pods, ok := jobPods(f.PodsPerIndex.Job)
		if !ok {
			return
		}
		want, _ := labdef.PerIndexOf(f.DocumentedText())
		got := podsPerIndex(pods, f.PodsPerIndex.Annotation, want)
		add(got, got == labdef.PerIndexText(want))
	case f.Decided != nil:
		d := f.Decided
		j := job(d.Job)
		if j == nil {
			return
		}
		at, by := onTime(f, d.By)
		took, text, ok := decided(j, d.Condition, at, by)
		add(text, ok)
		if took > 0 {
			measure(took)
		}
	case f.DeletedAfter != nil:
		d := f.DeletedAfter
		at, by := onTime(f, d.By)
		jr, asked := r.runs[d.Job], r.asked[d.Job]
		switch {
		case jr == nil || jr.Job == nil:
			add("the wait for job "+d.Job+" saw nothing", false)
		case asked.IsZero():
			add("its removal was not seen", false)
		default:
			took, text, ok := deletedAfter(jr.Job, asked, at, by)
			add(text, ok)
			if took > 0 {
				measure(took)
			}
		}
	case f.PodsLeft != nil:
		want, _ := f.DocumentedInt()
		left, err := r.podsNotGone(ctx, "batch.kubernetes.io/job-name="+f.PodsLeft.Job)
		if err != nil {
			add(err.Error(), false)
			return
		}
		var names []string
		for _, p := range left {
			names = append(names, p.Name)
		}
		if len(names) == 0 {
			add("0", want == 0)
			return
		}
		add(fmt.Sprintf("%d: %s", len(names), strings.Join(names, ", ")), len(names) == want)
	case f.IndexNames != nil:
		pods, ok := jobPods(f.IndexNames.Job)
		if !ok {
			return
		}
		add(indexNames(pods, f.IndexNames.Job))
	case f.StatusSeen != nil:
		jr := r.runs[f.StatusSeen.Job]
		if jr == nil {
			add("the wait for job "+f.StatusSeen.Job+" saw nothing", false)
			return
		}
		add(strings.Join(jr.States, " → "), slices.Contains(jr.States, f.DocumentedText()))
	case f.DeletedPod != nil:
		if tl, ok := timeline(f.DeletedPod.Job); ok {
			old, _ := replaced(tl, r.deleted[f.DeletedPod.Job])
			if old == nil {
				add("the deleted pod was not seen", false)
				return
			}
			equal(string(old.Phase))
		}
	case f.ReplacedAfter != nil:
		if tl, ok := timeline(f.ReplacedAfter.Job); ok {
			add(replacedAfter(tl, r.deleted[f.ReplacedAfter.Job]))
		}
	case f.PodsLost != nil:
		equal(strconv.Itoa(len(r.lost[f.PodsLost.Job])))
	case f.PodsEnded != nil:
		if j := job(f.PodsEnded.Job); j != nil {
			equal(strconv.Itoa(int(j.Status.Succeeded + j.Status.Failed)))
		}
	case f.APIMapping != nil:
		a := f.APIMapping
		// kubectl apply maps the manifest's kind and version through the
		// server's discovery; for a version the server does not serve it
		// stops with this error.
		mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cs.Discovery()))
		_, err := mapper.RESTMapping(schema.GroupKind{Group: a.Group, Kind: a.Kind}, a.Version)
		add(readable(err), err != nil && meta.IsNoMatchError(err) && err.Error() == f.DocumentedText())
	case f.Served != nil:
		_, err := cs.Discovery().ServerResourcesForGroupVersion(f.Served.GroupVersion())
		served := "yes"
		switch {
		case apierrors.IsNotFound(err):
			served = "no"
		case err != nil:
			add(err.Error(), false)
			return
		}
		observed := served
		if err != nil {
			observed = readable(err)
		}
		add(observed, served == f.DocumentedText())
	case f.Objects != nil:
		selector := metav1.ListOptions{LabelSelector: framework.OwnedBy(lab.Report.Lab)}
		n := 0
		switch f.Objects.Kind {
		case "CronJob":
			list, err := cs.BatchV1().CronJobs(ns).List(ctx, selector)
			if err != nil {
				add(err.Error(), false)
				return
			}
			n = len(list.Items)
		default:
			list, err := cs.BatchV1().Jobs(ns).List(ctx, selector)
			if err != nil {
				add(err.Error(), false)
				return
			}
			n = len(list.Items)
		}
		equal(strconv.Itoa(n))
	case f.Cron != nil:
		if hist := r.cron[f.Cron.CronJob]; hist != nil && len(hist.Runs) > 0 {
			// The row shows the message with the oldest run's name.
			documented = strings.ReplaceAll(documented, "{oldest}", hist.Runs[0].Name)
		}
		r.cronFact(ctx, f, ref, documented, add)
	case f.StillRunning != nil:
		want, _ := f.DocumentedInt()
		r.stillRunning(ctx, f.StillRunning, want, add)
	default:
		Fail("fact " + f.ID + ": no check (labdef.Parse lets none through)")
	}
}

// deletedAfter is how long after a Job finished its deletion was asked,
// and whether that is in [at - 1 s, by): both times are the API server's,
// to the second.
func deletedAfter(j *batchv1.Job, asked time.Time, at, by time.Duration) (time.Duration, string, bool) {
	finished := j.Status.CompletionTime
	if c := framework.JobCondition(j, batchv1.JobFailed); finished == nil && c != nil && c.Status == corev1.ConditionTrue {
		finished = &c.LastTransitionTime
	}
	if finished == nil {
		return 0, "the Job had not finished (" + framework.DescribeJob(j) + ")", false
	}
	after := asked.Sub(finished.Time).Round(time.Second)
	return after, after.String(), after >= at-time.Second && after < by
}

// indexNames checks that each pod of an Indexed Job carries its index
// alike in the annotation, the label and its hostname <job>-<index>.
func indexNames(pods []corev1.Pod, job string) (string, bool) {
	if len(pods) == 0 {
		return "no pods", false
	}
	var wrong []string
	for _, p := range pods {
		index, ok := p.Annotations[lesson.CompletionIndexKey]
		if !ok || p.Labels[lesson.CompletionIndexKey] != index || p.Spec.Hostname != job+"-"+index {
			wrong = append(wrong, fmt.Sprintf("%s: annotation %q, label %q, hostname %q", p.Name, index, p.Labels[lesson.CompletionIndexKey], p.Spec.Hostname))
		}
	}
	if len(wrong) > 0 {
		return strings.Join(wrong, "; "), false
	}
	return "all match", true
}

// replaced finds in a Job's timeline the pod deleted and the one created
// after it (the first other pod seen after the deleted one).
func replaced(tl *lesson.Timeline, deleted string) (old, replacement *lesson.PodRecord) {
	for i := range tl.Pods {
		if p := &tl.Pods[i]; p.Name == deleted {
			old = p
		}
	}
	if old == nil {
		return nil, nil
	}
	for i := range tl.Pods {
		if p := &tl.Pods[i]; p != old && p.SeenSeq > old.SeenSeq && (replacement == nil || p.SeenSeq < replacement.SeenSeq) {
			replacement = p
		}
	}
	return old, replacement
}

// replacedAfter tells whether the replacement of a deleted pod was
// created only after that pod had terminated, by the order of the watch's
// events (the API server's own, finer than its one-second timestamps).
func replacedAfter(tl *lesson.Timeline, deleted string) (string, bool) {
	old, replacement := replaced(tl, deleted)
	switch {
	case old == nil || replacement == nil:
		return fmt.Sprintf("deleted pod seen: %t, replacement seen: %t", old != nil, replacement != nil), false
	case old.FinishedSeq == 0 || replacement.SeenSeq == 0:
		return "the watch did not record the order", false
	}
	return fmt.Sprintf("deleted pod seen %s at event %d, replacement first seen at event %d", old.Phase, old.FinishedSeq, replacement.SeenSeq), replacement.SeenSeq > old.FinishedSeq
}

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

// firstCreated is the pod created first (by name when at the same second).
func firstCreated(pods []corev1.Pod) *corev1.Pod {
	first := &pods[0]
	for i := range pods {
		p := &pods[i]
		if p.CreationTimestamp.Before(&first.CreationTimestamp) || (p.CreationTimestamp.Equal(&first.CreationTimestamp) && p.Name < first.Name) {
			first = p
		}
	}
	return first
}

// onTime is a timing fact's documented time (at), and how late the
// controller may act and still keep it (latest): the fact's own bound
// (by), else the documented time plus LabTimeouts.ControllerLag.
func onTime(f labdef.Fact, by time.Duration) (at, latest time.Duration) {
	at, _ = f.DocumentedDuration()
	if by == 0 {
		by = at + framework.LabTimeouts.ControllerLag
	}
	return at, by
}

// decided is how long after its start a Job's condition was set, and
// whether that is in [at, by).
func decided(j *batchv1.Job, condition string, at, by time.Duration) (time.Duration, string, bool) {
	c := framework.JobCondition(j, batchv1.JobConditionType(condition))
	switch {
	case c == nil || c.Status != corev1.ConditionTrue:
		return 0, fmt.Sprintf("no True %s condition (%s)", condition, framework.DescribeJob(j)), false
	case j.Status.StartTime == nil:
		return 0, "the Job has no status.startTime", false
	}
	// Both times are the API server's, to the second.
	took := c.LastTransitionTime.Sub(j.Status.StartTime.Time).Round(time.Second)
	return took, took.String(), took >= at && took < by
}

// podsPerIndex is an annotation of each pod by its completion index, as
// labdef.PerIndexText writes it; the indexes documented are listed even
// when no pod has them.
func podsPerIndex(pods []corev1.Pod, annotation string, documented map[int][]string) string {
	byIndex := map[int][]string{}
	for i := range documented {
		byIndex[i] = nil
	}
	var other []string
	for _, p := range pods {
		value, ok := p.Annotations[annotation]
		if !ok {
			value = "unset"
		}
		index, err := strconv.Atoi(p.Annotations[lesson.CompletionIndexKey])
		if err != nil {
			other = append(other, p.Name+" has no completion index")
			continue
		}
		byIndex[index] = append(byIndex[index], value)
	}
	return strings.Join(append([]string{labdef.PerIndexText(byIndex)}, other...), "; ")
}

// podsNotGone waits (at most LabTimeouts.PodsGone) for the pods of
// selector to go, and returns those left: none when they went.
func (r *folderRun) podsNotGone(ctx context.Context, selector string) ([]corev1.Pod, error) {
	cs, ns := r.in.Env.Client, r.lab.Namespace
	if err := framework.WaitForPodsGone(ctx, cs, ns, selector, r.lab.Within(framework.LabTimeouts.PodsGone)); err == nil {
		return nil, nil
	}
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	return pods.Items, nil
}

// stillRunning waits for a Job's pods (but those of the excepted
// indexes) to go; those that have not gone are counted if still running
// or pending.
func (r *folderRun) stillRunning(ctx context.Context, s *labdef.StillRunning, want int, add func(string, bool)) {
	selector := "batch.kubernetes.io/job-name=" + s.Job
	if len(s.ExceptIndexes) > 0 {
		selector += fmt.Sprintf(",%s notin (%s)", lesson.CompletionIndexKey, joinInts(s.ExceptIndexes))
	}
	r.lab.Step("waiting until the pods of job " + s.Job + " are stopped")
	left, err := r.podsNotGone(ctx, selector)
	if err != nil {
		add(err.Error(), false)
		return
	}
	if len(left) == 0 {
		add("0 (removed)", want == 0)
		return
	}
	// Stopped pods may be kept, Failed: count the ones still running.
	running := 0
	for _, p := range left {
		if p.Status.Phase == corev1.PodRunning || p.Status.Phase == corev1.PodPending {
			running++
		}
	}
	add(strconv.Itoa(running), running == want)
}

// losePod loses a pod of a Job that has just started running, as a
// failed node would: deleted at once. Whether it was lost or had just
// finished is what the Job controller recorded for it (failed or
// succeeded), read once it is gone: no timing decides it, and a pod that
// finished first is not counted; another is lost instead. When no running
// pod can be caught, nothing was observed: the lab ends not verified.
func (r *folderRun) losePod(ctx context.Context, job string) {
	lab, cs, ns := r.lab, r.in.Env.Client, r.lab.Namespace
	lab.Step("losing a running pod of job " + job + " (deleting it at once, as a failed node would)")
	row := stepFact(labdef.LosePodRow(job))
	var lost, endedFirst []string
	for attempt := 1; attempt <= 3 && len(lost) == 0; attempt++ {
		// Bounded by a Job's budget: on a busy cluster (a class of ten on
		// two cores) a pod may take minutes to start.
		pod, err := framework.WaitForFreshRunningPod(ctx, cs, ns, "batch.kubernetes.io/job-name="+job, append(append([]string{}, endedFirst...), lost...), lab.Within(framework.LabTimeouts.NormalJob))
		if err != nil {
			why := "no running pod of " + job + " could be caught to lose: " + err.Error()
			lab.Report.NotObservable(row, "found", why)
			lab.NotVerified(why)
			lab.Verify()
			return
		}
		Expect(cs.CoreV1().Pods(ns).Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})).To(Succeed())
		_, err = framework.WaitForPodGone(ctx, cs, ns, pod.Name, lab.Within(framework.LabTimeouts.PodsGone))
		Expect(err).NotTo(HaveOccurred())
		counted, err := framework.JobCountedPod(ctx, cs, ns, job, pod.UID, lab.Within(framework.LabTimeouts.Events))
		Expect(err).NotTo(HaveOccurred())
		if counted == corev1.PodSucceeded {
			GinkgoWriter.Printf("pod %s succeeded before its deletion took effect: it was not lost; losing another\n", pod.Name)
			endedFirst = append(endedFirst, pod.Name)
			continue
		}
		lost = append(lost, pod.Name)
	}
	r.lost[job] = lost
	lab.Report.Add(row, "found", "found", true)
}

// unevenLives says why waves that differ from the lesson's cannot be held
// against the Job: its pods lived so unevenly (a loaded node starts one
// pod a minute late) that the lesson's parallelism (its first wave) makes
// exactly the waves seen of them, as many pods as the lesson's waves hold.
// Empty when the waves are the lesson's, or when the lesson's parallelism
// would have made other waves of these pods: then they differ.
func unevenLives(tl lesson.Timeline, want, got []int) string {
	total := 0
	for _, w := range want {
		total += w
	}
	lives, ok := tl.Lives()
	if equalInts(got, want) || len(want) == 0 || !ok || len(lives) != total {
		return ""
	}
	if made := lesson.WavesOfLives(lives, want[0]); equalInts(made, want) || !equalInts(made, got) {
		return ""
	}
	shortest, longest := slices.Min(lives), slices.Max(lives)
	return fmt.Sprintf("the pods lived %s to %s, creation to end (a loaded node), and parallelism %d makes waves %s of such pods, as seen", seconds([]time.Duration{shortest}), seconds([]time.Duration{longest}), want[0], joinInts(got))
}

// runMinutes is the minutes a CronJob's runs are named for, earliest
// first: every run the watch saw, finished or not. On a loaded node a run
// can still be running when the next minute's has finished; leaving it
// out would read as a skipped minute.
func runMinutes(cronJob string, runs []*framework.CronRun) []time.Time {
	var minutes []time.Time
	for _, run := range runs {
		if m, ok := lesson.CronNameMinute(cronJob, run.Name); ok {
			minutes = append(minutes, m)
		}
	}
	slices.SortFunc(minutes, func(a, b time.Time) int { return a.Compare(b) })
	return minutes
}

// cronFact checks a fact of the runs a cronRuns step watched.
func (r *folderRun) cronFact(ctx context.Context, f labdef.Fact, ref lesson.FactRef, documented string, add func(string, bool)) {
	lab, cs, ns := r.lab, r.in.Env.Client, r.lab.Namespace
	c := f.Cron
	hist := r.cron[c.CronJob]
	if hist == nil || len(hist.Runs) == 0 {
		add("the watch of cronjob "+c.CronJob+"'s runs saw none", false)
		return
	}
	var finished []*framework.CronRun
	for _, run := range hist.Runs {
		if run.Finished {
			finished = append(finished, run)
		}
	}
	// every: a property of each finished run; wrong lists those without.
	every := func(problem func(*framework.CronRun) string, good string) {
		var wrong []string
		for _, run := range finished {
			if p := problem(run); p != "" {
				wrong = append(wrong, p)
			}
		}
		add(allOr(good, wrong), len(wrong) == 0 && len(finished) > 0)
	}
	oldest := hist.Runs[0]
	switch c.Of {
	case labdef.CronApart:
		apart, _ := f.DocumentedDuration()
		gaps := lesson.Gaps(runMinutes(c.CronJob, hist.Runs))
		ok := len(gaps) > 0
		for _, g := range gaps {
			ok = ok && g == apart
		}
		add("apart: "+seconds(gaps), ok)
	case labdef.CronOnTime:
		lag, _ := f.DocumentedDuration()
		every(func(run *framework.CronRun) string {
			return lesson.CronAppearedLate(c.CronJob, run.Name, run.Created, lag)
		}, fmt.Sprintf("all %d", len(finished)))
	case labdef.CronNames:
		var names []string
		for _, run := range finished {
			names = append(names, run.Name)
		}
		every(func(run *framework.CronRun) string {
			return lesson.CronJobNameProblem(c.CronJob, run.Name, run.Scheduled)
		}, strings.Join(names, ", "))
	case labdef.CronSucceeded:
		every(func(run *framework.CronRun) string {
			if run.Succeeded != 1 {
				return fmt.Sprintf("%s %d/1", run.Name, run.Succeeded)
			}
			return ""
		}, fmt.Sprintf("all %d 1/1", len(finished)))
	case labdef.CronLog:
		var wrong, lost []string
		for _, run := range finished {
			if run.LogLost != "" {
				lost = append(lost, run.LogLost)
			} else if p := logLinesProblem(run.Log, f.DocumentedText()); p != "" {
				wrong = append(wrong, run.Name+": "+p)
			}
		}
		if len(wrong) == 0 && len(lost) > 0 {
			lab.Report.NotObservable(ref, documented, fmt.Sprintf("%d of %d logs as documented; %s", len(finished)-len(lost), len(finished), strings.Join(lost, "; ")))
			return
		}
		add(allOr(fmt.Sprintf("all %d logs", len(finished)), append(wrong, lost...)), len(wrong) == 0 && len(lost) == 0 && len(finished) > 0)
	case labdef.CronKept:
		want, _ := f.DocumentedInt()
		add(fmt.Sprintf("%d (%s)", hist.Kept(), hist), hist.Kept() == want)
	case labdef.CronRemovedAfter:
		var last *framework.CronRun
		for _, run := range finished {
			if run.FinishedSeen > 0 && (last == nil || run.FinishedSeen > last.FinishedSeen) {
				last = run
			}
		}
		lastSeen := 0
		if last != nil {
			lastSeen = last.FinishedSeen
		}
		after := oldest.Deleted && last != nil && last != oldest && oldest.DeletedSeen > last.FinishedSeen
		add(fmt.Sprintf("oldest %s deleted at watch event %d, the last run finished at event %d", oldest.Name, oldest.DeletedSeen, lastSeen), after)
	case labdef.CronDeleteEvent:
		cj, err := cs.BatchV1().CronJobs(ns).Get(ctx, c.CronJob, metav1.GetOptions{})
		if err != nil {
			add(err.Error(), false)
			return
		}
		message := strings.ReplaceAll(f.DocumentedText(), "{oldest}", oldest.Name)
		events, err := framework.WaitForEvents(ctx, cs, ns, "CronJob", c.CronJob, cj.UID, []lesson.Step{{Type: "Normal", Reason: "SuccessfulDelete", Times: 1, MessagePrefix: message}}, lab.Within(framework.LabTimeouts.Events))
		add(deleteEvents(events), err == nil)
	case labdef.CronOldestPodsGone:
		err := framework.WaitForPodsGone(ctx, cs, ns, "batch.kubernetes.io/job-name="+oldest.Name, lab.Within(framework.LabTimeouts.PodsGone))
		add(outcome("removed", err), err == nil)
	}
}

// logLinesProblem compares a log with a documented text line by line; a
// documented line {date} is a date as the date command prints it. It
// returns "" when they agree.
func logLinesProblem(log, documented string) string {
	got := strings.Split(strings.TrimSpace(log), "\n")
	want := strings.Split(strings.TrimSpace(documented), "\n")
	if len(got) != len(want) {
		return fmt.Sprintf("%d lines, not %d: %q", len(got), len(want), log)
	}
	for i, w := range want {
		g := strings.TrimSpace(got[i])
		if w == "{date}" {
			if _, err := time.Parse("Mon Jan _2 15:04:05 MST 2006", g); err != nil {
				return fmt.Sprintf("line %d %q is not a date", i+1, got[i])
			}
			continue
		}
		if got[i] != w {
			return fmt.Sprintf("line %d %q is not %q", i+1, got[i], w)
		}
	}
	return ""
}

// log checks the log of every pod of a Job: all of it, one line, or the
// numbers in it. A log the node no longer has is not observed.
func (r *folderRun) log(ctx context.Context, f labdef.Fact, ref lesson.FactRef, documented string, add func(string, bool)) {
	cs, ns := r.in.Env.Client, r.lab.Namespace
	pods, err := framework.JobPods(ctx, cs, ns, f.Log.Job)
	if err != nil || len(pods) == 0 {
		add(fmt.Sprintf("no pod of job %s to read (%v)", f.Log.Job, err), false)
		return
	}
	ok := true
	// seen is every pod's value, wrong those that are not as documented.
	var seen, wrong []string
	// total: how many numbers the pods print together; primes, how many
	// primes the checker finds in their ranges.
	total, primes := 0, 0
	for _, p := range pods {
		container := f.Log.Container
		if container == "" {
			container = p.Spec.Containers[0].Name
		}
		log, err := r.podLog(ctx, p.Name, container)
		if framework.IsLogLost(err) {
			r.lab.Report.NotObservable(ref, documented, err.Error())
			return
		}
		index := 0
		if pr := f.Log.Primes; pr != nil && pr.PerIndex > 0 {
			index, err = strconv.Atoi(p.Annotations[lesson.CompletionIndexKey])
			if err != nil {
				err = fmt.Errorf("no completion index: the range of its primes is its index's")
			}
		}
		read := readLog(f, log, index)
		value, good := read.value, read.ok
		primes += read.primes
		total += read.numbers
		if err != nil {
			value, good = err.Error(), false
		}
		if !good && len(pods) > 1 {
			value = p.Name + ": " + value
		}
		ok = ok && good
		seen = append(seen, value)
		if !good {
			wrong = append(wrong, value)
		}
	}
	if f.Log.Numbers == labdef.NumbersTotal {
		n, _ := f.DocumentedInt()
		add(strconv.Itoa(total), ok && total == n)
		return
	}
	if f.Log.Primes != nil && f.Log.Numbers == "" {
		// The documented count agrees with the checker's own.
		n, _ := f.DocumentedInt()
		ok = ok && n == primes
	}
	observed, alike := everyText(seen, seen[0], func(o, w string) bool { return o == w })
	switch {
	case len(wrong) > 0 && len(wrong) < len(seen):
		// The pods that differ, each named.
		observed = fmt.Sprintf("%d of %d differ: %s", len(wrong), len(seen), strings.Join(wrong, "; "))
	case !alike:
		observed = strings.Join(seen, "; ")
	}
	add(observed, ok)
}

// logValue is what one pod's log shows for a log fact, and whether that
// is what the fact documents.
func logValue(f labdef.Fact, log string, index int) (string, bool) {
	r := readLog(f, log, index)
	return r.value, r.ok
}

// logRead is what one pod's log shows for a log fact: its value, whether
// that is as documented, and the counts a fact over every pod adds up:
// the numbers the log prints, the primes the checker finds in its range.
type logRead struct {
	value           string
	ok              bool
	numbers, primes int
}

// readLog reads one pod's log for a log fact, each thing computed once.
func readLog(f labdef.Fact, log string, index int) logRead {
	l, want := f.Log, f.DocumentedText()
	var primes []int
	if p := l.Primes; p != nil {
		// The checker's own trial division, over the pod's range.
		from, to := p.For(index)
		primes = lesson.PrimesBetween(from, to-1)
	}
	read := func(value string, ok bool) logRead { return logRead{value: value, ok: ok, primes: len(primes)} }
	if l.Line > 0 {
		lines := strings.SplitN(log, "\n", l.Line+1)
		got := ""
		if l.Line <= len(lines) {
			got = lines[l.Line-1]
		}
		return read(got, got == want)
	}
	numbers, err := lesson.Numbers(log)
	counted := func(value string, ok bool) logRead {
		r := read(value, ok)
		if err == nil {
			r.numbers = len(numbers)
		}
		return r
	}
	switch l.Numbers {
	case labdef.NumbersOnly:
		return counted(yesOr(err), err == nil)
	case labdef.NumbersCount:
		n, _ := f.DocumentedInt()
		return counted(strconv.Itoa(len(numbers)), len(numbers) == n)
	case labdef.NumbersEnds:
		if len(numbers) == 0 {
			return counted("no numbers", false)
		}
		got := fmt.Sprintf("%d .. %d", numbers[0], numbers[len(numbers)-1])
		return counted(got, got == want)
	case labdef.NumbersPrimes:
		return counted(differences(primes, numbers), equalInts(numbers, primes))
	case labdef.NumbersTotal:
		// Added up over the pods by the caller.
		return counted(strconv.Itoa(len(numbers)), err == nil)
	}
	got := strings.TrimRight(log, "\n")
	if l.Primes != nil {
		layout := strings.TrimRight(lesson.NumpyText(primes), "\n")
		return counted(firstDifferentLine(layout, got), got == layout)
	}
	want = strings.TrimRight(want, "\n")
	if got == want {
		return counted(oneLineOf(got), true)
	}
	return counted(firstDifference(want, got), false)
}

// podLog is a container's log, read once a run.
func (r *folderRun) podLog(ctx context.Context, pod, container string) (string, error) {
	key := pod + "/" + container
	if l, ok := r.logs[key]; ok {
		return l.text, l.err
	}
	text, err := framework.PodLog(ctx, r.in.Env.Client, r.lab.Namespace, pod, container)
	if r.logs == nil {
		r.logs = map[string]podLog{}
	}
	r.logs[key] = podLog{text, err}
	return text, err
}

// podLog is a log as read, or why it could not be.
type podLog struct {
	text string
	err  error
}

// everyText reads per-pod values documented once for every pod: "all 10:
// Succeeded" when each is want, else the values pod by pod.
func everyText(values []string, want string, same func(observed, want string) bool) (string, bool) {
	if len(values) == 0 {
		return "no pods", false
	}
	for _, v := range values {
		if !same(v, want) {
			return strings.Join(values, ","), false
		}
	}
	if len(values) == 1 {
		return want, true
	}
	return fmt.Sprintf("all %d: %s", len(values), want), true
}

// field reads a field of an object as the API server stores it.
func (r *folderRun) field(ctx context.Context, ref *labdef.FieldRef) string {
	gvr := map[string]schema.GroupVersionResource{
		"Job":        {Group: "batch", Version: "v1", Resource: "jobs"},
		"CronJob":    {Group: "batch", Version: "v1", Resource: "cronjobs"},
		"Deployment": {Group: "apps", Version: "v1", Resource: "deployments"},
		"Service":    {Version: "v1", Resource: "services"},
	}[ref.Kind]
	if r.dyn == nil {
		var err error
		r.dyn, err = dynamic.NewForConfig(r.in.Env.Config)
		Expect(err).NotTo(HaveOccurred())
	}
	obj, err := r.dyn.Resource(gvr).Namespace(r.lab.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return err.Error()
	}
	return fieldText(obj.Object, ref.Path)
}

// fieldText is a field of an object as a row shows it: a scalar as is, a
// map or list as JSON, "unset" when it is not there.
func fieldText(obj map[string]any, path string) string {
	v, found, err := labdef.Lookup(obj, path)
	switch {
	case err != nil:
		return err.Error()
	case !found:
		return "unset"
	}
	switch v.(type) {
	case map[string]any, []any:
		data, _ := json.Marshal(v)
		return string(data)
	}
	return fmt.Sprint(v)
}

// cellFold is a table cell by a column name in any case (COMPLETIONS,
// Completions).
func cellFold(rows []framework.TableRow, name, column string) string {
	for _, r := range rows {
		if r.Name == name {
			for k, v := range r.Cells {
				if strings.EqualFold(k, column) {
					return v
				}
			}
			return "no column " + column
		}
	}
	return "no " + name + " listed"
}

func columnFold(rows []framework.TableRow, column string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, cellFold([]framework.TableRow{r}, r.Name, column))
	}
	return out
}

func oneLineOf(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// firstDifference says where a log first departs from the documented one.
func firstDifference(want, got string) string {
	if n, w, g := differingLine(want, got); n > 0 {
		return fmt.Sprintf("line %d is %q, not %q", n, oneLineOf(g), oneLineOf(w))
	}
	return "differs"
}
