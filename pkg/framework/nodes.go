package framework

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/joblab/joblab/internal/docker"
	"github.com/joblab/joblab/internal/kube"
)

// kindClusterLabel is the label kind puts on a node's container.
const kindClusterLabel = "io.x-k8s.kind.cluster"

// StoppableWorkers lists the nodes that run pods (no NoSchedule taint),
// are Ready, and are kind node containers of this host's Docker engine,
// which joblab can stop and start as a node crash and its return. When
// fewer than two are found, why says what is missing.
func StoppableWorkers(ctx context.Context, cs kubernetes.Interface) (workers []string, why string) {
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, "the nodes cannot be read here (" + firstLineOf(err.Error()) + ")"
	}
	var notKind, broken []string
	for i := range nodes.Items {
		n := &nodes.Items[i]
		if problem := nodeProblem(n); problem != "" {
			if !isControlPlane(n) {
				broken = append(broken, problem)
			}
			continue
		}
		if docker.ContainerLabel(ctx, n.Name, kindClusterLabel) == "" {
			notKind = append(notKind, n.Name)
			continue
		}
		workers = append(workers, n.Name)
	}
	switch {
	case len(workers) >= 2:
		return workers, ""
	case len(broken) > 0:
		// Not a small cluster: a broken one, named as such.
		return workers, fmt.Sprintf("%s, so %d worker(s) can take pods and a lost node's pod has no other node to go to", strings.Join(broken, "; "), len(workers))
	case len(notKind) > 0:
		return workers, fmt.Sprintf("nodes %s are not kind containers of this host's Docker engine: joblab cannot stop them", strings.Join(notKind, ", "))
	default:
		return workers, fmt.Sprintf("the cluster has %d Ready node(s) that run pods; a lost node's pod needs another node to go to (joblab up --nodes 3)", len(workers))
	}
}

// nodeProblem says why a node takes no pods, naming the fix: cordoned, a
// NoSchedule taint, or not Ready; "" when it takes pods.
func nodeProblem(n *corev1.Node) string {
	switch {
	case !kube.NodeReady(n):
		return fmt.Sprintf("node %s is NotReady (kubectl describe node %s)", n.Name, n.Name)
	case n.Spec.Unschedulable:
		return fmt.Sprintf("node %s is cordoned, SchedulingDisabled (kubectl uncordon %s)", n.Name, n.Name)
	case !kube.NodeRunsPods(n):
		for _, t := range n.Spec.Taints {
			if t.Effect == corev1.TaintEffectNoSchedule {
				return fmt.Sprintf("node %s has the taint %s=%s:NoSchedule (kubectl taint node %s %s-)", n.Name, t.Key, t.Value, n.Name, t.Key)
			}
		}
	}
	return ""
}

// isControlPlane tells whether a node is a control-plane node, which
// takes no pods by design.
func isControlPlane(n *corev1.Node) bool {
	_, ok := n.Labels["node-role.kubernetes.io/control-plane"]
	return ok
}

// StopNode crashes a kind node: its container is killed, every process in
// it at once, as when a machine loses power.
func StopNode(ctx context.Context, node string) error {
	if _, err := docker.Run(ctx, "container", "kill", node); err != nil {
		return fmt.Errorf("stopping node %s (docker kill): %w", node, err)
	}
	return nil
}

// StartNode starts a stopped kind node again and watches it until it is
// Ready; a running node is only waited for.
func StartNode(ctx context.Context, cs kubernetes.Interface, node string, timeout time.Duration) error {
	if docker.ContainerState(ctx, node) != "running" {
		if _, err := docker.Run(ctx, "container", "start", node); err != nil {
			return fmt.Errorf("starting node %s again (docker start): %w", node, err)
		}
	}
	sel := fields.OneTermEqualSelector("metadata.name", node).String()
	lw := kube.ListWatch(cs.CoreV1().Nodes().List, cs.CoreV1().Nodes().Watch, kube.ByFields(sel))
	if _, err := WatchUntil(ctx, lw, "node "+node+" to be Ready again", timeout, nil, func(_ watch.EventType, n *corev1.Node) (bool, error) {
		return kube.NodeReady(n), nil
	}, describeNode); err != nil {
		return err
	}
	return waitDaemonPodsReady(ctx, cs, node, timeout)
}

