package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/joblab/joblab/labs/primes"
)

func envOf(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestRunLessonInputs(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(envOf(map[string]string{"A_START_NUM": "2", "A_SIZE_NUM": "10**5"}), &out, &errOut)
	if code != 0 || errOut.Len() != 0 {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "[    2     3     5     7    11 ") {
		t.Errorf("output starts %q, want the lesson's \"[    2     3     5     7    11 \"", out.String()[:40])
	}
	got, err := primes.Parse(&out)
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	if len(got) != 9592 || got[len(got)-1] != 99991 {
		t.Fatalf("got %d primes ending %d, want 9592 ending 99991", len(got), got[len(got)-1])
	}
}

func TestRunRange(t *testing.T) {
	var out, errOut bytes.Buffer
	// candidates 1001..2000: the last candidate is start+size-1
	if code := run(envOf(map[string]string{"A_START_NUM": " 1001 ", "A_SIZE_NUM": "1000"}), &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	var want bytes.Buffer
	_ = primes.Format(&want, primes.InRange(1001, 2000))
	if out.String() != want.String() {
		t.Fatalf("output\n%s\nwant\n%s", out.String(), want.String())
	}
}

func TestRunBadInput(t *testing.T) {
	tests := []struct {
		name       string
		vars       map[string]string
		wantStderr []string
	}{
		{"nothing set", map[string]string{}, []string{"A_START_NUM is not set", "such as 2"}},
		{"size missing", map[string]string{"A_START_NUM": "2"}, []string{"A_SIZE_NUM is not set", "10**5"}},
		{"start not a number", map[string]string{"A_START_NUM": "two", "A_SIZE_NUM": "10"}, []string{"A_START_NUM", `"two" is not an integer`}},
		{"size in another notation", map[string]string{"A_START_NUM": "2", "A_SIZE_NUM": "10^5"}, []string{"A_SIZE_NUM", `"10^5" is not an integer`}},
		{"size zero", map[string]string{"A_START_NUM": "2", "A_SIZE_NUM": "0"}, []string{"A_SIZE_NUM=0 is out of range"}},
		{"size too large", map[string]string{"A_START_NUM": "2", "A_SIZE_NUM": "10**9"}, []string{"A_SIZE_NUM=1000000000 is out of range"}},
		{"size overflows", map[string]string{"A_START_NUM": "2", "A_SIZE_NUM": "10**30"}, []string{"A_SIZE_NUM", "too large"}},
		{"last candidate overflows", map[string]string{"A_START_NUM": "9223372036854775800", "A_SIZE_NUM": "10"}, []string{"A_START_NUM=9223372036854775800 is too large"}},
		{"negative start", map[string]string{"A_START_NUM": "-1", "A_SIZE_NUM": "10"}, []string{"A_START_NUM=-1 is negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(envOf(tt.vars), &out, &errOut)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q, want nothing", out.String())
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(errOut.String(), s) {
					t.Errorf("stderr %q does not name %q", errOut.String(), s)
				}
			}
		})
	}
}

// An Indexed Job's pod i checks the i-th block of A_SIZE_NUM numbers; the
// expected primes are counted here by trial division, not by the sieve
// the program uses.
func TestRunIndexedBlocks(t *testing.T) {
	isPrime := func(n int) bool {
		if n < 2 {
			return false
		}
		for d := 2; d*d <= n; d++ {
			if n%d == 0 {
				return false
			}
		}
		return true
	}
	for index, want := range []struct{ first, last, count int }{{2, 997, 168}, {1009, 1999, 135}, {2003, 2999, 127}, {3001, 3989, 120}} {
		var out, errOut bytes.Buffer
		env := envOf(map[string]string{"A_START_NUM": "1", "A_SIZE_NUM": "1000", "JOB_COMPLETION_INDEX": strconv.Itoa(index)})
		if code := run(env, &out, &errOut); code != 0 {
			t.Fatalf("index %d: exit %d, stderr %q", index, code, errOut.String())
		}
		got, err := primes.Parse(&out)
		if err != nil {
			t.Fatalf("index %d: %v", index, err)
		}
		n := 0
		for c := 1 + index*1000; c <= (index+1)*1000; c++ {
			if isPrime(c) {
				n++
			}
		}
		if len(got) != n || n != want.count || got[0] != want.first || got[len(got)-1] != want.last {
			t.Errorf("index %d: %d primes %d..%d, want %d (trial division: %d) from %d to %d", index, len(got), got[0], got[len(got)-1], want.count, n, want.first, want.last)
		}
	}
}

func TestRunBadCompletionIndex(t *testing.T) {
	for _, index := range []string{"-1", "x", "9223372036854775807"} {
		var out, errOut bytes.Buffer
		code := run(envOf(map[string]string{"A_START_NUM": "1", "A_SIZE_NUM": "1000", "JOB_COMPLETION_INDEX": index}), &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), "JOB_COMPLETION_INDEX") || out.Len() != 0 {
			t.Errorf("JOB_COMPLETION_INDEX=%s: exit %d, stderr %q, stdout %d bytes; want 2, a message naming the variable, nothing printed", index, code, errOut.String(), out.Len())
		}
	}
}

// trialDivisionPrimes is the test's own arithmetic, not the program's
// sieve: every n in [lo, hi] with no divisor up to its square root.
func trialDivisionPrimes(lo, hi int) []int {
	var out []int
	for n := max(lo, 2); n <= hi; n++ {
		prime := true
		for d := 2; d*d <= n; d++ {
			if n%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			out = append(out, n)
		}
	}
	return out
}

// An Indexed Job's pod i checks A_SIZE_NUM numbers from A_START_NUM +
// i*A_SIZE_NUM: a program that ignored A_START_NUM (the indexed lab starts
// at 1) would print another block here.
func TestRunIndexedBlockFromAStart(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(envOf(map[string]string{"A_START_NUM": "1001", "A_SIZE_NUM": "1000", "JOB_COMPLETION_INDEX": "2"}), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	got, err := primes.Parse(&out)
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	// Block 2 from 1001 is 3001..4000: pi(4000) - pi(3000) = 550 - 430.
	want := trialDivisionPrimes(3001, 4000)
	if len(want) != 120 {
		t.Fatalf("the test's arithmetic: %d primes in 3001..4000, want 120", len(want))
	}
	if len(got) != len(want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
		t.Fatalf("got %d primes %v..%v, want %d primes %d..%d", len(got), first(got), last(got), len(want), want[0], want[len(want)-1])
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("prime %d: got %d, want %d", i, got[i], want[i])
		}
	}
}

func first(s []int) any {
	if len(s) == 0 {
		return "none"
	}
	return s[0]
}

func last(s []int) any {
	if len(s) == 0 {
		return "none"
	}
	return s[len(s)-1]
}
