package lesson

import "time"

// LabInfo describes a lab for people choosing what to run.
type LabInfo struct {
	// Name is the lab's Ginkgo label.
	Name    string
	Section string
	Summary string
	// Expected is about how long the lab takes on a small cluster.
	Expected time.Duration
}

// Labs are the lesson's labs, in the lesson's order.
var Labs = []LabInfo{
	{"normal", "10.2", "Job normal-job: 6 completions, one pod at a time, then two at a time", 90 * time.Second},
	{"abnormal", "10.3", "Job abnormal-end: every pod fails, back-off, BackoffLimitExceeded after 4 pods", 2 * time.Minute},
	{"two-containers", "10.4", "one failing container fails the pod; 3 pods, BackoffLimitExceeded", time.Minute},
	{"prime", "10.5", "Job prime-number prints the 9592 primes of 2..100001", 30 * time.Second},
	{"broker", "10.6-10.8", "RabbitMQ work queue: the initiator fills it, 4 workers print the primes of 1..4000", 4 * time.Minute},
	{"cron", "10.9", "CronJob hello every minute; only the last 3 finished Jobs are kept", 5 * time.Minute},
	{"behaviours", "(1), (2)", "pods kept until the Job is deleted; a lost pod is replaced; batch/v1beta1 refused", 2 * time.Minute},
}

// FindLab returns the lab of that name.
func FindLab(name string) (LabInfo, bool) {
	for _, l := range Labs {
		if l.Name == name {
			return l, true
		}
	}
	return LabInfo{}, false
}
