package lesson

// The modern track's manifests as its labs document them: the Kubernetes
// 1.34 documentation's fields (named in each lab's facts, modern.go) set
// to the values the labs' facts assume. A manifest a modern lab applies is
// compared with these, as the lesson's are.
var modernManifests = map[string]string{
	"modern/indexed.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: indexed-primes
spec:
  completionMode: Indexed
  completions: 4
  parallelism: 2
  template:
    spec:
      containers:
      - name: pn-generator
        image: joblab/pn-generator:0.1.0
        env:
        - {name: A_START_NUM, value: "1"}
        - {name: A_SIZE_NUM, value: "1000"}
      restartPolicy: Never
`,
	"modern/pod-failure-policy.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: two-containers-policy
spec:
  backoffLimit: 2
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes: {containerName: busybox2, operator: In, values: [1]}
  template:
    spec:
      containers:
      - {name: busybox1, image: "busybox:1", command: ["sh", "-c", "sleep 5; exit 0"]}
      - {name: busybox2, image: "busybox:1", command: ["sh", "-c", "sleep 5; exit 1"]}
      restartPolicy: Never
---
apiVersion: batch/v1
kind: Job
metadata:
  name: evicted-not-counted
spec:
  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: Ignore
      onPodConditions: [{type: DisruptionTarget}]
  template:
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 30; exit 0"]}
      restartPolicy: Never
`,
	"modern/per-index.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: per-index
spec:
  completionMode: Indexed
  completions: 4
  parallelism: 4
  backoffLimitPerIndex: 1
  maxFailedIndexes: 2
  podFailurePolicy:
    rules:
    - action: FailIndex
      onExitCodes: {operator: In, values: [42]}
  template:
    spec:
      containers:
      - name: busybox
        image: busybox:1
        command: ["sh", "-c", "sleep 2; case $JOB_COMPLETION_INDEX in 1) exit 1;; 2) exit 42;; esac; exit 0"]
      restartPolicy: Never
`,
	"modern/success-policy.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: success-policy
spec:
  completionMode: Indexed
  completions: 4
  parallelism: 4
  successPolicy:
    rules:
    - {succeededIndexes: "1-2", succeededCount: 1}
  template:
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: busybox
        image: busybox:1
        command: ["sh", "-c", "if [ \"$JOB_COMPLETION_INDEX\" = 1 ]; then sleep 5; exit 0; fi; sleep 300"]
      restartPolicy: Never
`,
	"modern/lifecycle.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: suspended
spec:
  suspend: true
  completions: 2
  parallelism: 2
  template:
    spec:
      containers:
      - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 5; exit 0"]}
      restartPolicy: Never
---
apiVersion: batch/v1
kind: Job
metadata:
  name: deadline
spec:
  activeDeadlineSeconds: 10
  template:
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 300"]}
      restartPolicy: Never
---
apiVersion: batch/v1
kind: Job
metadata:
  name: cleaned-after-ttl
spec:
  ttlSecondsAfterFinished: 15
  template:
    spec:
      containers:
      - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 5; exit 0"]}
      restartPolicy: Never
`,
	"modern/replacement.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: replaced-when-failed
spec:
  podReplacementPolicy: Failed
  template:
    spec:
      terminationGracePeriodSeconds: 30
      containers:
      - name: busybox
        image: busybox:1
        command: ["sh", "-c", "trap 'sleep 10; exit 1' TERM; sleep 30 & wait"]
      restartPolicy: Never
`,
	"modern/cron-policies.yaml": `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cron-allow
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Allow
  jobTemplate:
    spec:
      template:
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 90"]}
          restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cron-forbid
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 90"]}
          restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cron-forbid-deadline
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 20
  jobTemplate:
    spec:
      template:
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 90"]}
          restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cron-replace
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Replace
  jobTemplate:
    spec:
      template:
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 90"]}
          restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cron-suspended
spec:
  schedule: "*/1 * * * *"
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 5"]}
          restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cron-tokyo
spec:
  schedule: "*/1 * * * *"
  timeZone: Asia/Tokyo
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 5"]}
          restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cron-failing
spec:
  schedule: "*/1 * * * *"
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      backoffLimit: 0
      template:
        spec:
          containers:
          - {name: busybox, image: "busybox:1", command: ["sh", "-c", "sleep 2; exit 1"]}
          restartPolicy: Never
`,
}

func init() {
	for name, text := range modernManifests {
		lessonManifests[name] = text
	}
}
