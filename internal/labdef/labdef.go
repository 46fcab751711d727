// Package labdef is the lab folder format, joblab/v1: one folder per lab,
// holding the manifests the lab applies and one lab.yaml that says what
// the lab is (name, section, summary, how long it takes), what it does
// (steps: apply a file, wait for a Job's end, delete a running pod,
// suspend, resume, patch) and what must then be true (facts, each one of
// a fixed vocabulary implemented once in Go, with its documented value,
// its source, its hint and its Japanese wording).
//
// The folder holds only what the lesson (or the teacher) says; the
// vocabulary, not the folder, holds the logic. This package reads and
// validates folders without a cluster (joblab lab check); the specs that
// run them live with the other specs.
package labdef

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/joblab/joblab/manifests"
)

// APIVersion is the version of the format this package reads.
const APIVersion = "joblab/v1"

// Kind is the kind of a lab.yaml.
const Kind = "Lab"

// FileName is the name of a lab folder's definition.
const FileName = "lab.yaml"

// Lab is one lab folder's lab.yaml.
type Lab struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	// Name is the lab's name: its label, its report name and what
	// joblab run takes (lower-case letters, digits and dashes).
	Name string `yaml:"name"`
	// Section is where the lab is in the course ("exercise 1", "10.2").
	Section string `yaml:"section"`
	// Title heads the lab's spec and report section.
	Title string `yaml:"title"`
	// Summary is one line on what the lab shows (joblab list).
	Summary string `yaml:"summary"`
	// Spec is the sentence the lab's spec is named by (its It: reports
	// and artifacts name it); the summary when empty.
	Spec string `yaml:"spec,omitempty"`
	// Order is where the lab comes among its track's labs (joblab list,
	// the order they run in, the class page's columns): 1 first; labs
	// without come after those with, by name.
	Order int `yaml:"order,omitempty"`
	// Expected is about how long the lab takes on a small cluster.
	Expected time.Duration `yaml:"expected"`
	// Steps are done in order.
	Steps []Step `yaml:"steps,omitempty"`
	// Facts are checked in order once the steps are done.
	Facts []Fact `yaml:"facts,omitempty"`
	// Runs, instead of Steps and Facts, are a lab's several runs: each
	// its own spec, report and namespace, run one after the other or at
	// once as the labs are (the lesson's normal lab: one pod at a time,
	// then two).
	Runs []Run `yaml:"runs,omitempty"`
	// Report is a run's report name (Runs): "" for a lab of one run,
	// which reports as Name.
	Report string `yaml:"-"`

	// Track is "" for a lab of its own, "modern" for the modern track's.
	Track string `yaml:"track,omitempty"`
	// Since is the Kubernetes release ("1.36") from which what the lab
	// shows is on by default: on an older cluster the lab is not
	// verified, with the reason, and runs nothing.
	Since string `yaml:"since,omitempty"`
	// OldWay, on a lab that shows today's way of what a lesson lab shows
	// the old way, names that lab (its report name) and what changed: the
	// reports set their timings side by side.
	OldWay *OldWay `yaml:"oldWay,omitempty"`
	// Alone labs stop a node (crashNode): they run when no other lab runs
	// on their cluster.
	Alone bool `yaml:"alone,omitempty"`

	// Dir is the folder the lab was read from (absolute), or its path in
	// joblab's own lab folders (Embedded).
	Dir string `yaml:"-"`
	// Files are the folder's files.
	Files fs.FS `yaml:"-"`
	// Embedded labs are joblab's own (the lesson's and the modern
	// track's), built into the binary: a student's folder may hold their
	// files, and the lab takes its own copy where it does not.
	Embedded bool `yaml:"-"`
	// lines are the lines of the steps and facts, for errors.
	stepLines, factLines []int
}

// OldWay is the lesson lab (or run) that shows the old way of a lab's
// situation, and What the new way changes.
type OldWay struct {
	Lab  string `yaml:"lab"`
	What string `yaml:"what"`
}

// Run is one run of a lab of several (Lab.Runs).
type Run struct {
	// Name is the run's report name (lower-case letters, digits and
	// dashes; the lab's name for one of them, if you like).
	Name string `yaml:"name"`
	// Spec is the sentence its spec is named by.
	Spec  string `yaml:"spec"`
	Steps []Step `yaml:"steps"`
	Facts []Fact `yaml:"facts"`
	// lines of its steps and facts, for errors.
	stepLines, factLines []int
}

// Parts are what runs of the lab: its runs, each as a lab of its own
// (the lab's name, title and files, the run's spec, steps and facts, its
// Report the run's name), or the lab itself when it has one run.
func (l *Lab) Parts() []*Lab {
	if len(l.Runs) == 0 {
		return []*Lab{l}
	}
	out := make([]*Lab, len(l.Runs))
	for i, r := range l.Runs {
		part := *l
		part.Runs = nil
		part.Report, part.Spec, part.Steps, part.Facts = r.Name, r.Spec, r.Steps, r.Facts
		part.stepLines, part.factLines = r.stepLines, r.factLines
		out[i] = &part
	}
	return out
}

// ReportName is the name the lab's (or run's) report carries.
func (l *Lab) ReportName() string {
	if l.Report != "" {
		return l.Report
	}
	return l.Name
}

// Step is one thing a lab does: exactly one of its fields is set.
type Step struct {
	// Apply creates the objects of a file of the folder (kubectl apply
	// -f), labelled as joblab's.
	Apply string `yaml:"apply,omitempty"`
	// ApplyLesson applies one of the lesson's manifests (manifests/, or
	// the student's of that name): compared with the lesson's field by
	// field first, each difference a row, as the lesson's labs do.
	ApplyLesson string `yaml:"applyLesson,omitempty"`
	// Wait waits until a Job ends.
	Wait *Wait `yaml:"wait,omitempty"`
	// Watch watches a Job and its pods for a while, whatever they do (a
	// Job that must not start, or not yet end).
	Watch *Watch `yaml:"watch,omitempty"`
	// DeletePod deletes a running pod of a Job (kubectl delete pod).
	DeletePod *JobRef `yaml:"deletePod,omitempty"`
	// EvictPod evicts a running pod of a Job through the Eviction API, as
	// kubectl drain does: the pod gets the condition DisruptionTarget.
	EvictPod *JobRef `yaml:"evictPod,omitempty"`
	// Suspend and Resume set a Job's spec.suspend.
	Suspend *JobRef `yaml:"suspend,omitempty"`
	Resume  *JobRef `yaml:"resume,omitempty"`
	// Patch applies a merge patch to a Job or CronJob.
	Patch *Patch `yaml:"patch,omitempty"`
	// WaitGone waits until a Job is removed (by its TTL, or a CronJob's
	// history limit): watched from the lab's start, so that the time its
	// deletion was asked is known (the fact deletedAfter reads it).
	WaitGone *WaitGone `yaml:"waitGone,omitempty"`
	// DeleteJob deletes a Job (kubectl delete job: its pods go after it).
	DeleteJob *JobRef `yaml:"deleteJob,omitempty"`
	// LosePod loses a pod of a Job that has just started running, as a
	// failed node would (deleted at once): a pod that ends by itself before
	// the deletion takes effect was not lost, and another is lost
	// instead. When no running pod can be caught, nothing was observed:
	// the lab ends not verified.
	LosePod *JobRef `yaml:"losePod,omitempty"`
	// CrashNode crashes the node a running pod of a Job runs on (a kind
	// node's container killed, as a power failure would), then waits until
	// the control plane notices the node lost and the Job reaches its
	// completion with a pod on another node (SuccessCriteriaMet), within
	// the tolerations in force. Its rows: the pod runs on a worker, the
	// node noticed lost, the completion reached. Where no two workers can
	// be stopped from this host (one node, a cluster that is not kind,
	// nodes that cannot be read, a cordoned worker), nothing is observed:
	// each fact is not verified, with the reason, and the lab ends. The
	// lab must be alone: true. The node is started again by restartNode,
	// or when the lab ends, whatever happened.
	CrashNode *JobRef `yaml:"crashNode,omitempty"`
	// WaitAvailable waits until a Deployment of the lab is Available (a
	// broker the lab's Jobs use).
	WaitAvailable *WaitAvailable `yaml:"waitAvailable,omitempty"`
	// Initiator runs the broker lab's job initiator (labs/initiator) from
	// outside the cluster, as the lesson does: it finds the broker of
	// Service taskqueue, fills its queue with the lesson's four items and
	// creates the Job named here with the lab's worker image. Its row: the
	// queue filled and the Job created. The broker facts read what it saw.
	Initiator *JobRef `yaml:"initiator,omitempty"`
	// RestartNode starts the node a crashNode step of the Job stopped, and
	// waits until it is Ready again.
	RestartNode *JobRef `yaml:"restartNode,omitempty"`
	// ApplyScheduled applies a file of the folder whose CronJobs run at one
	// minute of the lab: {schedule} in it becomes that minute's cron
	// schedule, "M H * * *" in a time zone's wall time.
	ApplyScheduled *ApplyScheduled `yaml:"applyScheduled,omitempty"`
	// CronMinutes watches the Jobs some CronJobs make over their first
	// minutes: the cronPolicy facts read what it saw.
	CronMinutes *CronMinutes `yaml:"cronMinutes,omitempty"`
	// ApplyRefused applies a file the cluster must refuse (one of the
	// folder's, else one of the lesson's manifests): its row passes when
	// the error says each of Says.
	ApplyRefused *ApplyRefused `yaml:"applyRefused,omitempty"`
	// CronRuns watches the Jobs a CronJob makes until some of them have
	// finished and its history clean-up has removed the oldest: the cron
	// facts read what it saw.
	CronRuns *CronRuns `yaml:"cronRuns,omitempty"`
	// Check checks these facts (by id) at this point of the lab, in this
	// order: what a Job shows between two steps (suspended, then
	// resumed). Facts no check step names are checked after the last
	// step, in their order.
	Check []string `yaml:"check,omitempty"`
}

