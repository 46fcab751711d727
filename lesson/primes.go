package lesson

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The checker's own arithmetic. The lab programs compute primes with a
// sieve (labs/primes); the expected values here come from a different
// algorithm written for the check (trial division by the primes found so
// far) and from published prime counts, so that a fault in the programs'
// code cannot move the expectation with it. This package must never
// import labs/.

// PrimesBetween returns the primes p with lo <= p <= hi, by trial division.
func PrimesBetween(lo, hi int) []int {
	var found, out []int
	for n := 2; n <= hi; n++ {
		prime := true
		for _, p := range found {
			if p*p > n {
				break
			}
			if n%p == 0 {
				prime = false
				break
			}
		}
		if !prime {
			continue
		}
		found = append(found, n)
		if n >= lo {
			out = append(out, n)
		}
	}
	return out
}

// PrimeCountUpTo is the prime-counting function π(x) at the values the
// labs need, from the published tables (π(1000) = 168, π(2000) = 303,
// π(3000) = 430, π(4000) = 550, π(10^5) = 9592); the unit tests check the
// checker's arithmetic against it.
var PrimeCountUpTo = map[int]int{1000: 168, 2000: 303, 3000: 430, 4000: 550, 100000: 9592}

// NumpyLineWidth is numpy's default print line width; a line holds at
// most NumpyLineWidth-1 characters so the closing "]" always fits.
const NumpyLineWidth = 75

// PrimeLogHead is the start of the prime lab's log as the notes print it
// (10.5), before their "<中略>".
var PrimeLogHead = []string{
	"[    2     3     5     7    11    13    17    19    23    29    31    37",
	"    41    43    47    53    59    61    67    71    73    79    83    89",
}

// NumpyText is how numpy's print(array) lays out an integer array, as the
// notes show it: numbers right-aligned to the widest one's width and
// separated by one space, "[" before the first and "]" after the last, and
// as many numbers on a line as fit in NumpyLineWidth-1 characters (12 at
// width 5, as in PrimeLogHead), continuation lines indented by one space.
func NumpyText(nums []int) string {
	width := 1
	for _, n := range nums {
		if w := len(strconv.Itoa(n)); w > width {
			width = w
		}
	}
	perLine := (NumpyLineWidth - 1) / (width + 1)
	var b strings.Builder
	b.WriteString("[")
	for i, n := range nums {
		switch {
		case i == 0:
		case i%perLine == 0:
			b.WriteString("\n ")
		default:
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%*d", width, n)
	}
	b.WriteString("]\n")
	return b.String()
}

// Numbers reads every integer of a printed array, whatever its layout:
// what a student would count by eye.
func Numbers(text string) ([]int, error) {
	fields := strings.Fields(strings.NewReplacer("[", " ", "]", " ").Replace(text))
	out := make([]int, 0, len(fields))
	for _, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil {
			return out, fmt.Errorf("%q is not an integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// BrokerItem is one work item of the broker lab: an inclusive range.
type BrokerItem struct{ Start, End int }

func (it BrokerItem) String() string { return fmt.Sprintf("%d-%d", it.Start, it.End) }

// BrokerItems are the lesson's four work items (SPEC.md, broker: the
// lesson's ranges, read as inclusive start,end), in the order published.
var BrokerItems = []BrokerItem{{1, 1000}, {1001, 2000}, {2001, 3000}, {3001, 4000}}

// BrokerItemHead is the first line of a worker's log for an item, as the
// notes show it for the second one: the Python list ['1001', ' 2000'].
func BrokerItemHead(it BrokerItem) string {
	return fmt.Sprintf("['%d', ' %d']", it.Start, it.End)
}

var itemHead = regexp.MustCompile(`^\['(\d+)', ' (\d+)'\]$`)

// ParseWorkerLog reads a queue worker's log: the item line as the notes
// print it, then the primes as one array. It does not judge the numbers.
func ParseWorkerLog(log string) (BrokerItem, []int, error) {
	head, rest, ok := strings.Cut(log, "\n")
	if !ok {
		return BrokerItem{}, nil, fmt.Errorf("log has fewer than two lines: %q", log)
	}
	m := itemHead.FindStringSubmatch(head)
	if m == nil {
		return BrokerItem{}, nil, fmt.Errorf("first line %q is not an item as the notes print it, such as ['1001', ' 2000']", head)
	}
	start, _ := strconv.Atoi(m[1])
	end, _ := strconv.Atoi(m[2])
	nums, err := Numbers(rest)
	return BrokerItem{start, end}, nums, err
}
