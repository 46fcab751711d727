package specs

// The crashNode and restartNode steps of the lab folders, and the facts
// that read what a crash saw (replacedElsewhere, lostPodFate): the notes'
// (1) 4, a Job's pod lost with its node and started again on another.

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"

	"github.com/joblab/joblab/internal/labdef"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// nodeCrash is what a crashNode step saw.
type nodeCrash struct {
	// node is the node stopped; victim the Job's pod that ran there.
	node   string
	victim *corev1.Pod
	// stopped is when the node was stopped, noticed when the control
	// plane marked it NotReady.
	stopped, noticed time.Time
	// settings are the control plane's flags in force on a lost node;
	// boundWhy how long the replacement may take, in words.
	settings map[string]string
	bound    time.Duration
	boundWhy string
	// pods are the Job's pods once it reached its completion, the node
	// still down.
	pods []corev1.Pod
	// restarted: a restartNode step has started the node again.
	restarted bool
}

// crashNode crashes the node a running pod of job runs on, and waits until
// the control plane notices it lost and the Job reaches its completion
// elsewhere (SuccessCriteriaMet): the watch of step i, started with the
// lab, sees the Job and its pods from the start. Where no two workers can
// be stopped, every fact of the lab is not verified, with the reason, and
// the lab ends.
func (r *folderRun) crashNode(ctx context.Context, i int, job string) {
	lab, cs, ns := r.lab, r.in.Env.Client, r.lab.Namespace
	running, noticed, completion := labdef.CrashRows(job)
	lab.Step("looking for two workers this host can stop (kind nodes)")
	workers, why := framework.StoppableWorkers(ctx, cs)
	if len(workers) < 2 {
		why = "not applicable: " + why
		for _, f := range r.in.Lab.Facts {
			ref, documented := r.factRef(f)
			lab.Report.NotObservable(ref, documented, why)
		}
		lab.NotVerified("no node could be lost here: " + strings.TrimPrefix(why, "not applicable: "))
		lab.Verify()
		return
	}
	c := &nodeCrash{settings: framework.ControlPlaneFlags(ctx, cs, "kube-controller-manager", "node-monitor-grace-period")}
	for k, v := range framework.ControlPlaneFlags(ctx, cs, "kube-apiserver", "default-not-ready-toleration-seconds", "default-unreachable-toleration-seconds") {
		c.settings[k] = v
	}
	r.crash[job] = c
	lab.Step(fmt.Sprintf("settings in force: node-monitor-grace-period %s, default-unreachable-toleration-seconds %s, default-not-ready-toleration-seconds %s",
		c.settings["node-monitor-grace-period"], c.settings["default-unreachable-toleration-seconds"], c.settings["default-not-ready-toleration-seconds"]))

	victim, err := framework.WaitForFreshRunningPod(ctx, cs, ns, "batch.kubernetes.io/job-name="+job, nil, framework.Timeouts.PodStart)
	lab.Require(stepFact(running), "running", err)
	c.victim, c.node = victim, victim.Spec.NodeName
	// The bound follows the tolerations in force, read from the pod: a
	// stock cluster's 300 s is correct, only slower.
	c.bound, c.boundWhy = nodeLossBound(victim)
	lab.Step("the replacement may take up to " + c.bound.String() + ": " + c.boundWhy)

	lab.Step("stopping node " + c.node + " while pod " + victim.Name + " runs there (docker kill: the node crashes)")
	c.stopped = time.Now()
	// The node comes back whatever happens next: a lab that leaves a node
	// down breaks the cluster.
	DeferCleanup(func(ctx context.Context) {
		if !c.restarted {
			Expect(framework.StartNode(ctx, cs, c.node, framework.LabTimeouts.NodeBack)).To(Succeed(), "node %s must be Ready again", c.node)
		}
	}, NodeTimeout(framework.LabTimeouts.NodeBack+time.Minute))
	Expect(framework.StopNode(ctx, c.node)).To(Succeed())

	lab.Step("waiting until the control plane notices node " + c.node + " lost")
	c.noticed, err = framework.WaitForNodeNotReady(ctx, cs, c.node, c.bound)
	lab.GoOn(stepFact(noticed), "NotReady", err, true)

	lab.Step("waiting until the Job starts the pod again and the replacement succeeds")
	// The step's watch runs from the lab's start; it is given the bound
	// from the stop.
	timer := time.AfterFunc(time.Until(c.stopped.Add(c.bound)), r.stopWatch[i])
	jr, err := r.waits[i]()
	timer.Stop()
	if err != nil && ctx.Err() == nil && time.Now().After(c.stopped.Add(c.bound)) {
		err = fmt.Errorf("job %s not SuccessCriteriaMet within %s of node %s's stop (%s); last seen: %v", job, c.bound, c.node, c.boundWhy, err)
	}
	r.runs[job] = jr
	// While the lost pod stays Terminating on its dead node, the Job has
	// its completion (SuccessCriteriaMet) but is not Complete yet.
	lab.GoOn(stepFact(completion), "SuccessCriteriaMet", err, jr != nil && jr.Job != nil)
	c.pods, _, err = framework.JobPodsTable(ctx, cs, ns, job)
	Expect(err).NotTo(HaveOccurred())
}

