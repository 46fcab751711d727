package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/internal/labdef"
	"github.com/joblab/joblab/internal/labimages"
	"github.com/joblab/joblab/lesson"
)

// ExampleLabs is the folder of example lab folders (joblab/v1), the
// Makefile's LABS_DIR: make lab runs their labs like the lesson's.
const ExampleLabs = "examples/labs"

// Labs are the labs a mutant can name, the one whose run should kill it:
// the lesson's catalogue (lesson.Labs) and the example lab folders'.
var Labs = labNames()

// exampleLabs are the example lab folders, by name.
var exampleLabs = func() map[string]*labdef.Lab {
	byName := map[string]*labdef.Lab{}
	root, err := gobuild.RepoRoot()
	if err != nil {
		return byName
	}
	labs, err := labdef.Load(filepath.Join(root, ExampleLabs))
	if err != nil {
		return byName
	}
	for _, l := range labs {
		byName[l.Name] = l
	}
	return byName
}()

func labNames() []string {
	var names []string
	for _, l := range lesson.Labs {
		names = append(names, l.Name)
	}
	for name := range exampleLabs {
		names = append(names, name)
	}
	slices.Sort(names[len(lesson.Labs):])
	return names
}

// usesLabImages tells whether a lab runs the lab programs' images (a
// mutant of it then builds and pushes its own): a lab folder whose files
// name one of labimages.Programs, or that runs the initiator (its Job runs
// the worker image); a lab written in Go is counted as one that does.
func usesLabImages(lab string) bool {
	def := exampleLabs[lab]
	if info, ok := lesson.FindLab(lab); ok {
		def = info.Def
	}
	if def == nil {
		return true
	}
	if len(def.InitiatorJobs()) > 0 {
		return true // it creates its Job with the worker image
	}
	for _, name := range def.Manifests() {
		data, err := def.ReadApplied(name)
		if err != nil {
			return true
		}
		for _, p := range labimages.Programs {
			if repo, _, _ := strings.Cut(p.Ref, ":"); strings.Contains(string(data), "image: "+repo+":") {
				return true
			}
		}
	}
	return false
}

// Edit is one exact replacement in a file of the repository.
type Edit struct {
	// File is the path relative to the repository root, with slashes.
	File string
	// From must occur exactly once in File when the edit is applied.
	From string
	// To replaces From.
	To string
}

// Apply returns content with e applied, or an error when e.From does not
// occur exactly once in it (the catalogue went stale).
func (e Edit) Apply(content string) (string, error) {
	if e.From == "" {
		return "", fmt.Errorf("%s: an edit needs a non-empty From", e.File)
	}
	if n := strings.Count(content, e.From); n != 1 {
		return "", fmt.Errorf("%s: %q occurs %d times, want exactly once (the catalogue is stale: update tools/mutants/catalogue.go)", e.File, e.From, n)
	}
	return strings.Replace(content, e.From, e.To, 1), nil
}

// Mutant is one deliberate fault: a single edit (File, From, To), plus
// further edits in Also when one replacement cannot express it.
type Mutant struct {
	// ID is short and kebab-case, e.g. normal-completions-5.
	ID string
	// Lab is the label of the lab whose run should kill the mutant.
	Lab string
	// File, From and To are the edit: From, which occurs exactly once in
	// File, becomes To.
	File, From, To string
	// Also are further edits, applied in order after the first one.
	Also []Edit
	// Why is what a student following the lesson would see differently.
	Why string
	// Equivalent is empty, or says why the mutant provably changes nothing
	// that the lab can observe: such a mutant is run and listed, but its
	// survival is expected.
	Equivalent string
}

// Edits returns every edit of the mutant, in the order they apply.
func (m Mutant) Edits() []Edit {
	return append([]Edit{{File: m.File, From: m.From, To: m.To}}, m.Also...)
}

// Change describes the first edit in one short line, for listings.
func (m Mutant) Change() string {
	c := m.Edits()[0].Summary()
	if len(m.Also) > 0 {
		c += fmt.Sprintf(" (+%d more)", len(m.Also))
	}
	return c
}

// Summary describes the edit in one line: the lines it changes, without
// the lines that From and To share at their start and end ("+ line" for
// an addition, "- line" for a removal).
func (e Edit) Summary() string {
	from, to := strings.Split(e.From, "\n"), strings.Split(e.To, "\n")
	for len(from) > 0 && len(to) > 0 && from[0] == to[0] {
		from, to = from[1:], to[1:]
	}
	for len(from) > 0 && len(to) > 0 && from[len(from)-1] == to[len(to)-1] {
		from, to = from[:len(from)-1], to[:len(to)-1]
	}
	join := func(lines []string) string {
		var parts []string
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" {
				parts = append(parts, l)
			}
		}
		return truncate(strings.Join(parts, " / "), 60)
	}
	switch f, t := join(from), join(to); {
	case f == "":
		return "+ " + t
	case t == "":
		return "- " + f
	default:
		return f + " -> " + t
	}
}

