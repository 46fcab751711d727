package primes_test

import (
	"strings"
	"testing"

	"github.com/joblab/joblab/labs/primes"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"2", 2},
		{"10**5", 100000},
		{"10 ** 5", 100000},
		{" 10**5 ", 100000},
		{"2**10", 1024},
		{"10**0", 1},
		{"0**0", 1},
		{"0**3", 0},
		{"1**1000000000000", 1},
		{"100000", 100000},
		{" 42\n", 42},
		{"-3", -3},
		{"+7", 7},
		{"2**62", 1 << 62},
	}
	for _, tt := range tests {
		got, err := primes.ParseInt(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestParseIntErrors(t *testing.T) {
	tests := []struct {
		in, wantInError string
	}{
		{"", `"" is not an integer`},
		{"abc", `"abc" is not an integer: use a decimal integer such as 100000 or a power such as 10**5`},
		{"10*5", `"10*5" is not an integer`},
		{"10^5", `"10^5" is not an integer`},
		{"1e5", `"1e5" is not an integer`},
		{"10**", `"10**" is not an integer`},
		{"-10**5", `"-10**5" is not an integer`},
		{"10**-5", `"10**-5" is not an integer`},
		{"2.5", `"2.5" is not an integer`},
		{"2**64", `"2**64" is too large`},
		{"10**19", `"10**19" is too large`},
		{"99999999999999999999", `"99999999999999999999" is too large`},
		{"99999999999999999999**2", `"99999999999999999999**2" is too large`},
	}
	for _, tt := range tests {
		_, err := primes.ParseInt(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.wantInError) {
			t.Errorf("ParseInt(%q) error = %v, want it to contain %q", tt.in, err, tt.wantInError)
		}
	}
}
