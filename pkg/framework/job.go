package framework

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/joblab/joblab/internal/kube"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/joblab/joblab/lesson"
)

// JobEnd is how a Job ended.
type JobEnd string

// The two end states of a Job.
const (
	JobComplete JobEnd = "Complete"
	JobFailed   JobEnd = "Failed"
)

// JobSuccessCriteriaMet is what a wait can ask for instead of an end: the
// Job has its completions (condition SuccessCriteriaMet), though it is
// Complete only once none of its pods is left terminating, which a pod on
// a lost node is until the node returns.
const JobSuccessCriteriaMet JobEnd = "SuccessCriteriaMet"

// successCriteriaMet tells whether the Job's SuccessCriteriaMet condition
// is True.
func successCriteriaMet(j *batchv1.Job) bool {
	c := JobCondition(j, batchv1.JobSuccessCriteriaMet)
	return c != nil && c.Status == corev1.ConditionTrue
}

// JobRun is what was observed of a Job until it ended.
type JobRun struct {
	Job      *batchv1.Job
	End      JobEnd
	Timeline lesson.Timeline
	// States are the Job's status counts as the watch saw them change
	// ("active 1, terminating 0"), in order, each change once.
	States []string
}

// JobState is a Job's status counts as JobRun.States records them.
func JobState(j *batchv1.Job) string {
	terminating := int32(0)
	if j.Status.Terminating != nil {
		terminating = *j.Status.Terminating
	}
	return fmt.Sprintf("active %d, terminating %d", j.Status.Active, terminating)
}

// jobEnd returns the Job's end state, or "" while it runs.
func jobEnd(j *batchv1.Job) JobEnd {
	for _, c := range j.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return JobComplete
		case batchv1.JobFailed:
			return JobFailed
		}
	}
	return ""
}

// DescribeJob is a one-line, describe-like summary of a Job's state.
func DescribeJob(j *batchv1.Job) string {
	if j == nil {
		return "no job seen yet"
	}
	var conds []string
	for _, c := range j.Status.Conditions {
		if c.Status == corev1.ConditionTrue {
			conds = append(conds, fmt.Sprintf("%s(%s)", c.Type, c.Reason))
		}
	}
	return fmt.Sprintf("job %s: %d active / %d succeeded / %d failed, conditions %v", j.Name, j.Status.Active, j.Status.Succeeded, j.Status.Failed, conds)
}

// WatchJob watches the Job and its pods until the Job ends. It returns at
// once, with an error holding the Job, when the Job ends other than want;
// after timeout it says what it was waiting for and what it last saw.
func WatchJob(ctx context.Context, cs kubernetes.Interface, ns, name string, want JobEnd, timeout time.Duration) (*JobRun, error) {
	return watchJob(ctx, cs, ns, name, want, timeout, nil)
}

// watchJob is WatchJob; listed, when not nil, is closed once the pod
// watch has made its first list.
func watchJob(ctx context.Context, cs kubernetes.Interface, ns, name string, want JobEnd, timeout time.Duration, listed chan struct{}) (*JobRun, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// A pod whose image cannot be pulled stops the wait at once.
	jobCtx, stopJob := context.WithCancel(ctx)
	defer stopJob()
	rec := newPodRecorder()
	rec.listed = listed
	rec.onPullProblem = stopJob
	podCtx, stopPods := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		rec.watch(podCtx, cs, ns, "batch.kubernetes.io/job-name="+name)
	}()

	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	lw := kube.ListWatch(cs.BatchV1().Jobs(ns).List, cs.BatchV1().Jobs(ns).Watch, kube.ByFields(sel))
	what := fmt.Sprintf("job %s/%s to end %s", ns, name, want)
	var states []string
	last, err := WatchUntil(jobCtx, lw, what, timeout, nil, func(t watch.EventType, j *batchv1.Job) (bool, error) {
		if t == watch.Deleted {
			return false, stop("the job was deleted")
		}
		if s := JobState(j); len(states) == 0 || states[len(states)-1] != s {
			states = append(states, s)
		}
		end := jobEnd(j)
		if want == JobSuccessCriteriaMet && (end == JobComplete || successCriteriaMet(j)) {
			return true, nil
		}
		if end != "" && end != want {
			return false, stop("the job ended " + string(end))
		}
		return end == want, nil
	}, DescribeJob)
	// Let the pod watch see the last pod updates before it stops.
	if err == nil {
		rec.settle(podCtx, last)
	}
	stopPods()
	wg.Wait()
	run := &JobRun{Job: last, Timeline: rec.timeline(), States: states}
	if last != nil {
		run.End = jobEnd(last)
	}
	if err != nil {
		var we *WaitError
		if !errors.As(err, &we) {
			return run, err
		}
		// A pod that cannot pull its image ended the wait early: say so,
		// rather than "not within".
		if problem := rec.pullProblem(); problem != "" && timedOut(err) {
			we.Reason = problem
		} else if timedOut(err) {
			we.LastSeen += "; pods: " + rec.summary()
		}
		return run, we
	}
	return run, nil
}

