package specs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/joblab/joblab/internal/grade"
	"github.com/joblab/joblab/labs/initiator"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// BrokerInput is the input of BrokerSpec.
type BrokerInput struct {
	Env *framework.Env
	Lab string
}

// BrokerSpec is lessons 10.6-10.8: RabbitMQ runs as the lesson deploys it,
// the job initiator fills the queue from outside the cluster and creates
// Job pngen, and each of its pods takes one work item and prints exactly
// the primes of it.
func BrokerSpec(ctx context.Context, in BrokerInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	port := in.Env.BrokerNodePort()
	lab.Step(fmt.Sprintf("waiting until no earlier lab's Service holds NodePort %d", port))
	Expect(framework.WaitForNodePortFree(ctx, cs, port, framework.Timeouts.Namespace)).To(Succeed())
	lab.Step("kubectl apply -f taskQueue-deploy.yaml")
	began := time.Now()
	lab.Apply(ctx, "taskQueue-deploy.yaml")
	lab.Step("waiting until the broker's Deployment is available")
	lab.Require("Deployment taskqueue available", "Available", framework.WaitForDeploymentAvailable(ctx, cs, ns, "taskqueue", lab.Within(framework.LabTimeouts.BrokerReady)))

	lab.Step("running the job initiator from outside the cluster")
	// Job pngen is watched from before it exists, so that every pod's
	// start and end is seen however fast the workers are.
	waitJob := framework.WatchJobInBackground(ctx, cs, ns, "pngen", framework.JobComplete, lab.Within(framework.LabTimeouts.BrokerReady+framework.LabTimeouts.BrokerJob))
	var said bytes.Buffer
	workerImage := framework.LabImage(in.Env.Settings.ImageRepo, initiator.WorkerImage)
	// RabbitMQ under the lesson's 100m CPU limit starts slowly beside a
	// class's other labs: the initiator waits for it as long as the lab
	// waits for the broker (scaled with the run's slowness).
	_, err := initiator.Run(ctx, initiator.Options{Kube: cs, RESTConfig: in.Env.Config, Namespace: ns, Image: workerImage, Out: io.MultiWriter(&said, GinkgoWriter),
		BrokerWait: lab.Within(framework.LabTimeouts.BrokerReady)})
	lab.Require("the job initiator fills the queue and creates Job pngen", "done", err)
	found := ""
	for _, line := range strings.Split(said.String(), "\n") {
		if strings.HasPrefix(line, "broker found at ") {
			found = strings.TrimPrefix(line, "broker found at ")
		}
	}

	lab.Step(fmt.Sprintf("checking that NodePort %d answers on every node, from outside the cluster (RabbitMQ is up: the initiator used it)", port))
	nodes, nodesErr := framework.NodeAddresses(ctx, cs)
	// The lesson's initiator uses "the IP address of any node"; where the
	// nodes cannot be read (a namespace-only Role), a port-forward.
	viaNode := strings.Contains(found, fmt.Sprintf(":%d", port))
	if nodesErr != nil {
		r.Add("how the initiator reached the broker", "a port-forward (the nodes cannot be read here)", found, strings.Contains(found, "port-forward"))
	} else {
		r.Add("how the initiator reached the broker", fmt.Sprintf("<node IP>:%d", port), found, viaNode || !framework.KubeletAnswers(ctx, nodes[0]))
	}
	if nodesErr != nil {
		// The nodes cannot be read: the lesson's NodePort is reached from a
		// pod of the lab, at the nodes the namespace's pods ran on.
		lab.Step(fmt.Sprintf("probing NodePort %d from a pod of the lab (the nodes cannot be read here): at each node the namespace's pods ran on", port))
		hosts, err := framework.PodHosts(ctx, cs, ns, framework.OwnedBy(lab.Report.Lab))
		Expect(err).NotTo(HaveOccurred())
		answered, err := framework.ProbeAMQPFromPod(ctx, cs, ns, lab.Report.Lab, hosts, port, lab.Within(framework.Timeouts.PodStart+time.Minute))
		fact := fmt.Sprintf("RabbitMQ answers at <node IP>:%d (from a pod: the nodes cannot be read here)", port)
		if err != nil || len(hosts) == 0 {
			// The lab exists for a work queue reached at the lesson's
			// NodePort: with no way to reach it, it is not verified.
			why := fmt.Sprintf("the NodePort could not be reached in any way: the nodes cannot be listed (%s), and the probe from a pod gave no answer (%v; node addresses known: %d)", nodesErr, err, len(hosts))
			r.NotObservable(fact, "every node", why)
			lab.NotVerified(why)
		} else {
			var all, yes []string
			for h, ok := range answered {
				all = append(all, h)
				if ok {
					yes = append(yes, h)
				}
			}
			sort.Strings(all)
			sort.Strings(yes)
			r.Equal(fact, fmt.Sprintf("%d of %d nodes (%s)", len(all), len(all), strings.Join(all, ", ")), fmt.Sprintf("%d of %d nodes (%s)", len(yes), len(all), strings.Join(yes, ", ")))
		}
	} else {
		var answered, reachable []string
		for _, addr := range nodes {
			if framework.AMQPAnswers(ctx, addr, int(port)) {
				answered = append(answered, addr)
			}
			if framework.KubeletAnswers(ctx, addr) {
				reachable = append(reachable, addr)
			}
		}
		if len(reachable) == 0 && len(answered) == 0 {
			r.NotObservable(fmt.Sprintf("RabbitMQ answers at <node IP>:%d from outside the cluster", port), "every node", "no node's address is reachable from this host (not even its kubelet port); the initiator used a port-forward")
		} else {
			r.Equal(fmt.Sprintf("RabbitMQ answers at <node IP>:%d from outside the cluster", port), fmt.Sprintf("%d of %d nodes", len(nodes), len(nodes)), fmt.Sprintf("%d of %d nodes", len(answered), len(nodes)))
		}
	}

	lab.Step("waiting until job pngen completes (kubectl get jobs,pod)")
	run, err := waitJob()
	lab.GoOn("the job ends Complete", "Complete", err, run != nil && run.Job != nil)
	r.Measure("kubectl apply → the work done (Job Complete)", time.Since(began))
	n := lesson.BrokerItemCount
	// kubectl get jobs, and the Job as the API server holds it (read, not
	// taken from the initiator: what was created, whatever the program
	// says it created), from one answer.
	job, jobRows, err := framework.KubectlGetJob(ctx, cs, ns, "pngen")
	Expect(err).NotTo(HaveOccurred())
	r.Equal("kubectl get jobs: COMPLETIONS", fmt.Sprintf("%d/%d", n, n), framework.KubectlCell(jobRows, "pngen", "Completions"))
	lab.Step("comparing Job pngen, as the initiator created it, with the lesson")
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(job)
	Expect(err).NotTo(HaveOccurred())
	for _, path := range sortedPaths(lesson.PngenJob) {
		got := lesson.LookupPath(obj, path)
		r.Add("Job pngen "+path, lesson.ShowValue(lesson.PngenJob[path]), lesson.ShowValue(got), lesson.SameValue(got, lesson.PngenJob[path]))
	}
	// And in full, as the API server stores both: a field the lesson does
	// not give the Job (a TTL, a deadline) is a difference too.
	docs, err := lesson.Documents(lesson.PngenManifest(workerImage))
	Expect(err).NotTo(HaveOccurred())
	diffs, err := grade.CompareWithStored(ctx, in.Env.Config, ns, docs[0].Obj, obj)
	const fullFact = "Job pngen as stored, compared in full with the lesson's"
	switch {
	case err != nil:
		r.NotObservable(fullFact, "no other field", err.Error())
	default:
		var other []string
		for _, d := range diffs {
			other = append(other, fmt.Sprintf("%s: the lesson says %s, the initiator's Job %s", d.Path, lesson.ShowValue(d.Lesson), lesson.ShowValue(d.Manifest)))
		}
		r.Add(fullFact, "the same", noneOr(other), len(diffs) == 0)
	}
	r.Equal("pods created", n, len(run.Timeline.Pods))
	// Pods created before the first one finished: the workers that
	// started first. With parallelism 2 the next ones wait for a finish.
	first := run.Timeline.CreatedBeforeFirstFinish()
	r.Equal("workers started first (parallelism 2)", lesson.BrokerParallelism, first)
	r.Equal("most pods active at once", lesson.BrokerParallelism, run.Timeline.MaxActive)

	lab.Step("kubectl logs of each pngen pod")
	pods, table, err := framework.JobPodsTable(ctx, cs, ns, "pngen")
	Expect(err).NotTo(HaveOccurred())
	r.Equal("kubectl get pod: STATUS", repeat("Completed", n), strings.Join(framework.KubectlColumn(table, "Status"), ","))
	handled := map[lesson.BrokerItem]int{}
	var problems, lost, layouts []string
	all := map[int]int{}
	for i := range pods {
		p := &pods[i]
		log, err := framework.PodLog(ctx, cs, ns, p.Name, p.Spec.Containers[0].Name)
		if framework.IsLogLost(err) {
			lost = append(lost, err.Error())
			continue
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: no log (%v)", p.Name, err))
			continue
		}
		item, got, perr := lesson.ParseWorkerLog(log)
		if perr != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", p.Name, perr))
			continue
		}
		for _, n := range got {
			all[n]++
		}
		if !slices.Contains(lesson.BrokerItems, item) {
			problems = append(problems, fmt.Sprintf("%s: printed item %s, not one of the lesson's", p.Name, item))
			continue
		}
		handled[item]++
		// The primes of the lesson's item, by the checker's own arithmetic.
		want := lesson.PrimesBetween(item.Start, item.End)
		if !equalInts(got, want) {
			problems = append(problems, fmt.Sprintf("%s: item %s: %s", p.Name, item, differences(want, got)))
		}
		// The primes as the notes print an array: numpy's layout, by the
		// checker's own formatter (checked against the notes' example).
		if _, rest, _ := strings.Cut(log, "\n"); rest != lesson.NumpyText(want) {
			layouts = append(layouts, fmt.Sprintf("%s: item %s: %s", p.Name, item, firstDifferentLine(lesson.NumpyText(want), rest)))
		}
	}
	const layoutFact = "each pod log's primes in numpy's layout (as the notes print an array)"
	if len(lost) > 0 && len(problems) == 0 {
		// A lost log hides which item its pod took: the item counts and
		// the primes together cannot be judged either.
		why := fmt.Sprintf("the other %d as the lesson says; %s", len(pods)-len(lost), strings.Join(lost, "; "))
		r.NotObservable("each pod log: one of the lesson's items, then exactly its primes", "yes", why)
		r.NotObservable("each item handled once", "1-1000, 1001-2000, 2001-3000, 3001-4000 once each", why)
		r.NotObservable("primes printed by the four pods together", fmt.Sprintf("%d, each once", lesson.BrokerPrimes), why)
		r.NotObservable(layoutFact, "all four", why)
	} else {
		r.Add(layoutFact, "all four", noneOr(layouts), len(layouts) == 0 && len(pods) > 0)
		r.Add("each pod log: one of the lesson's items, then exactly its primes", "yes", strings.Join(append([]string{fmt.Sprintf("%d problems", len(problems)+len(lost))}, append(problems, lost...)...), "; "), len(problems) == 0 && len(lost) == 0)
		brokerTotals(r, handled, all)
	}

	lab.Step("checking that the queue is empty at the end")
	if nodesErr != nil || len(nodes) == 0 {
		r.NotObservable("messages left in queue taskqueue", "0", "the nodes cannot be listed here, so the broker cannot be reached from outside")
	} else {
		left, err := framework.AMQPQueueDepth(ctx, nodes[0], int(port), "taskqueue")
		if err != nil && !framework.KubeletAnswers(ctx, nodes[0]) {
			r.NotObservable("messages left in queue taskqueue", "0", "no node's address is reachable from this host")
		} else {
			r.Add("messages left in queue taskqueue", "0", outcome(fmt.Sprint(left), err), err == nil && left == 0)
		}
	}
	lab.Verify()
}

// brokerTotals records which items the pods handled, and the primes they
// printed together, against the lesson.
func brokerTotals(r *lesson.Report, handled map[lesson.BrokerItem]int, all map[int]int) {
	var counts []string
	once := len(handled) == len(lesson.BrokerItems)
	for _, it := range lesson.BrokerItems {
		counts = append(counts, fmt.Sprintf("%s x%d", it, handled[it]))
		once = once && handled[it] == 1
	}
	r.Add("each item handled once", "1-1000, 1001-2000, 2001-3000, 3001-4000 once each", strings.Join(counts, ", "), once)
	dups := 0
	for _, c := range all {
		if c > 1 {
			dups++
		}
	}
	together := fmt.Sprintf("%d, each once", len(all))
	if dups > 0 {
		together = fmt.Sprintf("%d, %d of them more than once", len(all), dups)
	}
	r.Equal("primes printed by the four pods together", fmt.Sprintf("%d, each once", lesson.BrokerPrimes), together)
}

func sortedPaths(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
