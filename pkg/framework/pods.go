package framework

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/joblab/joblab/internal/docker"
)

// JobPods lists the pods of a Job, oldest first.
func JobPods(ctx context.Context, cs kubernetes.Interface, ns, job string) ([]corev1.Pod, error) {
	list, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + job})
	if err != nil {
		return nil, err
	}
	pods := list.Items
	sort.SliceStable(pods, func(i, j int) bool { return pods[i].CreationTimestamp.Before(&pods[j].CreationTimestamp) })
	return pods, nil
}

// PodLog returns a container's log. An empty log whose loss the
// container runtime itself recorded is a *LogLostError.
func PodLog(ctx context.Context, cs kubernetes.Interface, ns, pod, container string) (string, error) {
	raw, err := cs.CoreV1().Pods(ns).GetLogs(pod, &corev1.PodLogOptions{Container: container}).DoRaw(ctx)
	if err != nil {
		return "", fmt.Errorf("reading the log of %s/%s container %s: %w", ns, pod, container, err)
	}
	if len(raw) == 0 {
		if lost := runtimeLostOutput(ctx, cs, ns, pod, container); lost != nil {
			return "", lost
		}
	}
	return string(raw), nil
}

// LogLostError says that a container's log is empty because the container
// runtime lost its output, as the runtime's own log on the node shows:
// containerd 1.6 (Debian bookworm's, on joblab's nodes) can close a
// container's output pipe before reading it when the container ends
// within moments of a slow start on a busy node, and logs "Failed to pipe
// stdout of container ...: reading from a closed fifo". What the program
// printed cannot be observed then; a program that printed nothing leaves
// no such line.
type LogLostError struct {
	Pod, Container, Node string
	// Evidence is the runtime's line.
	Evidence string
}

// IsLogLost tells whether err is a *LogLostError.
func IsLogLost(err error) bool {
	var lost *LogLostError
	return errors.As(err, &lost)
}

func (e *LogLostError) Error() string {
	return fmt.Sprintf("pod %s container %s: its log was lost by the container runtime on node %s (%s)", e.Pod, e.Container, e.Node, e.Evidence)
}

// runtimeLostOutput looks, for a container of a kind node on this host,
// for containerd's record of losing its output; nil when there is none or
// the node cannot be read from here.
func runtimeLostOutput(ctx context.Context, cs kubernetes.Interface, ns, pod, container string) *LogLostError {
	p, err := cs.CoreV1().Pods(ns).Get(ctx, pod, metav1.GetOptions{})
	if err != nil {
		return nil
	}
	var id string
	for _, st := range p.Status.ContainerStatuses {
		if st.Name == container {
			id, _ = strings.CutPrefix(st.ContainerID, "containerd://")
		}
	}
	node := p.Spec.NodeName
	if id == "" || node == "" || docker.ContainerLabel(ctx, node, kindClusterLabel) == "" {
		return nil
	}
	out, err := docker.Run(ctx, "exec", node, "journalctl", "--unit", "containerd", "--no-pager", "--output", "cat", "--grep", id)
	if err != nil {
		return nil
	}
	if line := pipeLossLine(out, id); line != "" {
		return &LogLostError{Pod: pod, Container: container, Node: node, Evidence: line}
	}
	return nil
}

// pipeLossLine returns the line of containerd's log (journal) that records
// losing the output of container id, or "".
func pipeLossLine(journal, id string) string {
	for _, line := range strings.Split(journal, "\n") {
		if strings.Contains(line, "Failed to pipe std") && strings.Contains(line, id) {
			if i := strings.Index(line, "msg="); i >= 0 {
				line = line[i:]
			}
			return strings.TrimSpace(line)
		}
	}
	return ""
}
