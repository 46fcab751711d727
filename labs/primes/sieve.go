// Package primes computes the prime numbers of a range and prints them the
// way the lesson's pn_generator printed its numpy array, so that a Go lab
// program can stand in for the lesson's Python one (step 10.5 and 10.8).
package primes

// InRange returns every prime p with start <= p <= end, in ascending order.
// 1 is not a prime; a range below 2 or with end < start gives an empty
// (nil) slice. It sieves only the range itself, with the primes up to
// sqrt(end), so its memory grows with end-start, not with end.
func InRange(start, end int) []int {
	start = max(start, 2)
	if end < start {
		return nil
	}
	composite := make([]bool, end-start+1) // composite[i] is about start+i
	for _, p := range smallPrimes(isqrt(end)) {
		first := max(p*p, (start+p-1)/p*p)
		for m := first; m <= end && m >= first; m += p { // m >= first stops on overflow
			composite[m-start] = true
		}
	}
	var out []int
	for i, c := range composite {
		if !c {
			out = append(out, start+i)
		}
	}
	return out
}

// smallPrimes returns the primes up to n with a plain sieve of Eratosthenes.
func smallPrimes(n int) []int {
	if n < 2 {
		return nil
	}
	composite := make([]bool, n+1)
	var out []int
	for i := 2; i <= n; i++ {
		if composite[i] {
			continue
		}
		out = append(out, i)
		for m := i * i; m <= n; m += i {
			composite[m] = true
		}
	}
	return out
}

// isqrt returns the largest r with r*r <= n, for n >= 0.
func isqrt(n int) int {
	if n < 2 {
		return n
	}
	r := 1
	for lo, hi := 1, min(n, 3037000499); lo <= hi; { // 3037000499² fits int64
		mid := lo + (hi-lo)/2
		if mid <= n/mid {
			r, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	return r
}