// waitDaemonPodsReady watches the pods of DaemonSets on a node (its pod
// network, kube-proxy) until each is Running and Ready: a node is back
// for the next lab only then.
func waitDaemonPodsReady(ctx context.Context, cs kubernetes.Interface, node string, timeout time.Duration) error {
	sel := fields.OneTermEqualSelector("spec.nodeName", node).String()
	lw := kube.ListWatch(cs.CoreV1().Pods("").List, cs.CoreV1().Pods("").Watch, kube.ByFields(sel))
	ready := map[string]bool{}
	allReady := func() bool {
		if len(ready) == 0 {
			return false
		}
		for _, r := range ready {
			if !r {
				return false
			}
		}
		return true
	}
	// The first list, whole: a ready pod seen first must not end the wait
	// before an unready one is seen.
	synced := func(store cache.Store) (bool, error) {
		for _, obj := range store.List() {
			if p, ok := obj.(*corev1.Pod); ok && ownedByDaemonSet(p) {
				ready[p.Namespace+"/"+p.Name] = p.Status.Phase == corev1.PodRunning && kube.PodReady(p)
			}
		}
		return allReady(), nil
	}
	_, err := WatchUntil(ctx, lw, "the DaemonSet pods of node "+node+" to be Ready", timeout, synced, func(t watch.EventType, p *corev1.Pod) (bool, error) {
		if !ownedByDaemonSet(p) {
			return false, nil
		}
		key := p.Namespace + "/" + p.Name
		if t == watch.Deleted {
			delete(ready, key)
		} else {
			ready[key] = p.Status.Phase == corev1.PodRunning && kube.PodReady(p)
		}
		return allReady(), nil
	}, DescribePod)
	return err
}

func ownedByDaemonSet(p *corev1.Pod) bool {
	for _, o := range p.OwnerReferences {
		if o.Kind == "DaemonSet" {
			return true
		}
	}
	return false
}

// WaitForNodeNotReady watches a node until the control plane no longer
// counts it Ready (NotReady or Unknown) and returns when that was seen.
func WaitForNodeNotReady(ctx context.Context, cs kubernetes.Interface, node string, timeout time.Duration) (time.Time, error) {
	sel := fields.OneTermEqualSelector("metadata.name", node).String()
	lw := kube.ListWatch(cs.CoreV1().Nodes().List, cs.CoreV1().Nodes().Watch, kube.ByFields(sel))
	_, err := WatchUntil(ctx, lw, "node "+node+" to be noticed lost (Ready not True)", timeout, nil, func(_ watch.EventType, n *corev1.Node) (bool, error) {
		return !kube.NodeReady(n), nil
	}, describeNode)
	return time.Now(), err
}

func describeNode(n *corev1.Node) string {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return fmt.Sprintf("node %s Ready=%s (%s)", n.Name, c.Status, c.Reason)
		}
	}
	return "node " + n.Name + " without a Ready condition"
}

// ControlPlaneFlags reads flags of the control plane's static pods in
// kube-system (component=name): the value of each flag asked for, "default"
// when the command does not set it. Unreadable (RBAC, a managed control
// plane), it says so.
func ControlPlaneFlags(ctx context.Context, cs kubernetes.Interface, component string, flags ...string) map[string]string {
	out := map[string]string{}
	pods, err := cs.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{LabelSelector: "component=" + component})
	for _, f := range flags {
		out[f] = "unknown (" + component + " cannot be read here)"
	}
	if err != nil || len(pods.Items) == 0 || len(pods.Items[0].Spec.Containers) == 0 {
		return out
	}
	c := pods.Items[0].Spec.Containers[0]
	for _, f := range flags {
		out[f] = "default"
		for _, arg := range append(append([]string{}, c.Command...), c.Args...) {
			if v, ok := strings.CutPrefix(arg, "--"+f+"="); ok {
				out[f] = v
			}
		}
	}
	return out
}