// The lesson's manifests and lab programs, as the catalogue names them.
const (
	normalYAML    = "manifests/job-normal-end.yaml"
	normal2YAML   = "manifests/job-normal-end-parallelism2.yaml"
	abnormalYAML  = "manifests/job-abnormal-end.yaml"
	twoYAML       = "manifests/job-container-failed.yaml"
	primeYAML     = "manifests/pn_job.yaml"
	brokerYAML    = "manifests/taskQueue-deploy.yaml"
	cronYAML      = "manifests/cron-job.yaml"
	legacyCron    = "manifests/legacy/cron-job.v1beta1.yaml"
	pnGenerator   = "labs/pn-generator/main.go"
	primesFormat  = "labs/primes/format.go"
	primesSieve   = "labs/primes/sieve.go"
	queueItem     = "labs/queue/item.go"
	queueWorker   = "labs/queue/worker.go"
	initiatorJob  = "labs/initiator/job.go"
	initiatorMain = "labs/initiator/initiator.go"
	indexedYAML   = "manifests/modern/indexed.yaml"
	pfpYAML       = "manifests/modern/pod-failure-policy.yaml"
	perIndexYAML  = "manifests/modern/per-index.yaml"
	successYAML   = "manifests/modern/success-policy.yaml"
	tenByFiveYAML = ExampleLabs + "/ten-by-five/job.yaml"
	managedByYAML = "lessonlabs/managed-by/managed-by.yaml"
	resizedYAML   = "lessonlabs/suspended-resources/resized.yaml"
	replaceYAML   = "manifests/modern/replacement.yaml"
	lifecycleYAML = "manifests/modern/lifecycle.yaml"
	cronPolYAML   = "manifests/modern/cron-policies.yaml"
)

// workerPrint is the line of queue.Work that prints the item; the
// acknowledgement mutants put an ack before it.
const workerPrint = "\tif err := printItem(stdout, msg.Body, item); err != nil {"

