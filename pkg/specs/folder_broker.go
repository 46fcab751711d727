package specs

// The broker lab's steps (waitAvailable, initiator) and its facts
// (broker: {of}): the lesson's 10.6-10.8, RabbitMQ as a work queue filled
// by the job initiator from outside the cluster.

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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/joblab/joblab/internal/grade"
	"github.com/joblab/joblab/internal/labdef"
	"github.com/joblab/joblab/labs/initiator"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/manifests"
	"github.com/joblab/joblab/pkg/framework"
)

// brokerRun is what the initiator step saw, and what the broker facts
// read once.
type brokerRun struct {
	// job is the Job the initiator created; image its worker image; found
	// how it reached the broker (its "broker found at" line).
	job, image, found string
	// nodes are the nodes' addresses (nodesErr: they cannot be read).
	nodes    []string
	nodesErr error
	// logs are the workers' logs, read once (logsRead).
	logsRead bool
	logs     workerLogs
}

// workerLogs is what the workers' logs show.
type workerLogs struct {
	pods                    int
	problems, lost, layouts []string
	handled                 map[lesson.BrokerItem]int
	all                     map[int]int
}

// waitNodePortFree waits, before a lesson manifest that claims the
// lesson's NodePort is applied, until no earlier lab's Service holds the
// port this student's copy gets (the class's own, else the lesson's).
func (r *folderRun) waitNodePortFree(ctx context.Context, file string) {
	data, err := r.in.Env.ReadManifest(file)
	if err != nil {
		return // the apply reports it
	}
	objs, err := manifests.Decode(data)
	if err != nil {
		return
	}
	for _, o := range objs {
		if svc, ok := o.(*corev1.Service); ok && slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.NodePort != 0 }) {
			port := r.in.Env.BrokerNodePort()
			r.lab.Step(fmt.Sprintf("waiting until no earlier lab's Service holds NodePort %d", port))
			Expect(framework.WaitForNodePortFree(ctx, r.in.Env.Client, port, framework.Timeouts.Namespace)).To(Succeed())
			return
		}
	}
}

// waitAvailable waits until a Deployment of the lab is Available.
func (r *folderRun) waitAvailable(ctx context.Context, w *labdef.WaitAvailable) {
	lab := r.lab
	lab.Step("waiting until deployment " + w.Deployment + " is available")
	lab.Require(stepFact(labdef.AvailableRow(w.Deployment)), "Available", framework.WaitForDeploymentAvailable(ctx, r.in.Env.Client, lab.Namespace, w.Deployment, lab.Within(w.Within)))
}

// initiator runs the lesson's job initiator from outside the cluster: it
// fills the queue and creates the Job, watched from the lab's start by
// the wait step that follows.
func (r *folderRun) initiator(ctx context.Context, job string) {
	lab, cs := r.lab, r.in.Env.Client
	lab.Step("running the job initiator from outside the cluster")
	var said bytes.Buffer
	b := &brokerRun{job: job, image: framework.LabImage(r.in.Env.Settings.ImageRepo, initiator.WorkerImage)}
	r.broker = b
	// RabbitMQ under the lesson's 100m CPU limit starts slowly beside a
	// class's other labs: the initiator waits for it as long as the lab
	// waits for the broker (scaled with the run's slowness).
	_, err := initiator.Run(ctx, initiator.Options{Kube: cs, RESTConfig: r.in.Env.Config, Namespace: lab.Namespace, JobName: job, Image: b.image,
		Out: io.MultiWriter(&said, GinkgoWriter), BrokerWait: lab.Within(framework.LabTimeouts.BrokerReady)})
	for _, line := range strings.Split(said.String(), "\n") {
		if s, ok := strings.CutPrefix(line, "broker found at "); ok {
			b.found = s
		}
	}
	b.nodes, b.nodesErr = framework.NodeAddresses(ctx, cs)
	lab.Require(stepFact(labdef.InitiatorRow(job)), "done", err)
}

