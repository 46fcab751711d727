package initiator

import (
	"fmt"
	"maps"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The Job's fixed settings, as in the lesson's job-initiator.py.
const (
	parallelism   = 2
	backoffLimit  = 4
	containerName = "pn-generator"
	// brokerPort is RabbitMQ's AMQP port, on the Service and in the pod.
	brokerPort = 5672
)

// Labels are put on the Job and its pods.
var Labels = map[string]string{
	"app.kubernetes.io/managed-by": "joblab",
	"app.kubernetes.io/part-of":    "broker-lab",
}

// NewJob returns the Job that Run creates for o (defaults applied): one
// completion per item, two pods at a time, up to 4 retries, each pod a
// queue-worker that reaches the broker through its Service.
func NewJob(o Options) *batchv1.Job {
	o = o.withDefaults()
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:      o.JobName,
			Namespace: o.Namespace,
			Labels:    maps.Clone(Labels),
		},
		Spec: batchv1.JobSpec{
			Completions:  ptr(int32(len(o.Items))),
			Parallelism:  ptr(int32(parallelism)),
			BackoffLimit: ptr(int32(backoffLimit)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: maps.Clone(Labels)},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					Containers: []corev1.Container{{
						Name:  containerName,
						Image: o.Image,
						Env: []corev1.EnvVar{
							{Name: "BROKER_URL", Value: fmt.Sprintf("amqp://guest:guest@%s:%d", o.Service, brokerPort)},
							{Name: "QUEUE", Value: o.Queue},
						},
					}},
				},
			},
		},
	}
}

func ptr[T any](v T) *T { return &v }
