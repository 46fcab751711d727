package lesson

import (
	"fmt"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// PodRecord is what a watch saw of one pod of a Job.
type PodRecord struct {
	Name     string
	Created  time.Time
	Finished time.Time
	Phase    corev1.PodPhase
	// Containers maps container names to their terminated state.
	Containers map[string]ContainerEnd
	// SeenSeq and FinishedSeq number the watch events at which the pod
	// was first seen and first seen finished (0: not recorded): the API
	// server's order, finer than its one-second timestamps.
	SeenSeq, FinishedSeq int
	// Reported is when the API server stored the pod's end, in its own
	// clock: the time of the pod's latest status write when the watch
	// first saw it finished (zero: not known). A busy node reports late,
	// and the Job controller cannot act on a failure before it is
	// reported.
	Reported time.Time
}

// ContainerEnd is how a container ended.
type ContainerEnd struct {
	ExitCode int32
	Reason   string
}

// Timeline is the pods of a Job in creation order, and the most pods that
// were active (neither succeeded nor failed) at once.
type Timeline struct {
	Pods      []PodRecord
	MaxActive int
	// WatchedFromStart says the watch began before the Job's first pod.
	WatchedFromStart bool
}

// Sort orders the pods by creation time.
func (t *Timeline) Sort() {
	sort.SliceStable(t.Pods, func(i, j int) bool { return t.Pods[i].Created.Before(t.Pods[j].Created) })
}

// BackoffWaits returns, for each pod after the first, how long after the
// previous pod ended it was created: the Job controller's back-off (10 s,
// 20 s, 40 s, ...), counted from the failure, so that how long each pod
// took to start and run does not blur it. A pod not seen to end gives no
// wait.
func (t Timeline) BackoffWaits() []time.Duration {
	var waits []time.Duration
	t.eachEnd(func(ended, next PodRecord) { waits = append(waits, next.Created.Sub(ended.Finished)) })
	return waits
}

// eachEnd calls f with each pod seen to end and the pod created after it,
// in creation order: the pairs BackoffWaits and ReportLags both walk, so
// that their i-th values are of the same failure.
func (t Timeline) eachEnd(f func(ended, next PodRecord)) {
	for i := 1; i < len(t.Pods); i++ {
		if !t.Pods[i-1].Finished.IsZero() {
			f(t.Pods[i-1], t.Pods[i])
		}
	}
}

// ReportLags returns, for each wait of BackoffWaits, how long after the
// previous pod ended the API server learned of it (zero when not known or
// not later).
func (t Timeline) ReportLags() []time.Duration {
	var lags []time.Duration
	t.eachEnd(func(ended, _ PodRecord) { lags = append(lags, max(0, ended.Reported.Sub(ended.Finished))) })
	return lags
}

// Waves groups the pods by what made the Job controller create them, and
// returns the group sizes: the first wave is the pods created before any
// pod finished; every later pod replaces the earliest finished pod not yet
// replaced, and joins the wave after that pod's. With parallelism 2 the
// waves are pairs (the notes' SuccessfulCreate in pairs) however far apart
// the two pods of a pair ended: a busy node that starts one pod of a pair
// seconds after the other only delays its replacement as much. The watch's
// event order decides (the controller creates a replacement only after it
// has seen the pod finish); without it, the timestamps, to the second.
func (t Timeline) Waves() []int {
	type event struct {
		seq     int
		at      time.Time
		pod     int
		created bool
	}
	var events []event
	for i, p := range t.Pods {
		events = append(events, event{seq: p.SeenSeq, at: p.Created, pod: i, created: true})
		if p.FinishedSeq > 0 || !p.Finished.IsZero() {
			events = append(events, event{seq: p.FinishedSeq, at: p.Finished, pod: i})
		}
	}
	bySeq := t.WatchedFromStart
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if bySeq {
			return a.seq < b.seq
		}
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		return !a.created && b.created // a finish and a creation in the same second: the finish came first
	})
	wave := make([]int, len(t.Pods))
	var unreplaced []int // finished pods, earliest first
	var sizes []int
	lastWave := 0
	for _, e := range events {
		if !e.created {
			unreplaced = append(unreplaced, e.pod)
			continue
		}
		w := 1
		if len(unreplaced) > 0 {
			w = wave[unreplaced[0]] + 1
			unreplaced = unreplaced[1:]
		} else if lastWave > 1 {
			w = lastWave // created with no finish to answer: beside the latest wave
		}
		wave[e.pod], lastWave = w, max(lastWave, w)
		for len(sizes) < w {
			sizes = append(sizes, 0)
		}
		sizes[w-1]++
	}
	return sizes
}

