package queue_test

// Helpers for the tests that talk to a real RabbitMQ: by default the one
// tools/start-rabbitmq.sh starts on 127.0.0.1:5672, or the broker named by
// JOBLAB_TEST_AMQP_URL. A broker that does not answer fails the test; it
// is never skipped. Each test works on its own queue, deleted at the end.

import (
	"github.com/joblab/joblab/internal/settings"

	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/joblab/joblab/labs/queue"
)

const defaultTestBrokerURL = "amqp://guest:guest@127.0.0.1:5672/"

// brokerDown holds the dial error once the test broker did not answer.
var brokerDown atomic.Pointer[error]

// testBrokerURL is the broker the tests use.
func testBrokerURL() string {
	if u := os.Getenv(settings.TestAMQPURLEnv); u != "" {
		return u
	}
	return defaultTestBrokerURL
}

// connect opens a connection to the test broker, closed at the end of the
// test, and fails the test when the broker does not answer.
func connect(t *testing.T) *amqp.Connection {
	t.Helper()
	if err := brokerDown.Load(); err != nil { // fail the next tests fast
		t.Fatalf("the tests need a real RabbitMQ: %v\nrun tools/start-rabbitmq.sh (as root) to start Debian's rabbitmq-server, or set %s to a broker", *err, settings.TestAMQPURLEnv)
	}
	conn, err := queue.Dial(context.Background(), testBrokerURL(), 5*time.Second)
	if err != nil {
		brokerDown.Store(&err)
		t.Fatalf("the tests need a real RabbitMQ: %v\nrun tools/start-rabbitmq.sh (as root) to start Debian's rabbitmq-server, or set %s to a broker", err, settings.TestAMQPURLEnv)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// channel opens a channel on a new connection to the test broker.
func channel(t *testing.T) *amqp.Channel {
	t.Helper()
	ch, err := connect(t).Channel()
	if err != nil {
		t.Fatalf("open a channel: %v", err)
	}
	return ch
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// queueName returns a queue name no other test uses, and deletes that
// queue at the end of the test. The queue is not declared.
func queueName(t *testing.T) string {
	t.Helper()
	connect(t) // no broker: fail now, with nothing to clean up
	random := make([]byte, 4)
	_, _ = rand.Read(random)
	name := "joblab-test-" + unsafeName.ReplaceAllString(t.Name(), "-") + "-" + hex.EncodeToString(random)
	t.Cleanup(func() {
		conn, err := queue.Dial(context.Background(), testBrokerURL(), 5*time.Second)
		if err != nil {
			t.Errorf("delete queue %s: %v", name, err)
			return
		}
		defer conn.Close()
		ch, err := conn.Channel()
		if err == nil {
			_, err = ch.QueueDelete(name, false, false, false)
		}
		if err != nil {
			t.Errorf("delete queue %s: %v", name, err)
		}
	})
	return name
}

// declaredQueue returns a new queue declared with queue.Declare.
func declaredQueue(t *testing.T) string {
	t.Helper()
	name := queueName(t)
	if _, err := queue.Declare(channel(t), name); err != nil {
		t.Fatalf("declare: %v", err)
	}
	return name
}

// publish puts the payloads on the queue, waiting for the broker's confirms.
func publish(t *testing.T, name string, payloads ...string) {
	t.Helper()
	ch := channel(t)
	if err := ch.Confirm(false); err != nil {
		t.Fatalf("confirm mode: %v", err)
	}
	for _, p := range payloads {
		dc, err := ch.PublishWithDeferredConfirm("", name, true, false, amqp.Publishing{ContentType: "text/plain", DeliveryMode: amqp.Persistent, Body: []byte(p)})
		if err != nil {
			t.Fatalf("publish %q: %v", p, err)
		}
		if !dc.Wait() {
			t.Fatalf("publish %q: the broker did not confirm it", p)
		}
	}
}

// messageCount returns how many messages are ready on the queue.
func messageCount(t *testing.T, name string) int {
	t.Helper()
	q, err := channel(t).QueueDeclarePassive(name, true, false, false, false, nil)
	if err != nil {
		t.Fatalf("inspect queue %s: %v", name, err)
	}
	return q.Messages
}

// waitForCount waits a few seconds for the queue to hold want ready
// messages (a requeue reaches the queue asynchronously) and fails the test
// if it does not.
func waitForCount(t *testing.T, name string, want int) {
	t.Helper()
	var got int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = messageCount(t, name); got == want {
			return
		}
	}
	t.Fatalf("queue %s holds %d ready messages, want %d", name, got, want)
}

// drain takes every message off the queue and returns them in order.
func drain(t *testing.T, name string) []amqp.Delivery {
	t.Helper()
	ch := channel(t)
	var out []amqp.Delivery
	for {
		msg, ok, err := ch.Get(name, true)
		if err != nil {
			t.Fatalf("get from %s: %v", name, err)
		}
		if !ok {
			return out
		}
		out = append(out, msg)
	}
}

// payloads returns the bodies of the messages as strings.
func payloads(msgs []amqp.Delivery) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m.Body)
	}
	return out
}
