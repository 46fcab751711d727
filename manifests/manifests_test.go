package manifests_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/manifests"
)

func TestEveryManifestIsTheLessons(t *testing.T) {
	names := manifests.Names()
	if strings.Join(names, ",") != strings.Join(lesson.ManifestNames(), ",") {
		t.Errorf("manifests %v, but the lesson documents %v", names, lesson.ManifestNames())
	}
	for _, name := range names {
		data, err := manifests.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		diffs, fields, err := lesson.CompareManifest(name, data)
		if err != nil || len(diffs) > 0 || fields < 5 {
			t.Errorf("%s: %d fields, differences %v, %v", name, fields, diffs, err)
		}
		if _, err := manifests.Decode(data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestEveryEditIsADifference: an edit of a value the lesson writes is a
// difference as written; a field added or removed is undecided without the
// API server (it may be written out at its default), never a guess. On a
// cluster the stored objects decide (go run ./tools/mutants -grade).
func TestEveryEditIsADifference(t *testing.T) {
	cases := []struct{ manifest, from, to, want string }{
		{"job-normal-end.yaml", "completions: 6", "completions: 5", `Job normal-job spec.completions: the lesson says 6, the manifest says 5`},
		{"job-normal-end.yaml", "# parallelism: 2", "parallelism: 3", "spec.parallelism: the lesson says unset, the manifest says 3 (undecided"},
		{"job-normal-end.yaml", "completions: 6", "completions: 6\n  ttlSecondsAfterFinished: 30", "spec.ttlSecondsAfterFinished: the lesson says unset, the manifest says 30 (undecided"},
		{"job-normal-end.yaml", "restartPolicy: Never", "restartPolicy: Never\n      activeDeadlineSeconds: 60", "activeDeadlineSeconds"},
		{"job-normal-end-parallelism2.yaml", "\n  parallelism: 2", "\n  parallelism: 3", "the lesson says 2, the manifest says 3"},
		{"job-abnormal-end.yaml", "backoffLimit: 3", "backoffLimit: 2", "spec.backoffLimit: the lesson says 3, the manifest says 2"},
		{"job-abnormal-end.yaml", "image: busybox:latest", "image: busybox:latest\n          imagePullPolicy: Always", "containers[busybox].imagePullPolicy: the lesson says unset"},
		{"job-container-failed.yaml", "sleep 5; exit 1", "sleep 5; exit 0", "containers[busybox2].command"},
		{"cron-job.yaml", `"*/1 * * * *"`, `"*/2 * * * *"`, `spec.schedule: the lesson says "*/1 * * * *"`},
		{"cron-job.yaml", "  schedule:", "  successfulJobsHistoryLimit: 1\n  schedule:", "spec.successfulJobsHistoryLimit: the lesson says unset, the manifest says 1 (undecided"},
		{"pn_job.yaml", `"10**5"`, `"10**4"`, `env[A_SIZE_NUM].value: the lesson says "10**5", the manifest says "10**4"`},
		{"pn_job.yaml", `value: "2"`, `value: "1"`, `env[A_START_NUM].value: the lesson says "2"`},
		{"taskQueue-deploy.yaml", "nodePort: 31672", "nodePort: 31673", "Service taskqueue spec.ports[5672/TCP].nodePort: the lesson says 31672, the manifest says 31673"},
		{"taskQueue-deploy.yaml", "cpu: 100m", "cpu: 200m", "resources.limits.cpu"},
	}
	for _, c := range cases {
		data, err := manifests.Read(c.manifest)
		if err != nil {
			t.Fatal(err)
		}
		mutated := strings.Replace(string(data), c.from, c.to, 1)
		if mutated == string(data) {
			t.Fatalf("%s does not contain %q", c.manifest, c.from)
		}
		diffs, _, err := lesson.CompareManifest(c.manifest, []byte(mutated))
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, d := range diffs {
			all = append(all, d.String())
		}
		if len(diffs) != 1 || !strings.Contains(all[0], c.want) {
			t.Errorf("%s with %q -> %q: got %q, want one difference mentioning %q", c.manifest, c.from, c.to, all, c.want)
		}
	}
}

func TestOldCronJobAPIGivesTheFix(t *testing.T) {
	_, err := manifests.Load("legacy/cron-job.v1beta1.yaml")
	var removed *manifests.RemovedAPIError
	if !errors.As(err, &removed) {
		t.Fatalf("got %v, want a manifests.RemovedAPIError", err)
	}
	for _, want := range []string{"batch/v1beta1 CronJob", "removed in Kubernetes 1.25", "apiVersion: batch/v1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestUnknownManifestNamesTheKnownOnes(t *testing.T) {
	_, err := manifests.Read("job-nope.yaml")
	if err == nil || !strings.Contains(err.Error(), "job-normal-end.yaml") {
		t.Errorf("got %v", err)
	}
}

// The example folder of equivalent answers differs from the lesson in no
// value as written (what only the API server can decide is undecided here,
// and graded on a cluster by the least-privilege suite and mutants -grade).
func TestEquivalentAnswersDifferInNoWrittenValue(t *testing.T) {
	for _, name := range manifests.Names() {
		if strings.Contains(name, "/") {
			continue
		}
		data, err := os.ReadFile(filepath.Join("..", "examples", "equivalent-answers", name))
		if err != nil {
			t.Fatalf("the example folder lacks a lesson file: %v", err)
		}
		diffs, _, err := lesson.CompareManifest(name, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range diffs {
			if d.Undecided == "" {
				t.Errorf("%s: %s", name, d)
			}
		}
	}
}
