package primes_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/joblab/joblab/labs/primes"
)

func formatted(t *testing.T, numbers []int) string {
	t.Helper()
	var b bytes.Buffer
	if err := primes.Format(&b, numbers); err != nil {
		t.Fatalf("Format: %v", err)
	}
	return b.String()
}

// TestFormatLessonLogs checks the lines that the notes show (10.5 and 10.8).
func TestFormatLessonLogs(t *testing.T) {
	t.Run("prime lab 2..100001", func(t *testing.T) {
		lines := strings.Split(formatted(t, primes.InRange(2, 100001)), "\n")
		if want := "[    2     3     5     7    11    13    17    19    23    29    31    37"; lines[0] != want {
			t.Errorf("first line\n got %q\nwant %q", lines[0], want)
		}
		if want := "    41    43    47    53    59    61    67    71    73    79    83    89"; lines[1] != want {
			t.Errorf("second line\n got %q\nwant %q", lines[1], want)
		}
		if last := lines[len(lines)-2]; !strings.HasSuffix(last, " 99991]") {
			t.Errorf("last line %q, want it to end with 99991]", last)
		}
	})
	t.Run("notes' log 1001..2999", func(t *testing.T) {
		lines := strings.Split(formatted(t, primes.InRange(1001, 2999)), "\n")
		if want := "[1009 1013 1019 1021 1031 1033 1039 1049 1051 1061 1063 1069 1087 1091"; lines[0] != want {
			t.Errorf("first line\n got %q\nwant %q", lines[0], want)
		}
		if want := " 1093 1097 1103 1109 1117 1123 1129 1151 1153 1163 1171 1181 1187 1193"; lines[1] != want {
			t.Errorf("second line\n got %q\nwant %q", lines[1], want)
		}
		if want := " 2909 2917 2927 2939 2953 2957 2963 2969 2971 2999]"; lines[len(lines)-2] != want {
			t.Errorf("last line\n got %q\nwant %q", lines[len(lines)-2], want)
		}
		if len(lines) != 20 || lines[19] != "" {
			t.Errorf("got %d lines, want the notes' 19 lines and a final newline", len(lines)-1)
		}
	})
}

func TestFormatLineWidth(t *testing.T) {
	tests := []struct {
		name    string
		numbers []int
		perLine int
	}{
		{"width 5", primes.InRange(10000, 20000), 12},
		{"width 4", primes.InRange(1000, 2000), 14},
		{"width 3", primes.InRange(100, 1000), 18},
		{"width 2", numbersFrom(10, 99), 24},
		{"width 1", slices.Repeat([]int{7}, 100), 37},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := strings.Split(strings.TrimSuffix(formatted(t, tt.numbers), "\n"), "\n")
			for i, line := range lines {
				if len(line) > 75 {
					t.Errorf("line %d has %d characters, more than 75: %q", i+1, len(line), line)
				}
				if i < len(lines)-1 && len(strings.Fields(strings.TrimPrefix(line, "["))) != tt.perLine {
					t.Errorf("line %d holds %d numbers, want %d: %q", i+1, len(strings.Fields(line)), tt.perLine, line)
				}
				if i > 0 && !strings.HasPrefix(line, " ") {
					t.Errorf("continuation line %d does not start with a space: %q", i+1, line)
				}
			}
		})
	}
}

func numbersFrom(first, last int) []int {
	var out []int
	for n := first; n <= last; n++ {
		out = append(out, n)
	}
	return out
}

func TestFormatSmall(t *testing.T) {
	tests := []struct {
		numbers []int
		want    string
	}{
		{nil, "[]\n"},
		{[]int{}, "[]\n"},
		{[]int{7}, "[7]\n"},
		{[]int{2, 3, 5, 7, 11}, "[ 2  3  5  7 11]\n"},
	}
	for _, tt := range tests {
		if got := formatted(t, tt.numbers); got != tt.want {
			t.Errorf("Format(%v) = %q, want %q", tt.numbers, got, tt.want)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestFormatReportsWriteError(t *testing.T) {
	err := primes.Format(failingWriter{}, []int{2, 3})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Format to a failing writer: error %v, want the write error", err)
	}
}

func TestParseRoundTrip(t *testing.T) {
	for _, numbers := range [][]int{
		nil,
		{2},
		primes.InRange(1, 1000),
		primes.InRange(1001, 2000),
		primes.InRange(2, 100001),
	} {
		got, err := primes.Parse(strings.NewReader(formatted(t, numbers)))
		if err != nil {
			t.Fatalf("Parse(Format(%d primes)): %v", len(numbers), err)
		}
		if !slices.Equal(got, numbers) {
			t.Fatalf("Parse(Format(x)) gave %d numbers, want the %d of x", len(got), len(numbers))
		}
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	good := formatted(t, primes.InRange(1001, 2000))
	tests := []struct {
		name, in, wantInError string
	}{
		{"empty", "", "must start with"},
		{"no bracket", "2 3 5]\n", "must start with"},
		{"no closing bracket", "[2 3 5\n", "must end with"},
		{"no final newline", "[2 3 5]", "must end with"},
		{"trailing line", "[2 3 5]\nmore\n", "must end with"},
		{"not a number", "[2 x 5]\n", `"x", which is not an integer`},
		{"ellipsis", "[2 3 ... 7]\n", `"...", which is not an integer`},
		{"misaligned", "[2 3 5 11]\n", "line 1 is"},
		{"truncated", good[:len(good)/2] + "]\n", "not laid out"},
		{"wrapped too late", strings.Replace(good, "\n", " ", 1), "line 1 is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := primes.Parse(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantInError) {
				t.Fatalf("Parse(%q) error = %v, want it to contain %q", tt.in, err, tt.wantInError)
			}
		})
	}
}
