package initiator

import (
	"context"
	"fmt"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/joblab/joblab/labs/queue"
)

const (
	// publishDialTimeout is how long Publish waits for the broker: a
	// RabbitMQ pod just deployed needs one to two minutes under the
	// lesson's 100m CPU limit (63 s and 120 s measured on 2 cores).
	publishDialTimeout = 4 * time.Minute
	// confirmTimeout bounds the wait for the broker's publisher confirms.
	confirmTimeout = 30 * time.Second
)

// Publish declares the queue (queue.Declare, as the worker does) and
// publishes each item's payload to it, persistent and as text/plain, then
// waits until the broker has confirmed every item (publisher confirms),
// so that an item is never lost unnoticed.
func Publish(ctx context.Context, brokerURL, queueName string, items []queue.Item) error {
	return PublishWithin(ctx, brokerURL, queueName, items, publishDialTimeout)
}

// PublishWithin is Publish waiting at most wait for the broker to answer.
func PublishWithin(ctx context.Context, brokerURL, queueName string, items []queue.Item, wait time.Duration) error {
	conn, err := queue.Dial(ctx, brokerURL, wait)
	if err != nil {
		return err
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return fmt.Errorf("open a channel to RabbitMQ at %s: %w", queue.RedactURL(brokerURL), err)
	}
	defer ch.Close()
	if err := ch.Confirm(false); err != nil {
		return fmt.Errorf("turn on publisher confirms: %w", err)
	}
	returns := ch.NotifyReturn(make(chan amqp.Return, len(items)))
	if _, err := queue.Declare(ch, queueName); err != nil {
		return err
	}

	confirms := make([]*amqp.DeferredConfirmation, 0, len(items))
	for i, it := range items {
		dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", queueName, true, false, amqp.Publishing{
			ContentType:  "text/plain",
			DeliveryMode: amqp.Persistent,
			Body:         it.Payload(),
		})
		if err != nil {
			return fmt.Errorf("publish item %s to queue %s: %w (%d of %d items were sent before)", it, queueName, err, i, len(items))
		}
		confirms = append(confirms, dc)
	}

	waitCtx, cancel := context.WithTimeout(ctx, confirmTimeout)
	defer cancel()
	for i, dc := range confirms {
		acked, err := dc.WaitContext(waitCtx)
		if err != nil {
			return fmt.Errorf("no publisher confirm for item %s within %s: %w; check the queue before running again", items[i], confirmTimeout, err)
		}
		if !acked {
			return fmt.Errorf("RabbitMQ did not accept item %s (negative confirm or closed channel); check the queue before running again", items[i])
		}
	}
	// a mandatory message that no queue took comes back before its confirm
	select {
	case r, ok := <-returns:
		if ok {
			return fmt.Errorf("RabbitMQ returned item %q: %s (no queue %s to route it to)", r.Body, r.ReplyText, queueName)
		}
	default:
	}
	if err := ch.Close(); err != nil {
		return fmt.Errorf("close the channel after publishing: %w", err)
	}
	return nil
}
