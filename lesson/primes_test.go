package lesson

import (
	"strings"
	"testing"
	"time"
)

func TestCheckerArithmeticMatchesThePublishedPrimeCounts(t *testing.T) {
	for x, want := range PrimeCountUpTo {
		if got := len(PrimesBetween(1, x)); got != want {
			t.Errorf("π(%d): the checker counts %d, the tables say %d", x, got, want)
		}
	}
	got := PrimesBetween(2, 100001)
	if len(got) != 9592 || got[0] != 2 || got[len(got)-1] != 99991 {
		t.Errorf("2..100001: %d primes, %d .. %d; the lesson says 9592, 2 .. 99991", len(got), got[0], got[len(got)-1])
	}
	if p := PrimesBetween(1, 10); len(p) != 4 || p[0] != 2 {
		t.Errorf("1 is not a prime: got %v", p)
	}
}

func TestNumpyTextStartsAsTheNotesPrintIt(t *testing.T) {
	lines := strings.Split(NumpyText(PrimesBetween(2, 100001)), "\n")
	for i, want := range PrimeLogHead {
		if lines[i] != want {
			t.Errorf("line %d:\n got %q\nwant %q (the notes)", i+1, lines[i], want)
		}
	}
	if last := lines[len(lines)-2]; !strings.HasSuffix(last, "99991]") {
		t.Errorf("last line %q does not end the array", last)
	}
	for i, l := range lines {
		if len(l) > NumpyLineWidth {
			t.Errorf("line %d is %d characters, wider than numpy's %d", i+1, len(l), NumpyLineWidth)
		}
	}
}

func TestNumbersReadsAnyLayout(t *testing.T) {
	got, err := Numbers("[ 2 3\n  5]\n")
	if err != nil || len(got) != 3 || got[2] != 5 {
		t.Fatalf("got %v, %v", got, err)
	}
	if _, err := Numbers("[2 three]"); err == nil {
		t.Error("a word was read as a number")
	}
}

func TestBrokerItemsCoverOneToFourThousandOnce(t *testing.T) {
	seen := map[int]int{}
	for _, it := range BrokerItems {
		for n := it.Start; n <= it.End; n++ {
			seen[n]++
		}
	}
	for n := 1; n <= 4000; n++ {
		if seen[n] != 1 {
			t.Fatalf("%d covered %d times", n, seen[n])
		}
	}
	if BrokerItemHead(BrokerItems[1]) != "['1001', ' 2000']" {
		t.Errorf("item head %q is not the notes' ['1001', ' 2000']", BrokerItemHead(BrokerItems[1]))
	}
}

func TestReportRowsSayWhatWasNotObserved(t *testing.T) {
	var r Report
	r.Add(FactRef{Name: "a"}, "1", "1", true)
	r.Add(FactRef{Name: "b"}, "1", "2", false)
	r.NotObservable(FactRef{Name: "c"}, "0", "nodes are forbidden")
	marks := []string{r.Rows[0].Mark(), r.Rows[1].Mark(), r.Rows[2].Mark()}
	if strings.Join(marks, ",") != "ok,DIFFERS,n/a" {
		t.Errorf("marks %v", marks)
	}
	if len(r.Failed()) != 1 || !strings.Contains(r.Markdown(), "| n/a | c | 0 | not observed: nodes are forbidden |") {
		t.Errorf("failed %v, markdown:\n%s", r.Failed(), r.Markdown())
	}
}

func TestCreatedBeforeFirstFinish(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	two := Timeline{Pods: []PodRecord{{Created: at(0), Finished: at(3)}, {Created: at(0), Finished: at(4)}, {Created: at(3), Finished: at(5)}, {Created: at(4), Finished: at(6)}}}
	if n := two.CreatedBeforeFirstFinish(); n != 2 {
		t.Errorf("parallelism 2: %d started first", n)
	}
	one := Timeline{Pods: []PodRecord{{Created: at(0), Finished: at(3)}, {Created: at(3), Finished: at(5)}}}
	if n := one.CreatedBeforeFirstFinish(); n != 1 {
		t.Errorf("parallelism 1: %d started first", n)
	}
}

func TestCreatedBeforeFirstFinishByWatchOrder(t *testing.T) {
	// Pods created and finished within one second: the timestamps tie,
	// the watch's order does not.
	at := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	tl := Timeline{WatchedFromStart: true, Pods: []PodRecord{
		{Name: "a", Created: at, Finished: at, SeenSeq: 1, FinishedSeq: 5},
		{Name: "b", Created: at, Finished: at, SeenSeq: 2, FinishedSeq: 7},
		{Name: "c", Created: at, Finished: at, SeenSeq: 6, FinishedSeq: 9},
		{Name: "d", Created: at, Finished: at, SeenSeq: 8, FinishedSeq: 10},
	}}
	if n := tl.CreatedBeforeFirstFinish(); n != 2 {
		t.Errorf("%d started first, want 2", n)
	}
}
