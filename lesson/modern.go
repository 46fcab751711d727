package lesson

// The modern track: the lesson's situations redone with what Jobs gained
// since the notes were written (Kubernetes 1.34). Its facts come from the
// Kubernetes 1.34 documentation and the upstream e2e tests
// (test/e2e/apps/job.go), each named next to its value, never from the
// manifests or the programs the labs run.

// Source is where a documented fact of the modern track comes from.
type Source string

// The sources of the modern track's facts.
const (
	DocJobs             Source = "kubernetes.io/docs/concepts/workloads/controllers/job/ (Kubernetes 1.34)"
	DocIndexedStatic    Source = "kubernetes.io/docs/tasks/job/indexed-parallel-processing-static/"
	DocPodFailurePolicy Source = "kubernetes.io/docs/tasks/job/pod-failure-policy/"
	DocCronJob          Source = "kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/"
	E2EJob              Source = "kubernetes test/e2e/apps/job.go"
)

// Documented facts of the modern labs.
const (
	// Indexed Job (DocJobs "Completion mode", DocIndexedStatic): the pod's
	// index is in this annotation and label and in JOB_COMPLETION_INDEX;
	// the pod's hostname is <job name>-<index>; status.completedIndexes
	// lists the succeeded indexes as ranges.
	CompletionIndexKey = "batch.kubernetes.io/job-completion-index"

	// Pod failure policy, backoff limit per index and success policy:
	// their facts are the lab folders' (lessonlabs/pod-failure-policy,
	// per-index, success-policy).

	// DisruptionTarget is the pod condition an evicted pod gets (DocJobs
	// "Pod disruption conditions"); an Ignore rule on it keeps the pod
	// out of the failure count (E2EJob "should allow to use a pod failure
	// policy to ignore failure matching on DisruptionTarget condition").
	DisruptionTarget = "DisruptionTarget"

	// Lifecycle (DocJobs "Suspending a Job", "Job termination and
	// cleanup", "Clean up finished jobs automatically"): a suspended Job
	// has no pods and condition Suspended (reason JobSuspended; JobResumed
	// once resumed); activeDeadlineSeconds ends it Failed with reason
	// DeadlineExceeded; ttlSecondsAfterFinished deletes it, with its pods,
	// that long after it finished.
	SuspendedReason        = "JobSuspended"
	ResumedReason          = "JobResumed"
	DeadlineExceededReason = "DeadlineExceeded"
	DeadlineMessage        = "Job was active longer than specified deadline"

	// Pod replacement policy (DocJobs "Delayed creation of replacement
	// pods"): with podReplacementPolicy Failed a replacement is created
	// only once the old pod is fully terminated; status.terminating counts
	// the pods on their way out.
	ReplacementPolicyFailed = "Failed"
)

// CronJob policies (DocCronJob): with concurrencyPolicy Allow a run that
// outlives its minute overlaps the next; Forbid skips the next run while
// one is active, and "when the previous Job run finishes,
// .spec.startingDeadlineSeconds is still taken into account and may result
// in a new Job run" (unset: the skipped run starts late; 20 s: it is
// missed); Replace deletes the running Job and starts the new one; a
// suspended CronJob starts nothing; timeZone must name a zone of the time
// zone database, else the API server refuses the CronJob (field
// spec.timeZone); failedJobsHistoryLimit keeps that many failed Jobs.
const (
	CronPoliciesLongRun   = 90 // seconds: each long run outlives its minute
	CronFailedKept        = 1  // failedJobsHistoryLimit of cron-failing
	CronBadTimeZone       = "Mars/Olympus_Mons"
	CronTimeZoneField     = "spec.timeZone"
	CronUnknownZoneReason = "Invalid" // HTTP 422, as for every invalid field
)

// ModernFacts are the values the modern labs' manifests are documented to
// set, for the labs' rows; the manifests themselves are compared with
// modernManifests field by field.
const (
	SuspendCompletions = 2
	DeadlineSeconds    = 10
	TTLSeconds         = 15
)

// Pair is a situation the lesson shows the old way and the modern track
// the new way.
type Pair struct {
	// Old and New are report lab names (a spec's lab: broker, pods-kept).
	Old, New string
	// What the new way changes.
	What string
}

// Pairs are the old way next to the new way, for the reports.
var Pairs = []Pair{
	{"broker", "indexed", "the work split by the Job's completion index instead of a RabbitMQ queue and an initiator"},
	{"two-containers", "pod-failure-policy", "a FailJob rule ends the Job at the first failing pod instead of backoffLimit + 1 pods and the back-off"},
	{"pods-kept", "lifecycle", "ttlSecondsAfterFinished deletes the finished Job and its pods instead of keeping them until someone deletes the Job"},
}
