// Package initiator is the broker lab's job-initiator (the lesson's
// job-initiator.py, step 10.7-10.8) in Go: from outside the cluster it
// finds the RabbitMQ of Service taskqueue, publishes the work items to its
// queue, then creates Job pngen, whose pods each take one item.
package initiator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/joblab/joblab/labs/queue"
)

// Defaults of Options, as in the lesson.
const (
	DefaultNamespace = "default"
	DefaultService   = "taskqueue"
	DefaultQueue     = "taskqueue"
	DefaultJobName   = "pngen"
	// WorkerImage is the queue-worker's image (the lesson's pn_generator:0.2).
	WorkerImage = "joblab/pn-generator-que:0.2.0"
)

// Options tell Run what to do. Only Kube is required.
type Options struct {
	// Kube is the client for the cluster.
	Kube kubernetes.Interface
	// RESTConfig is needed only for the port-forward fallback.
	RESTConfig *rest.Config
	// Namespace of the broker's Service and of the Job; default "default".
	Namespace string
	// BrokerURL, when set, is used as is instead of finding the broker.
	BrokerURL string
	// Service is the broker's Service (type NodePort, port 5672); default "taskqueue".
	Service string
	// Queue is the queue the items go to; default "taskqueue".
	Queue string
	// JobName is the Job to create; default "pngen".
	JobName string
	// Image is the worker's image; default WorkerImage.
	Image string
	// Items are the work items, one per completion; default queue.LessonItems().
	Items []queue.Item
	// Out receives a line per step; default io.Discard.
	Out io.Writer
	// BrokerWait bounds the wait for RabbitMQ to answer (a broker just
	// deployed is still starting); default 4 minutes. The lesson's 100m
	// CPU limit makes it start in 1-2 minutes alone on 2 cores, and in 3-4
	// or more beside a class's other labs.
	BrokerWait time.Duration
}

// withDefaults fills the unset fields.
func (o Options) withDefaults() Options {
	set := func(field *string, value string) {
		if *field == "" {
			*field = value
		}
	}
	set(&o.Namespace, DefaultNamespace)
	set(&o.Service, DefaultService)
	set(&o.Queue, DefaultQueue)
	set(&o.JobName, DefaultJobName)
	set(&o.Image, WorkerImage)
	if len(o.Items) == 0 {
		o.Items = queue.LessonItems()
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.BrokerWait <= 0 {
		o.BrokerWait = publishDialTimeout
	}
	return o
}

// forwardAttemptTimeout bounds one try to reach the broker through a
// port-forward. Before a try the initiator waits for the broker's log to
// say it listens, at most forwardLogWait (RabbitMQ takes about 50 s to
// start on a 2-core machine); once the log said it, or cannot be followed,
// it waits forwardFirstWait after the first failed try, doubled after
// each next one up to forwardLongestWait.
const (
	forwardAttemptTimeout = 5 * time.Second
	forwardLogWait        = 120 * time.Second
	forwardFirstWait      = 4 * time.Second
	forwardLongestWait    = 32 * time.Second
)

// waitThroughForward waits until RabbitMQ answers through a port-forward.
// client-go ends a port-forward at the first connection the pod refuses,
// which a broker that is still starting does, so a try that fails costs a
// new forward. While the broker's log can be followed, a try comes when
// it says the broker listens (or after forwardLogWait), the first one
// included: the API server sees a forward or two, not one every few
// seconds. It returns the forward that works.
func waitThroughForward(ctx context.Context, b *broker, out io.Writer, within time.Duration) (*broker, error) {
	deadline := time.Now().Add(within)
	backoff := forwardFirstWait
	// Each is used once, then set to nil: a broker that logged it listens
	// but still does not answer is retried on the clock alone.
	var listening, logEnded <-chan struct{}
	if b.brokerLog != nil {
		listening, logEnded = b.brokerLog.listening, b.brokerLog.ended
	}
	for try := 0; ; try++ {
		if try > 0 || listening != nil {
			// The first wait is the log's long one; the next are on the
			// clock, and still end when the log says the broker listens.
			wait := forwardLogWait
			if try > 0 || logEnded == nil {
				wait, backoff = backoff, min(2*backoff, forwardLongestWait)
			}
			if try > 0 {
				fmt.Fprintf(out, "a new port-forward when the broker's log says it listens, or in %s\n", wait)
			}
			timer := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return b, ctx.Err()
			case <-listening:
				listening = nil
			case <-logEnded:
				logEnded, listening = nil, nil
			case <-timer.C:
			}
			timer.Stop()
			if try > 0 {
				next, err := b.reopen()
				if err != nil {
					return b, err
				}
				next.reopen, next.brokerLog = b.reopen, b.brokerLog
				b = next
			}
		}
		conn, err := queue.Dial(ctx, "amqp://guest:guest@"+b.Addr+"/", forwardAttemptTimeout)
		if err == nil {
			conn.Close()
			return b, nil
		}
		b.Close()
		if time.Now().After(deadline) || ctx.Err() != nil {
			return b, fmt.Errorf("RabbitMQ did not answer through a port-forward within %s: %w", within, err)
		}
		fmt.Fprintf(out, "broker not answering yet (%v)\n", err)
	}
}

