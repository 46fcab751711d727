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

// AMQPAnswers tells whether RabbitMQ accepts guest/guest at host:port.
func AMQPAnswers(ctx context.Context, host string, port int) bool {
	conn, err := amqpDial(ctx, host, port)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}

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
