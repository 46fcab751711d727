package initiator

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/joblab/joblab/labs/queue"
)

// closedAddr returns a local address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func nodePortService(ns string, nodePort int32) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "taskqueue", Namespace: ns},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeNodePort,
			Selector: map[string]string{"app": "taskqueue"},
			Ports:    []corev1.ServicePort{{Port: 5672, TargetPort: intstr.FromInt32(5672), NodePort: nodePort}},
		},
	}
}

func node(name string, addrs ...corev1.NodeAddress) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.NodeStatus{Addresses: addrs}}
}

func TestRunJobExistsPublishesNothing(t *testing.T) {
	existing := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "pngen", Namespace: "lab"}}
	kube := fake.NewClientset(existing)
	var out bytes.Buffer
	// an unreachable broker: reaching it would fail with a dial error
	_, err := Run(context.Background(), Options{Kube: kube, Namespace: "lab", BrokerURL: "amqp://guest:guest@" + closedAddr(t) + "/", Out: &out})
	if !errors.Is(err, ErrJobExists) {
		t.Fatalf("error %v, want ErrJobExists (and no dial)", err)
	}
	for _, want := range []string{"job pngen already exists in namespace lab", "nothing was published", "kubectl delete job pngen -n lab"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	for _, a := range kube.Actions() {
		if a.GetVerb() != "get" || a.GetResource().Resource != "jobs" {
			t.Errorf("unexpected API call %s %s after finding the job", a.GetVerb(), a.GetResource().Resource)
		}
	}
	if out.Len() != 0 {
		t.Errorf("printed %q, want nothing", out.String())
	}
}

func TestRunServiceMissing(t *testing.T) {
	_, err := Run(context.Background(), Options{Kube: fake.NewClientset()})
	if err == nil || !strings.Contains(err.Error(), "service taskqueue not found in namespace default") || !strings.Contains(err.Error(), "kubectl apply -f taskQueue-deploy.yaml") {
		t.Fatalf("error %v, want it to say the service is missing and how to deploy it", err)
	}
}

func TestRunRejectsBadItems(t *testing.T) {
	_, err := Run(context.Background(), Options{Kube: fake.NewClientset(), Items: []queue.Item{{Start: 10, End: 5}}})
	if err == nil || !strings.Contains(err.Error(), "item 10..5 cannot be published") {
		t.Fatalf("error %v, want it to name the bad item", err)
	}
}

func TestRunNeedsAClient(t *testing.T) {
	if _, err := Run(context.Background(), Options{}); err == nil || !strings.Contains(err.Error(), "Options.Kube") {
		t.Fatalf("error %v, want it to ask for Options.Kube", err)
	}
}

func TestFindBrokerThroughNodePort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := int32(l.Addr().(*net.TCPAddr).Port)
	kube := fake.NewClientset(
		nodePortService("default", port),
		node("n1", corev1.NodeAddress{Type: corev1.NodeHostName, Address: "n1"}),
		// InternalIP first, unreachable (RFC 6666 discard prefix); then ExternalIP, which answers
		node("n2", corev1.NodeAddress{Type: corev1.NodeExternalIP, Address: "127.0.0.1"}, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: unreachableIP}),
	)
	b, err := findBroker(context.Background(), Options{Kube: kube}.withDefaults())
	if err != nil {
		t.Fatalf("findBroker: %v", err)
	}
	defer b.Close()
	if want := l.Addr().String(); b.Addr != want || b.How != "NodePort on node n2" {
		t.Errorf("found %s (%s), want %s (NodePort on node n2)", b.Addr, b.How, want)
	}
}

// unreachableIP is in the IPv6 discard-only prefix (RFC 6666): no host
// routes it, so a dial finds no route (or times out) instead of being
// refused. (TEST-NET addresses do not do: some sandboxes route them.)
const unreachableIP = "100::1"

func TestFindBrokerTakesARefusingNode(t *testing.T) {
	// A refused connection comes from a reachable node whose broker is
	// still starting: the NodePort is used, and Publish waits for it.
	addr := closedAddr(t)
	_, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	kube := fake.NewClientset(nodePortService("default", int32(port)), node("n1", corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}))
	b, err := findBroker(context.Background(), Options{Kube: kube}.withDefaults())
	if err != nil {
		t.Fatalf("findBroker: %v", err)
	}
	if b.Addr != addr || b.How != "NodePort on node n1" {
		t.Errorf("found %s (%s), want %s through the NodePort", b.Addr, b.How, addr)
	}
}

