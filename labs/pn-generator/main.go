// Command pn-generator is the prime lab's program (the lesson's
// pn_generator, step 10.5): it prints the primes among A_SIZE_NUM numbers
// from A_START_NUM, as numpy printed them. The lesson's pn_job.yaml sets
// A_START_NUM=2 and A_SIZE_NUM=10**5, so it checks 2..100001.
//
// In a pod of an Indexed Job (the modern track's indexed lab), the Job
// controller sets JOB_COMPLETION_INDEX; pod i then checks its own block of
// A_SIZE_NUM numbers, from A_START_NUM + i * A_SIZE_NUM.
//
// Exit codes: 0 printed, 1 printing failed, 2 bad or missing environment.
package main

import (
	"fmt"
	"io"
	"math"
	"os"

	"github.com/joblab/joblab/labs/primes"
)

// maxSize bounds A_SIZE_NUM: the sieve needs a byte per candidate.
const maxSize = 100_000_000

func main() {
	os.Exit(run(os.Getenv, os.Stdout, os.Stderr))
}

// run reads the two variables through env, prints the primes to stdout and
// returns the exit code; messages go to stderr.
func run(env func(string) string, stdout, stderr io.Writer) int {
	start, size, err := candidates(env)
	if err != nil {
		fmt.Fprintf(stderr, "pn-generator: %v\n", err)
		return 2
	}
	if err := primes.Format(stdout, primes.InRange(start, start+size-1)); err != nil {
		fmt.Fprintf(stderr, "pn-generator: %v\n", err)
		return 1
	}
	return 0
}

// candidates reads A_START_NUM and A_SIZE_NUM: the first candidate and how
// many there are.
func candidates(env func(string) string) (start, size int, err error) {
	start, err = readVar(env, "A_START_NUM", "a non-negative integer such as 2")
	if err != nil {
		return 0, 0, err
	}
	size, err = readVar(env, "A_SIZE_NUM", "a count such as 100000 or 10**5")
	if err != nil {
		return 0, 0, err
	}
	switch {
	case start < 0:
		return 0, 0, fmt.Errorf("A_START_NUM=%d is negative: set a non-negative integer such as 2", start)
	case size < 1 || size > maxSize:
		return 0, 0, fmt.Errorf("A_SIZE_NUM=%d is out of range: set a count from 1 to %d (10**8), such as 10**5", size, maxSize)
	case start > math.MaxInt-size+1:
		return 0, 0, fmt.Errorf("A_START_NUM=%d is too large for A_SIZE_NUM=%d: the last candidate does not fit in an int", start, size)
	}
	if raw := env("JOB_COMPLETION_INDEX"); raw != "" {
		index, err := primes.ParseInt(raw)
		if err != nil || index < 0 {
			return 0, 0, fmt.Errorf("JOB_COMPLETION_INDEX=%q is not a completion index (0, 1, ...): it is set by an Indexed Job; unset it to check from A_START_NUM", raw)
		}
		if index > (math.MaxInt-size+1-start)/size {
			return 0, 0, fmt.Errorf("JOB_COMPLETION_INDEX=%d is too large for A_START_NUM=%d and A_SIZE_NUM=%d: its block does not fit in an int", index, start, size)
		}
		start += index * size
	}
	return start, size, nil
}

// readVar parses the variable name with primes.ParseInt; form describes
// what it must hold.
func readVar(env func(string) string, name, form string) (int, error) {
	raw := env(name)
	if raw == "" {
		return 0, fmt.Errorf("%s is not set: set it to %s", name, form)
	}
	v, err := primes.ParseInt(raw)
	if err != nil {
		return 0, fmt.Errorf("%s: %w; set it to %s", name, err, form)
	}
	return v, nil
}
