package specs

import (
	"bytes"
	"strings"
	"testing"

	"github.com/joblab/joblab/internal/labdef"
	"github.com/joblab/joblab/labs/primes"
	"github.com/joblab/joblab/lesson"
)

// primeLogFacts are the prime lab folder's log facts, by ID.
func primeLogFacts(t *testing.T) map[string]labdef.Fact {
	t.Helper()
	l, ok := lesson.FindLab("prime")
	if !ok || l.Def == nil {
		t.Fatal("the prime lab is not a lab folder")
	}
	facts := map[string]labdef.Fact{}
	for _, f := range l.Def.Facts {
		if f.Log != nil {
			facts[f.ID] = f
		}
	}
	if len(facts) != 7 {
		t.Fatalf("%d log facts in lessonlabs/prime, want its 7", len(facts))
	}
	return facts
}

// programLog is what the lab's program prints for the primes of a range,
// with a change to its numbers made first.
func programLog(t *testing.T, start, end int, change func([]int) []int) string {
	t.Helper()
	var b bytes.Buffer
	if err := primes.Format(&b, change(primes.InRange(start, end))); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func same(ns []int) []int { return ns }

// TestPrimeLogFactsPassTheProgramsLog: the lab program's own output for
// the lesson's range passes every log fact (the checker's layout and its
// trial division agree with the program's, which it never calls).
func TestPrimeLogFactsPassTheProgramsLog(t *testing.T) {
	log := programLog(t, 2, 100001, same)
	want := map[string]string{
		"log-line-1":         "[    2     3     5     7    11    13    17    19    23    29    31    37",
		"log-line-2":         "    41    43    47    53    59    61    67    71    73    79    83    89",
		"only-numbers":       "yes",
		"primes-printed":     "9592",
		"first-and-last":     "2 .. 99991",
		"exactly-the-primes": "the same",
		"numpy-layout":       "the same",
	}
	for id, f := range primeLogFacts(t) {
		got, ok := logValue(f, log, 0)
		if !ok || got != want[id] {
			t.Errorf("%s: %q, %v; want %q, passed", id, got, ok, want[id])
		}
	}
}

// TestPrimeLogFactsCatchWrongLogs: each wrong log fails the facts it
// changes, and only those, saying how.
func TestPrimeLogFactsCatchWrongLogs(t *testing.T) {
	facts := primeLogFacts(t)
	cases := []struct {
		name  string
		log   string
		fails map[string]string // fact ID: what its row shows
	}{
		{"the prime 2 missing", programLog(t, 3, 100001, same), map[string]string{
			"log-line-1":         "[    3     5     7    11    13    17    19    23    29    31    37    41",
			"log-line-2":         "    43    47    53    59    61    67    71    73    79    83    89    97",
			"primes-printed":     "9591",
			"first-and-last":     "3 .. 99991",
			"exactly-the-primes": "9591 printed; missing [2]; extra none",
			"numpy-layout":       `line 1 is "[    3     5     7    11    13    17    19    23    29    31    37    41", numpy prints "[    2     3     5     7    11    13    17    19    23    29    31    37"`,
		}},
		{"1 printed as a prime", programLog(t, 2, 100001, func(ns []int) []int { return append([]int{1}, ns...) }), map[string]string{
			"log-line-1":         "[    1     2     3     5     7    11    13    17    19    23    29    31",
			"log-line-2":         "    37    41    43    47    53    59    61    67    71    73    79    83",
			"primes-printed":     "9593",
			"first-and-last":     "1 .. 99991",
			"exactly-the-primes": "9593 printed; missing none; extra [1]",
			"numpy-layout":       `line 1 is "[    1     2     3     5     7    11    13    17    19    23    29    31", numpy prints "[    2     3     5     7    11    13    17    19    23    29    31    37"`,
		}},
		{"a word in the log", strings.Replace(programLog(t, 2, 100001, same), "    89\n", "    89\nprimes:\n", 1), map[string]string{
			"only-numbers": `"primes:" is not an integer`,
			"numpy-layout": `line 3 is "primes:", numpy prints "    97   101   103   107   109   113   127   131   137   139   149   151"`,
			// The numbers before the word: what a reader would count.
			"primes-printed":     "24",
			"first-and-last":     "2 .. 89",
			"exactly-the-primes": "24 printed; missing [97 101 103 107 109] ... (9568); extra none",
		}},
		{"80 columns a line", strings.Join(strings.Fields(programLog(t, 2, 100001, same)), " "), map[string]string{
			"log-line-1":   "[ 2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59 61 67 71 73 79 83 89 97 101 103 107 109 113 127 131 137 139 149 151 157 163 167 173 179 181 191 193 197 199 211 223 227 229 233 239 241 251 257 263 269 271 277 281 283 293 307 311 313 317 331 337 347 349 353 359 367 373 379 383 389 397 401 409 419 421 431 433 439 443 449 457 461 463 467 479 487 491 499 503 509 521 523 541 547 557 563 569 571 577 587 593 599 601 607 613 617 619 631 641 643 647 653 659 661 673 677 683 691 701 709 719 727 733 739 743 751 757 761 769 773 787 797 809 811 821 823 827 829 839 853 857 859 863 877 881 883 887 907 911 919 929 937 941 947 953 967 971 977 983 991 997 1009",
			"log-line-2":   "",
			"numpy-layout": "",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for id, f := range facts {
				got, ok := logValue(f, c.log, 0)
				want, fails := c.fails[id]
				switch {
				case fails && ok:
					t.Errorf("%s passed (%q)", id, got)
				case !fails && !ok:
					t.Errorf("%s failed: %q", id, got)
				case fails && want != "" && !strings.HasPrefix(got, want):
					t.Errorf("%s shows %q, want %q", id, got, want)
				}
			}
		})
	}
}

// TestLogFactOfText: a plain log fact compares the whole text, trailing
// newlines aside, and names the first line that differs.
func TestLogFactOfText(t *testing.T) {
	f := labdef.Fact{ID: "log", Log: &labdef.LogCheck{Job: "j"}, Documented: "hello\nworld\n"}
	if got, ok := logValue(f, "hello\nworld", 0); !ok || got != "hello world" {
		t.Errorf("same text: %q, %v", got, ok)
	}
	if got, ok := logValue(f, "hello\nthere\n", 0); ok || got != `line 2 is "there", not "world"` {
		t.Errorf("other text: %q, %v", got, ok)
	}
}

// TestLogPerIndex: with perIndex, each pod's primes are its completion
// index's range: the program's output for index 2's range passes as
// index 2, and fails as index 1.
func TestLogPerIndex(t *testing.T) {
	f := labdef.Fact{ID: "per-index", Log: &labdef.LogCheck{Job: "j", Numbers: labdef.NumbersPrimes, Primes: &labdef.PrimesRange{From: 1, To: 1001, PerIndex: 1000}}}
	log := programLog(t, 2001, 3000, same)
	if got, ok := logValue(f, log, 2); !ok || got != "the same" {
		t.Errorf("index 2's primes as index 2: %q, %v", got, ok)
	}
	if got, ok := logValue(f, log, 1); ok {
		t.Errorf("index 2's primes as index 1 passed: %q", got)
	}
	whole := labdef.Fact{ID: "layout", Log: &labdef.LogCheck{Job: "j", Primes: f.Log.Primes}, Documented: 127}
	if got, ok := logValue(whole, log, 2); !ok || got != "the same" {
		t.Errorf("index 2's log in numpy's layout: %q, %v", got, ok)
	}
}
