package primes

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// powerExpr is the lesson's power form, e.g. "10**5" (A_SIZE_NUM in pn_job.yaml).
var powerExpr = regexp.MustCompile(`^\s*(\d+)\s*\*\*\s*(\d+)\s*$`)

// ParseInt reads a decimal integer ("100000", "-3", surrounding spaces
// allowed) or the lesson's power expression "a**b" ("10**5", "10 ** 5"),
// which the lesson's Python program evaluated. Anything else, and a result
// that does not fit an int, is an error naming the bad value.
func ParseInt(expr string) (int, error) {
	if m := powerExpr.FindStringSubmatch(expr); m != nil {
		base, errBase := strconv.Atoi(m[1])
		exp, errExp := strconv.Atoi(m[2])
		if errBase != nil || errExp != nil {
			return 0, fmt.Errorf("%q is too large: use a smaller number or power", expr)
		}
		v, ok := power(base, exp)
		if !ok {
			return 0, fmt.Errorf("%q is too large: its value does not fit in %d bits", expr, strconv.IntSize)
		}
		return v, nil
	}
	v, err := strconv.Atoi(strings.TrimSpace(expr))
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("%q is too large: use a smaller number", expr)
		}
		return 0, fmt.Errorf("%q is not an integer: use a decimal integer such as 100000 or a power such as 10**5", expr)
	}
	return v, nil
}

// power returns base**exp for base, exp >= 0 (0**0 is 1, as in Python),
// and false when the result overflows int.
func power(base, exp int) (int, bool) {
	switch {
	case exp == 0 || base == 1:
		return 1, true
	case base == 0:
		return 0, true
	}
	result := 1
	for range exp { // base >= 2: overflows within 63 rounds
		if result > math.MaxInt/base {
			return 0, false
		}
		result *= base
	}
	return result, true
}