// Catalogue is every mutant, grouped by lab in the lesson's order.
var Catalogue = []Mutant{
	// normal (10.2): job-normal-end.yaml
	{
		ID: "normal-completions-5", Lab: "normal", File: normalYAML,
		From: "  completions: 6\n", To: "  completions: 5\n",
		Why: "kubectl get jobs shows 5/5 and five SuccessfulCreate events instead of 6/6 and six",
	},
	{
		ID: "normal-parallelism-uncommented", Lab: "normal", File: normalYAML,
		From: "  # parallelism: 2\n", To: "  parallelism: 2\n",
		Why: "the first run already creates pods two at a time (pairs of SuccessfulCreate, describe: Parallelism 2) instead of one after another",
	},
	{
		ID: "normal-sleep-1", Lab: "normal", File: normalYAML,
		From: `"sleep 5; exit 0"`, To: `"sleep 1; exit 0"`,
		Why: "each pod runs 1 s instead of 5 s (the Job finishes in about half the time), and describe shows a command that is not the lesson's",
	},
	{
		ID: "normal-restart-onfailure", Lab: "normal", File: normalYAML,
		From: "restartPolicy: Never", To: "restartPolicy: OnFailure",
		Why: "describe shows restartPolicy OnFailure: a failing container would restart in place instead of the Job creating a new pod",
	},
	{
		ID: "normal-image-busybox-1", Lab: "normal", File: normalYAML,
		From: "image: busybox:latest", To: "image: busybox:1",
		Why: "kubectl describe pod shows image busybox:1, not the lesson's busybox:latest",
	},
	{
		ID: "normal-ttl-30", Lab: "normal", File: normalYAML,
		From: "\nspec:\n", To: "\nspec:\n  ttlSecondsAfterFinished: 30\n",
		Why: "the finished Job and its pods disappear 30 s after 6/6: kubectl get jobs,pods no longer lists them, unlike the lesson",
	},
	{
		ID: "normal-active-deadline-600", Lab: "normal", File: normalYAML,
		From: "\nspec:\n", To: "\nspec:\n  activeDeadlineSeconds: 600\n",
		Why: "describe shows Active Deadline Seconds: 600s, which the lesson's Job does not have (the run itself ends well within it)",
	},
	{
		ID: "normal-pull-always", Lab: "normal", File: normalYAML,
		From: "          image: busybox:latest\n", To: "          image: busybox:latest\n          imagePullPolicy: Always\n",
		Why:        "imagePullPolicy Always written out on the lesson's busybox:latest",
		Equivalent: "a :latest image defaults to imagePullPolicy Always: the API server stores the lesson's Job with it too, and its pods pull the same way (the earlier catalogue counted this as a fault; it was a false alarm)",
	},
	// normal (10.2), second run: job-normal-end-parallelism2.yaml
	{
		ID: "normal-p2-parallelism-3", Lab: "normal", File: normal2YAML,
		From: "  parallelism: 2\n", To: "  parallelism: 3\n",
		Why: "the second run creates pods three at a time and shows three active pods, not pairs",
	},
	{
		ID: "normal-p2-parallelism-1", Lab: "normal", File: normal2YAML,
		From: "  parallelism: 2\n", To: "  parallelism: 1\n",
		Why: "the second run creates pods one at a time, like the first: no pairs of SuccessfulCreate with the same age",
	},
	// abnormal (10.3)
	{
		ID: "abnormal-backoff-2", Lab: "abnormal", File: abnormalYAML,
		From: "backoffLimit: 3", To: "backoffLimit: 2",
		Why: "describe shows 3 Failed pods and three SuccessfulCreate before BackoffLimitExceeded, not 4",
	},
	{
		ID: "abnormal-exit-0", Lab: "abnormal", File: abnormalYAML,
		From: "sleep 5; exit 1", To: "sleep 5; exit 0",
		Why: "the Job completes 1/1 with a Completed pod instead of failing with BackoffLimitExceeded",
	},
	{
		ID: "abnormal-sleep-2", Lab: "abnormal", File: abnormalYAML,
		From: "sleep 5; exit 1", To: "sleep 2; exit 1",
		Why: "each failed pod runs 2 s instead of 5 s (the Job fails sooner) and describe shows a command that is not the lesson's",
	},
	// two-containers (10.4)
	{
		ID: "two-backoff-1", Lab: "two-containers", File: twoYAML,
		From: "backoffLimit: 2", To: "backoffLimit: 1",
		Why: "kubectl get pod lists 2 pods and two SuccessfulCreate precede BackoffLimitExceeded, not 3",
	},
	{
		ID: "two-busybox2-exit-0", Lab: "two-containers", File: twoYAML,
		From: `"sleep 5; exit 1"`, To: `"sleep 5; exit 0"`,
		Why: "both containers succeed: the Job completes 1/1 with one pod, and the lesson's point (one failing container fails the pod) is not shown",
	},
	{
		ID: "two-busybox1-exit-1", Lab: "two-containers", File: twoYAML,
		From: `"sleep 5; exit 0"`, To: `"sleep 5; exit 1"`,
		Why: "busybox1 exits 1 too: both containers' exit codes are 1 (and up to Kubernetes 1.34 kubectl get pod shows STATUS Error, not the misleading Completed the lesson explains)",
	},
	{
		ID: "two-image-latest", Lab: "two-containers", File: twoYAML,
		From: "- name: busybox1\n          image: busybox:1\n", To: "- name: busybox1\n          image: busybox:latest\n",
		Why: "describe pod shows busybox1 running busybox:latest, not the lesson's busybox:1",
	},
	// prime (10.5)
	{
		ID: "prime-start-1", Lab: "prime", File: primeYAML,
		From: `value: "2"`, To: `value: "1"`,
		Why: "describe shows A_START_NUM=1, not the lesson's 2; the log holds the same 9592 primes (1 is no prime, 100001 = 11 x 9091), so only the manifest comparison can tell",
	},
	{
		ID: "prime-start-0", Lab: "prime", File: primeYAML,
		From: `value: "2"`, To: `value: "0"`,
		Why: "describe shows A_START_NUM=0, not the lesson's 2; the log holds the same 9592 primes (0..99999 has them all), so only the manifest comparison can tell",
	},
	{
		ID: "prime-size-10e4", Lab: "prime", File: primeYAML,
		From: `"10**5"`, To: `"10**4"`,
		Why: "the log holds the 1229 primes of 2..10001 (last 9973) instead of 9592 primes up to 99991",
	},
	{
		ID: "prime-size-literal", Lab: "prime", File: primeYAML,
		From: `"10**5"`, To: `"100000"`,
		Why: "describe shows A_SIZE_NUM=100000 instead of the lesson's expression 10**5 (the log is the same: only the manifest comparison can tell)",
	},
	{
		ID: "prime-backoff-1", Lab: "prime", File: primeYAML,
		From: "backoffLimit: 4", To: "backoffLimit: 1",
		Why: "describe shows Backoff Limit 1, not the lesson's 4 (a successful run looks the same)",
	},
	{
		ID: "pn-skips-start", Lab: "prime", File: pnGenerator,
		From: "primes.InRange(start, start+size-1)", To: "primes.InRange(start+1, start+size-1)",
		Why: "the log starts [    3     5 ...: the prime 2 is missing, 9591 primes instead of 9592",
	},
	{
		ID: "primes-line-width-80", Lab: "prime", File: primesFormat,
		From: "const lineWidth = 75", To: "const lineWidth = 80",
		Why: "the log holds 13 numbers a line instead of numpy's 12 (lines up to 79 characters): it no longer looks like the notes' output",
	},
	{
		ID: "primes-extra-space", Lab: "prime", File: primesFormat,
		From: "bw.WriteString(\" \")\n\t\t\tlineLen++", To: "bw.WriteString(\"  \")\n\t\t\tlineLen += 2",
		Why: "the log separates the numbers by one space more than numpy does: its first line is no longer the notes' [    2     3     5     7 ...",
	},
	// broker (10.6-10.8)
	{
		ID: "broker-nodeport-31673", Lab: "broker", File: brokerYAML,
		From: "nodePort: 31672", To: "nodePort: 31673",
		Why: "kubectl get svc shows 5672:31673, and the lesson's initiator (node IP : 31672) cannot reach the broker",
	},
	{
		ID: "broker-clusterip", Lab: "broker", File: brokerYAML,
		From: "  type: NodePort\n  ports:\n  - port: 5672\n    nodePort: 31672\n", To: "  type: ClusterIP\n  ports:\n  - port: 5672\n",
		Why: "kubectl get svc shows a ClusterIP Service without a node port: the lesson's initiator cannot reach the broker from outside the cluster",
	},
	{
		ID: "broker-cpu-200m", Lab: "broker", File: brokerYAML,
		From: "cpu: 100m", To: "cpu: 200m",
		Why: "describe shows a 200m CPU limit instead of 100m; RabbitMQ starts about twice as fast",
	},
	{
		ID: "broker-replicas-2", Lab: "broker", File: brokerYAML,
		From: "replicas: 1", To: "replicas: 2",
		Why: "two independent RabbitMQ pods sit behind one Service: items published to one are not seen by workers connected to the other, which wait and fail",
	},
	{
		ID: "sieve-one-is-prime", Lab: "broker", File: primesSieve,
		From: "start = max(start, 2)", To: "start = max(start, 1)",
		Why: "the worker of item 1-1000 prints 1 as a prime (the lesson program's defect): 551 primes in all instead of 550",
	},
	{
		ID: "queue-last-item-3999", Lab: "broker", File: queueItem,
		From: "{3001, 4000}", To: "{3001, 3999}",
		Why: "a pod log begins ['3001', ' 3999'], not the lesson's item 3001-4000 (the primes are the same: 3999 and 4000 are composite)",
	},
	{
		ID: "queue-overlapping-item", Lab: "broker", File: queueItem,
		From: "{2001, 3000}", To: "{2000, 3000}",
		Why: "a pod log begins ['2000', ' 3000']: the items overlap (2000 is in two), as in the lesson program's defect",
	},
	{
		ID: "worker-ack-twice", Lab: "broker", File: queueWorker,
		From: workerPrint,
		To:   "\t_ = msg.Ack(false) // mutant: an extra acknowledgement before printing\n" + workerPrint,
		Why:  "every worker acknowledges its item twice: RabbitMQ closes the channel (unknown delivery tag), pods end in Error and the Job does not reach 4/4",
	},
	{
		ID: "worker-ack-before-print", Lab: "broker", File: queueWorker,
		From: workerPrint,
		To: "\tif err := msg.Ack(false); err != nil { // mutant: acknowledged before printing\n" +
			"\t\treturn fmt.Errorf(\"item %s: acknowledging it failed: %w\", item, err)\n\t}\n" + workerPrint,
		Also: []Edit{{
			File: queueWorker,
			From: "\tif err := msg.Ack(false); err != nil {\n" +
				"\t\treturn fmt.Errorf(\"item %s was printed but acknowledging it failed: %w; it returns to queue %s and may be done twice\", item, err, cfg.Queue)\n\t}\n",
			To: "",
		}},
		Why: "the worker acknowledges its item before printing it: a pod that dies in between loses the item for good; the lab on the cluster loses no worker, so the lab programs' tests (a worker whose output fails must return its item) are what see it",
	},
	{
		ID: "worker-primes-shifted", Lab: "broker", File: queueWorker,
		From: "primes.InRange(item.Start, item.End)", To: "primes.InRange(item.Start, item.End+1)",
		Why: "each worker prints the primes up to its End+1: item 2001-3000 prints 3001, which item 3001-4000 prints too, and item 3001-4000 prints 4001, beyond the lesson's 1-4000",
	},
	{
		ID: "initiator-parallelism-3", Lab: "broker", File: initiatorJob,
		From: "parallelism   = 2", To: "parallelism   = 3",
		Why: "Job pngen runs three workers at a time, not two as the lesson's initiator sets",
	},
	{
		ID: "initiator-parallelism-1", Lab: "broker", File: initiatorJob,
		From: "parallelism   = 2", To: "parallelism   = 1",
		Why: "Job pngen runs its four workers one after another, not two at a time",
	},
	{
		ID: "initiator-completions-3", Lab: "broker", File: initiatorJob,
		From: "Completions:  ptr(int32(len(o.Items))),", To: "Completions:  ptr(int32(3)),",
		Why: "kubectl get jobs shows 3/3 and one item stays on the queue: the primes of one range are never printed",
	},
	{
		ID: "initiator-backoff-0", Lab: "broker", File: initiatorJob,
		From: "backoffLimit  = 4", To: "backoffLimit  = 0",
		Why: "describe job pngen shows Backoff Limit 0, not 4: a single failed worker would fail the Job",
	},
	{
		ID: "initiator-no-queue-env", Lab: "broker", File: initiatorJob,
		From: `{Name: "QUEUE", Value: o.Queue},`, To: "// mutant: no QUEUE variable",
		Why: "the workers have no QUEUE variable: each pod exits 2 (QUEUE is not set) and the Job fails",
	},
	{
		ID: "initiator-three-items", Lab: "broker", File: initiatorMain,
		From: "PublishWithin(ctx, brokerURL, o.Queue, o.Items, o.BrokerWait)", To: "PublishWithin(ctx, brokerURL, o.Queue, o.Items[:3], o.BrokerWait)",
		Why: "only three items reach the queue: the fourth worker waits for an item, fails, and the Job does not reach 4/4",
	},
	// cron (10.9)
	{
		ID: "cron-every-2-minutes", Lab: "cron", File: cronYAML,
		From: `"*/1 * * * *"`, To: `"*/2 * * * *"`,
		Why: "kubectl get cronjobs shows SCHEDULE */2 * * * * and a Job every other minute, not every minute",
	},
	{
		ID: "cron-history-1", Lab: "cron", File: cronYAML,
		From: "  schedule: \"*/1 * * * *\"\n", To: "  schedule: \"*/1 * * * *\"\n  successfulJobsHistoryLimit: 1\n",
		Why: "only the last finished Job is kept, not the default three",
	},
	{
		ID: "cron-history-5", Lab: "cron", File: cronYAML,
		From: "  schedule: \"*/1 * * * *\"\n", To: "  schedule: \"*/1 * * * *\"\n  successfulJobsHistoryLimit: 5\n",
		Why: "five finished Jobs are kept: the oldest is not deleted when the fourth finishes",
	},
	{
		ID: "cron-failed-history-0", Lab: "cron", File: cronYAML,
		From: "  schedule: \"*/1 * * * *\"\n", To: "  schedule: \"*/1 * * * *\"\n  failedJobsHistoryLimit: 0\n",
		Why: "describe cronjob shows a failed-jobs history of 0 instead of the default 1 (every run succeeds, so the Jobs kept are the same)",
	},
	{
		ID: "cron-forbid", Lab: "cron", File: cronYAML,
		From: "  schedule: \"*/1 * * * *\"\n", To: "  schedule: \"*/1 * * * *\"\n  concurrencyPolicy: Forbid\n",
		Why: "describe cronjob shows Concurrency Policy Forbid instead of Allow (runs of 3-4 s never overlap, so the Jobs are the same)",
	},
	{
		ID: "cron-greeting-fixed", Lab: "cron", File: cronYAML,
		From: "kubernetes cluseter", To: "kubernetes cluster",
		Why: "each pod log says Hello from the kubernetes cluster, not the notes' (sic) cluseter",
	},
	{
		ID: "cron-restart-never", Lab: "cron", File: cronYAML,
		From: "restartPolicy: OnFailure", To: "restartPolicy: Never",
		Why: "describe shows restartPolicy Never instead of OnFailure: a failing run would make new pods instead of restarting the container",
	},
	{
		ID: "cron-job-ttl-10", Lab: "cron", File: cronYAML,
		From: "  jobTemplate:\n    spec:\n", To: "  jobTemplate:\n    spec:\n      ttlSecondsAfterFinished: 10\n",
		Why: "each Job is deleted 10 s after it finishes: kubectl get jobs never shows three finished Jobs, and the history clean-up never happens",
	},
	// behaviours (1), (2)
	{
		ID: "behaviours-prime-ttl-0", Lab: "behaviours", File: primeYAML,
		From: "  backoffLimit: 4\n", To: "  backoffLimit: 4\n  ttlSecondsAfterFinished: 0\n",
		Why: "the finished Job prime-number and its pod are deleted at once: the pods are not kept until the Job is deleted",
	},
	{
		ID: "behaviours-lost-pod-backoff-0", Lab: "behaviours", File: normal2YAML,
		From: "  parallelism: 2\n", To: "  parallelism: 2\n  backoffLimit: 0\n",
		Why: "the pod lost while running counts as the one failure allowed: the Job fails with BackoffLimitExceeded instead of replacing the pod",
	},
	{
		ID: "behaviours-legacy-is-v1", Lab: "behaviours", File: legacyCron,
		From: "apiVersion: batch/v1beta1", To: "apiVersion: batch/v1",
		Why: "the notes' CronJob is accepted, so the error naming the removed batch/v1beta1 API and its fix is never shown",
	},

	// managed-by: the lab folder lessonlabs/managed-by.
	{
		ID: "managed-by-removed", Lab: "managed-by", File: managedByYAML,
		From: "  managedBy: example.com/batch-controller\n", To: "",
		Why: "the Job is the built-in controller's: it runs a pod, and its status is written",
	},
	{
		ID: "managed-by-job-controller", Lab: "managed-by", File: managedByYAML,
		From: "  managedBy: example.com/batch-controller\n", To: "  managedBy: kubernetes.io/job-controller\n",
		Why: "managedBy names the built-in Job controller itself: it runs a pod",
	},

	// A teacher's exercise: the lab folder examples/labs/ten-by-five.
	// suspended-resources: lessonlabs/suspended-resources/resized.yaml
	{
		ID: "resized-not-suspended", Lab: "suspended-resources", File: resizedYAML,
		From: "  suspend: true\n", To: "  suspend: false\n",
		Why: "the Job starts at once with its first requests: the API server refuses to change the resources of a Job that is not suspended, and the pod runs with cpu 100m",
	},
	{
		ID: "resized-limit-40mi", Lab: "suspended-resources", File: resizedYAML,
		From: "            memory: 64Mi\n", To: "            memory: 40Mi\n",
		Why: "the new request (48Mi) would exceed the memory limit (40Mi): the API server refuses the patch, and the pod keeps 32Mi",
	},
	{
		ID: "ten-by-five-parallelism-2", Lab: "ten-by-five", File: tenByFiveYAML,
		From: "  parallelism: 5\n", To: "  parallelism: 2\n",
		Why: "two pods at a time instead of five: at most 2 active, waves of 2",
	},
	{
		ID: "ten-by-five-completions-8", Lab: "ten-by-five", File: tenByFiveYAML,
		From: "  completions: 10\n", To: "  completions: 8\n",
		Why: "8 completions instead of 10: COMPLETIONS 8/8, 8 pods, waves 5, 3",
	},
	{
		ID: "ten-by-five-log", Lab: "ten-by-five", File: tenByFiveYAML,
		From: "echo done", To: "echo Done",
		Why: "each pod prints Done, not done",
	},

	// The modern track.
	// indexed: modern/indexed.yaml and pn-generator's index
	{
		ID: "indexed-nonindexed", Lab: "indexed", File: indexedYAML,
		From: "  completionMode: Indexed\n", To: "  completionMode: NonIndexed\n",
		Why: "no pod gets a completion index: all four check 1-1000, and completedIndexes stays empty",
	},
	{
		ID: "indexed-completions-3", Lab: "indexed", File: indexedYAML,
		From: "  completions: 4\n", To: "  completions: 3\n",
		Why: "only items 0-2 are worked on: completedIndexes 0-2, 3001-4000's primes never printed",
	},
	{
		ID: "indexed-parallelism-4", Lab: "indexed", File: indexedYAML,
		From: "  parallelism: 2\n", To: "  parallelism: 4\n",
		Why: "all four pods run at once instead of two at a time",
	},
	{
		ID: "indexed-size-999", Lab: "indexed", File: indexedYAML,
		From: "          value: \"1000\"\n", To: "          value: \"999\"\n",
		Why: "each pod checks a block of 999 numbers: the items drift away from 1-1000, 1001-2000, ... and 4000 is never checked",
	},
	{
		// On the prime lab this fault is invisible (the extra candidate
		// 100002 = 2 x 50001 is composite); the catalogue once counted it
		// as equivalent. The indexed lab's blocks show it: index 2 checks
		// 2001-3001 and prints the prime 3001, which is index 3's.
		ID: "pn-range-one-more", Lab: "indexed", File: pnGenerator,
		From: "primes.InRange(start, start+size-1)", To: "primes.InRange(start, start+size)",
		Why: "the program checks one candidate more than A_SIZE_NUM: the indexed blocks overlap, and index 2 prints 3001, a prime of index 3's block",
	},
	{
		ID: "indexed-program-ignores-index", Lab: "indexed", File: pnGenerator,
		From: "\t\tstart += index * size\n", To: "\t\t_ = index\n",
		Why: "every pod prints the primes of 1-1000, whatever its index",
	},
	// pod-failure-policy: modern/pod-failure-policy.yaml
	{
		ID: "pfp-exit-code-2", Lab: "pod-failure-policy", File: pfpYAML,
		From: "        values: [1]\n", To: "        values: [2]\n",
		Why: "the rule never matches: the Job burns backoffLimit 2 (three pods, the back-off) and fails with BackoffLimitExceeded",
	},
	{
		ID: "pfp-container-busybox1", Lab: "pod-failure-policy", File: pfpYAML,
		From: "        containerName: busybox2\n", To: "        containerName: busybox1\n",
		Why: "the rule looks at busybox1, which exits 0: the FailJob rule never fires",
	},
	{
		ID: "pfp-action-count", Lab: "pod-failure-policy", File: pfpYAML,
		From: "    - action: FailJob\n", To: "    - action: Count\n",
		Why: "the failure is counted as usual: three pods and BackoffLimitExceeded instead of one pod and PodFailurePolicy",
	},
	{
		ID: "pfp-no-ignore-rule", Lab: "pod-failure-policy", File: pfpYAML,
		From: "    - action: Ignore\n      onPodConditions:\n      - type: DisruptionTarget\n", To: "    - action: Count\n      onPodConditions:\n      - type: DisruptionTarget\n",
		Why: "the evicted pod counts as a failure: with backoffLimit 0 Job evicted-not-counted fails instead of completing",
	},
	// per-index: modern/per-index.yaml
	{
		ID: "per-index-backoff-0", Lab: "per-index", File: perIndexYAML,
		From: "  backoffLimitPerIndex: 1\n", To: "  backoffLimitPerIndex: 0\n",
		Why: "index 1 is not retried: four pods instead of five, no failure count 1 on any pod",
	},
	{
		ID: "per-index-max-failed-1", Lab: "per-index", File: perIndexYAML,
		From: "  maxFailedIndexes: 2\n", To: "  maxFailedIndexes: 1\n",
		Why: "the second failed index exceeds the limit: the Job fails with MaxFailedIndexesExceeded, not FailedIndexes",
	},
	{
		ID: "per-index-failindex-43", Lab: "per-index", File: perIndexYAML,
		From: "        values: [42]\n", To: "        values: [43]\n",
		Why: "index 2's exit code 42 no longer fails its index at once: it is retried like index 1 (six pods)",
	},
	// success-policy: modern/success-policy.yaml
	{
		ID: "success-indexes-2-3", Lab: "success-policy", File: successYAML,
		From: "    - succeededIndexes: \"1-2\"\n", To: "    - succeededIndexes: \"2-3\"\n",
		Why: "index 1's success does not meet the rule: the Job waits for pods that sleep five minutes",
	},
	{
		ID: "success-count-2", Lab: "success-policy", File: successYAML,
		From: "      succeededCount: 1\n", To: "      succeededCount: 2\n",
		Why: "two of indexes 1-2 must succeed: the Job waits for index 2's five-minute sleep",
	},
	// replacement: modern/replacement.yaml
	{
		ID: "replacement-terminating-or-failed", Lab: "replacement", File: replaceYAML,
		From: "  podReplacementPolicy: Failed\n", To: "  podReplacementPolicy: TerminatingOrFailed\n",
		Why: "the replacement starts while the deleted pod is still terminating (active 1 and terminating 1 at once)",
	},
	// cron-policies: modern/cron-policies.yaml
	{
		ID: "cron-allow-is-forbid", Lab: "cron-policies", File: cronPolYAML,
		From: "  concurrencyPolicy: Allow\n", To: "  concurrencyPolicy: Forbid\n",
		Why: "cron-allow's second run waits for the first instead of overlapping it",
	},
	{
		ID: "cron-forbid-deadline-120", Lab: "cron-policies", File: cronPolYAML,
		From: "  startingDeadlineSeconds: 20\n", To: "  startingDeadlineSeconds: 120\n",
		Why: "the skipped run is still within its deadline when the first ends, so it starts late instead of being missed",
	},
	{
		ID: "cron-replace-is-allow", Lab: "cron-policies", File: cronPolYAML,
		From: "  concurrencyPolicy: Replace\n", To: "  concurrencyPolicy: Allow\n",
		Why: "cron-replace's first run is not deleted: two runs at once",
	},
	{
		ID: "cron-suspended-false", Lab: "cron-policies", File: cronPolYAML,
		From: "  suspend: true\n", To: "  suspend: false\n",
		Why: "cron-suspended makes a Job every minute",
	},
	{
		ID: "cron-failed-history-2", Lab: "cron-policies", File: cronPolYAML,
		From: "  failedJobsHistoryLimit: 1\n", To: "  failedJobsHistoryLimit: 2\n",
		Why: "both failed Jobs are kept instead of only the last",
	},
	// lifecycle: modern/lifecycle.yaml
	{
		ID: "lifecycle-not-suspended", Lab: "lifecycle", File: lifecycleYAML,
		From: "  suspend: true\n", To: "  suspend: false\n",
		Why: "Job suspended runs its pods at once, without waiting to be resumed",
	},
	{
		ID: "lifecycle-deadline-30", Lab: "lifecycle", File: lifecycleYAML,
		From: "  activeDeadlineSeconds: 10\n", To: "  activeDeadlineSeconds: 30\n",
		Why: "Job deadline fails after 30 s instead of 10 s",
	},
	{
		ID: "lifecycle-ttl-60", Lab: "lifecycle", File: lifecycleYAML,
		From: "  ttlSecondsAfterFinished: 15\n", To: "  ttlSecondsAfterFinished: 60\n",
		Why: "the finished Job stays a minute instead of 15 s",
	},

	{
		ID: "initiator-pngen-ttl", Lab: "broker", File: initiatorJob,
		From: "\t\t\tBackoffLimit: ptr(int32(backoffLimit)),\n", To: "\t\t\tBackoffLimit: ptr(int32(backoffLimit)),\n\t\t\tTTLSecondsAfterFinished: ptr(int32(600)),\n",
		Why: "the initiator gives Job pngen a TTL the lesson never gave it: the Job and its pods' logs vanish 10 minutes after it completes",
	},

	// Equivalent answers: correct answers written differently, which a
	// teacher's class really hands in. Each is the very object the lesson's
	// manifest is once the API server has stored it, so each must pass: a
	// difference reported for one is a false alarm.
	{
		ID: "eq-resized-memory-in-bytes", Lab: "suspended-resources", File: "lessonlabs/suspended-resources/lab.yaml",
		From: "    documented: 48Mi\n", To: "    documented: 50331648\n",
		Why:        "the teacher writes the pod's documented memory request in bytes, as kubectl shows none of it",
		Equivalent: "a teacher's lab writes the documented request in bytes: 50331648 is 48Mi, and a quantity compares by value as Kubernetes compares it",
	},
	{
		ID: "eq-normal-kubectl-generated", Lab: "normal", File: normalYAML,
		From:       "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: normal-job\nspec:\n  template:\n    spec:\n      containers:\n        - name: busybox\n          image: busybox:latest\n          command: [\"sh\", \"-c\", \"sleep 5; exit 0\"]\n      restartPolicy: Never\n  completions: 6\n",
		To:         "apiVersion: batch/v1\nkind: Job\nmetadata:\n  creationTimestamp: null\n  name: normal-job\nspec:\n  completions: 6\n  template:\n    metadata:\n      creationTimestamp: null\n    spec:\n      containers:\n      - command:\n        - sh\n        - -c\n        - sleep 5; exit 0\n        image: busybox:latest\n        name: busybox\n        resources: {}\n      restartPolicy: Never\nstatus: {}\n",
		Why:        "kubectl create job normal-job --image=busybox:latest --dry-run=client -o yaml -- sh -c 'sleep 5; exit 0', completions added: creationTimestamp: null, resources: {} and status: {} left behind",
		Equivalent: "the API server stores the same Job: null and empty fields are unset",
	},
	{
		ID: "eq-normal-parallelism-1", Lab: "normal", File: normalYAML,
		From: "  # parallelism: 2\n", To: "  parallelism: 1\n",
		Why:        "the default written out: parallelism 1",
		Equivalent: "parallelism defaults to 1",
	},
	{
		ID: "eq-abnormal-defaults-written", Lab: "abnormal", File: abnormalYAML,
		From: "          image: busybox:latest\n", To: "          image: busybox:latest\n          imagePullPolicy: Always\n          terminationMessagePolicy: File\n",
		Why:        "defaults written out: imagePullPolicy Always for a :latest image, terminationMessagePolicy File",
		Equivalent: "a :latest image defaults to imagePullPolicy Always; terminationMessagePolicy defaults to File",
	},
	{
		ID: "eq-two-containers-reordered", Lab: "two-containers", File: twoYAML,
		From:       "        - name: busybox1\n          image: busybox:1\n          command: [\"sh\", \"-c\", \"sleep 5; exit 0\"]\n        - name: busybox2\n          image: busybox:1\n          command: [\"sh\", \"-c\", \"sleep 5; exit 1\"]\n",
		To:         "        - name: busybox2\n          image: busybox:1\n          imagePullPolicy: IfNotPresent\n          command: [\"sh\", \"-c\", \"sleep 5; exit 1\"]\n        - name: busybox1\n          image: busybox:1\n          imagePullPolicy: IfNotPresent\n          command: [\"sh\", \"-c\", \"sleep 5; exit 0\"]\n",
		Why:        "the two containers in the other order, and imagePullPolicy IfNotPresent (the default for a tagged image) written out",
		Equivalent: "a pod's containers are known by name, and a tagged image defaults to IfNotPresent",
	},
	{
		ID: "eq-prime-env-reordered", Lab: "prime", File: primeYAML,
		From:       "        - name: A_START_NUM\n          value: \"2\"\n        - name: A_SIZE_NUM\n          value: \"10**5\"\n",
		To:         "        - name: A_SIZE_NUM\n          value: '10**5'\n        - {name: A_START_NUM, value: \"2\"}\n",
		Why:        "the two env entries in the other order, one in flow style, other quoting",
		Equivalent: "no value refers to another variable ($(VAR)), so the order of env changes nothing",
	},
	{
		ID: "eq-broker-protocol-written", Lab: "broker", File: brokerYAML,
		From: "  - port: 5672\n    nodePort: 31672\n", To: "  - port: 5672\n    protocol: TCP\n    targetPort: 5672\n    nodePort: 31672\n",
		Why:        "the Service port's protocol and targetPort written out",
		Equivalent: "protocol defaults to TCP and targetPort to the port",
	},
	{
		ID: "eq-cron-history-3", Lab: "cron", File: cronYAML,
		From: "  schedule: \"*/1 * * * *\"\n", To: "  schedule: '*/1 * * * *'\n  successfulJobsHistoryLimit: 3\n  failedJobsHistoryLimit: 1\n  concurrencyPolicy: Allow\n  suspend: false\n",
		Why:        "the CronJob's defaults written out: 3 successful and 1 failed Jobs kept, concurrencyPolicy Allow, suspend false",
		Equivalent: "those are the CronJob's defaults",
	},
	{
		ID: "eq-ten-by-five-kubectl-written", Lab: "ten-by-five", File: tenByFiveYAML,
		From: "  parallelism: 5\n", To: "  parallelism: 5\n  backoffLimit: 6\n  completionMode: NonIndexed\n  suspend: false\n",
		Why:        "a teacher's exercise answered with the Job's defaults written out, as kubectl create job -o yaml does",
		Equivalent: "those are the Job's defaults",
	},
	{
		ID: "eq-indexed-defaults-written", Lab: "indexed", File: indexedYAML,
		From: "  completionMode: Indexed\n", To: "  completionMode: Indexed\n  backoffLimit: 6\n  suspend: false\n",
		Why:        "the Job's defaults written out: backoffLimit 6, suspend false",
		Equivalent: "those are the Job's defaults",
	},
}

// isLab tells whether name is one of Labs.
func isLab(name string) bool { return slices.Contains(Labs, name) }

// truncate shortens s to at most n runes, marking a cut with "…".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
