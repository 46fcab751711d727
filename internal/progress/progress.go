// Package progress reports long-running build and cluster steps: which part
// is being worked on, how long it has taken so far, and, when a step fails,
// which step it was and where its full log is kept.
package progress

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Reporter prints one plain line per event so that the output reads well in
// a terminal and in CI logs alike.
type Reporter struct {
	out      io.Writer
	logDir   string
	interval time.Duration
	mu       sync.Mutex
}

// New returns a Reporter that writes to out and keeps each step's log in
// logDir. interval is how often a running step reports that it is still
// running; zero means every 20 seconds.
func New(out io.Writer, logDir string, interval time.Duration) *Reporter {
	if interval <= 0 {
		interval = 20 * time.Second
	}
	return &Reporter{out: out, logDir: logDir, interval: interval}
}

// Discard returns a Reporter that prints nothing and keeps logs in a
// temporary directory; it is meant for tests.
func Discard() *Reporter {
	return New(io.Discard, os.TempDir(), time.Hour)
}

// Printf prints one line.
func (r *Reporter) Printf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.out, format+"\n", args...)
}

// StepError is returned when a step fails. It names the step and the log
// that holds the step's full output.
type StepError struct {
	Step    string
	LogPath string
	Tail    string
	Err     error
}

func (e *StepError) Error() string {
	msg := fmt.Sprintf("step %q failed: %v", e.Step, e.Err)
	if e.LogPath != "" {
		msg += fmt.Sprintf("\nfull log: %s", e.LogPath)
	}
	if e.Tail != "" {
		msg += "\nlast lines of the log:\n" + e.Tail
	}
	return msg
}

func (e *StepError) Unwrap() error { return e.Err }

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Run runs fn as the step called name. fn writes its detailed output to the
// given writer, which goes to the step's log file. While fn runs, a line
// saying that the step is still running, with the elapsed time, is printed
// every interval.
func (r *Reporter) Run(name string, fn func(log io.Writer) error) error {
	if err := os.MkdirAll(r.logDir, 0o755); err != nil {
		return fmt.Errorf("creating log directory %s: %w", r.logDir, err)
	}
	logPath := filepath.Join(r.logDir, unsafeChars.ReplaceAllString(name, "_")+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("creating log for step %q: %w", name, err)
	}
	defer logFile.Close()

	start := time.Now()
	r.Printf("==> %s", name)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ticker := time.NewTicker(r.interval)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				r.Printf("    %s: still running (%s)", name, Elapsed(start))
			}
		}
	}()
	err = fn(logFile)
	close(done)
	wg.Wait()
	if err != nil {
		r.Printf("    %s: FAILED after %s", name, Elapsed(start))
		return &StepError{Step: name, LogPath: logPath, Tail: tail(logPath, 20), Err: err}
	}
	r.Printf("    %s: done in %s", name, Elapsed(start))
	return nil
}

// Elapsed formats the time since start, rounded to the second.
func Elapsed(start time.Time) string {
	return time.Since(start).Round(time.Second).String()
}

func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(bytes.TrimSpace(data)), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	for i := range lines {
		lines[i] = "    | " + lines[i]
	}
	return strings.Join(lines, "\n")
}
