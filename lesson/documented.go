package lesson

// What the lesson documents for the labs still written in Go (broker) and
// the event sequences (../shared/lesson/SPEC.md); the lab folders'
// values are in their lab.yaml (lessonlabs/). The suites assert these
// values, never values read back from the manifests, so that an edited
// manifest turns its spec red.

// Documented facts of the labs.
const (
	BrokerItemCount         = 4
	BrokerParallelism       = 2
	BrokerPrimes            = 550
	BrokerNodePort          = 31672
	BackoffLimitMessage     = "Job has reached the specified backoff limit"
	BackoffLimitExceeded    = "BackoffLimitExceeded"
	JobCompletedMessage     = "Job completed"
	createdPodMessagePrefix = "Created pod: "
)

// NormalEvents is the event sequence of a Job that completes after n pods.
func NormalEvents(n int) []Step {
	return []Step{
		{Type: "Normal", Reason: "SuccessfulCreate", Times: n, MessagePrefix: createdPodMessagePrefix},
		{Type: "Normal", Reason: "Completed", Times: 1, MessagePrefix: JobCompletedMessage},
	}
}