// ApplyScheduled is a file of the folder whose CronJobs are scheduled for
// one minute of the lab: {schedule} in it becomes "M H * * *", the
// Minute-th whole minute (1: the first) in which every CronJob the lab has
// made so far runs, written in WallTime's clock (an IANA time zone,
// converted by joblab's own time zone database, not the cluster's).
type ApplyScheduled struct {
	File     string `yaml:"file"`
	Minute   int    `yaml:"minute"`
	WallTime string `yaml:"wallTime"`
}

// WaitAvailable waits until Deployment is Available, at most Within (from
// the lab's start).
type WaitAvailable struct {
	Deployment string        `yaml:"deployment"`
	Within     time.Duration `yaml:"within"`
}

// BrokerCheck is a fact of the broker lab (broker: {of}): what the
// initiator and the workers did, Of one of BrokerOf.
type BrokerCheck struct {
	Of string `yaml:"of"`
}

// What a broker fact reads (BrokerCheck.Of).
const (
	// BrokerReached: how the initiator reached the broker: a node's
	// address at the Service's NodePort, as the lesson does (a
	// port-forward where the nodes cannot be read).
	BrokerReached = "reached"
	// BrokerNodePort: RabbitMQ answers at every node's NodePort, from
	// outside the cluster (from a pod of the lab where the nodes cannot
	// be read; not verified where neither can reach it).
	BrokerNodePort = "nodePort"
	// BrokerJobAsLesson: the Job the initiator created, as the API server
	// stores it, compared in full with the lesson's.
	BrokerJobAsLesson = "jobAsLesson"
	// BrokerLayout: each worker's log prints its primes in numpy's layout.
	BrokerLayout = "layout"
	// BrokerItems: each worker's log names one of the lesson's items,
	// then exactly its primes.
	BrokerItems = "items"
	// BrokerOnce: each item handled once.
	BrokerOnce = "once"
	// BrokerPrimes: the primes the workers print together, each once
	// (documented: how many, the checker's own count over 1..4000).
	BrokerPrimes = "primes"
	// BrokerQueueLeft: the messages left in the queue at the end.
	BrokerQueueLeft = "queueLeft"
)

// BrokerOf are the values of BrokerCheck.Of.
var BrokerOf = []string{BrokerReached, BrokerNodePort, BrokerJobAsLesson, BrokerLayout, BrokerItems, BrokerOnce, BrokerPrimes, BrokerQueueLeft}

// CronMinutes watches the Jobs CronJobs make over their first Minutes
// scheduled minutes (each CronJob's first is the minute after it was
// created), until 80 s past the last of them; where LateRun is set, until
// that CronJob has also started a run later than its first minute (a
// Forbid run that starts late), up to 150 s past. AlsoWatch are CronJobs
// whose Jobs are recorded too, without setting the window (an
// applyScheduled step's).
type CronMinutes struct {
	CronJobs  []string `yaml:"cronjobs"`
	Minutes   int      `yaml:"minutes"`
	LateRun   string   `yaml:"lateRun,omitempty"`
	AlsoWatch []string `yaml:"alsoWatch,omitempty"`
}

// CronPolicyCheck is a fact of the runs a cronMinutes step saw of CronJob:
// Of one of CronPolicyOf; Other, for scheduledOnly, the CronJob that must
// make no Job.
type CronPolicyCheck struct {
	CronJob string `yaml:"cronjob"`
	Of      string `yaml:"of"`
	Other   string `yaml:"other,omitempty"`
}

// What a cronPolicy fact reads of the runs (CronPolicyCheck.Of), each the
// run of the CronJob's first and second minute unless said.
const (
	// PolicyOverlap: the second starts while the first runs (Allow).
	PolicyOverlap = "overlap"
	// PolicyStartsLate: the next run after the first starts only once the
	// first has ended (Forbid, no deadline: the skipped run starts late).
	PolicyStartsLate = "startsLate"
	// PolicyMissed: the first runs, the second minute's never starts
	// (Forbid with a startingDeadlineSeconds shorter than the wait).
	PolicyMissed = "missed"
	// PolicyReplaced: the first is deleted while running, and the second
	// runs (Replace).
	PolicyReplaced = "replaced"
	// PolicyNone: no Job at all (suspend: true).
	PolicyNone = "none"
	// PolicyFirstMinute: a Job for the first minute.
	PolicyFirstMinute = "firstMinute"
	// PolicyScheduledOnly: a Job for the applyScheduled minute, and none
	// of Other (the same schedule in another time zone).
	PolicyScheduledOnly = "scheduledOnly"
	// PolicyFailedKept: once the second run has failed the first is
	// deleted, not before; the second stays until a third has failed
	// (failedJobsHistoryLimit 1; documented: how many are kept).
	PolicyFailedKept = "failedKept"
)

// CronPolicyOf are the values of CronPolicyCheck.Of.
var CronPolicyOf = []string{PolicyOverlap, PolicyStartsLate, PolicyMissed, PolicyReplaced, PolicyNone, PolicyFirstMinute, PolicyScheduledOnly, PolicyFailedKept}

// ApplyRefused is a file (the folder's, else a lesson manifest) the
// cluster refuses, and what the error must say; Name is its row.
type ApplyRefused struct {
	File string   `yaml:"file"`
	Says []string `yaml:"says"`
	Name string   `yaml:"name,omitempty"`
	// Ja is the row's name in Japanese; Hint helps a student whose row
	// differs (the step's own when empty).
	Ja   string `yaml:"ja,omitempty"`
	Hint *Hint  `yaml:"hint,omitempty"`
}

// RowName is the row of an ApplyRefused step.
func (a *ApplyRefused) RowName() string {
	return orDefault(a.Name, "kubectl apply -f "+a.File+" refused")
}

// CronRuns watches the Jobs CronJob makes until Runs of them have finished
// and the oldest finished one has been removed by the CronJob's history
// clean-up, at most Within (from the lab's start). Each run's pod log is
// read as it finishes, before the clean-up removes it. Name is its row.
type CronRuns struct {
	CronJob string        `yaml:"cronjob"`
	Runs    int           `yaml:"runs"`
	Within  time.Duration `yaml:"within"`
	Name    string        `yaml:"name,omitempty"`
	// Ja is the row's name in Japanese; Hint helps a student whose row
	// differs (the step's own when empty).
	Ja   string `yaml:"ja,omitempty"`
	Hint *Hint  `yaml:"hint,omitempty"`
}

// RowName is the row of a CronRuns step.
func (c *CronRuns) RowName() string {
	return orDefault(c.Name, fmt.Sprintf("cronjob %s: %d runs finished, then the oldest removed by the history clean-up", c.CronJob, c.Runs))
}

// orDefault is a step's own row name, else its default.
func orDefault(name, fallback string) string {
	if name != "" {
		return name
	}
	return fallback
}

// APIRef is a kind of an API group and version (apiMapping: kind CronJob
// of batch/v1beta1), or the group and version alone (served).
type APIRef struct {
	Group   string `yaml:"group"`
	Version string `yaml:"version"`
	Kind    string `yaml:"kind,omitempty"`
}

// GroupVersion is "batch/v1beta1" ("v1" for the core group).
func (a *APIRef) GroupVersion() string {
	if a.Group == "" {
		return a.Version
	}
	return a.Group + "/" + a.Version
}

// KindRef is a kind of object the lab made (objects: how many).
type KindRef struct {
	Kind string `yaml:"kind"`
}

// CronCheck is a fact of the runs a cronRuns step watched: Of one of
// CronOf.
type CronCheck struct {
	CronJob string `yaml:"cronjob"`
	Of      string `yaml:"of"`
}

