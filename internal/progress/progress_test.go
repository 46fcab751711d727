package progress

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func TestRunReportsStartAndDone(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, t.TempDir(), time.Hour)
	if err := r.Run("build thing", func(log io.Writer) error { fmt.Fprintln(log, "working"); return nil }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "==> build thing") || !strings.Contains(out.String(), "build thing: done in") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestRunFailureNamesStepAndKeepsLog(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, t.TempDir(), 10*time.Millisecond)
	boom := errors.New("boom")
	err := r.Run("debootstrap", func(log io.Writer) error {
		fmt.Fprintln(log, "E: cannot reach mirror")
		time.Sleep(30 * time.Millisecond)
		return boom
	})
	var se *StepError
	if !errors.As(err, &se) || !errors.Is(err, boom) {
		t.Fatalf("got %v, want a StepError wrapping boom", err)
	}
	if se.Step != "debootstrap" || !strings.Contains(se.Error(), se.LogPath) || !strings.Contains(se.Error(), "E: cannot reach mirror") {
		t.Errorf("error does not name step, log and its tail:\n%s", se.Error())
	}
	if !strings.Contains(out.String(), "still running") {
		t.Errorf("no progress line while running:\n%s", out.String())
	}
}
