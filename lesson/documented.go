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
