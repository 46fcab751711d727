package cluster

import (
	"fmt"
	"strings"

	kindlog "sigs.k8s.io/kind/pkg/log"

	"github.com/joblab/joblab/internal/progress"
)

// kindLogger shows kind's own progress messages as plain lines.
type kindLogger struct{ rep *progress.Reporter }

var _ kindlog.Logger = kindLogger{}

func (l kindLogger) Warn(message string)                      { l.rep.Printf("    kind: WARNING: %s", message) }
func (l kindLogger) Warnf(format string, args ...any)         { l.Warn(fmt.Sprintf(format, args...)) }
func (l kindLogger) Error(message string)                     { l.rep.Printf("    kind: ERROR: %s", message) }
func (l kindLogger) Errorf(format string, args ...any)        { l.Error(fmt.Sprintf(format, args...)) }
func (l kindLogger) V(level kindlog.Level) kindlog.InfoLogger { return infoLogger{l.rep, level <= 0} }

type infoLogger struct {
	rep     *progress.Reporter
	enabled bool
}

func (l infoLogger) Info(message string) {
	// kind's status lines carry their own newlines and spacing.
	message = strings.TrimSpace(message)
	if l.enabled && message != "" {
		l.rep.Printf("    kind: %s", message)
	}
}
func (l infoLogger) Infof(format string, args ...any) { l.Info(fmt.Sprintf(format, args...)) }
func (l infoLogger) Enabled() bool                    { return l.enabled }