// WatchJobInBackground starts WatchJob now, before the Job exists or while
// the spec acts on it, so that every pod's start and end is seen, and
// returns a function that waits for its result. It returns once the pod
// watch has listed (or after LabTimeouts.WatchListed): a Job applied
// after it returns has none of its pods missed, however slow the API
// server or the client's rate limit is to answer that first list.
func WatchJobInBackground(ctx context.Context, cs kubernetes.Interface, ns, name string, want JobEnd, timeout time.Duration) (wait func() (*JobRun, error)) {
	type result struct {
		run *JobRun
		err error
	}
	done := make(chan result, 1)
	listed, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(finished)
		run, err := watchJob(ctx, cs, ns, name, want, timeout, listed)
		done <- result{run, err}
	}()
	select {
	case <-listed:
	case <-finished:
	case <-time.After(LabTimeouts.WatchListed):
	}
	return func() (*JobRun, error) {
		r := <-done
		return r.run, r.err
	}
}

// podRecorder keeps what a watch saw of a Job's pods.
type podRecorder struct {
	mu        sync.Mutex
	pods      map[string]*lesson.PodRecord
	active    map[string]bool
	maxActive int
	seq       int  // watch events seen, in the API server's order
	fromStart bool // the first list was empty: every pod is seen from its creation
	// pull is the first image pull problem seen; onPullProblem is called
	// when it is seen.
	pull          string
	onPullProblem func()
	// listed, when not nil, is closed after the first list.
	listed     chan struct{}
	listedOnce sync.Once
}

func (r *podRecorder) pullProblem() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pull
}

func newPodRecorder() *podRecorder {
	return &podRecorder{pods: map[string]*lesson.PodRecord{}, active: map[string]bool{}}
}

func (r *podRecorder) watch(ctx context.Context, cs kubernetes.Interface, ns, selector string) {
	lw := kube.ListWatch(cs.CoreV1().Pods(ns).List, cs.CoreV1().Pods(ns).Watch, kube.ByLabels(selector))
	synced := func(store cache.Store) (bool, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.fromStart = len(store.List()) == 0
		if r.listed != nil {
			r.listedOnce.Do(func() { close(r.listed) })
		}
		return false, nil
	}
	_, _ = watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, synced, func(ev watch.Event) (bool, error) {
		if p, ok := ev.Object.(*corev1.Pod); ok {
			r.observe(p, ev.Type == watch.Deleted)
		}
		return false, nil
	})
}

func (r *podRecorder) observe(p *corev1.Pod, deleted bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	rec, ok := r.pods[p.Name]
	if !ok {
		rec = &lesson.PodRecord{Name: p.Name, Created: p.CreationTimestamp.Time, Containers: map[string]lesson.ContainerEnd{}, SeenSeq: r.seq}
		r.pods[p.Name] = rec
	}
	rec.Phase = p.Status.Phase
	if problem := imagePullProblem(p); problem != "" && r.pull == "" {
		r.pull = "pod " + p.Name + ": " + problem
		if r.onPullProblem != nil {
			r.onPullProblem()
		}
	}
	for _, cs := range p.Status.ContainerStatuses {
		if t := cs.State.Terminated; t != nil {
			rec.Containers[cs.Name] = lesson.ContainerEnd{ExitCode: t.ExitCode, Reason: t.Reason}
			if t.FinishedAt.After(rec.Finished) {
				rec.Finished = t.FinishedAt.Time
			}
		}
	}
	finished := p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
	if finished && rec.Finished.IsZero() {
		rec.Finished = time.Now()
	}
	if finished && rec.FinishedSeq == 0 {
		rec.FinishedSeq = r.seq
		rec.Reported = lastStatusWrite(p)
	}
	r.active[p.Name] = !finished && !deleted && p.DeletionTimestamp == nil
	n := 0
	for _, a := range r.active {
		if a {
			n++
		}
	}
	r.maxActive = max(r.maxActive, n)
}

// lastStatusWrite is the API server's time of the pod's latest status
// write (the kubelet's, for a pod that ended), from its managed fields;
// zero when they do not say.
func lastStatusWrite(p *corev1.Pod) time.Time {
	var last time.Time
	for _, m := range p.ManagedFields {
		if m.Subresource == "status" && m.Time != nil && m.Time.After(last) {
			last = m.Time.Time
		}
	}
	return last
}

// settle waits briefly until the recorder has seen as many finished pods
// as the Job counts, so that the timeline is complete.
func (r *podRecorder) settle(ctx context.Context, j *batchv1.Job) {
	if j == nil {
		return
	}
	want := int(j.Status.Succeeded + j.Status.Failed)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		r.mu.Lock()
		done := 0
		for _, p := range r.pods {
			if p.Phase == corev1.PodSucceeded || p.Phase == corev1.PodFailed {
				done++
			}
		}
		r.mu.Unlock()
		if done >= want {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (r *podRecorder) timeline() lesson.Timeline {
	r.mu.Lock()
	defer r.mu.Unlock()
	var tl lesson.Timeline
	for _, p := range r.pods {
		tl.Pods = append(tl.Pods, *p)
	}
	tl.MaxActive = r.maxActive
	tl.WatchedFromStart = r.fromStart
	tl.Sort()
	return tl
}

func (r *podRecorder) summary() string {
	tl := r.timeline()
	return fmt.Sprintf("%d pods seen, %v", len(tl.Pods), tl.Phases())
}
