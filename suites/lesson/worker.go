package lesson

import (
	"fmt"
	"strings"

	"github.com/joblab/joblab/labs/primes"
	"github.com/joblab/joblab/labs/queue"
)

// ParseWorkerLog reads a queue worker's log: the work item as the lesson's
// program printed it (a Python list, e.g. ['1001', ' 2000']), then the
// primes as one bracketed array.
func ParseWorkerLog(log string) (queue.Item, []int, error) {
	head, rest, ok := strings.Cut(log, "\n")
	if !ok {
		return queue.Item{}, nil, fmt.Errorf("log has fewer than two lines: %q", log)
	}
	if !strings.HasPrefix(head, "['") || !strings.HasSuffix(head, "']") {
		return queue.Item{}, nil, fmt.Errorf("first line %q is not a Python list of strings", head)
	}
	payload := strings.NewReplacer("[", "", "]", "", "'", "").Replace(head)
	item, err := queue.ParseItem([]byte(payload))
	if err != nil {
		return queue.Item{}, nil, fmt.Errorf("first line %q is not a work item: %w", head, err)
	}
	got, err := primes.Parse(strings.NewReader(rest))
	return item, got, err
}