func TestFindBrokerWithoutNodePortNorRESTConfig(t *testing.T) {
	portText := "31672"
	kube := fake.NewClientset(nodePortService("default", 31672), node("n1", corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: unreachableIP}))
	var out bytes.Buffer
	_, err := findBroker(context.Background(), Options{Kube: kube, Out: &out}.withDefaults())
	if err == nil || !strings.Contains(err.Error(), "no REST config for a port-forward") || !strings.Contains(err.Error(), "--broker-url") {
		t.Fatalf("error %v, want it to say a port-forward needs a REST config, or --broker-url", err)
	}
	if !strings.Contains(out.String(), "no node address can be reached on NodePort") || !strings.Contains(out.String(), net.JoinHostPort(unreachableIP, portText)) {
		t.Errorf("printed %q, want the node addresses it tried", out.String())
	}
}

func TestReadyPod(t *testing.T) {
	ready := []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	now := metav1.Now()
	pods := []corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Name: "pending"}, Status: corev1.PodStatus{Phase: corev1.PodPending}},
		{ObjectMeta: metav1.ObjectMeta{Name: "not-ready"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}},
		{ObjectMeta: metav1.ObjectMeta{Name: "leaving", DeletionTimestamp: &now}, Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: ready}},
		{ObjectMeta: metav1.ObjectMeta{Name: "good"}, Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: ready}},
	}
	if p := readyPod(pods); p == nil || p.Name != "good" {
		t.Errorf("readyPod = %v, want the pod named good", p)
	}
	if p := readyPod(pods[:3]); p != nil {
		t.Errorf("readyPod = %s, want none", p.Name)
	}
}

func TestContainerPort(t *testing.T) {
	pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Ports: []corev1.ContainerPort{{Name: "amqp", ContainerPort: 5673}}}}}}
	tests := []struct {
		target intstr.IntOrString
		want   int
	}{
		{intstr.FromInt32(5672), 5672},
		{intstr.FromString("amqp"), 5673},
		{intstr.FromString("other"), 5672},
		{intstr.IntOrString{}, 5672},
	}
	for _, tt := range tests {
		if got := containerPort(pod, tt.target, 5672); got != tt.want {
			t.Errorf("containerPort(%v) = %d, want %d", tt.target.String(), got, tt.want)
		}
	}
}

func TestSaysListening(t *testing.T) {
	for line, want := range map[string]bool{
		// RabbitMQ 3.10 (Debian bookworm), as it logs to stdout.
		"2026-11-30 14:41:46.953947+00:00 [info] <0.468.0> started TCP listener on [::]:5672":          true,
		"2026-11-30 14:41:46.951960+00:00 [info] <0.450.0> Ready to start client connection listeners": false,
		"2026-11-30 14:41:46.951960+00:00 [info] <0.450.0> started TLS listener on [::]:5671":          false,
		"started TCP listener on [::]:56720":                                                           false,
		"Listening on :5672 for the queue":                                                             false,
	} {
		if got := saysListening(line, ":5672"); got != want {
			t.Errorf("saysListening(%q) = %v, want %v", line, got, want)
		}
	}
}

func TestContainerServing(t *testing.T) {
	pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{
		{Name: "sidecar"},
		{Name: "rabbitmq", Ports: []corev1.ContainerPort{{ContainerPort: 15672}, {ContainerPort: 5672}}},
	}}}
	if got := containerServing(pod, 5672); got != "rabbitmq" {
		t.Errorf("containerServing(5672) = %q, want rabbitmq", got)
	}
	if got := containerServing(pod, 1234); got != "sidecar" {
		t.Errorf("containerServing(1234) = %q, want the first container, sidecar", got)
	}
}

// TestFailedForwardClosesOnce: a port-forward the broker never answered
// through is closed where the wait gives up, and again by Run's deferred
// Close; the second must not close its stop channel again (a panic that
// once turned "RabbitMQ did not answer" into a crashed lab).
func TestFailedForwardClosesOnce(t *testing.T) {
	stop := make(chan struct{})
	closes := 0
	b := &broker{Addr: closedAddr(t), How: "a port-forward", close: func() { closes++; close(stop) }}
	b.reopen = func() (*broker, error) { return nil, errors.New("no second forward in this test") }
	var out bytes.Buffer
	got, err := waitThroughForward(context.Background(), b, &out, time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not answer through a port-forward within 1ms") {
		t.Fatalf("err %v", err)
	}
	got.Close() // as Run's deferred Close does
	b.Close()
	if closes != 1 {
		t.Errorf("closed %d times", closes)
	}
}
