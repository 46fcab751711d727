package framework

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// JobPods lists the pods of a Job, oldest first.
func JobPods(ctx context.Context, cs kubernetes.Interface, ns, job string) ([]corev1.Pod, error) {
	list, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + job})
	if err != nil {
		return nil, err
	}
	pods := list.Items
	sort.SliceStable(pods, func(i, j int) bool { return pods[i].CreationTimestamp.Before(&pods[j].CreationTimestamp) })
	return pods, nil
}

// PodLog returns a container's log.
func PodLog(ctx context.Context, cs kubernetes.Interface, ns, pod, container string) (string, error) {
	raw, err := cs.CoreV1().Pods(ns).GetLogs(pod, &corev1.PodLogOptions{Container: container}).DoRaw(ctx)
	if err != nil {
		return "", fmt.Errorf("reading the log of %s/%s container %s: %w", ns, pod, container, err)
	}
	return string(raw), nil
}