// What a cron fact reads of the runs (CronCheck.Of).
const (
	// CronApart: the minutes the runs are named for, each this long after
	// the one before (documented: 60s).
	CronApart = "apart"
	// CronOnTime: each run created in the minute it is named for, at
	// most the documented time later (15s: how late a busy controller
	// may be).
	CronOnTime = "onTime"
	// CronNames: each Job named <cronjob>-<its scheduled minute since the
	// epoch> (documented: yes).
	CronNames = "names"
	// CronSucceeded: each finished run's pods succeeded of 1
	// (documented: 1/1).
	CronSucceeded = "succeeded"
	// CronLog: each run's pod log, line by line; a documented line {date}
	// is a date as the date command prints it.
	CronLog = "log"
	// CronKept: the finished runs kept when the oldest was removed
	// (documented: successfulJobsHistoryLimit).
	CronKept = "kept"
	// CronRemovedAfter: the oldest run removed only after the last
	// watched run finished (documented: yes).
	CronRemovedAfter = "removedAfter"
	// CronDeleteEvent: the CronJob's SuccessfulDelete event names the
	// oldest run ({oldest} in the documented message).
	CronDeleteEvent = "deleteEvent"
	// CronOldestPodsGone: the oldest run's pods removed with it
	// (documented: yes).
	CronOldestPodsGone = "oldestPodsGone"
)

// CronOf are the values of CronCheck.Of.
var CronOf = []string{CronApart, CronOnTime, CronNames, CronSucceeded, CronLog, CronKept, CronRemovedAfter, CronDeleteEvent, CronOldestPodsGone}

// WaitGone waits until a Job is removed, at most Within (from the lab's
// start); Name is its row ("job NAME removed" when empty).
type WaitGone struct {
	Job    string        `yaml:"job"`
	Within time.Duration `yaml:"within"`
	Name   string        `yaml:"name,omitempty"`
	// Ja is the row's name in Japanese; Hint helps a student whose row
	// differs (the step's own when empty).
	Ja   string `yaml:"ja,omitempty"`
	Hint *Hint  `yaml:"hint,omitempty"`
}

// RowName is the row of a WaitGone step.
func (w *WaitGone) RowName() string { return orDefault(w.Name, "job "+w.Job+" removed") }

// JobRef names a Job of the lab.
type JobRef struct {
	Job string `yaml:"job"`
}

// Wait waits until a Job ends For (Complete, Failed or
// SuccessCriteriaMet), at most Within. It watches the Job and its pods from
// the lab's start, so that its facts (pods created, at most active, waves,
// back-off) see every pod.
type Wait struct {
	Job    string        `yaml:"job"`
	For    string        `yaml:"for"`
	Within time.Duration `yaml:"within"`
	// Name is the wait's row ("job NAME ends FOR" when empty); Ja its
	// name in Japanese.
	Name string `yaml:"name,omitempty"`
	Ja   string `yaml:"ja,omitempty"`
	Hint *Hint  `yaml:"hint,omitempty"`
	// Measure, when set, names the lab's timing: from the Job's start to
	// its end (the old-way / new-way comparison reads it).
	Measure string `yaml:"measure,omitempty"`
}

// RowName is the wait's row name.
func (w *Wait) RowName() string {
	return orDefault(w.Name, fmt.Sprintf("job %s ends %s", w.Job, w.For))
}

// Watch watches a Job and its pods For a while: the pod facts then read
// what it saw.
type Watch struct {
	Job string        `yaml:"job"`
	For time.Duration `yaml:"for"`
}

// Patch is a patch of an object: a JSON merge patch (Merge, kubectl
// patch --type merge) or a strategic merge patch (Strategic, kubectl
// patch's default: lists of containers merge by name), in JSON or YAML.
type Patch struct {
	Kind      string `yaml:"kind"`
	Name      string `yaml:"name"`
	Merge     string `yaml:"merge,omitempty"`
	Strategic string `yaml:"strategic,omitempty"`
}

// Body is the patch's text, and whether it is a strategic merge patch.
func (p *Patch) Body() (text string, strategic bool) {
	if p.Strategic != "" {
		return p.Strategic, true
	}
	return p.Merge, false
}

// Wait ends a Job can be waited for.
var waitEnds = []string{"Complete", "Failed", "SuccessCriteriaMet"}

// Fact is one documented fact: its check (exactly one of the vocabulary's
// fields), what the lesson documents, where that comes from, and how a
// student is helped when it differs.
type Fact struct {
	// ID is stable across versions of the lab: reports, hints and the
	// mutation catalogue name a fact by it.
	ID string `yaml:"id"`
	// Name is the report's row name; empty means the vocabulary's own
	// (kubectl get jobs: COMPLETIONS, ...).
	Name string `yaml:"name,omitempty"`
	// Ja is the row name in Japanese (the notes' terms).
	Ja string `yaml:"ja,omitempty"`
	// Documented is the value the lesson documents: a string, number or
	// list, as the check reads it.
	Documented any `yaml:"documented"`
	// Source says where the documented value comes from.
	Source string `yaml:"source"`
	// Hint helps a student whose value differs; empty means the
	// vocabulary's own.
	Hint *Hint `yaml:"hint,omitempty"`
	// Shown, when set, is the report's "the lesson says" text as is
	// (without it: the documented value, then the source in brackets).
	Shown string `yaml:"shown,omitempty"`
	// ByRelease documents a value that Kubernetes changed: the first
	// entry whose From the cluster's release reaches (an entry without
	// From: any release) replaces Documented, Shown and Source, and the
	// report names the release and the source.
	ByRelease []Documented `yaml:"byRelease,omitempty"`
	// Measure, on a fact that times something (decided, deletedAfter),
	// names the lab's timing, as a wait's does: the old way / new way
	// comparison reads it.
	Measure string `yaml:"measure,omitempty"`

	// The vocabulary: exactly one is set.
	Kubectl       *KubectlCheck `yaml:"kubectl,omitempty"`
	Condition     *ConditionRef `yaml:"condition,omitempty"`
	PodsStatuses  *JobRef       `yaml:"podsStatuses,omitempty"`
	PodsCreated   *JobRef       `yaml:"podsCreated,omitempty"`
	PodPhases     *JobRef       `yaml:"podPhases,omitempty"`
	ExitCode      *ContainerRef `yaml:"exitCode,omitempty"`
	ExitCodes     *ExitCodes    `yaml:"exitCodes,omitempty"`
	MaxActive     *JobRef       `yaml:"maxActive,omitempty"`
	Waves         *JobRef       `yaml:"waves,omitempty"`
	OneAtATime    *JobRef       `yaml:"oneAtATime,omitempty"`
	Backoff       *BackoffCheck `yaml:"backoff,omitempty"`
	Events        *EventsCheck  `yaml:"events,omitempty"`
	EventPods     *JobRef       `yaml:"eventPods,omitempty"`
	PodsKept      *PodsKept     `yaml:"podsKept,omitempty"`
	Log           *LogCheck     `yaml:"log,omitempty"`
	Field         *FieldRef     `yaml:"field,omitempty"`
	PodField      *PodFieldRef  `yaml:"podField,omitempty"`
	PodsPerIndex  *PodsPerIndex `yaml:"podsPerIndex,omitempty"`
	Decided       *Decided      `yaml:"decided,omitempty"`
	StillRunning  *StillRunning `yaml:"stillRunning,omitempty"`
	DeletedAfter  *DeletedAfter `yaml:"deletedAfter,omitempty"`
	PodsLeft      *JobRef       `yaml:"podsLeft,omitempty"`
	IndexNames    *JobRef       `yaml:"indexNames,omitempty"`
	StatusSeen    *JobRef       `yaml:"statusSeen,omitempty"`
	DeletedPod    *JobRef       `yaml:"deletedPod,omitempty"`
	ReplacedAfter *JobRef       `yaml:"replacedAfter,omitempty"`
	Cron          *CronCheck    `yaml:"cron,omitempty"`
	PodsLost      *JobRef       `yaml:"podsLost,omitempty"`
	// ReplacedElsewhere and LostPodFate read what a crashNode step saw.
	ReplacedElsewhere *JobRef `yaml:"replacedElsewhere,omitempty"`
	// StartedFirst counts the Job's pods created before its first pod
	// finished: the workers that started first.
	StartedFirst *JobRef `yaml:"startedFirst,omitempty"`
	// Broker reads what an initiator step and the broker's workers did.
	Broker *BrokerCheck `yaml:"broker,omitempty"`
	// CronPolicy reads what a cronMinutes step saw.
	CronPolicy  *CronPolicyCheck `yaml:"cronPolicy,omitempty"`
	LostPodFate *JobRef          `yaml:"lostPodFate,omitempty"`
	PodsEnded   *JobRef          `yaml:"podsEnded,omitempty"`
	APIMapping  *APIRef          `yaml:"apiMapping,omitempty"`
	Served      *APIRef          `yaml:"served,omitempty"`
	Objects     *KindRef         `yaml:"objects,omitempty"`
}

// Documented is a documented value of some releases (Fact.ByRelease).
type Documented struct {
	// From is the first release ("1.35") the value holds for; empty:
	// every release (the last entry, for the older ones).
	From       string `yaml:"from,omitempty"`
	Documented any    `yaml:"documented"`
	Shown      string `yaml:"shown,omitempty"`
	Source     string `yaml:"source"`
}

