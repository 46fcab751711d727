package specs

import (
	"testing"
	"time"
)

// TestBackoffTextNamesLateReportsOnly: the back-off row shows the waits,
// and the report lags only when one was longer than the lag (the reason a
// wait may be longer than its back-off).
func TestBackoffTextNamesLateReportsOnly(t *testing.T) {
	s := func(n ...int) []time.Duration {
		var ds []time.Duration
		for _, x := range n {
			ds = append(ds, time.Duration(x)*time.Second)
		}
		return ds
	}
	for _, c := range []struct {
		waits, reports []time.Duration
		want           string
	}{
		{s(10, 20, 40), s(2, 2, 2), "10 s, 20 s, 40 s"},
		{s(10, 20, 40), nil, "10 s, 20 s, 40 s"},
		{s(10, 20, 40), s(2, 10, 2), "10 s, 20 s, 40 s"},
		{s(48, 20, 64), s(40, 3, 55), "48 s, 20 s, 64 s (the failures reported 40 s, 3 s, 55 s after they happened)"},
		{nil, nil, "none"},
	} {
		if got := backoffText(c.waits, c.reports, 10*time.Second); got != c.want {
			t.Errorf("backoffText(%v, %v) = %q, want %q", c.waits, c.reports, got, c.want)
		}
	}
}
