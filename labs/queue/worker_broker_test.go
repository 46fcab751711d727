package queue_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/joblab/joblab/labs/primes"
	"github.com/joblab/joblab/labs/queue"
)

func workerConfig(name string, wait time.Duration) queue.Config {
	return queue.Config{URL: testBrokerURL(), Queue: name, Wait: wait, PollInterval: 100 * time.Millisecond}
}

func TestWorkTakesExactlyOneItem(t *testing.T) {
	name := declaredQueue(t)
	publish(t, name, "1, 1000", "1001, 2000")
	var out bytes.Buffer
	if err := queue.Work(context.Background(), workerConfig(name, 5*time.Second), &out); err != nil {
		t.Fatalf("Work: %v", err)
	}
	if first, _, _ := strings.Cut(out.String(), "\n"); first != "['1', ' 1000']" {
		t.Errorf("the worker printed %q first, want the first item ['1', ' 1000']", first)
	}
	waitForCount(t, name, 1)
	if left := payloads(drain(t, name)); !slices.Equal(left, []string{"1001, 2000"}) {
		t.Errorf("the queue holds %q, want the second item only", left)
	}
}

func TestWorkPrintsTheLessonLog(t *testing.T) {
	name := declaredQueue(t)
	publish(t, name, string(queue.Item{Start: 1001, End: 2000}.Payload()))
	var out bytes.Buffer
	if err := queue.Work(context.Background(), workerConfig(name, 5*time.Second), &out); err != nil {
		t.Fatalf("Work: %v", err)
	}
	first, rest, _ := strings.Cut(out.String(), "\n")
	if first != "['1001', ' 2000']" {
		t.Errorf("first line %q, want the lesson's ['1001', ' 2000']", first)
	}
	got, err := primes.Parse(strings.NewReader(rest))
	if err != nil {
		t.Fatalf("the primes do not parse: %v\n%s", err, rest)
	}
	if want := primes.InRange(1001, 2000); !slices.Equal(got, want) {
		t.Errorf("printed %d primes %d..%d, want the %d primes of 1001..2000", len(got), got[0], got[len(got)-1], len(want))
	}
	if !strings.HasPrefix(rest, "[1009 1013 1019 1021 1031 1033 1039 1049 1051 1061 1063 1069 1087 1091\n") {
		t.Errorf("the primes do not start as in the notes: %q", rest[:80])
	}
	waitForCount(t, name, 0)
}

func TestWorkWithoutItem(t *testing.T) {
	name := declaredQueue(t)
	start := time.Now()
	var out bytes.Buffer
	err := queue.Work(context.Background(), workerConfig(name, 2*time.Second), &out)
	elapsed := time.Since(start)
	if !errors.Is(err, queue.ErrNoWorkItem) {
		t.Fatalf("error %v, want ErrNoWorkItem", err)
	}
	if want := "no work item on queue " + name + " within 2s"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to say %q", err, want)
	}
	if elapsed < 2*time.Second || elapsed > 10*time.Second {
		t.Errorf("gave up after %s, want about the 2s wait", elapsed)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q, want nothing", out.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("stdout closed") }

func TestWorkFailureReturnsTheItem(t *testing.T) {
	name := declaredQueue(t)
	publish(t, name, "1001, 2000")
	err := queue.Work(context.Background(), workerConfig(name, 5*time.Second), failingWriter{})
	if err == nil || !strings.Contains(err.Error(), "stdout closed") || !strings.Contains(err.Error(), "returned it to queue "+name) {
		t.Fatalf("error %v, want the print error and that the item went back", err)
	}
	// Work has closed its connection: the item is back, ready for another pod
	waitForCount(t, name, 1)
	var out bytes.Buffer
	if err := queue.Work(context.Background(), workerConfig(name, 5*time.Second), &out); err != nil {
		t.Fatalf("second Work: %v", err)
	}
	if !strings.HasPrefix(out.String(), "['1001', ' 2000']\n") {
		t.Errorf("the second worker printed %q, want the returned item", out.String()[:40])
	}
	waitForCount(t, name, 0)
}

func TestWorkRejectsMalformedItem(t *testing.T) {
	name := declaredQueue(t)
	publish(t, name, "2001, 2000", "1, 10")
	var out bytes.Buffer
	err := queue.Work(context.Background(), workerConfig(name, 5*time.Second), &out)
	if err == nil || !strings.Contains(err.Error(), `work item "2001, 2000" is malformed`) || !strings.Contains(err.Error(), "without requeueing") {
		t.Fatalf("error %v, want it to name the malformed item and say it was rejected", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q, want nothing", out.String())
	}
	waitForCount(t, name, 1)
	if left := payloads(drain(t, name)); !slices.Equal(left, []string{"1, 10"}) {
		t.Errorf("the queue holds %q, want only the good item", left)
	}
}

func TestWorkBadURL(t *testing.T) {
	err := queue.Work(context.Background(), queue.Config{URL: "http://guest:secret@127.0.0.1:5672/", Queue: "q", Wait: time.Second}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "is not valid") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("error %v, want an invalid URL error without the password", err)
	}
}