// brokerFact checks a fact of the broker lab. Its row's name may carry the
// student's NodePort ({port}).
func (r *folderRun) brokerFact(ctx context.Context, f labdef.Fact, ref *lesson.FactRef, documented *string, add func(string, bool)) {
	lab, cs, ns := r.lab, r.in.Env.Client, r.lab.Namespace
	b := r.broker
	if b == nil {
		add("no initiator step ran", false)
		return
	}
	port := r.in.Env.BrokerNodePort()
	ports := strings.NewReplacer("{port}", fmt.Sprint(port))
	*documented = ports.Replace(*documented)
	if ref.Hint != nil {
		ref.Hint = &lesson.Hint{En: ports.Replace(ref.Hint.En), Ja: ports.Replace(ref.Hint.Ja)}
	}
	switch f.Broker.Of {
	case labdef.BrokerReached:
		// The lesson's initiator uses "the IP address of any node"; where
		// the nodes cannot be read (a namespace-only Role), a port-forward.
		if b.nodesErr != nil {
			*documented = "a port-forward (the nodes cannot be read here)"
			add(b.found, strings.Contains(b.found, "port-forward"))
			return
		}
		atNodePort := strings.Contains(b.found, fmt.Sprintf(":%d", port))
		if !atNodePort && !framework.KubeletAnswers(ctx, b.nodes[0]) {
			// No node's address answers from this host at all (a remote
			// cluster behind a firewall): the initiator could not go the
			// lesson's way, and that is not the student's doing.
			lab.Report.NotObservable(*ref, *documented, "no node's address is reachable from this host (not even its kubelet port); the initiator reached the broker by "+b.found)
			return
		}
		add(b.found, atNodePort)
	case labdef.BrokerNodePort:
		r.nodePortAnswers(ctx, f, ref, port, add)
	case labdef.BrokerJobAsLesson:
		job, err := cs.BatchV1().Jobs(ns).Get(ctx, b.job, metav1.GetOptions{})
		if err != nil {
			add(err.Error(), false)
			return
		}
		// The typed client leaves the kind out of what it read.
		job.APIVersion, job.Kind = "batch/v1", "Job"
		obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(job)
		Expect(err).NotTo(HaveOccurred())
		// In full, as the API server stores both: a field the lesson does
		// not give the Job (a TTL, a deadline) is a difference too.
		docs, err := lesson.Documents(lesson.PngenManifest(b.image))
		Expect(err).NotTo(HaveOccurred())
		diffs, err := grade.CompareWithStored(ctx, r.in.Env.Config, ns, docs[0].Obj, obj)
		if err != nil {
			lab.Report.NotObservable(*ref, *documented, err.Error())
			return
		}
		var other []string
		for _, d := range diffs {
			other = append(other, fmt.Sprintf("%s: the lesson says %s, the initiator's Job %s", d.Path, lesson.ShowValue(d.Lesson), lesson.ShowValue(d.Manifest)))
		}
		add(noneOr(other), len(diffs) == 0)
	case labdef.BrokerQueueLeft:
		if b.nodesErr != nil || len(b.nodes) == 0 {
			lab.Report.NotObservable(*ref, *documented, "the nodes cannot be listed here, so the broker cannot be reached from outside")
			return
		}
		left, err := framework.AMQPQueueDepth(ctx, b.nodes[0], int(port), "taskqueue")
		if err != nil && !framework.KubeletAnswers(ctx, b.nodes[0]) {
			lab.Report.NotObservable(*ref, *documented, "no node's address is reachable from this host")
			return
		}
		want, _ := f.DocumentedInt()
		add(outcome(fmt.Sprint(left), err), err == nil && left == want)
	default:
		r.workerFact(ctx, f, ref, *documented, add)
	}
}

// nodePortAnswers checks that RabbitMQ answers at every node's NodePort:
// from outside the cluster, or, where the nodes cannot be read, from a pod
// of the lab at the nodes the namespace's pods ran on.
func (r *folderRun) nodePortAnswers(ctx context.Context, f labdef.Fact, ref *lesson.FactRef, port int32, add func(string, bool)) {
	lab, cs, ns, b := r.lab, r.in.Env.Client, r.lab.Namespace, r.broker
	if b.nodesErr != nil {
		lab.Step(fmt.Sprintf("probing NodePort %d from a pod of the lab (the nodes cannot be read here): at each node the namespace's pods ran on", port))
		ref.Name = fmt.Sprintf("RabbitMQ answers at <node IP>:%d (from a pod: the nodes cannot be read here)", port)
		ref.Ja = fmt.Sprintf("<ノードIP>:%d の RabbitMQ に接続できる(ポッドから: ここではノードを読めない)", port)
		hosts, err := framework.PodHosts(ctx, cs, ns, framework.OwnedBy(lab.Report.Lab))
		Expect(err).NotTo(HaveOccurred())
		answered, err := framework.ProbeAMQPFromPod(ctx, cs, ns, lab.Report.Lab, hosts, port, lab.Within(framework.Timeouts.PodStart+time.Minute))
		if err != nil || len(hosts) == 0 {
			// The lab exists for a work queue reached at the lesson's
			// NodePort: with no way to reach it, it is not verified.
			why := fmt.Sprintf("the NodePort could not be reached in any way: the nodes cannot be listed (%s), and the probe from a pod gave no answer (%v; node addresses known: %d)", b.nodesErr, err, len(hosts))
			lab.Report.NotObservable(*ref, "every node", why)
			lab.NotVerified(why)
			return
		}
		var all, yes []string
		for h, ok := range answered {
			all = append(all, h)
			if ok {
				yes = append(yes, h)
			}
		}
		sort.Strings(all)
		sort.Strings(yes)
		add(fmt.Sprintf("%d of %d nodes (%s)", len(yes), len(all), strings.Join(yes, ", ")), len(yes) == len(all))
		return
	}
	lab.Step(fmt.Sprintf("checking that NodePort %d answers on every node, from outside the cluster", port))
	ref.Name = fmt.Sprintf("RabbitMQ answers at <node IP>:%d from outside the cluster", port)
	ref.Ja = fmt.Sprintf("クラスタの外から <ノードIP>:%d の RabbitMQ に接続できる", port)
	var answered, reachable []string
	for _, addr := range b.nodes {
		if framework.AMQPAnswers(ctx, addr, int(port)) {
			answered = append(answered, addr)
		}
		if framework.KubeletAnswers(ctx, addr) {
			reachable = append(reachable, addr)
		}
	}
	if len(reachable) == 0 && len(answered) == 0 {
		lab.Report.NotObservable(*ref, "every node", "no node's address is reachable from this host (not even its kubelet port); the initiator used a port-forward")
		return
	}
	add(fmt.Sprintf("%d of %d nodes", len(answered), len(b.nodes)), len(answered) == len(b.nodes))
}

