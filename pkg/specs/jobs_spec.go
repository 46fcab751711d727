package specs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"

	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// podsStatuses is a Job's counts as kubectl describe job prints them
// (Pods Statuses).
func podsStatuses(j *batchv1.Job) string {
	return fmt.Sprintf("%d Running / %d Succeeded / %d Failed", j.Status.Active, j.Status.Succeeded, j.Status.Failed)
}

// kubectlJobCell is one column of kubectl get jobs for a Job, as the API
// server prints it.
func kubectlJobCell(ctx context.Context, env *framework.Env, ns, job, column string) string {
	rows, err := framework.KubectlGet(ctx, env.Client.BatchV1().RESTClient(), ns, "jobs", "")
	Expect(err).NotTo(HaveOccurred())
	return framework.KubectlCell(rows, job, column)
}

// readable renders an error for a report row: "none" rather than <nil>.
func readable(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}

// yesOr is "yes" when err is nil, else the error.
func yesOr(err error) string { return outcome("yes", err) }

// outcome is done when err is nil, else the error: what a wait observed.
func outcome(done string, err error) string {
	if err == nil {
		return done
	}
	return err.Error()
}

// differences says how got differs from want: missing and extra numbers.
func differences(want, got []int) string {
	in := func(xs []int) map[int]bool {
		m := make(map[int]bool, len(xs))
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var missing, extra []int
	for _, x := range want {
		if !g[x] {
			missing = append(missing, x)
		}
	}
	for _, x := range got {
		if !w[x] {
			extra = append(extra, x)
		}
	}
	if len(missing) == 0 && len(extra) == 0 && len(want) == len(got) {
		return "the same"
	}
	return fmt.Sprintf("%d printed; missing %s; extra %s", len(got), firstFew(missing), firstFew(extra))
}

func firstFew(xs []int) string {
	if len(xs) == 0 {
		return "none"
	}
	if len(xs) > 5 {
		return fmt.Sprintf("%v ... (%d)", xs[:5], len(xs))
	}
	return fmt.Sprint(xs)
}

// firstDifferentLine names the first line where got differs from want.
func firstDifferentLine(want, got string) string {
	if want == got {
		return "the same"
	}
	if n, w, g := differingLine(want, got); n > 0 {
		return fmt.Sprintf("line %d is %q, numpy prints %q", n, g, w)
	}
	return "differs"
}

// differingLine finds the first line (from 1) where got differs from
// want, and both lines ("" past the end); 0 when none does.
func differingLine(want, got string) (n int, w, g string) {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		w, g = "", ""
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return i + 1, w, g
		}
	}
	return 0, "", ""
}

func distinct(xs []string) map[string]bool {
	out := map[string]bool{}
	for _, x := range xs {
		out[x] = true
	}
	return out
}

func repeat(s string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = s
	}
	return strings.Join(parts, ",")
}

// seconds writes durations as a person does: "17 s, 26 s, 46 s".
func seconds(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = fmt.Sprintf("%d s", int(d.Round(time.Second).Seconds()))
	}
	return strings.Join(out, ", ")
}

// backoffText is the back-off's waits, and, when a failure reached the API
// server more than lag after it happened, how late each was reported: the
// reason a wait was longer than its back-off on a loaded cluster.
func backoffText(waits, reports []time.Duration, lag time.Duration) string {
	text := seconds(waits)
	for _, r := range reports {
		if r > lag {
			return text + " (the failures reported " + seconds(reports) + " after they happened)"
		}
	}
	return text
}

// joinInts writes numbers as a person does: "2, 2, 2".
func joinInts(ns []int) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return strings.Join(out, ", ")
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// noneOr is "none" for an empty list, else the list.
func noneOr(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, "; ")
}

// deleteEvents lists the messages of the CronJob's SuccessfulDelete events.
func deleteEvents(events []lesson.Event) string {
	var out []string
	for _, e := range events {
		if e.Reason == "SuccessfulDelete" {
			out = append(out, e.Message)
		}
	}
	if len(out) == 0 {
		return "no SuccessfulDelete event"
	}
	return strings.Join(out, "; ")
}

// allOr is what a row observed over several runs: good when none went
// wrong, else the wrong ones.
func allOr(good string, wrong []string) string {
	if len(wrong) == 0 {
		return good
	}
	return "wrong: " + strings.Join(wrong, "; ")
}

// keptOrGone is what a watch of finished pods saw: kept, or what went.
func keptOrGone(gone string) string {
	if gone == "" {
		return "kept"
	}
	return gone
}