// restartNode starts the node a crashNode step stopped, and waits until it
// is Ready.
func (r *folderRun) restartNode(ctx context.Context, job string) {
	c := r.crash[job]
	Expect(c).NotTo(BeNil(), "restartNode: no crashNode step of job %s ran (labdef.Parse lets none through)", job)
	r.lab.Step("starting node " + c.node + " again")
	back := time.Now()
	Expect(framework.StartNode(ctx, r.in.Env.Client, c.node, framework.LabTimeouts.NodeBack)).To(Succeed())
	c.restarted = true
	GinkgoWriter.Printf("node %s Ready again %s after docker start\n", c.node, time.Since(back).Round(time.Second))
}

// crashFact checks a fact of what a crashNode step saw.
func (r *folderRun) crashFact(f labdef.Fact, add func(string, bool)) {
	c := r.crash[f.Job()]
	if c == nil || c.victim == nil {
		add("no node was crashed", false)
		return
	}
	var lostPod, replacement *corev1.Pod
	for i := range c.pods {
		if c.pods[i].UID == c.victim.UID {
			lostPod = &c.pods[i]
		} else if replacement == nil {
			replacement = &c.pods[i]
		}
	}
	switch {
	case f.ReplacedElsewhere != nil:
		observed := "no replacement within " + c.bound.String() + " (" + c.boundWhy + ")"
		if replacement != nil {
			observed = fmt.Sprintf("%s (pod %s, created %s after %s stopped; the node was noticed lost after %s; node-monitor-grace-period %s, default-unreachable-toleration-seconds %s; %s)",
				orNone(replacement.Spec.NodeName), replacement.Name, replacement.CreationTimestamp.Sub(c.stopped).Round(time.Second), c.node,
				c.noticed.Sub(c.stopped).Round(time.Second), c.settings["node-monitor-grace-period"], c.settings["default-unreachable-toleration-seconds"], c.boundWhy)
		}
		add(observed, replacement != nil && replacement.Spec.NodeName != "" && replacement.Spec.NodeName != c.node)
	case f.LostPodFate != nil:
		add(podFate(lostPod))
	}
}

// factRef is a fact's row: its id, names and hint, and what the lesson
// says.
func (r *folderRun) factRef(f labdef.Fact) (lesson.FactRef, string) {
	hint := f.HintFor(r.lab.Namespace)
	return lesson.FactRef{ID: f.ID, Name: f.RowName(), Ja: f.JaName(), Hint: &lesson.Hint{En: hint.En, Ja: hint.Ja}}, f.ShownText()
}

// nodeLossBound is how long a Job may take from its pod running to its
// completion on another node, from the tolerations in force on the pod
// (the API server's defaults, or the pod's own): the node noticed lost
// (node-monitor-grace-period, 40 s by default: allowed
// LabTimeouts.NodeNoticed), the pod's toleration of an unreachable or
// not-ready node (300 s on a stock cluster, 15 s with joblab's kind
// configuration), then the replacement's start and 30 s run
// (LabTimeouts.NodeReplaced). why says so in words.
func nodeLossBound(p *corev1.Pod) (time.Duration, string) {
	tolerated := time.Duration(0)
	source := "no toleration of a lost node on the pod: evicted at once"
	for _, t := range p.Spec.Tolerations {
		if (t.Key == corev1.TaintNodeUnreachable || t.Key == corev1.TaintNodeNotReady) && t.Effect == corev1.TaintEffectNoExecute {
			if t.TolerationSeconds == nil {
				return framework.LabTimeouts.NodeLoss, fmt.Sprintf("the pod tolerates %s forever (no tolerationSeconds): the lab's own bound", t.Key)
			}
			if d := time.Duration(*t.TolerationSeconds) * time.Second; d > tolerated {
				tolerated = d
				source = fmt.Sprintf("the pod tolerates %s for %s", t.Key, d)
			}
		}
	}
	bound := framework.LabTimeouts.NodeNoticed + tolerated + framework.LabTimeouts.NodeReplaced
	return bound, fmt.Sprintf("%s, after the node is noticed lost (up to %s), then the replacement starts and runs (up to %s)", source, framework.LabTimeouts.NodeNoticed, framework.LabTimeouts.NodeReplaced)
}

// podFate says what became of the lost pod and whether the control plane
// took it off its node: deleted, or marked for deletion (it stays
// Terminating while its node cannot confirm), or marked Failed; never
// Succeeded.
func podFate(p *corev1.Pod) (string, bool) {
	if p == nil {
		return "deleted (gone from the API)", true
	}
	var parts []string
	if p.DeletionTimestamp != nil {
		parts = append(parts, "Terminating: marked for deletion")
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.DisruptionTarget && c.Status == corev1.ConditionTrue {
			parts = append(parts, fmt.Sprintf("%s (%s)", c.Reason, strings.TrimSpace(c.Message)))
		}
	}
	parts = append(parts, "phase "+string(p.Status.Phase))
	taken := p.Status.Phase != corev1.PodSucceeded && (p.DeletionTimestamp != nil || p.Status.Phase == corev1.PodFailed)
	return strings.Join(parts, "; "), taken
}

func orNone(s string) string {
	if s == "" {
		return "(not scheduled)"
	}
	return s
}