// readWorkerLogs reads every worker's log once: the item it took, the
// primes it printed, their layout.
func (r *folderRun) readWorkerLogs(ctx context.Context) workerLogs {
	b := r.broker
	if b.logsRead {
		return b.logs
	}
	b.logsRead = true
	w := workerLogs{handled: map[lesson.BrokerItem]int{}, all: map[int]int{}}
	pods, err := framework.JobPods(ctx, r.in.Env.Client, r.lab.Namespace, b.job)
	Expect(err).NotTo(HaveOccurred())
	w.pods = len(pods)
	for i := range pods {
		p := &pods[i]
		log, err := r.podLog(ctx, p.Name, p.Spec.Containers[0].Name)
		if framework.IsLogLost(err) {
			w.lost = append(w.lost, err.Error())
			continue
		}
		if err != nil {
			w.problems = append(w.problems, fmt.Sprintf("%s: no log (%v)", p.Name, err))
			continue
		}
		item, got, perr := lesson.ParseWorkerLog(log)
		if perr != nil {
			w.problems = append(w.problems, fmt.Sprintf("%s: %v", p.Name, perr))
			continue
		}
		for _, n := range got {
			w.all[n]++
		}
		if !slices.Contains(lesson.BrokerItems, item) {
			w.problems = append(w.problems, fmt.Sprintf("%s: printed item %s, not one of the lesson's", p.Name, item))
			continue
		}
		w.handled[item]++
		// The primes of the lesson's item, by the checker's own arithmetic.
		want := lesson.PrimesBetween(item.Start, item.End)
		if !equalInts(got, want) {
			w.problems = append(w.problems, fmt.Sprintf("%s: item %s: %s", p.Name, item, differences(want, got)))
		}
		// The primes as the notes print an array: numpy's layout, by the
		// checker's own formatter (checked against the notes' example).
		if _, rest, _ := strings.Cut(log, "\n"); rest != lesson.NumpyText(want) {
			w.layouts = append(w.layouts, fmt.Sprintf("%s: item %s: %s", p.Name, item, firstDifferentLine(lesson.NumpyText(want), rest)))
		}
	}
	b.logs = w
	return w
}

// workerFact checks a fact of the workers' logs. A lost log hides which
// item its pod took: the items and the primes together cannot be judged
// then, nor the layout.
func (r *folderRun) workerFact(ctx context.Context, f labdef.Fact, ref *lesson.FactRef, documented string, add func(string, bool)) {
	w := r.readWorkerLogs(ctx)
	if len(w.lost) > 0 && len(w.problems) == 0 {
		r.lab.Report.NotObservable(*ref, documented, fmt.Sprintf("the other %d as the lesson says; %s", w.pods-len(w.lost), strings.Join(w.lost, "; ")))
		return
	}
	switch f.Broker.Of {
	case labdef.BrokerLayout:
		add(noneOr(w.layouts), len(w.layouts) == 0 && w.pods > 0)
	case labdef.BrokerItems:
		add(strings.Join(append([]string{fmt.Sprintf("%d problems", len(w.problems)+len(w.lost))}, append(w.problems, w.lost...)...), "; "), len(w.problems) == 0 && len(w.lost) == 0)
	case labdef.BrokerOnce:
		var counts []string
		once := len(w.handled) == len(lesson.BrokerItems)
		for _, it := range lesson.BrokerItems {
			counts = append(counts, fmt.Sprintf("%s x%d", it, w.handled[it]))
			once = once && w.handled[it] == 1
		}
		add(strings.Join(counts, ", "), once)
	case labdef.BrokerPrimes:
		dups := 0
		for _, c := range w.all {
			if c > 1 {
				dups++
			}
		}
		together := fmt.Sprintf("%d, each once", len(w.all))
		if dups > 0 {
			together = fmt.Sprintf("%d, %d of them more than once", len(w.all), dups)
		}
		// The documented count agrees with the checker's own over the
		// lesson's items.
		want, _ := f.DocumentedInt()
		mine := 0
		for _, it := range lesson.BrokerItems {
			mine += len(lesson.PrimesBetween(it.Start, it.End))
		}
		add(together, want == mine && len(w.all) == want && dups == 0)
	}
}
