package queue_test

import (
	"context"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/joblab/joblab/labs/queue"
)

func TestDialTestBroker(t *testing.T) {
	conn := connect(t)
	if conn.IsClosed() {
		t.Fatal("the connection is closed")
	}
}

func TestDialWrongPasswordIsNotRetried(t *testing.T) {
	connect(t) // the broker must answer, or a wrong password cannot be seen
	u, err := url.Parse(testBrokerURL())
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword("guest", "wrong-password")
	start := time.Now()
	_, err = queue.Dial(context.Background(), u.String(), 20*time.Second)
	if err == nil || !strings.Contains(err.Error(), "refused the login") {
		t.Fatalf("error %v, want a refused login", err)
	}
	if strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("error %q shows the password", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("took %s: a refused login must not be retried until the timeout", elapsed)
	}
}

func TestDialUnreachableBroker(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	start := time.Now()
	_, err = queue.Dial(context.Background(), "amqp://guest:secret@"+addr+"/", 2*time.Second)
	if err == nil || !strings.Contains(err.Error(), "cannot reach RabbitMQ at amqp://guest:xxxxx@"+addr+"/ within 2s: last error:") {
		t.Fatalf("error %v, want it to name the broker and the last error", err)
	}
	if elapsed := time.Since(start); elapsed < 2*time.Second || elapsed > 5*time.Second {
		t.Errorf("gave up after %s, want about 2s of retries", elapsed)
	}
}

func TestDialStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := queue.Dial(ctx, "amqp://guest:guest@127.0.0.1:1/", time.Minute)
	if err == nil || !strings.Contains(err.Error(), "stopped dialing") {
		t.Fatalf("error %v, want it to say dialing stopped", err)
	}
}
