package framework

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// NodeAddresses lists the InternalIP of every node: where a NodePort
// answers from outside the cluster, "the IP address of any node" in the
// lesson's words. It fails where RBAC forbids listing nodes.
func NodeAddresses(ctx context.Context, cs kubernetes.Interface) ([]string, error) {
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range nodes.Items {
		for _, a := range n.Status.Addresses {
			if a.Type == corev1.NodeInternalIP {
				out = append(out, a.Address)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no node has an InternalIP")
	}
	return out, nil
}

// amqpDial opens an AMQP connection as the lesson's initiator does
// (guest/guest), with a bounded handshake. This is the checker's own
// client: it shares no code with the lab programs.
func amqpDial(ctx context.Context, host string, port int) (*amqp.Connection, error) {
	url := fmt.Sprintf("amqp://guest:guest@%s/", net.JoinHostPort(host, strconv.Itoa(port)))
	d := net.Dialer{Timeout: 5 * time.Second}
	return amqp.DialConfig(url, amqp.Config{
		Dial: func(network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return c, c.SetDeadline(time.Now().Add(10 * time.Second))
		},
	})
}

// AMQPAnswers tells whether RabbitMQ accepts guest/guest at host:port,
// trying up to amqpTries times, amqpRetry apart: RabbitMQ runs under the
// lesson's 100m CPU limit, and one handshake can miss its 10 s on a busy
// cluster.
func AMQPAnswers(ctx context.Context, host string, port int) bool {
	for try := 1; ; try++ {
		conn, err := amqpDial(ctx, host, port)
		if err == nil {
			_ = conn.Close()
			return true
		}
		if try == amqpTries {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(amqpRetry):
		}
	}
}

const (
	amqpTries = 3
	amqpRetry = 5 * time.Second
)

// AMQPQueueDepth returns how many messages wait in a queue, declared
// passively (a missing queue is an error, never created here).
func AMQPQueueDepth(ctx context.Context, host string, port int, queue string) (int, error) {
	conn, err := amqpDial(ctx, host, port)
	if err != nil {
		return -1, fmt.Errorf("connecting to RabbitMQ at %s:%d: %w", host, port, err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return -1, err
	}
	defer ch.Close()
	q, err := ch.QueueDeclarePassive(queue, false, false, false, false, nil)
	if err != nil {
		return -1, fmt.Errorf("queue %s: %w", queue, err)
	}
	return q.Messages, nil
}

// WaitForNodePortFree waits until no Service of the cluster holds
// nodePort, so that a broker lab never fails on "provided port is already
// allocated" because an earlier lab's namespace is still terminating. A
// Service that keeps the port (a kept namespace) ends the wait with its
// name. Without the right to list Services cluster-wide there is nothing
// to wait on: it returns nil and the apply says what it says.
func WaitForNodePortFree(ctx context.Context, cs kubernetes.Interface, nodePort int32, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	holder := ""
	for {
		list, err := cs.CoreV1().Services("").List(ctx, metav1.ListOptions{})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			return nil
		}
		holder = ""
		for _, svc := range list.Items {
			for _, p := range svc.Spec.Ports {
				if p.NodePort == nodePort {
					holder = svc.Namespace + "/" + svc.Name
				}
			}
		}
		if holder == "" {
			return nil
		}
		w, err := cs.CoreV1().Services("").Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
		if err != nil {
			break
		}
		for ev := range w.ResultChan() {
			if svc, ok := ev.Object.(*corev1.Service); ok && ev.Type == "DELETED" && svc.Namespace+"/"+svc.Name == holder {
				break
			}
		}
		w.Stop()
		if ctx.Err() != nil {
			break
		}
	}
	return &WaitError{What: fmt.Sprintf("NodePort %d to be free for the broker lab", nodePort), Reason: fmt.Sprintf("not within %s", timeout),
		LastSeen: fmt.Sprintf("Service %s still holds it (a namespace kept with %s, or still terminating): delete that Service or its namespace", holder, KeepEnv)}
}

// KubeletAnswers tells whether a node's kubelet port (10250) accepts a
// TCP connection from this host: whether the node's address is reachable
// from here at all, so that a NodePort that does not answer is the
// Service's doing, not the network's.
func KubeletAnswers(ctx context.Context, host string) bool {
	d := net.Dialer{Timeout: 3 * time.Second}
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, "10250"))
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// ProbeJob is the one-pod Job the broker lab runs to reach a NodePort
// from inside the cluster where the nodes cannot be read.
const ProbeJob = "nodeport-probe"

// amqpProbeScript opens each of $HOSTS at $PORT, sends AMQP 0-9-1's
// protocol header, and prints the host and the first three bytes of the
// answer in hex: RabbitMQ answers with a Connection.Start frame, which
// begins 01 00 00 (frame type 1, channel 0). stdin stays open 3 s so that
// busybox nc reads the answer before it ends.
const amqpProbeScript = `for ip in $(echo $HOST_IP $HOSTS | tr ' ' '\n' | sort -u); do
  got=$( (printf 'AMQP\000\000\011\001'; sleep 3) | timeout 10 nc -w 5 "$ip" "$PORT" | od -An -tx1 -N3 | tr -d ' \n')
  echo "$ip ${got:-none}"
done`

// ProbeAMQPFromPod runs ProbeJob (busybox, labelled as the lab's) in
// namespace ns and returns, for each host, whether RabbitMQ answered at
// host:port from inside the cluster. It is how the broker lab reaches the
// lesson's NodePort under a Role that cannot read the nodes: the hosts are
// the nodes the namespace's pods ran on (their status.hostIP) and those the
// probe's own two pods run on (spread over the nodes where they can be).
func ProbeAMQPFromPod(ctx context.Context, cs kubernetes.Interface, ns, lab string, hosts []string, port int32, timeout time.Duration) (map[string]bool, error) {
	labels := LabLabels(lab)
	podLabels := LabLabels(lab)
	podLabels["joblab.io/probe"] = ProbeJob
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: ProbeJob, Labels: labels},
		Spec: batchv1.JobSpec{
			BackoffLimit: ptr.To[int32](0),
			Completions:  ptr.To[int32](2),
			Parallelism:  ptr.To[int32](2),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					Affinity: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
						PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 100, PodAffinityTerm: corev1.PodAffinityTerm{
							LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"joblab.io/probe": ProbeJob}},
							TopologyKey:   "kubernetes.io/hostname",
						}}},
					}},
					Containers: []corev1.Container{{
						Name: "probe", Image: "busybox:latest",
						Command: []string{"sh", "-c", amqpProbeScript},
						Env: []corev1.EnvVar{
							{Name: "HOSTS", Value: strings.Join(hosts, " ")},
							{Name: "PORT", Value: fmt.Sprint(port)},
							{Name: "HOST_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.hostIP"}}},
						},
					}},
				},
			},
		},
	}
	if _, err := cs.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
		return nil, fmt.Errorf("creating Job %s to probe the NodePort from a pod: %w", ProbeJob, err)
	}
	defer func() {
		_ = cs.BatchV1().Jobs(ns).Delete(context.WithoutCancel(ctx), ProbeJob, metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationBackground)})
	}()
	if _, err := WatchJob(ctx, cs, ns, ProbeJob, JobComplete, timeout); err != nil {
		return nil, err
	}
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + ProbeJob})
	if err != nil || len(pods.Items) == 0 {
		return nil, fmt.Errorf("the probe's pods of Job %s: %v (%d pods)", ProbeJob, err, len(pods.Items))
	}
	all := slices.Clone(hosts)
	var logs []string
	for _, p := range pods.Items {
		if p.Status.HostIP != "" && !slices.Contains(all, p.Status.HostIP) {
			all = append(all, p.Status.HostIP)
		}
		log, err := PodLog(ctx, cs, ns, p.Name, "probe")
		if err != nil {
			return nil, err
		}
		logs = append(logs, log)
	}
	sort.Strings(all)
	return parseProbe(strings.Join(logs, "\n"), all), nil
}

// parseProbe reads the probe pods' lines "<host> <hex>": a host answered
// when every answer from it began as a Connection.Start frame does; a host
// no pod reported on did not answer.
func parseProbe(log string, hosts []string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]bool{}
	for _, h := range hosts {
		out[h] = true
	}
	for _, line := range strings.Split(log, "\n") {
		host, hex, ok := strings.Cut(strings.TrimSpace(line), " ")
		if _, known := out[host]; ok && known {
			seen[host] = true
			out[host] = out[host] && hex == "010000"
		}
	}
	for _, h := range hosts {
		out[h] = out[h] && seen[h]
	}
	return out
}

// PodHosts lists the distinct node addresses (status.hostIP) of the pods
// of selector in a namespace: the nodes a namespace-only identity can name.
func PodHosts(ctx context.Context, cs kubernetes.Interface, ns, selector string) ([]string, error) {
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	var hosts []string
	for _, p := range pods.Items {
		if p.Status.HostIP != "" && !slices.Contains(hosts, p.Status.HostIP) {
			hosts = append(hosts, p.Status.HostIP)
		}
	}
	sort.Strings(hosts)
	return hosts, nil
}
