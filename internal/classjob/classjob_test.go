package classjob

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func input(students int) Input {
	c := Config{Name: "3a", Namespace: DefaultNS, Labs: []string{"normal", "abnormal"}, Lang: "en"}
	in := Input{Image: "joblab/joblab:abc", Parallel: 2, Retries: 1, Manifests: map[int][]byte{}}
	for i := range students {
		c.Students = append(c.Students, Student{Name: "s" + string(rune('a'+i)), Namespace: "ns" + string(rune('a'+i))})
		in.Kubeconfigs = append(in.Kubeconfigs, []byte("kubeconfig"))
	}
	in.Config = c
	return in
}

func TestTheJobGradesOneStudentAnIndex(t *testing.T) {
	job := Job(input(5))
	s := job.Spec
	if *s.Completions != 5 || *s.Parallelism != 2 || *s.CompletionMode != batchv1.IndexedCompletion || *s.BackoffLimitPerIndex != 1 || *s.MaxFailedIndexes != 5 || !*s.Suspend {
		t.Errorf("job spec: completions %d parallelism %d mode %s perIndex %d maxFailed %d suspend %v", *s.Completions, *s.Parallelism, *s.CompletionMode, *s.BackoffLimitPerIndex, *s.MaxFailedIndexes, *s.Suspend)
	}
	if job.Name != "joblab-class-3a" || job.Labels[ManagedByKey] != "joblab" || job.Labels[ClassKey] != "3a" {
		t.Errorf("job meta: %s %v", job.Name, job.Labels)
	}
	pod := s.Template.Spec
	if pod.ServiceAccountName != "joblab-class-3a-grader" || pod.Containers[0].Image != "joblab/joblab:abc" || pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("pod: %+v", pod)
	}
	if got := strings.Join(pod.Containers[0].Args, " "); got != "class grade --config /etc/joblab/class/class.json --credentials /etc/joblab/credentials" {
		t.Errorf("args %q", got)
	}
	if in := input(3); *Job(Input{Config: in.Config, Parallel: 0}).Spec.Parallelism != 3 || *Job(Input{Config: in.Config, Parallel: 9}).Spec.Parallelism != 3 {
		t.Error("parallelism 0 or past the class's size is not the class's size")
	}
}

func TestTheGraderMayOnlyWriteItsResults(t *testing.T) {
	in := input(2)
	job := Job(in)
	job.UID = "uid-1"
	sa, role, binding, cm, secret, err := Owned(in, job)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []metav1.ObjectMeta{sa.ObjectMeta, role.ObjectMeta, binding.ObjectMeta, cm.ObjectMeta, secret.ObjectMeta} {
		if len(m.OwnerReferences) != 1 || m.OwnerReferences[0].UID != "uid-1" || m.Namespace != DefaultNS || m.Labels[ClassKey] != "3a" {
			t.Errorf("%s: not owned by the Job in the grading namespace: %+v", m.Name, m)
		}
	}
	for _, r := range role.Rules {
		if len(r.Resources) != 1 || r.Resources[0] != "configmaps" {
			t.Errorf("the grader may touch %v", r.Resources)
		}
		for _, v := range r.Verbs {
			if v != "create" && (len(r.ResourceNames) != 2 || r.ResourceNames[1] != "joblab-class-3a-result-1") {
				t.Errorf("verb %s on %v: not limited to the class's results", v, r.ResourceNames)
			}
			if v == "delete" || v == "list" || v == "*" {
				t.Errorf("the grader may %s", v)
			}
		}
	}
	if binding.Subjects[0].Name != sa.Name || binding.RoleRef.Name != role.Name {
		t.Errorf("binding %+v", binding)
	}
	if string(secret.Data["1.kubeconfig"]) != "kubeconfig" || !strings.Contains(cm.Data[ConfigFile], `"jobUID": "uid-1"`) {
		t.Errorf("secret %v, config %s", secret.Data, cm.Data[ConfigFile])
	}
	in.Manifests[0] = make([]byte, maxConfigSize)
	if _, _, _, _, _, err := Owned(in, job); err == nil || !strings.Contains(err.Error(), "more than a ConfigMap holds") {
		t.Errorf("an oversized class: %v", err)
	}
}

