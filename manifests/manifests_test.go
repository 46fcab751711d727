package manifests

import (
	"errors"
	"strings"
	"testing"
)

func TestEveryManifestMatchesTheLesson(t *testing.T) {
	names := Names()
	if len(names) != len(Lesson) {
		t.Errorf("manifests %v, but the lesson documents %d", names, len(Lesson))
	}
	for _, name := range names {
		if err := Check(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestDriftIsReported(t *testing.T) {
	cases := []struct{ manifest, from, to, want string }{
		{"job-normal-end.yaml", "completions: 6", "completions: 5", "spec.completions: the lesson says 6, the manifest has 5"},
		{"job-normal-end.yaml", "# parallelism: 2", "parallelism: 3", "spec.parallelism: the lesson says nothing (unset), the manifest has 3"},
		{"job-normal-end-parallelism2.yaml", "\n  parallelism: 2", "\n  parallelism: 3", "the lesson says 2, the manifest has 3"},
		{"job-abnormal-end.yaml", "backoffLimit: 3", "backoffLimit: 2", "spec.backoffLimit: the lesson says 3, the manifest has 2"},
		{"job-container-failed.yaml", "sleep 5; exit 1", "sleep 5; exit 0", "containers[1].command"},
		{"cron-job.yaml", `"*/1 * * * *"`, `"*/2 * * * *"`, `spec.schedule: the lesson says "*/1 * * * *"`},
		{"pn_job.yaml", `"10**5"`, `"10**4"`, "containers[0].env"},
		{"taskQueue-deploy.yaml", "nodePort: 31672", "nodePort: 31673", "spec.ports[0].nodePort: the lesson says 31672, the manifest has 31673"},
	}
	for _, c := range cases {
		data, err := Read(c.manifest)
		if err != nil {
			t.Fatal(err)
		}
		mutated := strings.Replace(string(data), c.from, c.to, 1)
		if mutated == string(data) {
			t.Fatalf("%s does not contain %q", c.manifest, c.from)
		}
		objs, err := Decode([]byte(mutated))
		if err != nil {
			t.Fatal(err)
		}
		err = CheckObjects(c.manifest, objs)
		var drift DriftError
		if !errors.As(err, &drift) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s with %q -> %q: got %v, want drift mentioning %q", c.manifest, c.from, c.to, err, c.want)
		}
	}
}

func TestOldCronJobAPIGivesTheFix(t *testing.T) {
	_, err := Load("legacy/cron-job.v1beta1.yaml")
	var removed *RemovedAPIError
	if !errors.As(err, &removed) {
		t.Fatalf("got %v, want a RemovedAPIError", err)
	}
	for _, want := range []string{"batch/v1beta1 CronJob", "removed in Kubernetes 1.25", "apiVersion: batch/v1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestUnknownManifestNamesTheKnownOnes(t *testing.T) {
	_, err := Read("job-nope.yaml")
	if err == nil || !strings.Contains(err.Error(), "job-normal-end.yaml") {
		t.Errorf("got %v", err)
	}
}
