// Package lesson is the pure logic of the lesson suites: what the lesson
// documents (events, completions, pod states), and how an observed run is
// compared with it. It talks to no cluster, so every rule here is unit
// tested with recorded and constructed states.
package lesson

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Event is an event as the suites compare it: aggregated events (a count
// above 1, or an event series) stand for that many occurrences.
type Event struct {
	Type    string
	Reason  string
	Message string
	Count   int
	First   time.Time
}

// FromCoreEvents turns Kubernetes events into Events, oldest first.
func FromCoreEvents(items []corev1.Event) []Event {
	out := make([]Event, 0, len(items))
	for _, e := range items {
		count := int(e.Count)
		if e.Series != nil && int(e.Series.Count) > count {
			count = int(e.Series.Count)
		}
		if count < 1 {
			count = 1
		}
		first := e.FirstTimestamp.Time
		if first.IsZero() {
			first = e.EventTime.Time
		}
		if first.IsZero() {
			first = e.CreationTimestamp.Time
		}
		out = append(out, Event{Type: e.Type, Reason: e.Reason, Message: e.Message, Count: count, First: first})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].First.Before(out[j].First) })
	return out
}

// Step is one documented step of an event sequence: Times occurrences of
// Reason (of Type), with messages starting with MessagePrefix.
type Step struct {
	Type          string
	Reason        string
	Times         int
	MessagePrefix string
}

func (s Step) String() string {
	return fmt.Sprintf("%d x %s %s %q", s.Times, s.Type, s.Reason, s.MessagePrefix+"...")
}

// MatchSequence checks events against the documented steps, in order.
// Events whose reason the steps do not mention are ignored; aggregated
// events count as many times as they occurred. It returns "" when the
// events match, else a description of the first difference.
func MatchSequence(events []Event, steps []Step) string {
	known := map[string]bool{}
	for _, s := range steps {
		known[s.Reason] = true
	}
	var seen []Event
	for _, e := range events {
		if known[e.Reason] {
			seen = append(seen, e)
		}
	}
	i := 0
	for _, s := range steps {
		got := 0
		for got < s.Times && i < len(seen) && seen[i].Reason == s.Reason {
			e := seen[i]
			if s.Type != "" && e.Type != s.Type {
				return fmt.Sprintf("expected %s, but event %s %s has type %s", s, e.Reason, e.Message, e.Type)
			}
			if !strings.HasPrefix(e.Message, s.MessagePrefix) {
				return fmt.Sprintf("expected %s, but event %s says %q", s, e.Reason, e.Message)
			}
			got += e.Count
			i++
		}
		if got != s.Times {
			next := "no further event"
			if i < len(seen) {
				next = fmt.Sprintf("then %s %q", seen[i].Reason, seen[i].Message)
			}
			return fmt.Sprintf("expected %s, saw %d (%s); events: %s", s, got, next, Summary(seen))
		}
	}
	if i < len(seen) {
		return fmt.Sprintf("unexpected event %s %q after the documented sequence; events: %s", seen[i].Reason, seen[i].Message, Summary(seen))
	}
	return ""
}

// Summary renders events as "reason x count, ...".
func Summary(events []Event) string {
	parts := make([]string, 0, len(events))
	for _, e := range events {
		p := e.Reason
		if e.Count > 1 {
			p += fmt.Sprintf(" x%d", e.Count)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// CreatedPods returns the pod names of "Created pod: NAME" events.
func CreatedPods(events []Event) []string {
	var names []string
	for _, e := range events {
		if name, ok := strings.CutPrefix(e.Message, "Created pod: "); ok && e.Reason == "SuccessfulCreate" {
			names = append(names, name)
		}
	}
	return names
}
