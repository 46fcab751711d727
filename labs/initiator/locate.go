package initiator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// nodeDialTimeout bounds the TCP probe of one node address.
const nodeDialTimeout = 3 * time.Second

// broker is where the broker answers from here.
type broker struct {
	// Addr is host:port.
	Addr string
	// How says how it was found, for the step's message.
	How string
	// close ends a port-forward; nil for a NodePort. Close calls it once.
	close     func()
	closeOnce sync.Once
	// reopen opens a new port-forward; nil for a NodePort.
	reopen func() (*broker, error)
	// brokerLog follows the broker pod's log; nil for a NodePort.
	brokerLog *logSignal
}

// Close ends the port-forward, if any; once, however often it is called
// (a forward that failed is closed where it failed, and again by whoever
// holds it last).
func (b *broker) Close() {
	if b.close != nil {
		b.closeOnce.Do(b.close)
	}
}

// findBroker reads the broker's Service and tries its NodePort on every
// node address (InternalIP, then ExternalIP, node by node); when none
// answers it falls back to a port-forward to a ready pod of the Service.
func findBroker(ctx context.Context, o Options) (*broker, error) {
	svc, err := o.Kube.CoreV1().Services(o.Namespace).Get(ctx, o.Service, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("service %s not found in namespace %s: deploy the broker first (kubectl apply -f taskQueue-deploy.yaml -n %s)", o.Service, o.Namespace, o.Namespace)
	}
	if err != nil {
		return nil, fmt.Errorf("read service %s in namespace %s: %w", o.Service, o.Namespace, err)
	}
	port, err := amqpPort(svc)
	if err != nil {
		return nil, err
	}
	if port.NodePort != 0 {
		b, tried, err := probeNodes(ctx, o, port.NodePort)
		if b != nil {
			return b, nil
		}
		why := fmt.Sprintf("no node address can be reached on NodePort %d (tried %s)", port.NodePort, tried)
		if err != nil {
			why = fmt.Sprintf("cannot list the nodes for NodePort %d: %v", port.NodePort, err)
		}
		fmt.Fprintf(o.Out, "%s; trying a port-forward\n", why)
	} else {
		fmt.Fprintf(o.Out, "service %s has no NodePort (type %s); trying a port-forward\n", o.Service, svc.Spec.Type)
	}
	return portForward(ctx, o, svc, port)
}

// amqpPort returns the Service's port 5672, or its only port.
func amqpPort(svc *corev1.Service) (corev1.ServicePort, error) {
	for _, p := range svc.Spec.Ports {
		if p.Port == brokerPort {
			return p, nil
		}
	}
	if len(svc.Spec.Ports) == 1 {
		return svc.Spec.Ports[0], nil
	}
	return corev1.ServicePort{}, fmt.Errorf("service %s in namespace %s has no port %d: it is not the lesson's taskqueue service (taskQueue-deploy.yaml)", svc.Name, svc.Namespace, brokerPort)
}

// probeNodes dials nodePort on each node address in turn and returns the
// first that answers, or the addresses it tried.
func probeNodes(ctx context.Context, o Options, nodePort int32) (*broker, string, error) {
	nodes, err := o.Kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, "", err
	}
	var tried []string
	for _, node := range nodes.Items {
		for _, addrType := range []corev1.NodeAddressType{corev1.NodeInternalIP, corev1.NodeExternalIP} {
			for _, a := range node.Status.Addresses {
				if a.Type != addrType {
					continue
				}
				addr := net.JoinHostPort(a.Address, strconv.Itoa(int(nodePort)))
				tried = append(tried, addr)
				if reachable(ctx, addr) {
					return &broker{Addr: addr, How: fmt.Sprintf("NodePort on node %s", node.Name)}, "", nil
				}
			}
		}
	}
	if len(tried) == 0 {
		return nil, "no node has an InternalIP or ExternalIP", nil
	}
	return nil, strings.Join(tried, ", "), nil
}

// reachable tells whether the node behind addr can be reached from here
// within nodeDialTimeout: the connection opens, or is refused. A refusal
// comes from the node (kube-proxy, or the broker pod that is still
// starting), so the NodePort is the way to the broker and Publish waits
// until it answers; a timeout or an unreachable network means the node
// cannot be reached from this host.
func reachable(ctx context.Context, addr string) bool {
	d := net.Dialer{Timeout: nodeDialTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return errors.Is(err, syscall.ECONNREFUSED)
	}
	conn.Close()
	return true
}
