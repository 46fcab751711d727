package initiator

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/joblab/joblab/labs/queue"
)

func TestNewJobLessonShape(t *testing.T) {
	job := NewJob(Options{Namespace: "lab"})
	if job.Name != "pngen" || job.Namespace != "lab" {
		t.Errorf("job %s/%s, want lab/pngen", job.Namespace, job.Name)
	}
	spec := job.Spec
	if *spec.Completions != 4 || *spec.Parallelism != 2 || *spec.BackoffLimit != 4 {
		t.Errorf("completions %d, parallelism %d, backoffLimit %d; want 4, 2, 4", *spec.Completions, *spec.Parallelism, *spec.BackoffLimit)
	}
	pod := spec.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %s, want Never", pod.RestartPolicy)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	if c.Name != "pn-generator" || c.Image != "joblab/pn-generator-que:0.2.0" {
		t.Errorf("container %s image %s, want pn-generator-que image joblab/pn-generator-que:0.2.0", c.Name, c.Image)
	}
	wantEnv := map[string]string{"BROKER_URL": "amqp://guest:guest@taskqueue:5672", "QUEUE": "taskqueue"}
	if len(c.Env) != len(wantEnv) {
		t.Errorf("env %v, want %v", c.Env, wantEnv)
	}
	for _, e := range c.Env {
		if wantEnv[e.Name] != e.Value {
			t.Errorf("env %s=%q, want %q", e.Name, e.Value, wantEnv[e.Name])
		}
	}
	for name, labels := range map[string]map[string]string{"job": job.Labels, "pod template": spec.Template.Labels} {
		if labels["app.kubernetes.io/managed-by"] != "joblab" || labels["app.kubernetes.io/part-of"] != "broker-lab" {
			t.Errorf("%s labels %v, want managed-by joblab and part-of broker-lab", name, labels)
		}
	}
	job.Labels["x"] = "y"
	if _, shared := Labels["x"]; shared {
		t.Error("the job's labels share the package's Labels map")
	}
}

func TestNewJobFollowsOptions(t *testing.T) {
	job := NewJob(Options{
		Service: "mq", Queue: "work", JobName: "primes", Image: "example/worker:1",
		Items: []queue.Item{{Start: 1, End: 10}, {Start: 11, End: 20}},
	})
	c := job.Spec.Template.Spec.Containers[0]
	if job.Name != "primes" || job.Namespace != "default" || *job.Spec.Completions != 2 || c.Image != "example/worker:1" {
		t.Errorf("job %s/%s completions %d image %s; want default/primes, 2, example/worker:1", job.Namespace, job.Name, *job.Spec.Completions, c.Image)
	}
	if c.Env[0].Value != "amqp://guest:guest@mq:5672" || c.Env[1].Value != "work" {
		t.Errorf("env %v, want the broker through service mq and queue work", c.Env)
	}
}