func TestResultRoundTrip(t *testing.T) {
	in := input(2)
	in.Config.JobUID = "uid-1"
	cm, err := Result(in.Config, 1, []byte(`{"Title":"x"}`), "passed")
	if err != nil {
		t.Fatal(err)
	}
	if cm.Name != "joblab-class-3a-result-1" || cm.Labels[IndexKey] != "1" || cm.Data["student"] != "sb" || cm.OwnerReferences[0].UID != "uid-1" {
		t.Errorf("result meta %+v", cm.ObjectMeta)
	}
	data, err := RunJSON(cm)
	if err != nil || string(data) != `{"Title":"x"}` {
		t.Errorf("run %q, %v", data, err)
	}
}

func TestStates(t *testing.T) {
	c := input(5).Config
	job := &batchv1.Job{Status: batchv1.JobStatus{FailedIndexes: ptr.To("3")}}
	pod := func(name string, index string, phase corev1.PodPhase, exit int32) corev1.Pod {
		p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{batchv1.JobCompletionIndexAnnotation: index}}, Status: corev1.PodStatus{Phase: phase}}
		if exit >= 0 {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: exit, Reason: "Error"}}}}
		}
		return p
	}
	pods := []corev1.Pod{
		pod("p0", "0", corev1.PodSucceeded, 0),
		pod("p1", "1", corev1.PodRunning, -1),
		pod("p3a", "3", corev1.PodFailed, 1), pod("p3b", "3", corev1.PodFailed, 1),
		pod("p4", "4", corev1.PodFailed, 2),
	}
	pods[0].Annotations = map[string]string{batchv1.JobIndexFailureCountAnnotation: "1"}
	got := States(c, job, pods, map[int]string{0: "differs"})
	want := []string{StateGraded, StateRunning, StateWaiting, StateFailed, StateRetrying}
	for i, s := range got {
		if s.State != want[i] {
			t.Errorf("index %d: %s (%s), want %s", i, s.State, s.Detail, want[i])
		}
	}
	if got[0].Tries != 2 {
		t.Errorf("index 0 failed once before its graded pod: tries %d, want 2", got[0].Tries)
	}
	if got[0].Detail != "differs" || !strings.Contains(got[3].Detail, "p3b Failed: exit 1 Error") || got[3].Tries != 2 {
		t.Errorf("details: %+v", got)
	}
	if set := indexSet("1,3-5"); len(set) != 4 || !set[4] || set[2] {
		t.Errorf("indexSet: %v", set)
	}
}

func TestTarRoundTrip(t *testing.T) {
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "legacy"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"job.yaml": "a", "legacy/cron.yaml": "b"} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := TarDir(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	if err := Untar(data, dst); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "legacy", "cron.yaml")); string(b) != "b" {
		t.Errorf("legacy/cron.yaml: %q", b)
	}
	if ValidName("3a") != nil || ValidName("3A") == nil || ValidName(strings.Repeat("a", 31)) == nil {
		t.Error("ValidName")
	}
}

func TestOwnUsageNamesTheLargestProcess(t *testing.T) {
	// This test's process holds a few MiB at least: a usage without its
	// resident set would say a grading pod used nothing.
	u := OwnUsage()
	if u.LargestProcessBytes < 1<<20 {
		t.Errorf("largest process %d bytes: want this process's resident set", u.LargestProcessBytes)
	}
	data := map[string]string{}
	AddUsage(data, u)
	if data[LargestProcessKey] == "" || data[UsageFromKey] == "" {
		t.Errorf("result data %v lacks the usage", data)
	}
}
