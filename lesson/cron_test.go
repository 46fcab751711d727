package lesson

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCronJobNameAgainstSchedule(t *testing.T) {
	at := time.Date(2026, 11, 30, 0, 50, 0, 0, time.UTC) // seen as hello-29933330
	if p := CronJobNameProblem("hello", "hello-29933330", at); p != "" {
		t.Errorf("the measured name was refused: %s", p)
	}
	if p := CronJobNameProblem("hello", "hello-1795999800", at); p == "" {
		t.Error("a name in seconds (older controllers) was accepted on a minutes cluster")
	}
	if p := CronJobNameProblem("hello", "hello-29933331", at); p == "" {
		t.Error("a name one minute off was accepted")
	}
	if p := CronJobNameProblem("hello", "other-29933330", at); p == "" {
		t.Error("a foreign name was accepted")
	}
}

func TestParseWorkerLog(t *testing.T) {
	item, got, err := ParseWorkerLog("['1001', ' 2000']\n[1009 1013 1019]\n")
	if err != nil || item.Start != 1001 || item.End != 2000 || len(got) != 3 || got[0] != 1009 {
		t.Fatalf("got %v %v %v", item, got, err)
	}
	if _, _, err := ParseWorkerLog("1001, 2000\n[1009]\n"); err == nil || !strings.Contains(err.Error(), "as the notes print it") {
		t.Errorf("a bare payload line was accepted: %v", err)
	}
}

func TestCronJobsJudgedByWhenTheyAppeared(t *testing.T) {
	minute := time.Date(2026, 12, 3, 16, 50, 0, 0, time.UTC)
	name := fmt.Sprintf("hello-%d", minute.Unix()/60)
	if m, ok := CronNameMinute("hello", name); !ok || !m.Equal(minute) {
		t.Errorf("CronNameMinute(%s) = %v, %t", name, m, ok)
	}
	for _, c := range []struct {
		after time.Duration
		ok    bool
	}{{0, true}, {2 * time.Second, true}, {15 * time.Second, true}, {16 * time.Second, false}, {-time.Second, false}, {time.Minute, false}} {
		p := CronAppearedLate("hello", name, minute.Add(c.after), 15*time.Second)
		if (p == "") != c.ok {
			t.Errorf("created %s after its minute: %q, want ok %t", c.after, p, c.ok)
		}
	}
	if p := CronAppearedLate("hello", "hello-x", minute, 15*time.Second); p == "" {
		t.Error("a name without a minute passed")
	}
}
