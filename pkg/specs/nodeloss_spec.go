package specs

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/pkg/framework"
)

// NodeLossInput is the input of NodeLossSpec.
type NodeLossInput struct {
	Env *framework.Env
	Lab string
}

// nodeLossJob is the Job the node-loss spec runs: one pod that runs long
// enough (30 s) to be running when its node is stopped.
const nodeLossJob = "node-loss"

// The facts of the node-loss spec, as the report names them.
const (
	factReplacedElsewhere = "the lost pod is started again on another node"
	factLostPodFate       = "the lost pod's fate"
	factNodeLossPods      = "pods created: the lost one and its replacement"
	factNodeLossStatuses  = "describe: Pods Statuses (the Job controller's record)"
)

// NodeLossSpec is point 4 of the notes' (1): "if a Job's pod is lost while
// running, e.g. because its node fails, the Job starts the pod again on
// another node". A worker that runs the Job's pod is crashed (its kind
// container killed); the control plane notices the node lost, takes the
// pod off it, and the Job controller starts a replacement on the other
// worker, which completes the Job. The node is started again before the
// spec ends. It runs alone on its cluster: a stopped node would disturb
// any other lab's pods. Where no two workers can be stopped from this host
// (one node, a cluster that is not kind, nodes that cannot be read), every
// fact is reported as not observable, with the reason.
func NodeLossSpec(ctx context.Context, in NodeLossInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("looking for two workers this host can stop (kind nodes)")
	workers, why := framework.StoppableWorkers(ctx, cs)
	if len(workers) < 2 {
		r.NotObservable(factReplacedElsewhere, "another node", "not applicable: "+why)
		r.NotObservable(factLostPodFate, "taken off the lost node, not Succeeded", "not applicable: "+why)
		r.NotObservable(factNodeLossPods, "2", "not applicable: "+why)
		lab.NotVerified("no node could be lost here: " + why)
		lab.Verify()
		return
	}
	settings := framework.ControlPlaneFlags(ctx, cs, "kube-controller-manager", "node-monitor-grace-period")
	for k, v := range framework.ControlPlaneFlags(ctx, cs, "kube-apiserver", "default-not-ready-toleration-seconds", "default-unreachable-toleration-seconds") {
		settings[k] = v
	}
	lab.Step(fmt.Sprintf("settings in force: node-monitor-grace-period %s, default-unreachable-toleration-seconds %s, default-not-ready-toleration-seconds %s",
		settings["node-monitor-grace-period"], settings["default-unreachable-toleration-seconds"], settings["default-not-ready-toleration-seconds"]))

	lab.Step("creating Job " + nodeLossJob + ": one busybox pod that runs 30 s")
	labels := map[string]string{framework.OwnerLabelKey: framework.OwnerLabelValue, framework.LabLabelKey: framework.LabLabelValue(lab.Report.Lab)}
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: nodeLossJob, Labels: labels},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: labels},
			Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever,
				Containers: []corev1.Container{{
					Name: "busybox", Image: "busybox:latest",
					Command: []string{"sh", "-c", "sleep 30; exit 0"},
				}},
			},
		}},
	}
	_, err := cs.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred())
	victim, err := framework.WaitForFreshRunningPod(ctx, cs, ns, "batch.kubernetes.io/job-name="+nodeLossJob, nil, framework.Timeouts.PodStart)
	lab.Require("the Job's pod runs on a worker", "running", err)
	lost := victim.Spec.NodeName
	// The bound follows the tolerations in force, read from the pod: a
	// stock cluster's 300 s is correct, only slower.
	bound, boundWhy := nodeLossBound(victim)
	lab.Step("the replacement may take up to " + bound.String() + ": " + boundWhy)
	// The Job and its pods are watched from before the loss.
	waitJob := framework.WatchJobInBackground(ctx, cs, ns, nodeLossJob, framework.JobSuccessCriteriaMet, bound)

	lab.Step("stopping node " + lost + " while pod " + victim.Name + " runs there (docker kill: the node crashes)")
	stopped := time.Now()
	// The node comes back whatever happens next: a spec that leaves a
	// node down breaks the cluster.
	DeferCleanup(func(ctx context.Context) {
		Expect(framework.StartNode(ctx, cs, lost, framework.LabTimeouts.NodeBack)).To(Succeed(), "node %s must be Ready again", lost)
	}, NodeTimeout(framework.LabTimeouts.NodeBack+time.Minute))
	Expect(framework.StopNode(ctx, lost)).To(Succeed())

	lab.Step("waiting until the control plane notices node " + lost + " lost")
	noticed, err := framework.WaitForNodeNotReady(ctx, cs, lost, bound)
	lab.GoOn("the stopped node noticed lost (NotReady)", "NotReady", err, true)

	lab.Step("waiting until the Job starts the pod again and the replacement succeeds")
	run, err := waitJob()
	// While the lost pod stays Terminating on its dead node, the Job has
	// its completion (SuccessCriteriaMet) but is not Complete yet.
	lab.GoOn("the Job reaches its completion while the node is down (SuccessCriteriaMet)", "SuccessCriteriaMet", err, run != nil && run.Job != nil)
	pods, _, err := framework.JobPodsTable(ctx, cs, ns, nodeLossJob)
	Expect(err).NotTo(HaveOccurred())
	var lostPod, replacement *corev1.Pod
	for i := range pods {
		if pods[i].UID == victim.UID {
			lostPod = &pods[i]
		} else if replacement == nil {
			replacement = &pods[i]
		}
	}
	observed := "no replacement within " + bound.String() + " (" + boundWhy + ")"
	if replacement != nil {
		observed = fmt.Sprintf("%s (pod %s, created %s after %s stopped; the node was noticed lost after %s; node-monitor-grace-period %s, default-unreachable-toleration-seconds %s; %s)",
			orNone(replacement.Spec.NodeName), replacement.Name, replacement.CreationTimestamp.Sub(stopped).Round(time.Second), lost,
			noticed.Sub(stopped).Round(time.Second), settings["node-monitor-grace-period"], settings["default-unreachable-toleration-seconds"], boundWhy)
	}
	r.Add(factReplacedElsewhere, "a node other than "+lost, observed, replacement != nil && replacement.Spec.NodeName != "" && replacement.Spec.NodeName != lost)
	r.Equal(factNodeLossPods, 2, len(pods))
	fate, taken := podFate(lostPod)
	r.Add(factLostPodFate, "taken off the lost node by the control plane, not Succeeded", fate, taken)

	lab.Step("starting node " + lost + " again, and waiting until the Job is Complete (its lost pod removed)")
	back := time.Now()
	Expect(framework.StartNode(ctx, cs, lost, framework.LabTimeouts.NodeBack)).To(Succeed())
	GinkgoWriter.Printf("node %s Ready again %s after docker start\n", lost, time.Since(back).Round(time.Second))
	done, err := framework.WatchJob(ctx, cs, ns, nodeLossJob, framework.JobComplete, lab.Within(framework.LabTimeouts.NodeBack))
	lab.GoOn("the job ends Complete", "Complete", err, done != nil && done.Job != nil)
	r.Equal(factNodeLossStatuses, "0 Running / 1 Succeeded / 1 Failed", podsStatuses(done.Job))
	lab.Verify()
}

// nodeLossBound is how long the node-loss Job may take from its pod
// running to its completion on another node, from the tolerations in force
// on the pod (the API server's defaults, or the pod's own): the node
// noticed lost (node-monitor-grace-period, 40 s by default: allowed
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
