package queue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/joblab/joblab/labs/primes"
)

// DefaultWait is how long a worker waits for the broker, and then for an
// item, when WAIT_SECONDS is not set.
const DefaultWait = 30 * time.Second

// defaultPollInterval is the pause between two basic.get on an empty queue.
const defaultPollInterval = 500 * time.Millisecond

// ErrNoWorkItem is returned by Work when the queue stayed empty for the
// whole wait.
var ErrNoWorkItem = errors.New("no work item")

// Config is what a worker needs.
type Config struct {
	// URL is the broker, amqp://USER:PASSWORD@HOST:PORT/ (BROKER_URL).
	URL string
	// Queue is the queue to take an item from (QUEUE).
	Queue string
	// Wait bounds the dial to the broker, and then the wait for an item
	// (WAIT_SECONDS); zero means DefaultWait.
	Wait time.Duration
	// PollInterval is the pause between two looks at an empty queue; zero
	// means half a second.
	PollInterval time.Duration
}

// ConfigFromEnv reads BROKER_URL, QUEUE and the optional WAIT_SECONDS
// (whole seconds, default 30) through env, e.g. os.Getenv.
func ConfigFromEnv(env func(string) string) (Config, error) {
	cfg := Config{URL: env("BROKER_URL"), Queue: env("QUEUE"), Wait: DefaultWait}
	if cfg.URL == "" {
		return cfg, errors.New("BROKER_URL is not set: set it to the broker's URL, such as amqp://guest:guest@taskqueue:5672")
	}
	if cfg.Queue == "" {
		return cfg, errors.New("QUEUE is not set: set it to the queue to take an item from, such as taskqueue")
	}
	if raw := env("WAIT_SECONDS"); raw != "" {
		secs, err := strconv.Atoi(raw)
		if err != nil || secs < 1 {
			return cfg, fmt.Errorf("WAIT_SECONDS=%q is not a positive whole number of seconds: set it to such as 30, or unset it", raw)
		}
		cfg.Wait = time.Duration(secs) * time.Second
	}
	return cfg, nil
}

// Work takes exactly one item from the queue (basic.get, manual
// acknowledgement), prints it as the lesson's worker did (a Python list,
// e.g. ['1001', ' 2000']) followed by the primes of its range, and only
// then acknowledges it. On failure the item is returned to the queue,
// except a malformed one, which is rejected for good. The connection is
// closed when Work returns, so an item that was not acknowledged goes back
// to the queue in any case.
func Work(ctx context.Context, cfg Config, stdout io.Writer) error {
	if cfg.URL == "" || cfg.Queue == "" {
		return errors.New("worker configuration needs both a broker URL and a queue name")
	}
	if cfg.Wait <= 0 {
		cfg.Wait = DefaultWait
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = defaultPollInterval
	}
	conn, err := Dial(ctx, cfg.URL, cfg.Wait)
	if err != nil {
		return err
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return fmt.Errorf("open a channel to RabbitMQ at %s: %w", RedactURL(cfg.URL), err)
	}
	defer ch.Close() // a no-op after the explicit Close below
	if _, err := Declare(ch, cfg.Queue); err != nil {
		return err
	}
	msg, err := takeOne(ctx, ch, cfg)
	if err != nil {
		return err
	}
	item, err := ParseItem(msg.Body)
	if err != nil {
		if rejectErr := msg.Reject(false); rejectErr != nil {
			return fmt.Errorf("%w; rejecting it failed too: %w", err, rejectErr)
		}
		return fmt.Errorf("%w; rejected it from queue %s without requeueing: publish a well-formed item", err, cfg.Queue)
	}
	if err := printItem(stdout, msg.Body, item); err != nil {
		if nackErr := msg.Nack(false, true); nackErr != nil {
			return fmt.Errorf("item %s: %w; returning it to the queue failed too (%w), it returns when the connection closes", item, err, nackErr)
		}
		return fmt.Errorf("item %s: %w; returned it to queue %s", item, err, cfg.Queue)
	}
	if err := msg.Ack(false); err != nil {
		return fmt.Errorf("item %s was printed but acknowledging it failed: %w; it returns to queue %s and may be done twice", item, err, cfg.Queue)
	}
	// channel.close waits for the broker, so the ack has been handled
	if err := ch.Close(); err != nil {
		return fmt.Errorf("item %s was printed and acknowledged, but closing the channel failed: %w; it may be done twice", item, err)
	}
	return nil
}

// takeOne polls the queue with basic.get until it holds an item or the
// wait has passed.
func takeOne(ctx context.Context, ch *amqp.Channel, cfg Config) (amqp.Delivery, error) {
	deadline := time.Now().Add(cfg.Wait)
	for {
		msg, ok, err := ch.Get(cfg.Queue, false)
		if err != nil {
			return msg, fmt.Errorf("get an item from queue %s: %w", cfg.Queue, err)
		}
		if ok {
			return msg, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return msg, fmt.Errorf("%w on queue %s within %s: run the job-initiator first, it publishes the items", ErrNoWorkItem, cfg.Queue, cfg.Wait)
		}
		select {
		case <-ctx.Done():
			return msg, fmt.Errorf("stopped waiting for an item on queue %s: %w", cfg.Queue, ctx.Err())
		case <-time.After(min(cfg.PollInterval, left)):
		}
	}
}

// printItem prints the payload as a Python list, then the item's primes.
func printItem(w io.Writer, payload []byte, item Item) error {
	if _, err := io.WriteString(w, PythonList(payload)+"\n"); err != nil {
		return fmt.Errorf("print the item: %w", err)
	}
	return primes.Format(w, primes.InRange(item.Start, item.End))
}
