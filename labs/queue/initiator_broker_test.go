package queue_test

// The initiator's publishing half is tested here, next to the broker
// helpers and the worker, since the point is that both sides agree.

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/joblab/joblab/labs/initiator"
	"github.com/joblab/joblab/labs/queue"
)

var lessonPayloads = []string{"1, 1000", "1001, 2000", "2001, 3000", "3001, 4000"}

func TestPublishLessonItems(t *testing.T) {
	name := queueName(t)
	if err := initiator.Publish(context.Background(), testBrokerURL(), name, queue.LessonItems()); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if n := messageCount(t, name); n != 4 {
		t.Fatalf("queue holds %d messages, want 4", n)
	}
	msgs := drain(t, name)
	if got := payloads(msgs); !slices.Equal(got, lessonPayloads) {
		t.Errorf("payloads %q, want %q", got, lessonPayloads)
	}
	for _, m := range msgs {
		if m.DeliveryMode != amqp.Persistent || m.ContentType != "text/plain" {
			t.Errorf("message %q: delivery mode %d, content type %q; want persistent text/plain", m.Body, m.DeliveryMode, m.ContentType)
		}
	}
}

func TestWorkerAndInitiatorDeclarationsAgree(t *testing.T) {
	name := queueName(t)
	// the worker declares the queue first (and finds it empty) ...
	err := queue.Work(context.Background(), workerConfig(name, time.Second), &bytes.Buffer{})
	if !errors.Is(err, queue.ErrNoWorkItem) {
		t.Fatalf("Work on a new queue: %v, want ErrNoWorkItem", err)
	}
	// ... then the initiator declares it again and publishes ...
	if err := initiator.Publish(context.Background(), testBrokerURL(), name, queue.LessonItems()[:1]); err != nil {
		t.Fatalf("Publish to the worker's queue: %v", err)
	}
	// ... and the worker declares it once more and takes the item.
	var out bytes.Buffer
	if err := queue.Work(context.Background(), workerConfig(name, 5*time.Second), &out); err != nil {
		t.Fatalf("Work after Publish: %v", err)
	}
	if !strings.HasPrefix(out.String(), "['1', ' 1000']\n") {
		t.Errorf("the worker printed %q, want the published item", out.String()[:20])
	}
	ch := channel(t)
	for i := range 2 {
		q, err := queue.Declare(ch, name)
		if err != nil {
			t.Fatalf("declaration %d: %v", i+1, err)
		}
		if q.Name != name {
			t.Errorf("declared %q, want %q", q.Name, name)
		}
	}
}

func TestDeclareExplainsATransientQueue(t *testing.T) {
	name := queueName(t)
	// the lesson's Python declared a transient queue (RabbitMQ 3.x accepts it)
	if _, err := channel(t).QueueDeclare(name, false, false, false, false, nil); err != nil {
		t.Fatalf("declare the lesson's transient queue: %v", err)
	}
	_, err := queue.Declare(channel(t), name)
	if err == nil || !strings.Contains(err.Error(), "rabbitmqctl delete_queue "+name) {
		t.Fatalf("error %v, want it to name the clash and the fix", err)
	}
}

func TestRunPublishesThenCreatesTheJob(t *testing.T) {
	name := queueName(t)
	kube := fake.NewClientset()
	var out bytes.Buffer
	job, err := initiator.Run(context.Background(), initiator.Options{
		Kube: kube, Namespace: "lab", BrokerURL: testBrokerURL(), Queue: name, Out: &out,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := messageCount(t, name); n != 4 {
		t.Errorf("queue holds %d messages, want 4", n)
	}
	created, err := kube.BatchV1().Jobs("lab").Get(context.Background(), "pngen", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the job was not created: %v", err)
	}
	if created.Name != job.Name || *created.Spec.Completions != 4 {
		t.Errorf("job %s with %d completions, want pngen with 4", created.Name, *created.Spec.Completions)
	}
	for _, want := range []string{"broker at amqp://guest:xxxxx@", "published 4 items to queue " + name, "created job pngen in namespace lab"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed %q, want it to say %q", out.String(), want)
		}
	}
	// a second run finds the job and publishes nothing more
	_, err = initiator.Run(context.Background(), initiator.Options{Kube: kube, Namespace: "lab", BrokerURL: testBrokerURL(), Queue: name})
	if !errors.Is(err, initiator.ErrJobExists) {
		t.Fatalf("second Run: %v, want ErrJobExists", err)
	}
	if n := messageCount(t, name); n != 4 {
		t.Errorf("after the second run the queue holds %d messages, want still 4", n)
	}
}
