// Command queue-worker is the broker lab's worker (the lesson's
// pn_generator-que, step 10.8), run by each pod of Job pngen: it takes
// exactly one work item from the queue, prints it and the primes of its
// range, and acknowledges it.
//
// Environment: BROKER_URL (amqp://guest:guest@taskqueue:5672), QUEUE
// (taskqueue), WAIT_SECONDS (optional, default 30: how long to wait for
// the broker and for an item).
//
// Exit codes: 0 done, 1 the work failed (the item, if any, went back to the
// queue unless it was malformed), 2 bad or missing environment.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/joblab/joblab/labs/queue"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run does one item's work and returns the exit code.
func run(ctx context.Context, env func(string) string, stdout, stderr io.Writer) int {
	cfg, err := queue.ConfigFromEnv(env)
	if err != nil {
		fmt.Fprintf(stderr, "queue-worker: %v\n", err)
		return 2
	}
	if err := queue.Work(ctx, cfg, stdout); err != nil {
		fmt.Fprintf(stderr, "queue-worker: %v\n", err)
		return 1
	}
	return 0
}
