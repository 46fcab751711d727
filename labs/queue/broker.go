package queue

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

const (
	// dialAttemptTimeout bounds one TCP connect plus the AMQP handshake.
	dialAttemptTimeout = 10 * time.Second
	// dialRetryInterval is the pause between two attempts.
	dialRetryInterval = time.Second
)

// Declare declares the named queue as both programs of the lab need it:
// durable, not auto-delete, not exclusive. RabbitMQ 4 refuses the lesson's
// transient non-exclusive queue; 3.x accepts a durable one too. Declaring
// an existing queue with the same properties is a no-op.
func Declare(ch *amqp.Channel, name string) (amqp.Queue, error) {
	q, err := ch.QueueDeclare(name, true, false, false, false, nil)
	if err != nil {
		var amqpErr *amqp.Error
		if errors.As(err, &amqpErr) && amqpErr.Code == amqp.PreconditionFailed {
			return q, fmt.Errorf("declare queue %q as durable: %w; it exists with other properties (the lesson's transient queue?): delete it with 'rabbitmqctl delete_queue %s'", name, err, name)
		}
		return q, fmt.Errorf("declare queue %q: %w", name, err)
	}
	return q, nil
}

// Dial connects to the broker at rawURL (amqp://USER:PASSWORD@HOST:PORT/),
// trying again every second until it answers or timeout has passed: a
// broker that starts with its pod needs a while. A refused login and a
// malformed URL are not retried. Errors name the URL without its password.
func Dial(ctx context.Context, rawURL string, timeout time.Duration) (*amqp.Connection, error) {
	where := RedactURL(rawURL)
	if _, err := amqp.ParseURI(rawURL); err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) { // its text would hold the password
			err = urlErr.Err
		}
		return nil, fmt.Errorf("broker URL %s is not valid: %w; use the form amqp://USER:PASSWORD@HOST:5672/", where, err)
	}
	dialCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		conn, err := dialOnce(dialCtx, rawURL)
		if err == nil {
			return conn, nil
		}
		// 403: bad credentials (amqp091 reports a socket dropped after
		// start-ok as ErrCredentials, as RabbitMQ drops it then), or a vhost
		// the user may not use; trying again will not help
		var amqpErr *amqp.Error
		if errors.As(err, &amqpErr) && amqpErr.Code == amqp.AccessRefused {
			return nil, fmt.Errorf("RabbitMQ at %s refused the login: %w; check the user, password and vhost in the URL", where, err)
		}
		select {
		case <-dialCtx.Done():
			if ctx.Err() != nil {
				return nil, fmt.Errorf("stopped dialing RabbitMQ at %s: %w (last error: %w)", where, ctx.Err(), err)
			}
			return nil, fmt.Errorf("cannot reach RabbitMQ at %s within %s: last error: %w; check that the broker runs and answers at that address", where, timeout, err)
		case <-time.After(dialRetryInterval):
		}
	}
}

// dialOnce makes one attempt, bounded by ctx and dialAttemptTimeout.
func dialOnce(ctx context.Context, rawURL string) (*amqp.Connection, error) {
	return amqp.DialConfig(rawURL, amqp.Config{
		Dial: func(network, addr string) (net.Conn, error) {
			d := net.Dialer{Timeout: dialAttemptTimeout}
			conn, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			// bound the handshake; amqp091 clears the deadline once open
			deadline := time.Now().Add(dialAttemptTimeout)
			if ctxDeadline, ok := ctx.Deadline(); ok && ctxDeadline.Before(deadline) {
				deadline = ctxDeadline
			}
			if err := conn.SetDeadline(deadline); err != nil {
				conn.Close()
				return nil, err
			}
			return conn, nil
		},
	})
}

// RedactURL returns rawURL with its password replaced by "xxxxx", for
// messages and logs.
func RedactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}
