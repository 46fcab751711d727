package framework

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
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