// ErrJobExists is matched (errors.Is) by the error Run returns when the Job
// is already there.
var ErrJobExists = errors.New("job already exists")

// JobExistsError says that the Job to create already exists.
type JobExistsError struct {
	Name, Namespace string
	// Published tells whether the items had been published already (the
	// Job appeared between the check and the create).
	Published bool
}

func (e *JobExistsError) Error() string {
	what := "nothing was published"
	if e.Published {
		what = "the items were published and stay on the queue"
	}
	return fmt.Sprintf("job %s already exists in namespace %s (%s): delete it first with 'kubectl delete job %s -n %s', then run again",
		e.Name, e.Namespace, what, e.Name, e.Namespace)
}

// Is makes errors.Is(err, ErrJobExists) true.
func (e *JobExistsError) Is(target error) bool { return target == ErrJobExists }

// Run does the lesson's job-initiator: it checks that the Job does not
// exist yet, finds the broker (unless BrokerURL is set), publishes the
// items with publisher confirms, then creates the Job and returns it.
// A port-forward it opened is closed when Run returns.
func Run(ctx context.Context, o Options) (*batchv1.Job, error) {
	o = o.withDefaults()
	if o.Kube == nil {
		return nil, errors.New("initiator needs a Kubernetes client (Options.Kube)")
	}
	if err := validItems(o.Items); err != nil {
		return nil, err
	}
	jobs := o.Kube.BatchV1().Jobs(o.Namespace)
	switch _, err := jobs.Get(ctx, o.JobName, metav1.GetOptions{}); {
	case err == nil:
		return nil, &JobExistsError{Name: o.JobName, Namespace: o.Namespace}
	case !apierrors.IsNotFound(err):
		return nil, fmt.Errorf("look for job %s in namespace %s: %w", o.JobName, o.Namespace, err)
	}

	brokerURL := o.BrokerURL
	if brokerURL == "" {
		b, err := findBroker(ctx, o)
		if err != nil {
			return nil, err
		}
		defer func() { b.Close() }()
		fmt.Fprintf(o.Out, "broker found at %s (%s)\n", b.Addr, b.How)
		if b.reopen != nil {
			if b, err = waitThroughForward(ctx, b, o.Out, o.BrokerWait); err != nil {
				return nil, err
			}
		}
		brokerURL = "amqp://guest:guest@" + b.Addr + "/"
	} else {
		fmt.Fprintf(o.Out, "broker at %s (given)\n", queue.RedactURL(brokerURL))
	}

	if err := PublishWithin(ctx, brokerURL, o.Queue, o.Items, o.BrokerWait); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Out, "published %d items to queue %s\n", len(o.Items), o.Queue)

	job, err := jobs.Create(ctx, NewJob(o), metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil, &JobExistsError{Name: o.JobName, Namespace: o.Namespace, Published: true}
	}
	if err != nil {
		return nil, fmt.Errorf("create job %s in namespace %s: %w (the %d items stay on queue %s)", o.JobName, o.Namespace, err, len(o.Items), o.Queue)
	}
	fmt.Fprintf(o.Out, "created job %s in namespace %s (completions %d, parallelism %d)\n",
		job.Name, job.Namespace, len(o.Items), parallelism)
	return job, nil
}

// validItems checks that every item is a range a worker accepts.
func validItems(items []queue.Item) error {
	for _, it := range items {
		if _, err := queue.ParseItem(it.Payload()); err != nil {
			return fmt.Errorf("item %s cannot be published: %w", it, err)
		}
	}
	return nil
}
