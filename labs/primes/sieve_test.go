package primes_test

import (
	"slices"
	"testing"

	"github.com/joblab/joblab/labs/primes"
)

func TestInRange(t *testing.T) {
	tests := []struct {
		name        string
		start, end  int
		count       int
		first, last int
	}{
		{"lesson prime lab 2..100001", 2, 100001, 9592, 2, 99991},
		{"broker lab 1..4000", 1, 4000, 550, 2, 3989},
		{"item 1..1000", 1, 1000, 168, 2, 997},
		{"item 1001..2000", 1001, 2000, 135, 1009, 1999},
		{"item 2001..3000", 2001, 3000, 127, 2003, 2999},
		{"item 3001..4000", 3001, 4000, 120, 3001, 3989},
		{"a single prime", 7, 7, 1, 7, 7},
		{"two is the first prime", 2, 2, 1, 2, 2},
		{"negative start", -10, 10, 4, 2, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := primes.InRange(tt.start, tt.end)
			if len(got) != tt.count {
				t.Fatalf("InRange(%d, %d) has %d primes, want %d", tt.start, tt.end, len(got), tt.count)
			}
			if got[0] != tt.first || got[len(got)-1] != tt.last {
				t.Errorf("InRange(%d, %d) runs %d..%d, want %d..%d", tt.start, tt.end, got[0], got[len(got)-1], tt.first, tt.last)
			}
			if !slices.IsSorted(got) {
				t.Errorf("InRange(%d, %d) is not ascending", tt.start, tt.end)
			}
		})
	}
}

func TestInRangeEmpty(t *testing.T) {
	for _, r := range [][2]int{{1, 1}, {0, 1}, {-5, 1}, {10, 9}, {100, 2}, {24, 28}, {-10, -2}} {
		if got := primes.InRange(r[0], r[1]); len(got) != 0 {
			t.Errorf("InRange(%d, %d) = %v, want no primes", r[0], r[1], got)
		}
	}
}

func TestInRangeMatchesTrialDivision(t *testing.T) {
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
	for start := -3; start < 60; start++ {
		for end := start - 1; end < 130; end++ {
			var want []int
			for n := start; n <= end; n++ {
				if isPrime(n) {
					want = append(want, n)
				}
			}
			if got := primes.InRange(start, end); !slices.Equal(got, want) {
				t.Fatalf("InRange(%d, %d) = %v, want %v", start, end, got, want)
			}
		}
	}
}

func TestLessonItemsPartitionThePrimesUpTo4000(t *testing.T) {
	var joined []int
	for _, r := range [][2]int{{1, 1000}, {1001, 2000}, {2001, 3000}, {3001, 4000}} {
		joined = append(joined, primes.InRange(r[0], r[1])...)
	}
	if want := primes.InRange(1, 4000); !slices.Equal(joined, want) {
		t.Fatalf("the four items give %d primes, 1..4000 has %d: they must partition it", len(joined), len(want))
	}
}

func TestInRangeLargeSegment(t *testing.T) {
	// 999999937 is the largest prime below 10**9; the sieve only spans the range.
	got := primes.InRange(999999900, 1000000000)
	if len(got) == 0 || got[len(got)-1] != 999999937 {
		t.Fatalf("InRange(999999900, 10**9) = %v, want it to end with 999999937", got)
	}
}

func BenchmarkInRangeLessonPrimeLab(b *testing.B) {
	for b.Loop() {
		if n := len(primes.InRange(2, 100001)); n != 9592 {
			b.Fatalf("got %d primes, want 9592", n)
		}
	}
}
