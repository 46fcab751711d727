package lesson

// What the lesson documents, lab by lab (../shared/lesson/SPEC.md). The
// suites assert these values, never values read back from the manifests,
// so that an edited manifest turns its spec red.

import "time"

// Documented facts of the labs.
const (
	NormalCompletions       = 6
	NormalParallelism       = 2
	AbnormalBackoffLimit    = 3
	TwoContainersBackoff    = 2
	PrimeStart              = 2
	PrimeEnd                = 100001
	PrimeCount              = 9592
	PrimeLast               = 99991
	BrokerItemCount         = 4
	BrokerParallelism       = 2
	BrokerPrimes            = 550
	BrokerNodePort          = 31672
	CronSchedule            = "*/1 * * * *"
	CronHistoryLimit        = 3
	CronGreeting            = "Hello from the kubernetes cluseter"
	BackoffLimitMessage     = "Job has reached the specified backoff limit"
	BackoffLimitExceeded    = "BackoffLimitExceeded"
	JobCompletedMessage     = "Job completed"
	createdPodMessagePrefix = "Created pod: "
)

// BackoffFirst is the Job controller's first back-off after a failed pod;
// it doubles with each further failure, up to six minutes (Kubernetes
// 1.34, Jobs, "Pod backoff failure policy": 10s, 20s, 40s ...). The notes'
// abnormal run shows it: pods 16 s, 25 s and 45 s apart.
const BackoffFirst = 10 * time.Second

// NormalEvents is the event sequence of a Job that completes after n pods.
func NormalEvents(n int) []Step {
	return []Step{
		{Type: "Normal", Reason: "SuccessfulCreate", Times: n, MessagePrefix: createdPodMessagePrefix},
		{Type: "Normal", Reason: "Completed", Times: 1, MessagePrefix: JobCompletedMessage},
	}
}

// AbnormalEvents is the event sequence of a Job whose pods all fail, with
// the given backoffLimit: the first try and backoffLimit retries, then the
// warning.
func AbnormalEvents(backoffLimit int) []Step {
	return []Step{
		{Type: "Normal", Reason: "SuccessfulCreate", Times: backoffLimit + 1, MessagePrefix: createdPodMessagePrefix},
		{Type: "Warning", Reason: BackoffLimitExceeded, Times: 1, MessagePrefix: BackoffLimitMessage},
	}
}

// TwoContainersKubectlStatus is kubectl get pod's STATUS for a pod of the
// two-containers lab (busybox1 exits 0, busybox2 exits 1) on a cluster of
// Kubernetes 1.<minor>, and where that comes from. The column is the API
// server's table printer's, so it follows the cluster, not kubectl: the
// notes print Completed, as every release up to 1.34 does (the first
// container's reason is shown: kubernetes/kubernetes#107713); from 1.35 a
// failed container's reason wins, so the pod reads Error
// (kubernetes/kubernetes#124766, pkg/printers/internalversion printPod).
// The lesson's remark that the pod "looks like a normal end" holds up to
// 1.34 only; the phase (Failed) and the exit codes say the same on all.
func TwoContainersKubectlStatus(minor int) (status, source string) {
	if minor >= 35 {
		return "Error", "Kubernetes 1.35 and later: a failed container's reason is shown (kubernetes/kubernetes#124766); the notes' Completed held up to 1.34"
	}
	return "Completed", "the notes, and Kubernetes up to 1.34: the first container's reason is shown"
}