// ForRelease is the fact as documented for a cluster of minor release
// 1.<minor>: its ByRelease entry for it replacing the documented value,
// and the report's text of it (naming version, the cluster's release).
// A fact without ByRelease is itself.
func (f Fact) ForRelease(version string, minor int) (Fact, bool) {
	for _, d := range f.ByRelease {
		if from := releaseMinor(d.From); d.From == "" || minor >= from {
			g := f
			g.ByRelease = nil
			g.Documented, g.Source = d.Documented, version+": "+d.Source
			g.Shown = ""
			if d.Shown != "" {
				g.Shown = d.Shown + " (" + version + ": " + d.Source + ")"
			}
			return g, true
		}
	}
	return f, len(f.ByRelease) == 0
}

func releaseMinor(s string) int {
	m := sinceRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// ShownText is the report's "the lesson says" text: Shown, else the
// documented value and its source.
func (f Fact) ShownText() string {
	if f.Shown != "" {
		return f.Shown
	}
	if f.Source == "" {
		return f.DocumentedText()
	}
	return f.DocumentedText() + " (" + f.Source + ")"
}

// ExitCodes are the exit codes of every terminated container of every pod
// of a Job, as "name=code" in the pods' and containers' order: the
// documented value is one pod's ("busybox1=0,busybox2=1"), Pods of them.
type ExitCodes struct {
	Job  string `yaml:"job"`
	Pods int    `yaml:"pods"`
}

// EventsCheck is the event sequence of a Job (kubectl describe job's
// Events): the documented value lists the steps; Messages, by reason,
// how each such event's message begins.
type EventsCheck struct {
	Job      string            `yaml:"job"`
	Messages map[string]string `yaml:"messages,omitempty"`
}

// PodsKept watches a finished Job's pods For a while: the documented
// value is how many stay (none deleted, none marked for deletion), as
// they do until the Job is deleted unless a TTL or a clean-up removes
// them. For is at least one pass of the pod garbage collector (20 s).
type PodsKept struct {
	Job string        `yaml:"job"`
	For time.Duration `yaml:"for"`
}

// Hint is a hint in English and Japanese.
type Hint struct {
	En string `yaml:"en"`
	Ja string `yaml:"ja"`
}

// KubectlCheck is a column of kubectl get, from the API server's table
// printing: of a Job or CronJob by name, or of every pod of a Job.
type KubectlCheck struct {
	// Get is jobs, cronjobs or pods.
	Get string `yaml:"get"`
	// Name is the Job or CronJob (get jobs, cronjobs).
	Name string `yaml:"name,omitempty"`
	// Job is the Job whose pods are shown (get pods): the documented
	// value is every pod's; without a Column, how many pods are listed.
	Job    string `yaml:"job,omitempty"`
	Column string `yaml:"column"`
}

// ConditionRef is a Job's condition of a type: the documented value is
// its reason (or, with Of message, its message), the condition True.
type ConditionRef struct {
	Job  string `yaml:"job"`
	Type string `yaml:"type"`
	// Of is what of the condition is documented: reason (when empty),
	// message, or status. A documented message may name {ns}, the lab's
	// namespace, and {pod}, the Job's first pod; a status is the
	// condition's status and reason, "True (JobSuspended)", and need not
	// be True.
	Of string `yaml:"of,omitempty"`
}

// What of a condition a fact documents (ConditionRef.Of).
const (
	ConditionMessage = "message"
	ConditionStatus  = "status"
)

// MessageText is a documented condition message in a namespace, {pod}
// the name of the Job's first pod.
func MessageText(documented, namespace, pod string) string {
	return strings.NewReplacer("{ns}", namespace, "{pod}", pod).Replace(documented)
}

// ContainerRef is a container of every pod of a Job: the documented value
// is its exit code.
type ContainerRef struct {
	Job       string `yaml:"job"`
	Container string `yaml:"container"`
}

// BackoffCheck checks that the waits from a pod's failure to the next pod
// double from First (the documented value names it), each at most Lag
// more than its share (after the first).
type BackoffCheck struct {
	Job   string        `yaml:"job"`
	First time.Duration `yaml:"first"`
	Lag   time.Duration `yaml:"lag,omitempty"`
	// Count, when set, is how many waits there must be (the Job's
	// retries: its pods less one).
	Count int `yaml:"count,omitempty"`
}

// LogCheck is the log of every pod of a Job (of its first container, or
// Container): equal to the documented text, or, with Primes, to the
// primes of a range computed by the checker in numpy's layout (the
// documented value is then how many there are). Line or Numbers check
// one part of it instead.
type LogCheck struct {
	Job       string       `yaml:"job"`
	Container string       `yaml:"container,omitempty"`
	Primes    *PrimesRange `yaml:"primes,omitempty"`
	// Line (from 1) is one line of the log, equal to the documented text.
	Line int `yaml:"line,omitempty"`
	// Numbers reads the log as one array of whole numbers in brackets
	// (numpy's print of an array): one of LogNumbers.
	Numbers string `yaml:"numbers,omitempty"`
}

// What a log's numbers can be checked for (LogCheck.Numbers).
const (
	// NumbersOnly: the log holds nothing but numbers in brackets
	// (documented: yes).
	NumbersOnly = "only"
	// NumbersCount: how many numbers (documented: a whole number).
	NumbersCount = "count"
	// NumbersEnds: the first and the last ("2 .. 99991").
	NumbersEnds = "ends"
	// NumbersPrimes: exactly the primes of the Primes range, none missing
	// and none extra, computed by the checker (documented: the lesson's
	// words for it).
	NumbersPrimes = "primes"
	// NumbersTotal: how many numbers the Job's pods print together
	// (documented: a whole number).
	NumbersTotal = "total"
)

// LogNumbers are the values of LogCheck.Numbers.
var LogNumbers = []string{NumbersOnly, NumbersCount, NumbersEnds, NumbersPrimes, NumbersTotal}

// endsRE is a documented first and last number: "2 .. 99991".
var endsRE = regexp.MustCompile(`^-?[0-9]+ \.\. -?[0-9]+$`)

// PrimesRange is the range [From, To) whose primes a log prints. With
// PerIndex, each pod of an Indexed Job prints its own range: its
// completion index times PerIndex later ([From + i*PerIndex, To +
// i*PerIndex)); a whole-log fact then documents how many primes the
// Job's pods print together.
type PrimesRange struct {
	From     int `yaml:"from"`
	To       int `yaml:"to"`
	PerIndex int `yaml:"perIndex,omitempty"`
}

// For is the range a pod of completion index i prints.
func (p *PrimesRange) For(i int) (from, to int) {
	return p.From + i*p.PerIndex, p.To + i*p.PerIndex
}

// FieldRef is a field of an object as the API server stores it: Path is
// dotted, with list indices as kubectl's -o jsonpath writes them
// (spec.parallelism, spec.template.spec.containers[0].image).
type FieldRef struct {
	Kind string `yaml:"kind"`
	Name string `yaml:"name"`
	Path string `yaml:"path"`
}

// PodFieldRef is a field of every pod of a Job, as the API server stores
// it (spec.containers[0].resources.requests.cpu).
type PodFieldRef struct {
	Job  string `yaml:"job"`
	Path string `yaml:"path"`
}

// PodsPerIndex is one annotation of every pod of an Indexed Job, by
// completion index: documented as "0: 0; 1: 0 1; 2: 0" (each index, then
// its pods' values in order; batch.kubernetes.io/job-index-failure-count
// counts the failures of an index before each of its pods).
type PodsPerIndex struct {
	Job        string `yaml:"job"`
	Annotation string `yaml:"annotation"`
}

// Decided is how long after a Job's start the Job controller set one of
// its conditions (SuccessCriteriaMet, FailureTarget: its decision, made
// before the pods have stopped), from the Job's status: at least the
// documented duration, and less than By (default: the documented
// duration and the controller's lag, 15 s).
type Decided struct {
	Job       string        `yaml:"job"`
	Condition string        `yaml:"condition"`
	By        time.Duration `yaml:"by,omitempty"`
}

// decidedConditions are the conditions a Decided fact can time.
var decidedConditions = []string{"SuccessCriteriaMet", "FailureTarget", "Complete", "Failed"}

// StillRunning counts the pods of a Job still running (or pending) once
// its end has stopped them: the Job's pods, but for those of
// ExceptIndexes (completion indexes), are waited for to go, and those
// left counted. Documented: how many (0).
type StillRunning struct {
	Job           string `yaml:"job"`
	ExceptIndexes []int  `yaml:"exceptIndexes,omitempty"`
}

// DeletedAfter is how long after a Job finished (status.completionTime,
// or its Failed condition) its deletion was asked (its
// metadata.deletionTimestamp, as a waitGone step saw it): at least the
// documented duration (ttlSecondsAfterFinished) less a second, the times
// being to the second, and less than By (default: the documented duration
// and the controller's lag, 15 s).
type DeletedAfter struct {
	Job string        `yaml:"job"`
	By  time.Duration `yaml:"by,omitempty"`
}

// perIndexRE is a documented podsPerIndex value: "0: 0; 1: 0 1".
var perIndexRE = regexp.MustCompile(`^[0-9]+:( [^ ;]+)*(; [0-9]+:( [^ ;]+)*)*$`)

// PerIndexOf reads a podsPerIndex value ("0: 0; 1: 0 1") by index.
func PerIndexOf(s string) (map[int][]string, error) {
	if !perIndexRE.MatchString(s) {
		return nil, fmt.Errorf("documented: %q: each index, a colon, its pods' values, separated by semicolons (\"0: 0; 1: 0 1\")", s)
	}
	out := map[int][]string{}
	last := -1
	for _, part := range strings.Split(s, "; ") {
		index, values, _ := strings.Cut(part, ":")
		n, _ := strconv.Atoi(index)
		if n <= last {
			return nil, fmt.Errorf("documented: %q: the indexes in increasing order, each once", s)
		}
		last = n
		out[n] = strings.Fields(values)
	}
	return out, nil
}

// PerIndexText writes values by index as a podsPerIndex value does: the
// indexes in order, each its values sorted.
func PerIndexText(byIndex map[int][]string) string {
	indexes := make([]int, 0, len(byIndex))
	for i := range byIndex {
		indexes = append(indexes, i)
	}
	slices.Sort(indexes)
	var parts []string
	for _, i := range indexes {
		values := slices.Clone(byIndex[i])
		slices.Sort(values)
		parts = append(parts, strings.TrimSpace(fmt.Sprintf("%d: %s", i, strings.Join(values, " "))))
	}
	return strings.Join(parts, "; ")
}

var sinceRE = regexp.MustCompile(`^1\.([0-9]{1,3})$`)

// SinceMinor is the minor release of Since (36 for "1.36"), 0 without.
func (l *Lab) SinceMinor() int { return releaseMinor(l.Since) }

// SpecText is the sentence the lab's spec is named by.
func (l *Lab) SpecText() string {
	if l.Spec != "" {
		return l.Spec
	}
	return l.Summary
}

// NotBefore says why a cluster of a minor release cannot show the lab
// ("" when it can): its feature is on by default only since Since.
func (l *Lab) NotBefore(version string, minor int) string {
	if since := l.SinceMinor(); since > 0 && minor < since {
		return fmt.Sprintf("the cluster runs Kubernetes %s: what this lab shows is on by default since %s (lab.yaml since: %s)", version, l.Since, l.Since)
	}
	return ""
}

// RowName is the fact's row name in the report.
func (f Fact) RowName() string {
	if f.Name != "" {
		return f.Name
	}
	return f.DefaultName()
}

// DocumentedText is the documented value as the report shows it: a list
// joined by ", ".
func (f Fact) DocumentedText() string {
	switch v := f.Documented.(type) {
	case nil:
		return ""
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, ", ")
	default:
		return fmt.Sprint(v)
	}
}