// WavesOfLives is the waves (as Waves counts them) that a Job controller
// keeping parallelism pods running makes of pods that live these long
// (creation to end, in creation order): parallelism at first, then each
// pod replaced as it ends until there are as many as lives. Pods that live
// equally long come in even waves (2, 2, 2); on a loaded node, where one
// pod waits a minute to start and its partner seconds, the same
// controller makes 2, 2, 1, 1 of them. Nil when parallelism is not
// positive.
func WavesOfLives(lives []time.Duration, parallelism int) []int {
	if parallelism < 1 {
		return nil
	}
	type pod struct {
		end  time.Duration
		wave int
		n    int
	}
	var sizes []int
	var running []pod
	created := 0
	start := func(at time.Duration, wave int) {
		if created >= len(lives) {
			return
		}
		running = append(running, pod{end: at + lives[created], wave: wave, n: created})
		for len(sizes) < wave {
			sizes = append(sizes, 0)
		}
		sizes[wave-1]++
		created++
	}
	for range parallelism {
		start(0, 1)
	}
	for len(running) > 0 {
		first := 0
		for i, p := range running {
			if p.end < running[first].end || (p.end == running[first].end && p.n < running[first].n) {
				first = i
			}
		}
		p := running[first]
		running = append(running[:first], running[first+1:]...)
		start(p.end, p.wave+1)
	}
	return sizes
}

// Lives returns each pod's life, creation to end, in creation order; false
// when a pod was not seen to end.
func (t Timeline) Lives() ([]time.Duration, bool) {
	var lives []time.Duration
	for _, p := range t.Pods {
		if p.Finished.IsZero() {
			return nil, false
		}
		lives = append(lives, p.Finished.Sub(p.Created))
	}
	return lives, true
}

// BackoffAtLeast tells whether each wait from a pod's failure to the next
// pod is at least the Job controller's back-off for that failure: first,
// then doubled each time (10 s, 20 s, 40 s), less a second for the
// timestamps' precision. A busy controller or kubelet only makes a wait
// longer, so these lower bounds hold on every correct cluster, and a
// back-off that does not double fails them.
func BackoffAtLeast(waits []time.Duration, first time.Duration) bool {
	return BackoffWithin(waits, nil, first, -1)
}

// BackoffWithin tells whether each wait from a pod's failure to the next
// pod is the Job controller's back-off for that failure (first, then
// doubled: 10 s, 20 s, 40 s) less a second for the timestamps' precision,
// and, after the first, at most lag later than the later of the back-off
// and the failure's report (reports[i], how long after the failure the API
// server learned of it; missing or zero: on time). The controller counts
// the back-off from the failure but cannot act before it is reported: a
// kubelet starved on a loaded node reports a failure a minute late, and
// the next pod follows the report, not the back-off. The first wait has no
// upper bound: under load it lags most (38 s for 10 s was seen in a class
// run). A negative lag sets no upper bound. 40, 40, 40 s reported on time
// is not a doubling.
func BackoffWithin(waits, reports []time.Duration, first, lag time.Duration) bool {
	want := first
	for i, w := range waits {
		if w < want-time.Second {
			return false
		}
		latest := want
		if i < len(reports) {
			latest = max(latest, reports[i])
		}
		if i > 0 && lag >= 0 && w > latest+lag {
			return false
		}
		want *= 2
	}
	return true
}

// OneAtATime tells whether each pod was created only after the previous
// one had finished.
func (t Timeline) OneAtATime() bool {
	for i := 1; i < len(t.Pods); i++ {
		prev := t.Pods[i-1].Finished
		if prev.IsZero() || t.Pods[i].Created.Before(prev) {
			return false
		}
	}
	return true
}

// Overlap says, as a person would, whether the pods ran one at a time: the
// first pod created before the previous one ended, or that each started
// after the previous one ended.
func (t Timeline) Overlap() string {
	for i := 1; i < len(t.Pods); i++ {
		prev := t.Pods[i-1]
		if prev.Finished.IsZero() {
			return fmt.Sprintf("pod %s was never seen to end before pod %s", prev.Name, t.Pods[i].Name)
		}
		if t.Pods[i].Created.Before(prev.Finished) {
			return fmt.Sprintf("pod %s created %s before pod %s ended", t.Pods[i].Name, prev.Finished.Sub(t.Pods[i].Created).Round(time.Second), prev.Name)
		}
	}
	return "each pod started after the previous one ended"
}

// Phases counts the pods per phase.
func (t Timeline) Phases() map[corev1.PodPhase]int {
	out := map[corev1.PodPhase]int{}
	for _, p := range t.Pods {
		out[p.Phase]++
	}
	return out
}

// CreatedBeforeFirstFinish counts the pods created before any pod of the
// Job finished: the pods that started first. When a watch saw every pod
// from its creation, the order of its events decides (the Job controller
// creates a replacement only after it has seen a pod finish, so the order
// is exact); else the timestamps, to the second.
func (t Timeline) CreatedBeforeFirstFinish() int {
	if t.WatchedFromStart {
		first := 0
		for _, p := range t.Pods {
			if p.FinishedSeq > 0 && (first == 0 || p.FinishedSeq < first) {
				first = p.FinishedSeq
			}
		}
		n := 0
		for _, p := range t.Pods {
			if first == 0 || p.SeenSeq < first {
				n++
			}
		}
		return n
	}
	var first time.Time
	for _, p := range t.Pods {
		if !p.Finished.IsZero() && (first.IsZero() || p.Finished.Before(first)) {
			first = p.Finished
		}
	}
	n := 0
	for _, p := range t.Pods {
		if first.IsZero() || p.Created.Before(first) {
			n++
		}
	}
	return n
}
