package classjob

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// States of a student in an in-cluster class.
const (
	StateGraded   = "graded"        // a result is stored
	StateRunning  = "running"       // a grading pod runs
	StateWaiting  = "waiting"       // no pod yet (parallelism, scheduling)
	StateRetrying = "retrying"      // a grading pod failed; another comes
	StateFailed   = "could not run" // every try failed: no result
)

// StudentState is one index's progress.
type StudentState struct {
	Index   int
	Student string
	State   string
	// Detail: the verdict of a result, the running pod, or why the
	// grading pods failed.
	Detail string
	// Tries is how many grading pods the index had.
	Tries int
}

// States reads each student's progress from the grading Job, its pods
// and the results (by index; the verdict each result records).
func States(c Config, job *batchv1.Job, pods []corev1.Pod, results map[int]string) []StudentState {
	failed := indexSet(ptrString(job.Status.FailedIndexes))
	byIndex := map[int][]corev1.Pod{}
	for _, p := range pods {
		i, err := strconv.Atoi(p.Labels[batchv1.JobCompletionIndexAnnotation])
		if err != nil {
			i, err = strconv.Atoi(p.Annotations[batchv1.JobCompletionIndexAnnotation])
		}
		if err == nil {
			byIndex[i] = append(byIndex[i], p)
		}
	}
	out := make([]StudentState, len(c.Students))
	for i, s := range c.Students {
		st := StudentState{Index: i, Student: s.Name, Tries: len(byIndex[i])}
		mine := byIndex[i]
		sort.Slice(mine, func(a, b int) bool { return mine[a].CreationTimestamp.Before(&mine[b].CreationTimestamp) })
		// A deleted pod leaves the API once it ended: the newest pod's
		// failure count (backoffLimitPerIndex) still counts the tries.
		if len(mine) > 0 {
			if n, err := strconv.Atoi(mine[len(mine)-1].Annotations[batchv1.JobIndexFailureCountAnnotation]); err == nil && n+1 > st.Tries {
				st.Tries = n + 1
			}
		}
		verdict, graded := results[i]
		switch {
		case graded:
			st.State, st.Detail = StateGraded, verdict
		case failed[i]:
			st.State, st.Detail = StateFailed, podsWhy(mine)
		case len(mine) > 0 && active(mine[len(mine)-1]):
			st.State, st.Detail = StateRunning, "pod "+mine[len(mine)-1].Name
			if len(mine) > 1 {
				st.Detail += " (try " + strconv.Itoa(len(mine)) + "; before: " + podsWhy(mine[:len(mine)-1]) + ")"
			}
		case len(mine) > 0:
			st.State, st.Detail = StateRetrying, podsWhy(mine)
		default:
			st.State = StateWaiting
		}
		out[i] = st
	}
	return out
}

func active(p corev1.Pod) bool {
	return p.DeletionTimestamp == nil && (p.Status.Phase == corev1.PodPending || p.Status.Phase == corev1.PodRunning)
}

// podsWhy says how each grading pod of an index ended.
func podsWhy(pods []corev1.Pod) string {
	if len(pods) == 0 {
		return "no grading pod ran"
	}
	var parts []string
	for _, p := range pods {
		why := string(p.Status.Phase)
		if p.Status.Reason != "" {
			why += " (" + p.Status.Reason + ")"
		}
		for _, cs := range p.Status.ContainerStatuses {
			if t := cs.State.Terminated; t != nil {
				why = fmt.Sprintf("%s: exit %d", why, t.ExitCode)
				if t.Reason != "" {
					why += " " + t.Reason
				}
				if msg := strings.TrimSpace(t.Message); msg != "" {
					why += ": " + firstLine(msg)
				}
			}
		}
		if p.DeletionTimestamp != nil {
			why += " (deleted)"
		}
		parts = append(parts, p.Name+" "+why)
	}
	return strings.Join(parts, "; ")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if len(line) > 200 {
		line = line[:200] + "…"
	}
	return line
}

func ptrString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// indexSet reads a Job's index list ("1,3-5").
func indexSet(s string) map[int]bool {
	out := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				continue
			}
		}
		for i := a; i <= b; i++ {
			out[i] = true
		}
	}
	return out
}