// DocumentedInt is the documented value as a number.
func (f Fact) DocumentedInt() (int, error) {
	switch v := f.Documented.(type) {
	case int:
		return v, nil
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("documented: %v is not a whole number", f.Documented)
}

// DocumentedDuration reads the documented value as a duration ("5s").
func (f Fact) DocumentedDuration() (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(f.DocumentedText()))
	if err != nil || d < 0 {
		return 0, fmt.Errorf("documented: %v is not a duration (documented: 5s)", f.Documented)
	}
	return d, nil
}

// EventStep is one step of a documented event sequence: Times events of
// Reason, of Type (Normal unless written "Warning Reason").
type EventStep struct {
	Type   string
	Reason string
	Times  int
}

var eventStepRE = regexp.MustCompile(`^(?:(Normal|Warning) )?([A-Za-z]+)(?: x([0-9]+))?$`)

// EventSteps reads an events fact's documented sequence: a list of
// "Reason", "Reason xN" or "Warning Reason".
func (f Fact) EventSteps() ([]EventStep, error) {
	list, ok := f.Documented.([]any)
	if !ok {
		return nil, errors.New(`documented: give the events as a list, e.g. ["SuccessfulCreate x10", "Completed"]`)
	}
	var out []EventStep
	for _, item := range list {
		s := strings.TrimSpace(fmt.Sprint(item))
		m := eventStepRE.FindStringSubmatch(s)
		if m == nil {
			return nil, fmt.Errorf(`documented: event %q: write "Reason", "Reason xN" or "Warning Reason"`, s)
		}
		st := EventStep{Type: "Normal", Reason: m[2], Times: 1}
		if m[1] != "" {
			st.Type = m[1]
		}
		if m[3] != "" {
			st.Times, _ = strconv.Atoi(m[3])
			if st.Times < 1 {
				return nil, fmt.Errorf("documented: event %q: a count of at least 1", s)
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// Manifests are the files the lab applies, in order: its folder's and
// the lesson's (LessonFile tells which), of every run.
func (l *Lab) Manifests() []string {
	var out []string
	for _, p := range l.Parts() {
		for _, s := range p.Steps {
			scheduled := ""
			if s.ApplyScheduled != nil {
				scheduled = s.ApplyScheduled.File
			}
			for _, f := range []string{s.Apply, s.ApplyLesson, scheduled} {
				if f != "" && !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// LessonFile tells whether the lab applies name as one of the lesson's
// manifests (applyLesson), not as a file of its folder.
func (l *Lab) LessonFile(name string) bool {
	for _, p := range l.Parts() {
		for _, s := range p.Steps {
			if s.ApplyLesson == name {
				return true
			}
		}
	}
	return false
}

// StepsAndFacts counts the steps and facts of every run.
func (l *Lab) StepsAndFacts() (steps, facts int) {
	for _, p := range l.Parts() {
		steps, facts = steps+len(p.Steps), facts+len(p.Facts)
	}
	return steps, facts
}

// Error is a problem of a lab folder: the file, the line, what is wrong
// and the fix.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Errors are every problem found in a folder.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

var nameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Load reads dir: one lab folder (it holds a lab.yaml), or a folder of lab
// folders (each sub-folder holding a lab.yaml), in name order.
func Load(dir string) ([]*Lab, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, FileName)); err == nil {
		l, err := LoadFolder(abs)
		if err != nil {
			return nil, err
		}
		return []*Lab{l}, nil
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("lab folders %s: %w: give a lab folder (holding %s) or a folder of them", dir, err, FileName)
	}
	var labs []*Lab
	var errs []string
	names := map[string]string{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		sub := filepath.Join(abs, e.Name())
		if _, err := os.Stat(filepath.Join(sub, FileName)); err != nil {
			continue
		}
		l, err := LoadFolder(sub)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if other, ok := names[l.Name]; ok {
			errs = append(errs, fmt.Sprintf("%s: lab name %q is also the name of %s: give each lab its own name", filepath.Join(sub, FileName), l.Name, other))
			continue
		}
		names[l.Name] = sub
		labs = append(labs, l)
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	if len(labs) == 0 {
		return nil, fmt.Errorf("%s holds no lab folder (a folder with a %s): write one with 'joblab lab new NAME'", dir, FileName)
	}
	sort.Slice(labs, func(i, j int) bool { return labs[i].Name < labs[j].Name })
	return labs, nil
}

// LoadFolder reads and validates one lab folder.
func LoadFolder(dir string) (*Lab, error) {
	path := filepath.Join(dir, FileName)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	l, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	l.Dir, l.Files = dir, os.DirFS(dir)
	if errs := l.validateFiles(l.Files, path); len(errs) > 0 {
		return nil, errs
	}
	if errs := l.validateObjects(path); len(errs) > 0 {
		return nil, errs
	}
	return l, nil
}

// LoadEmbedded reads every lab folder of fsys (a folder a lab, at its
// top level): joblab's own labs, built into the binary.
func LoadEmbedded(fsys fs.FS, root string) ([]*Lab, error) {
	entries, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, err
	}
	var labs []*Lab
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := root + "/" + e.Name()
		sub, err := fs.Sub(fsys, dir)
		if err != nil {
			return nil, err
		}
		path := dir + "/" + FileName
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return nil, err
		}
		l, err := Parse(path, data)
		if err != nil {
			return nil, err
		}
		l.Dir, l.Files, l.Embedded = dir, sub, true
		if errs := l.validateFiles(l.Files, path); len(errs) > 0 {
			return nil, errs
		}
		if errs := l.validateObjects(path); len(errs) > 0 {
			return nil, errs
		}
		labs = append(labs, l)
	}
	return labs, nil
}

// Parse reads a lab.yaml (path names it in errors) and checks what can be
// checked without its folder: the format's version, the names, each step
// and each fact against the vocabulary.
func Parse(path string, data []byte) (*Lab, error) {
	var l Lab
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil {
		return nil, &Error{File: path, Msg: yamlProblem(err)}
	}
	// The lines of each step and fact, for the errors below.
	type body struct {
		Steps []yaml.Node `yaml:"steps"`
		Facts []yaml.Node `yaml:"facts"`
	}
	var lines struct {
		body `yaml:",inline"`
		Runs []body `yaml:"runs"`
	}
	_ = yaml.Unmarshal(data, &lines)
	nodeLines := func(b body) (steps, facts []int) {
		for _, n := range b.Steps {
			steps = append(steps, n.Line)
		}
		for _, n := range b.Facts {
			facts = append(facts, n.Line)
		}
		return steps, facts
	}
	l.stepLines, l.factLines = nodeLines(lines.body)
	for i := range l.Runs {
		if i < len(lines.Runs) {
			l.Runs[i].stepLines, l.Runs[i].factLines = nodeLines(lines.Runs[i])
		}
	}
	if errs := l.validate(path); len(errs) > 0 {
		return nil, errs
	}
	return &l, nil
}

// yamlProblem words a decoding error with the fix.
func yamlProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.Contains(msg, "not found in type") {
		return msg + " (a misspelt key? the keys are in docs/labs.md)"
	}
	return msg
}

func (l *Lab) stepLine(i int) int {
	if i < len(l.stepLines) {
		return l.stepLines[i]
	}
	return 0
}

func (l *Lab) factLine(i int) int {
	if i < len(l.factLines) {
		return l.factLines[i]
	}
	return 0
}

func (l *Lab) validate(path string) Errors {
	var errs Errors
	bad := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: path, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if l.APIVersion != APIVersion {
		bad(1, "apiVersion %q: this joblab reads apiVersion: %s", l.APIVersion, APIVersion)
	}
	if l.Kind != Kind {
		bad(1, "kind %q: write kind: %s", l.Kind, Kind)
	}
	if !nameRE.MatchString(l.Name) || len(l.Name) > 40 {
		bad(1, "name %q: lower-case letters, digits and dashes, at most 40 (it is the lab's label: joblab run %s)", l.Name, "NAME")
	}
	if l.Title == "" || l.Summary == "" {
		bad(1, "title and summary: say what the lab shows (the report's heading, joblab list's line)")
	}
	if l.Expected <= 0 {
		bad(1, "expected: about how long the lab takes, e.g. expected: 2m (joblab schedules the longest labs first)")
	}
	if l.Since != "" && !sinceRE.MatchString(l.Since) {
		bad(1, "since %q: the release from which the lab's feature is on by default, e.g. since: \"1.36\" (quoted)", l.Since)
	}
	if l.Track != "" && l.Track != "modern" {
		bad(1, "track %q: leave it out (a lab of its own), or modern", l.Track)
	}
	if o := l.OldWay; o != nil && (!nameRE.MatchString(o.Lab) || o.What == "") {
		bad(1, "oldWay: the lab (or run) that shows the old way, by its report name, and what the new way changes (oldWay: {lab: two-containers, what: \"...\"})")
	}
	if l.Order < 0 {
		bad(1, "order %d: 1 for the first lab of its track, 2 for the next, ...", l.Order)
	}
	if len(l.Runs) > 0 {
		if len(l.Steps) > 0 || len(l.Facts) > 0 {
			bad(1, "runs: a lab of several runs gives each its steps and facts: move the lab's steps and facts into its runs")
		}
		if l.Spec != "" {
			bad(1, "runs: each run names its spec (spec: under each run): leave the lab's spec out")
		}
		names := map[string]bool{}
		for i, r := range l.Runs {
			if !nameRE.MatchString(r.Name) || len(r.Name) > 40 {
				bad(l.runLine(i), "run %d: name %q: lower-case letters, digits and dashes, at most 40 (the run's report name)", i+1, r.Name)
			} else if names[r.Name] {
				bad(l.runLine(i), "run name %q is used twice", r.Name)
			}
			names[r.Name] = true
			if r.Spec == "" {
				bad(l.runLine(i), "run %s: spec: the sentence its spec is named by", r.Name)
			}
		}
		for _, p := range l.Parts() {
			errs = append(errs, p.validateBody(path)...)
		}
		return errs
	}
	return append(errs, l.validateBody(path)...)
}

// runLine is the line of a run: its first step's, near enough.
func (l *Lab) runLine(i int) int {
	if i < len(l.Runs) && len(l.Runs[i].stepLines) > 0 {
		return l.Runs[i].stepLines[0]
	}
	return 1
}

// validateBody checks the steps and the facts of a lab (or a run).
func (l *Lab) validateBody(path string) Errors {
	var errs Errors
	bad := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: path, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if len(l.Steps) == 0 {
		bad(1, "steps: none; a lab applies a file at least (steps: [{apply: job.yaml}])")
	}
	// waited: the Jobs a wait or watch step has watched so far; gone,
	// those a waitGone waits for; checkedAt, the step (from 1) checking a
	// fact; watchedBefore, the fact and Job pairs watched before it.
	waited, gone, checkedAt, watchedBefore := map[string]bool{}, map[string]bool{}, map[string]int{}, map[string]bool{}
	deleted := map[string]bool{}     // the Jobs a deletePod step deleted a pod of
	cronWatched := map[string]bool{} // the CronJobs a cronRuns step watched
	lost := map[string]bool{}        // the Jobs a losePod step lost a pod of
	crashed := map[string]bool{}     // the Jobs a crashNode step crashed the node of
	minutes := map[string]bool{}     // the CronJobs a cronMinutes step watched
	initiated := false               // an initiator step came
	scheduled := false               // an applyScheduled step came
	applied := false
	for i, s := range l.Steps {
		line := l.stepLine(i)
		n := 0
		for _, set := range []bool{s.Apply != "", s.ApplyLesson != "", s.Wait != nil, s.Watch != nil, s.DeletePod != nil, s.EvictPod != nil, s.Suspend != nil, s.Resume != nil, s.Patch != nil, s.WaitGone != nil, s.CronRuns != nil, s.DeleteJob != nil, s.LosePod != nil, s.ApplyRefused != nil, s.Check != nil, s.CrashNode != nil, s.RestartNode != nil, s.ApplyScheduled != nil, s.CronMinutes != nil, s.WaitAvailable != nil, s.Initiator != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			bad(line, "step %d: give exactly one of apply, applyLesson, wait, watch, deletePod, evictPod, losePod, deleteJob, crashNode, restartNode, suspend, resume, patch, waitGone, cronRuns, cronMinutes, applyScheduled, applyRefused, waitAvailable, initiator, check (found %d)", i+1, n)
			continue
		}
		switch {
		case s.Apply != "":
			applied = true
			if filepath.IsAbs(s.Apply) || strings.Contains(s.Apply, "..") {
				bad(line, "apply %q: a file of the lab folder, named relative to it", s.Apply)
			}
		case s.ApplyLesson != "":
			applied = true
			if _, err := manifests.Read(s.ApplyLesson); err != nil {
				bad(line, "applyLesson %q: not one of the lesson's manifests (joblab manifests lists them)", s.ApplyLesson)
			}
		case s.Wait != nil:
			if s.Wait.Job == "" {
				bad(line, "wait: name the Job (wait: {job: NAME, for: Complete})")
			}
			if !slices.Contains(waitEnds, s.Wait.For) {
				bad(line, "wait for %q: one of %s", s.Wait.For, strings.Join(waitEnds, ", "))
			}
			if s.Wait.Within <= 0 {
				bad(line, "wait: within, how long at most, e.g. within: 3m")
			}
			waited[s.Wait.Job] = true
		case s.Watch != nil:
			if s.Watch.Job == "" || s.Watch.For <= 0 {
				bad(line, "watch: name the Job and how long (watch: {job: NAME, for: 20s})")
			}
			waited[s.Watch.Job] = true
		case s.WaitGone != nil:
			if s.WaitGone.Job == "" || s.WaitGone.Within <= 0 {
				bad(line, "waitGone: name the Job and how long at most (waitGone: {job: NAME, within: 2m})")
			}
			if gone[s.WaitGone.Job] {
				bad(line, "waitGone: job %s is waited for twice; once is enough", s.WaitGone.Job)
			}
			gone[s.WaitGone.Job] = true
		case s.CronRuns != nil:
			c := s.CronRuns
			if c.CronJob == "" || c.Runs < 1 || c.Within <= 0 {
				bad(line, "cronRuns: name the CronJob, how many runs and how long at most (cronRuns: {cronjob: hello, runs: 4, within: 7m})")
			}
			if cronWatched[c.CronJob] {
				bad(line, "cronRuns: cronjob %s is watched twice; once is enough", c.CronJob)
			}
			cronWatched[c.CronJob] = true
		case s.Check != nil:
			if len(s.Check) == 0 {
				bad(line, "check: name the facts to check here by id (check: [suspended-pods])")
			}
			for _, id := range s.Check {
				switch j := slices.IndexFunc(l.Facts, func(f Fact) bool { return f.ID == id }); {
				case j < 0:
					bad(line, "check: no fact %q in the lab's facts", id)
				case checkedAt[id] != 0:
					bad(line, "check: fact %q is checked twice; a fact once", id)
				default:
					checkedAt[id] = i + 1
					for job := range waited {
						watchedBefore[id+"\x00"+job] = true
					}
				}
			}
		case s.ApplyScheduled != nil:
			a := s.ApplyScheduled
			applied, scheduled = true, true
			if _, err := time.LoadLocation(a.WallTime); err != nil || a.WallTime == "" || a.File == "" || a.Minute < 1 {
				bad(line, "applyScheduled: a file of the folder, the minute (1: the first the lab's CronJobs run in) and a time zone (applyScheduled: {file: zones.yaml, minute: 2, wallTime: Asia/Tokyo})")
			}
		case s.CronMinutes != nil:
			c := s.CronMinutes
			if len(c.CronJobs) == 0 || c.Minutes < 1 {
				bad(line, "cronMinutes: name the CronJobs and how many of their minutes to watch (cronMinutes: {cronjobs: [every-minute], minutes: 2})")
			}
			if len(minutes) > 0 {
				bad(line, "cronMinutes: one a lab (this lab has one already)")
			}
			if c.LateRun != "" && !slices.Contains(c.CronJobs, c.LateRun) {
				bad(line, "cronMinutes: lateRun %s is not one of its cronjobs", c.LateRun)
			}
			for _, cj := range append(slices.Clone(c.CronJobs), c.AlsoWatch...) {
				minutes[cj] = true
			}
		case s.ApplyRefused != nil:
			applied = true
			if f := s.ApplyRefused.File; f == "" || filepath.IsAbs(f) || strings.Contains(f, "..") {
				bad(line, "applyRefused file %q: a file of the lab folder (named relative to it) or one of the lesson's manifests", f)
			}
			if len(s.ApplyRefused.Says) == 0 {
				bad(line, "applyRefused: says, what the error must say (says: [\"removed in Kubernetes 1.25\"])")
			}
		case s.CrashNode != nil:
			job := s.CrashNode.Job
			switch {
			case job == "":
				bad(line, "crashNode: name the Job whose running pod's node is crashed (crashNode: {job: NAME})")
			case !l.Alone:
				bad(line, "crashNode stops a node: the lab must run alone on its cluster (alone: true)")
			case len(crashed) > 0:
				bad(line, "crashNode: one node crash a lab (this lab has one already)")
			}
			crashed[job] = true
			// Its watch sees the Job's pods from the lab's start, as a
			// wait's does.
			waited[job] = true
		case s.WaitAvailable != nil:
			if s.WaitAvailable.Deployment == "" || s.WaitAvailable.Within <= 0 {
				bad(line, "waitAvailable: name the Deployment and how long at most (waitAvailable: {deployment: taskqueue, within: 5m})")
			}
		case s.Initiator != nil:
			if s.Initiator.Job == "" {
				bad(line, "initiator: name the Job it creates (initiator: {job: pngen})")
			}
			if initiated {
				bad(line, "initiator: one a lab (this lab has one already)")
			}
			initiated = true
		case s.RestartNode != nil:
			if !crashed[s.RestartNode.Job] {
				bad(line, "restartNode: no crashNode step of job %s before it: restartNode starts the node that step stopped", orName(s.RestartNode.Job))
			}
		case s.DeletePod != nil, s.EvictPod != nil, s.Suspend != nil, s.Resume != nil, s.DeleteJob != nil, s.LosePod != nil:
			if s.DeletePod != nil {
				deleted[s.DeletePod.Job] = true
			}
			if s.LosePod != nil {
				lost[s.LosePod.Job] = true
			}
			ref := s.DeletePod
			for _, r := range []*JobRef{s.EvictPod, s.DeleteJob, s.LosePod} {
				if ref == nil {
					ref = r
				}
			}
			if ref == nil {
				ref = s.Suspend
			}
			if ref == nil {
				ref = s.Resume
			}
			if ref.Job == "" {
				bad(line, "step %d: name the Job ({job: NAME})", i+1)
			}
		case s.Patch != nil:
			if s.Patch.Kind != "Job" && s.Patch.Kind != "CronJob" {
				bad(line, "patch kind %q: Job or CronJob", s.Patch.Kind)
			}
			if s.Patch.Name == "" || (strings.TrimSpace(s.Patch.Merge) == "") == (strings.TrimSpace(s.Patch.Strategic) == "") {
				bad(line, "patch: give name, and one of merge (a JSON merge patch, kubectl patch --type merge) or strategic (kubectl patch's default), in JSON or YAML")
			}
		}
		if !applied {
			bad(line, "step %d comes before any apply: apply the lab's file first", i+1)
		}
	}
	if len(l.Facts) == 0 {
		bad(1, "facts: none; a lab checks at least one fact (see docs/labs.md)")
	}
	ids := map[string]bool{}
	for i, f := range l.Facts {
		line := l.factLine(i)
		if !nameRE.MatchString(f.ID) {
			bad(line, "fact %d: id %q: a stable id of lower-case letters, digits and dashes (reports and hints name the fact by it)", i+1, f.ID)
		} else if ids[f.ID] {
			bad(line, "fact id %q is used twice", f.ID)
		}
		ids[f.ID] = true
		words := f.words()
		if len(words) != 1 {
			bad(line, "fact %s: give exactly one check of %s (found %d: %s)", f.ID, strings.Join(Vocabulary, ", "), len(words), strings.Join(words, ", "))
			continue
		}
		if f.Source == "" && len(f.ByRelease) == 0 {
			bad(line, "fact %s: source: say where the documented value comes from (the lesson's section, the exercise)", f.ID)
		}
		if len(f.ByRelease) > 0 {
			if f.Documented != nil || f.Shown != "" {
				bad(line, "fact %s: byRelease documents the value: leave documented and shown out", f.ID)
			}
			for j, d := range f.ByRelease {
				last := j == len(f.ByRelease)-1
				switch {
				case d.From != "" && !sinceRE.MatchString(d.From):
					bad(line, "fact %s: byRelease from %q: a release, quoted (from: \"1.35\")", f.ID, d.From)
				case (d.From == "") != last:
					bad(line, "fact %s: byRelease: every entry but the last names the release it holds from (from: \"1.35\"), newest first; the last, for the older ones, none", f.ID)
				case d.Documented == nil || d.Source == "":
					bad(line, "fact %s: byRelease entry %d: documented and source", f.ID, j+1)
				}
				if j > 0 && d.From != "" && releaseMinor(d.From) >= releaseMinor(f.ByRelease[j-1].From) {
					bad(line, "fact %s: byRelease: newest release first", f.ID)
				}
			}
		} else if f.Documented == nil && f.OneAtATime == nil {
			bad(line, "fact %s: documented: the value the lesson documents", f.ID)
		}
		if f.Measure != "" && f.Decided == nil && f.DeletedAfter == nil && f.PodsKept == nil {
			bad(line, "fact %s: measure names a timing: only a decided, deletedAfter or podsKept fact times something", f.ID)
		}
		if msg := f.checkArgs(); msg != "" {
			bad(line, "fact %s: %s", f.ID, msg)
		}
		if f.EventPods != nil && !slices.ContainsFunc(l.Facts[:i], func(g Fact) bool { return g.Events != nil && g.Events.Job == f.EventPods.Job }) {
			bad(line, "fact %s: eventPods reads the events an events fact waited for: add a fact events: {job: %s} before it", f.ID, orName(f.EventPods.Job))
		}
		if job := f.Job(); f.needsWatch() && (checkedAt[f.ID] == 0 && !waited[job] || checkedAt[f.ID] != 0 && !watchedBefore[f.ID+"\x00"+job]) {
			where := ""
			if checkedAt[f.ID] != 0 {
				where = fmt.Sprintf(" before the check step (step %d) that checks it", checkedAt[f.ID])
			}
			bad(line, "fact %s: %s reads the pods a wait or watch saw: add a step wait: {job: %s, for: ...} (or watch: {job: %s, for: 20s})%s", f.ID, words[0], orName(job), orName(job), where)
		}
		if job := f.Job(); (f.DeletedPod != nil || f.ReplacedAfter != nil) && !deleted[job] {
			bad(line, "fact %s: %s reads the pod a deletePod step deleted: add a step deletePod: {job: %s} before the wait", f.ID, words[0], orName(job))
		}
		if f.PodsLost != nil && !lost[f.PodsLost.Job] {
			bad(line, "fact %s: podsLost counts the pods a losePod step lost: add a step losePod: {job: %s}", f.ID, orName(f.PodsLost.Job))
		}
		if (f.ReplacedElsewhere != nil || f.LostPodFate != nil) && !crashed[f.Job()] {
			bad(line, "fact %s: %s reads what a crashNode step saw: add a step crashNode: {job: %s}", f.ID, words[0], orName(f.Job()))
		}
		if f.Broker != nil && !initiated {
			bad(line, "fact %s: broker reads what an initiator step did: add a step initiator: {job: pngen}", f.ID)
		}
		if c := f.CronPolicy; c != nil {
			for _, cj := range []string{c.CronJob, c.Other} {
				if cj != "" && !minutes[cj] {
					bad(line, "fact %s: cronPolicy reads the runs a cronMinutes step watched: add cronjob %s to its cronjobs (or alsoWatch)", f.ID, cj)
				}
			}
			if c.Of == PolicyScheduledOnly && !scheduled {
				bad(line, "fact %s: cronPolicy scheduledOnly reads the minute of an applyScheduled step: add one", f.ID)
			}
		}
		if c := f.Cron; c != nil && !cronWatched[c.CronJob] {
			bad(line, "fact %s: cron reads the runs a cronRuns step watched: add a step cronRuns: {cronjob: %s, runs: 4, within: 7m}", f.ID, orName(c.CronJob))
		}
		if d := f.DeletedAfter; d != nil && (!gone[d.Job] || !waited[d.Job]) {
			bad(line, "fact %s: deletedAfter reads when job %s finished and when its removal was asked: add the steps wait: {job: %s, for: Complete, ...} and waitGone: {job: %s, within: 2m}", f.ID, orName(d.Job), orName(d.Job), orName(d.Job))
		}
	}
	return errs
}

func orName(s string) string {
	if s == "" {
		return "NAME"
	}
	return s
}

// WavesOf reads a waves fact's documented value: "5, 5".
func WavesOf(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("documented: waves %q: sizes separated by commas, e.g. \"5, 5\"", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// validateFiles checks that the files the steps apply are in the folder.
func (l *Lab) validateFiles(folder fs.FS, path string) Errors {
	if len(l.Runs) > 0 {
		var errs Errors
		for _, p := range l.Parts() {
			errs = append(errs, p.validateFiles(folder, path)...)
		}
		return errs
	}
	var errs Errors
	for i, s := range l.Steps {
		file := s.Apply
		if s.ApplyScheduled != nil {
			file = s.ApplyScheduled.File
		}
		if a := s.ApplyRefused; a != nil {
			if _, err := manifests.Read(a.File); err != nil && !l.folderHas(a.File) {
				errs = append(errs, &Error{File: path, Line: l.stepLine(i), Msg: fmt.Sprintf("applyRefused %s: neither a file of the lab folder %s nor one of the lesson's manifests (joblab manifests lists them)", a.File, l.Dir)})
			}
			continue
		}
		if file == "" { // applyLesson's files are checked by validate
			continue
		}
		if _, err := fs.Stat(folder, filepath.ToSlash(file)); err != nil {
			errs = append(errs, &Error{File: path, Line: l.stepLine(i), Msg: fmt.Sprintf("apply %s: no such file in the lab folder %s: write it there", file, l.Dir)})
		}
	}
	return errs
}

// folderHas tells whether the lab's folder holds a file of that name.
func (l *Lab) folderHas(name string) bool {
	if l.Files == nil {
		return false
	}
	_, err := fs.Stat(l.Files, filepath.ToSlash(name))
	return err == nil
}

// ReadManifest returns a file of the lab's folder.
func (l *Lab) ReadManifest(name string) ([]byte, error) {
	return fs.ReadFile(l.Files, name)
}

// ReadApplied returns a file the lab applies: joblab's copy of the
// lesson's manifest (applyLesson), else the folder's file.
func (l *Lab) ReadApplied(name string) ([]byte, error) {
	if l.LessonFile(name) {
		return manifests.Read(name)
	}
	return l.ReadManifest(name)
}

// InitiatorJobs are the Jobs the lab's initiator steps create through the
// API, in every run.
func (l *Lab) InitiatorJobs() []string {
	var jobs []string
	for _, p := range l.Parts() {
		for _, s := range p.Steps {
			if s.Initiator != nil {
				jobs = append(jobs, s.Initiator.Job)
			}
		}
	}
	return jobs
}

// Objects are "Kind/name" of the objects the lab's files create.
func (l *Lab) Objects() ([]string, error) {
	var out []string
	for _, name := range l.Manifests() {
		data, err := l.ReadApplied(name)
		if err != nil {
			return nil, err
		}
		objs, err := manifests.Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, o := range objs {
			m, err := meta.Accessor(o)
			if err != nil {
				continue
			}
			// Runs may apply files of the same objects (normal-job, one
			// pod at a time, then two): each once.
			if ref := o.GetObjectKind().GroupVersionKind().Kind + "/" + m.GetName(); !slices.Contains(out, ref) {
				out = append(out, ref)
			}
		}
	}
	return out, nil
}

// validateObjects checks that the files decode, and that every Job a step
// or fact names is one of theirs.
func (l *Lab) validateObjects(path string) Errors {
	if len(l.Runs) > 0 {
		var errs Errors
		for _, p := range l.Parts() {
			errs = append(errs, p.validateObjects(path)...)
		}
		return errs
	}
	objs, err := l.Objects()
	if err != nil {
		return Errors{{File: path, Msg: "a file the lab applies: " + err.Error()}}
	}
	for _, s := range l.Steps {
		if s.Initiator != nil {
			// The initiator creates its Job through the API.
			objs = append(objs, "Job/"+s.Initiator.Job)
		}
	}
	var errs Errors
	have := func(kind, name string) bool { return slices.Contains(objs, kind+"/"+name) }
	known := strings.Join(objs, ", ")
	for i, s := range l.Steps {
		var job string
		switch {
		case s.Wait != nil:
			job = s.Wait.Job
		case s.Watch != nil:
			job = s.Watch.Job
		case s.DeletePod != nil:
			job = s.DeletePod.Job
		case s.EvictPod != nil:
			job = s.EvictPod.Job
		case s.DeleteJob != nil:
			job = s.DeleteJob.Job
		case s.LosePod != nil:
			job = s.LosePod.Job
		case s.CrashNode != nil:
			job = s.CrashNode.Job
		case s.RestartNode != nil:
			job = s.RestartNode.Job
		case s.CronMinutes != nil:
			for _, cj := range append(slices.Clone(s.CronMinutes.CronJobs), s.CronMinutes.AlsoWatch...) {
				if !have("CronJob", cj) {
					errs = append(errs, &Error{File: path, Line: l.stepLine(i), Msg: fmt.Sprintf("cronMinutes: no CronJob %s in the lab's files (they create %s)", cj, known)})
				}
			}
		case s.WaitGone != nil:
			job = s.WaitGone.Job
		case s.Suspend != nil:
			job = s.Suspend.Job
		case s.Resume != nil:
			job = s.Resume.Job
		case s.CronRuns != nil:
			if !have("CronJob", s.CronRuns.CronJob) {
				errs = append(errs, &Error{File: path, Line: l.stepLine(i), Msg: fmt.Sprintf("cronRuns: no CronJob %s in the lab's files (they create %s)", s.CronRuns.CronJob, known)})
			}
		case s.Patch != nil:
			if !have(s.Patch.Kind, s.Patch.Name) {
				errs = append(errs, &Error{File: path, Line: l.stepLine(i), Msg: fmt.Sprintf("patch: no %s %s in the lab's files (they create %s)", s.Patch.Kind, s.Patch.Name, known)})
			}
		}
		if job != "" && !have("Job", job) {
			errs = append(errs, &Error{File: path, Line: l.stepLine(i), Msg: fmt.Sprintf("step %d: no Job %s in the lab's files (they create %s)", i+1, job, known)})
		}
	}
	for i, f := range l.Facts {
		kind, name := f.Object()
		if name != "" && !have(kind, name) {
			errs = append(errs, &Error{File: path, Line: l.factLine(i), Msg: fmt.Sprintf("fact %s: no %s %s in the lab's files (they create %s)", f.ID, kind, name, known)})
		}
	}
	return errs
}

// Starter is the folder joblab lab new writes: a lab.yaml and the Job it
// applies, each fact of which a teacher edits to the exercise.
func Starter(name string) map[string]string {
	return map[string]string{
		FileName: fmt.Sprintf(`apiVersion: %s
kind: %s
name: %s
section: "exercise"
title: "a Job of 4 completions, 2 at a time"
summary: "Job %s: 4 completions, at most 2 pods at a time"
expected: 1m
steps:
  - apply: job.yaml
  - wait: {job: %s, for: Complete, within: 3m}
facts:
  - id: completions
    kubectl: {get: jobs, name: %s, column: COMPLETIONS}
    documented: "4/4"
    source: "the exercise"
    ja: "kubectl get jobs: COMPLETIONS(完了数)"
  - id: pods-created
    podsCreated: {job: %s}
    documented: 4
    source: "the exercise: every pod succeeds"
  - id: at-most-two
    maxActive: {job: %s}
    documented: 2
    source: "the exercise: spec.parallelism 2"
    hint:
      en: "spec.parallelism decides how many pods run at once."
      ja: "同時に実行するポッドの数は spec.parallelism で決まります。"
  - id: events
    events: {job: %s}
    documented: ["SuccessfulCreate x4", "Completed"]
    source: "kubectl describe job"
`, APIVersion, Kind, name, name, name, name, name, name, name),
		"job.yaml": fmt.Sprintf(`apiVersion: batch/v1
kind: Job
metadata:
  name: %s
spec:
  completions: 4
  parallelism: 2
  template:
    spec:
      containers:
      - name: busybox
        image: busybox:latest
        command: ["sh", "-c", "sleep 5"]
      restartPolicy: Never
`, name),
	}
}
