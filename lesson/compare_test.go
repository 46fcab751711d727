package lesson

import (
	"strings"
	"testing"
)

// compareText compares two manifests as written and returns the decided
// differences and the undecided ones, as strings.
func compareText(t *testing.T, lessonYAML, gotYAML string) (decided, undecided []string) {
	t.Helper()
	l, err := Documents([]byte(lessonYAML))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Documents([]byte(gotYAML))
	if err != nil {
		t.Fatal(err)
	}
	pairs, diffs := PairDocuments(l, g)
	for _, p := range pairs {
		diffs = append(diffs, CompareObjects(p.Key, p.Lesson, p.Manifest, AsWritten)...)
	}
	for _, d := range diffs {
		if d.Undecided != "" {
			undecided = append(undecided, d.Path)
		} else {
			decided = append(decided, d.String())
		}
	}
	return decided, undecided
}

func TestKubectlLeftoversAreNoDifference(t *testing.T) {
	// kubectl create job ... --dry-run=client -o yaml, with the lesson's
	// container name, command and completions.
	kubectl := `apiVersion: batch/v1
kind: Job
metadata:
  creationTimestamp: null
  name: normal-job
spec:
  completions: 6
  template:
    metadata:
      creationTimestamp: null
    spec:
      containers:
      - command:
        - sh
        - -c
        - sleep 5; exit 0
        image: busybox:latest
        name: busybox
        resources: {}
      restartPolicy: Never
status: {}
`
	decided, undecided := compareText(t, lessonManifests["job-normal-end.yaml"], kubectl)
	if len(decided)+len(undecided) > 0 {
		t.Errorf("kubectl's output of the lesson's Job: differences %v, undecided %v", decided, undecided)
	}
}

func TestReorderedListsCompareAsSets(t *testing.T) {
	reordered := strings.Replace(lessonManifests["pn_job.yaml"], `        - name: A_START_NUM
          value: "2"
        - name: A_SIZE_NUM
          value: "10**5"`, `        - name: A_SIZE_NUM
          value: "10**5"
        - name: A_START_NUM
          value: "2"`, 1)
	if reordered == lessonManifests["pn_job.yaml"] {
		t.Fatal("the lesson's pn_job.yaml no longer has its env in that order")
	}
	if d, u := compareText(t, lessonManifests["pn_job.yaml"], reordered); len(d)+len(u) > 0 {
		t.Errorf("env reordered: differences %v, undecided %v", d, u)
	}
	containers := strings.Replace(lessonManifests["job-container-failed.yaml"], `        - name: busybox1
          image: busybox:1
          command: ["sh", "-c", "sleep 5; exit 0"]
        - name: busybox2
          image: busybox:1
          command: ["sh", "-c", "sleep 5; exit 1"]`, `        - name: busybox2
          image: busybox:1
          command: ["sh", "-c", "sleep 5; exit 1"]
        - name: busybox1
          image: busybox:1
          command: ["sh", "-c", "sleep 5; exit 0"]`, 1)
	if d, u := compareText(t, lessonManifests["job-container-failed.yaml"], containers); len(d)+len(u) > 0 {
		t.Errorf("containers reordered: differences %v, undecided %v", d, u)
	}
	// A changed value in a reordered list is named by its key.
	changed := strings.Replace(reordered, `value: "10**5"`, `value: "10**4"`, 1)
	d, _ := compareText(t, lessonManifests["pn_job.yaml"], changed)
	if len(d) != 1 || !strings.Contains(d[0], `env[A_SIZE_NUM].value: the lesson says "10**5", the manifest says "10**4"`) {
		t.Errorf("env A_SIZE_NUM changed: %v", d)
	}
}

func TestEnvReferringToAnotherStaysOrdered(t *testing.T) {
	l := "kind: Job\nmetadata: {name: j}\nspec: {template: {spec: {containers: [{name: c, env: [{name: A, value: x}, {name: B, value: $(A)y}]}]}}}\n"
	g := "kind: Job\nmetadata: {name: j}\nspec: {template: {spec: {containers: [{name: c, env: [{name: B, value: $(A)y}, {name: A, value: x}]}]}}}\n"
	d, _ := compareText(t, l, g)
	if len(d) == 0 {
		t.Error("env with a $(A) reference reordered: no difference, but the order decides B's value")
	}
}

