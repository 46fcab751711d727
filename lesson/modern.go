package lesson

// The modern track: the lesson's situations redone with what Jobs gained
// since the notes were written (Kubernetes 1.34). Its facts come from the
// Kubernetes 1.34 documentation and the upstream e2e tests
// (test/e2e/apps/job.go), each named next to its value, never from the
// manifests or the programs the labs run.

// Documented facts of the modern labs, that joblab's own code reads (the
// labs' facts are their folders', lessonlabs/).
const (
	// Indexed Job (kubernetes.io/docs/concepts/workloads/controllers/job/
	// "Completion mode"): the pod's index is in this annotation and label
	// and in JOB_COMPLETION_INDEX.
	CompletionIndexKey = "batch.kubernetes.io/job-completion-index"

	// DisruptionTarget is the pod condition an evicted pod gets (the Job
	// documentation's "Pod disruption conditions").
	DisruptionTarget = "DisruptionTarget"
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
