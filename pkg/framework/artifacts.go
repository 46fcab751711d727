package framework

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"
)

// CollectArtifacts writes what is needed to understand a failed spec into
// dir: the namespace's events in time order, every Job, CronJob, Pod and
// Deployment as YAML plus a describe-like summary, and every container's
// log. It collects what it can and returns the first error.
func CollectArtifacts(ctx context.Context, cs kubernetes.Interface, ns, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var firstErr error
	keep := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	write := func(name string, v any) {
		data, err := yaml.Marshal(v)
		keep(err)
		keep(os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}

	events, err := cs.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
	keep(err)
	if events != nil {
		items := events.Items
		sort.SliceStable(items, func(i, j int) bool { return eventTime(items[i]).Time.Before(eventTime(items[j]).Time) })
		var b strings.Builder
		fmt.Fprintf(&b, "%-25s %-8s %-22s %-30s %s\n", "FIRST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE")
		for _, e := range items {
			fmt.Fprintf(&b, "%-25s %-8s %-22s %-30s %s (x%d)\n", eventTime(e).Format("2006-01-02T15:04:05Z07"), e.Type, e.Reason,
				strings.ToLower(e.InvolvedObject.Kind)+"/"+e.InvolvedObject.Name, e.Message, max(e.Count, 1))
		}
		keep(os.WriteFile(filepath.Join(dir, "events.txt"), []byte(b.String()), 0o644))
	}
	if jobs, err := cs.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{}); err == nil {
		write("jobs.yaml", jobs)
		var b strings.Builder
		for i := range jobs.Items {
			fmt.Fprintln(&b, DescribeJob(&jobs.Items[i]))
		}
		keep(os.WriteFile(filepath.Join(dir, "jobs.txt"), []byte(b.String()), 0o644))
	} else {
		keep(err)
	}
	if cjs, err := cs.BatchV1().CronJobs(ns).List(ctx, metav1.ListOptions{}); err == nil && len(cjs.Items) > 0 {
		write("cronjobs.yaml", cjs)
	}
	if deps, err := cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{}); err == nil && len(deps.Items) > 0 {
		write("deployments.yaml", deps)
	}
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	keep(err)
	if pods != nil {
		write("pods.yaml", pods)
		var b strings.Builder
		for i := range pods.Items {
			p := &pods.Items[i]
			fmt.Fprintln(&b, DescribePod(p))
			for _, c := range p.Spec.Containers {
				logs, err := cs.CoreV1().Pods(ns).GetLogs(p.Name, &corev1.PodLogOptions{Container: c.Name}).DoRaw(ctx)
				if err != nil {
					logs = []byte("could not read the log: " + err.Error())
				}
				keep(os.WriteFile(filepath.Join(dir, fmt.Sprintf("log-%s-%s.txt", p.Name, c.Name)), logs, 0o644))
			}
		}
		keep(os.WriteFile(filepath.Join(dir, "pods.txt"), []byte(b.String()), 0o644))
	}
	return firstErr
}

func eventTime(e corev1.Event) metav1.Time {
	switch {
	case !e.FirstTimestamp.IsZero():
		return e.FirstTimestamp
	case !e.EventTime.IsZero():
		return metav1.NewTime(e.EventTime.Time)
	default:
		return e.CreationTimestamp
	}
}
