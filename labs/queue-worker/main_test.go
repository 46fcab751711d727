package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/labs/queue"
)

func envOf(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestRunBadEnvironment(t *testing.T) {
	tests := []struct {
		name       string
		vars       map[string]string
		wantStderr string
	}{
		{"no broker URL", map[string]string{"QUEUE": "taskqueue"}, "BROKER_URL is not set"},
		{"no queue", map[string]string{"BROKER_URL": "amqp://guest:guest@taskqueue:5672"}, "QUEUE is not set"},
		{"bad wait", map[string]string{"BROKER_URL": "amqp://guest:guest@taskqueue:5672", "QUEUE": "q", "WAIT_SECONDS": "soon"}, `WAIT_SECONDS="soon" is not a positive whole number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), envOf(tt.vars), &out, &errOut); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errOut.String(), tt.wantStderr) {
				t.Errorf("stderr %q, want it to say %q", errOut.String(), tt.wantStderr)
			}
		})
	}
}

func TestRunBrokerDown(t *testing.T) {
	// a port nothing listens on
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out, errOut bytes.Buffer
	env := envOf(map[string]string{"BROKER_URL": "amqp://guest:secret@" + addr + "/", "QUEUE": "q", "WAIT_SECONDS": "1"})
	if code := run(context.Background(), env, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errOut.String())
	}
	msg := errOut.String()
	if !strings.Contains(msg, "cannot reach RabbitMQ at amqp://guest:xxxxx@"+addr+"/ within 1s") {
		t.Errorf("stderr %q does not name the broker (without its password) and the wait", msg)
	}
	if strings.Contains(msg, "secret") {
		t.Errorf("stderr %q shows the password", msg)
	}
	if out.Len() != 0 {
		t.Errorf("stdout %q, want nothing", out.String())
	}
}

// A worker that finds the queue empty fails (exit 1, naming the queue and
// the wait): it must never end 0, or its pod would count as a completion
// of the Job with no item done.
func TestRunEmptyQueueFails(t *testing.T) {
	url := os.Getenv(settings.TestAMQPURLEnv)
	if url == "" {
		url = "amqp://guest:guest@127.0.0.1:5672/"
	}
	conn, err := queue.Dial(context.Background(), url, 5*time.Second)
	if err != nil {
		t.Fatalf("the test needs a real RabbitMQ: %v\nrun tools/start-rabbitmq.sh (as root), or set %s to a broker", err, settings.TestAMQPURLEnv)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("joblab-empty-%d", time.Now().UnixNano())
	if _, err := queue.Declare(ch, name); err != nil {
		t.Fatalf("declare: %v", err)
	}
	defer func() { _, _ = ch.QueueDelete(name, false, false, false) }()
	var out, errOut bytes.Buffer
	env := envOf(map[string]string{"BROKER_URL": url, "QUEUE": name, "WAIT_SECONDS": "1"})
	if code := run(context.Background(), env, &out, &errOut); code != 1 {
		t.Fatalf("exit %d on an empty queue, want 1; stderr %q", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "no work item on queue "+name) {
		t.Errorf("stderr %q does not name the empty queue", errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("stdout %q, want nothing", out.String())
	}
}
