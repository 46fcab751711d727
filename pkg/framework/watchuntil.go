package framework

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// WatchUntil is the watch-driven wait the waits of this package build on:
// it lists and watches lw until cond says the wanted state is reached, and
// returns the last object seen. cond ends the wait early by returning an
// error (a wrong end state: "the job ended Failed"); that error and a
// timeout both come back as a *WaitError naming what was awaited (what)
// and the last state seen (describe of the last object). precondition, when
// not nil, sees the first list and may end the wait at once.
func WatchUntil[T runtime.Object](ctx context.Context, lw cache.ListerWatcher, what string, timeout time.Duration,
	precondition watchtools.PreconditionFunc, cond func(watch.EventType, T) (bool, error), describe func(T) string) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last T
	seen := false
	_, err := watchtools.UntilWithSync(ctx, lw, newObject[T](), precondition, func(ev watch.Event) (bool, error) {
		obj, ok := ev.Object.(T)
		if !ok {
			return false, nil
		}
		last, seen = obj, true
		return cond(ev.Type, obj)
	})
	if err == nil {
		return last, nil
	}
	lastSeen := "nothing yet"
	if seen {
		lastSeen = describe(last)
	}
	var we *WaitError
	if errors.As(err, &we) {
		if we.What == "" {
			we.What = what
		}
		if we.LastSeen == "" {
			we.LastSeen = lastSeen
		}
		return last, we
	}
	if ctx.Err() == nil { // the watch itself failed
		return last, &WaitError{What: what, Reason: err.Error(), LastSeen: lastSeen}
	}
	return last, &WaitError{What: what, Reason: fmt.Sprintf("not within %s", timeout), LastSeen: lastSeen}
}

// stop is what a condition returns to end a wait on a wrong end state.
func stop(reason string) error { return &WaitError{Reason: reason} }

// timedOut tells whether a wait ended by its time limit (or its context)
// rather than on a state.
// TimedOut tells whether a wait ended because its time was up.
func TimedOut(err error) bool { return timedOut(err) }

func timedOut(err error) bool {
	var we *WaitError
	return errors.As(err, &we) && strings.HasPrefix(we.Reason, "not within")
}

// newObject is a new, empty object of a pointer type (&corev1.Pod{}).
func newObject[T runtime.Object]() T {
	var zero T
	return reflect.New(reflect.TypeOf(zero).Elem()).Interface().(T)
}