func TestOneSidedFieldIsUndecidedAsWritten(t *testing.T) {
	withDefault := strings.Replace(lessonManifests["job-normal-end.yaml"], "  completions: 6", "  completions: 6\n  parallelism: 1", 1)
	d, u := compareText(t, lessonManifests["job-normal-end.yaml"], withDefault)
	if len(d) != 0 || len(u) != 1 || u[0] != "spec.parallelism" {
		t.Errorf("parallelism: 1 written out, as written: decided %v, undecided %v; want spec.parallelism undecided", d, u)
	}
	// As stored, a field on one side only is a difference: both sides were
	// defaulted by the API server, so the other side's value is not the
	// default.
	l, _ := Documents([]byte(lessonManifests["job-normal-end.yaml"]))
	g, _ := Documents([]byte(withDefault))
	diffs := CompareObjects(l[0].Key, l[0].Obj, g[0].Obj, AsStored)
	if len(diffs) != 1 || diffs[0].Undecided != "" || diffs[0].Path != "spec.parallelism" {
		t.Errorf("as stored: %v, want one decided difference at spec.parallelism", diffs)
	}
}

func TestObjectsThatAreNotTheLabs(t *testing.T) {
	twice := lessonManifests["job-normal-end.yaml"] + "---\n" + lessonManifests["job-normal-end.yaml"]
	d, _ := compareText(t, lessonManifests["job-normal-end.yaml"], twice)
	if len(d) != 1 || !strings.Contains(d[0], "Job normal-job (the whole object)") || !strings.Contains(d[0], "2 documents (1, 2)") {
		t.Errorf("the lab's Job twice: %v", d)
	}
	stray := lessonManifests["job-normal-end.yaml"] + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n"
	d, _ = compareText(t, lessonManifests["job-normal-end.yaml"], stray)
	if len(d) != 1 || !strings.Contains(d[0], "ConfigMap extra (the whole object): the lesson says unset") {
		t.Errorf("a stray ConfigMap: %v", d)
	}
	renamed := strings.Replace(lessonManifests["job-normal-end.yaml"], "name: normal-job", "name: normal-jobs", 1)
	d, _ = compareText(t, lessonManifests["job-normal-end.yaml"], renamed)
	if len(d) != 2 {
		t.Errorf("the Job renamed: %v, want the lesson's Job missing and another Job present", d)
	}
}

func TestStoredForgetsWhatEachDryRunGenerates(t *testing.T) {
	run := func(uid, ip string) map[string]any {
		return map[string]any{
			"kind":     "Job",
			"metadata": map[string]any{"name": "normal-job-dry-ab12cd", "uid": uid, "resourceVersion": "", "creationTimestamp": "2026-12-03T16:00:00Z", "namespace": "s1"},
			"spec": map[string]any{
				"selector": map[string]any{"matchLabels": map[string]any{"batch.kubernetes.io/controller-uid": uid}},
				"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"job-name": "normal-job-dry-ab12cd", "controller-uid": uid}}},
			},
			"status": map[string]any{},
		}
	}
	a := Stored(run("u-1", "10.0.0.1"), "normal-job-dry-ab12cd", "normal-job")
	b := Stored(run("u-2", "10.0.0.2"), "normal-job-dry-ab12cd", "normal-job")
	if diffs := CompareObjects("Job normal-job", a, b, AsStored); len(diffs) > 0 {
		t.Errorf("two dry runs of one document differ: %v", diffs)
	}
	if got := LookupPath(a, "spec.template.metadata.labels"); !SameValue(got, map[string]any{"job-name": "normal-job", "controller-uid": "(generated)"}) {
		t.Errorf("labels after Stored: %v", got)
	}
	svc := Stored(map[string]any{"kind": "Service", "metadata": map[string]any{"name": "t"}, "spec": map[string]any{"clusterIP": "10.96.0.7", "clusterIPs": []any{"10.96.0.7"}, "type": "NodePort"}}, "t", "t")
	if LookupPath(svc, "spec.clusterIP") != nil || LookupPath(svc, "spec.type") != "NodePort" {
		t.Errorf("a Service after Stored: %v", svc)
	}
}
