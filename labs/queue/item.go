// Package queue holds what the broker lab's two programs share: the work
// item and its wire form, the queue declaration and the dial to RabbitMQ,
// and the worker's job (take one item, print its primes, acknowledge).
// The job-initiator publishes items; the queue-worker, run by Job pngen,
// consumes them (the lesson's steps 10.6-10.8).
package queue

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Item is one unit of work: the inclusive range Start..End whose primes a
// worker prints. (The lesson's program sent "start, size" and read it as
// a range; here an item is always a range.)
type Item struct {
	Start, End int
}

// LessonItems are the four items of the broker lab: together they cover
// 1..4000, each number once.
func LessonItems() []Item {
	return []Item{{1, 1000}, {1001, 2000}, {2001, 3000}, {3001, 4000}}
}

// String gives the range as "1001..2000".
func (it Item) String() string { return fmt.Sprintf("%d..%d", it.Start, it.End) }

// Payload is the message body for the item, "1001, 2000": start, comma,
// space, end, as the lesson's initiator sent it.
func (it Item) Payload() []byte {
	return []byte(strconv.Itoa(it.Start) + ", " + strconv.Itoa(it.End))
}

// ParseItem reads a payload "START, END" (spaces around the numbers are
// ignored) with 1 <= START <= END.
func ParseItem(payload []byte) (Item, error) {
	fail := func(problem string) (Item, error) {
		return Item{}, fmt.Errorf("work item %q is malformed (%s): want \"START, END\" with 1 <= START <= END, such as \"1001, 2000\"", payload, problem)
	}
	startText, endText, ok := strings.Cut(string(payload), ",")
	if !ok || strings.Contains(endText, ",") {
		return fail("it must hold exactly two numbers separated by a comma")
	}
	start, err := strconv.Atoi(strings.TrimSpace(startText))
	if err != nil {
		return fail("START is not an integer")
	}
	end, err := strconv.Atoi(strings.TrimSpace(endText))
	if err != nil {
		return fail("END is not an integer")
	}
	switch {
	case start < 1:
		return fail("START is below 1")
	case end < start:
		return fail("END is below START")
	}
	return Item{Start: start, End: end}, nil
}

// PythonList renders the payload as the lesson's worker printed it,
// print(body.split(',')): a Python list of the comma-separated parts, each
// as Python's repr of a string. "1001, 2000" gives ['1001', ' 2000'].
func PythonList(payload []byte) string {
	parts := strings.Split(string(payload), ",")
	for i, p := range parts {
		parts[i] = pythonRepr(p)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// pythonRepr is Python 3's repr of a str: single quotes unless the text
// holds a single quote and no double quote, with Python's escapes.
func pythonRepr(s string) string {
	quote := '\''
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteRune(quote)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == quote || r == '\\':
			b.WriteRune('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x100 && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r) && r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	b.WriteRune(quote)
	return b.String()
}
