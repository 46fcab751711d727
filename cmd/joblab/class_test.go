package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/internal/classjob"
	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/lesson"

	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/pkg/classrun"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestClassTargetsFromFlags(t *testing.T) {
	kube := genericclioptions.NewConfigFlags(false)
	kube.Namespace = ptr.To("s1, s2,s3")
	got, _, class, err := classTargets(nil, kube, "", "")
	if err != nil || !class {
		t.Fatal(err, class)
	}
	var names []string
	for _, w := range got {
		names = append(names, w.student+"="+w.context+"/"+w.namespace)
	}
	if want := []string{"s1=/s1", "s2=/s2", "s3=/s3"}; !slices.Equal(names, want) {
		t.Errorf("targets %v, want %v", names, want)
	}
	kube.Context = ptr.To("a,b")
	kube.Namespace = ptr.To("s1")
	got, _, _, err = classTargets(nil, kube, "", "")
	if err != nil {
		t.Fatal(err)
	}
	names = nil
	for _, w := range got {
		names = append(names, w.student+"="+w.context+"/"+w.namespace)
	}
	if want := []string{"a=a/s1", "b=b/s1"}; !slices.Equal(names, want) {
		t.Errorf("targets %v, want %v", names, want)
	}
	if _, _, _, err := classTargets(nil, kube, "class.yaml", ""); err == nil || !strings.Contains(err.Error(), "leave out -n") {
		t.Errorf("--class with -n: %v, want a usage error", err)
	}
	for flag, value := range map[string]string{"empty": ",", "gap": "a,,b", "twice": "s1,s1"} {
		kube := genericclioptions.NewConfigFlags(false)
		kube.Namespace = ptr.To(value)
		if _, _, _, err := classTargets(nil, kube, "", ""); err == nil {
			t.Errorf("-n %q (%s) was accepted", value, flag)
		}
	}
	one := genericclioptions.NewConfigFlags(false)
	one.Namespace = ptr.To("s1")
	if _, _, class, err := classTargets(nil, one, "", ""); err != nil || class {
		t.Errorf("-n s1: class %v, err %v; want one target, not a class", class, err)
	}
	if err := distinctStudents([]wantedTarget{{student: "Alice"}, {student: "alice"}}); err == nil {
		t.Error("students whose folders differ only by case were accepted")
	}
	if err := distinctStudents([]wantedTarget{{student: ".."}, {student: "b"}}); err == nil {
		t.Error("a student named .. was accepted")
	}
	if err := distinctPlaces([]classrun.Target{{Student: "a", ClusterKey: "c", Settings: settings.Settings{Namespace: "s1"}}, {Student: "b", ClusterKey: "c", Settings: settings.Settings{Namespace: "s1"}}}); err == nil {
		t.Error("two students in one namespace were accepted")
	}
}

func TestReadClassFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "carol"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, dir, "class.yaml", "bob: {context: lab2, namespace: s2}\nalice: {namespace: s1}\ncarol: {namespace: s3, manifests: carol}\n0421: {namespace: s4, nodePort: 31680}\n")
	c, err := readClassFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := c.targets
	if c.labs != "" {
		t.Errorf("the short form named labs %q", c.labs)
	}
	// The file's order, and names as written (0421 is not an octal number).
	want := []wantedTarget{{"bob", "lab2", "s2", "", 0}, {"alice", "", "s1", "", 0}, {"carol", "", "s3", filepath.Join(dir, "carol"), 0}, {"0421", "", "s4", "", 31680}}
	if !slices.Equal(got, want) {
		t.Errorf("class %v, want %v", got, want)
	}
	// The long form: labs beside the students, relative to the file; a
	// student may then be called labs.
	if err := os.MkdirAll(filepath.Join(dir, "exercises"), 0o755); err != nil {
		t.Fatal(err)
	}
	long := "apiVersion: joblab/v1\nkind: Class\nlabs: exercises\nstudents:\n  labs: {namespace: s1}\n  bob: {namespace: s2}\n"
	c, err = readClassFile(writeFile(t, dir, "long.yaml", long))
	if err != nil {
		t.Fatal(err)
	}
	if c.labs != filepath.Join(dir, "exercises") || len(c.targets) != 2 || c.targets[0].student != "labs" || c.targets[1].namespace != "s2" {
		t.Errorf("long form: %+v", c)
	}
	// The short form: a student called labs is a student.
	c, err = readClassFile(writeFile(t, dir, "short.yaml", "labs: {namespace: s1}\n"))
	if err != nil || c.labs != "" || len(c.targets) != 1 || c.targets[0].student != "labs" {
		t.Errorf("short form with a student labs: %+v, %v", c, err)
	}
	for content, wantErr := range map[string]string{
		"apiVersion: joblab/v1\nkind: Klass\nstudents: {a: {namespace: s1}}\n":              "kind: Class",
		"apiVersion: joblab/v1\nkind: Class\nstudents: {}\n":                                "names no student",
		"apiVersion: joblab/v1\nkind: Class\nlab: x\nstudents: {a: {namespace: s1}}\n":      `unknown field "lab"`,
		"apiVersion: joblab/v1\nkind: Class\nlabs: nope\nstudents: {a: {namespace: s1}}\n":  "labs " + filepath.Join(dir, "nope") + " is not a folder",
		"apiVersion: joblab/v1\nkind: Class\nstudents: {a: {namespace: s1, nodePort: 1}}\n": "a NodePort of 30000-32767",
		"alice: {namespce: s1}\n": "unknown field",
		"alice: {}\n":             "neither context nor namespace",
		"{}\n":                    "names no student",
		"alice: {namespace: s1, manifests: nope}":          "is not a folder",
		"alice: {namespace: s1}\nalice: {namespace: s2}\n": "appears twice",
		"- alice\n":                              "names no student",
		"alice: {namespace: s1, nodePort: 80}\n": "nodePort \"80\": a NodePort of 30000-32767",
	} {
		_, err := readClassFile(writeFile(t, dir, "bad.yaml", content))
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("class file %q: %v, want an error saying %q", content, err, wantErr)
		}
	}
}

func TestBrokerNodePort(t *testing.T) {
	for _, c := range []struct {
		flag  string
		given int32
		i     int
		want  int32
		err   string
	}{
		{"", 0, 3, 0, ""},
		{"auto", 0, 0, 31672, ""},
		{"auto", 0, 2, 31674, ""},
		{"auto", 31690, 2, 31690, ""},
		{"31700", 0, 5, 31700, ""},
		{"80", 0, 0, 0, "auto, or a NodePort of 30000-32767"},
		{"auto", 0, 1200, 0, "past 32767"},
	} {
		got, err := brokerNodePort(c.flag, c.given, c.i)
		if got != c.want || (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("brokerNodePort(%q, %d, %d) = %d, %v; want %d, %q", c.flag, c.given, c.i, got, err, c.want, c.err)
		}
	}
}

func TestClassLabsAndTheLabsFlag(t *testing.T) {
	dir := t.TempDir()
	var f labFlags
	if err := f.takeClassLabs("class.yaml", dir); err != nil || f.labsDir != dir {
		t.Errorf("the class file's labs alone: %v, labsDir %q", err, f.labsDir)
	}
	f = labFlags{labsDir: dir}
	if err := f.takeClassLabs("class.yaml", dir); err != nil {
		t.Errorf("--labs naming the class file's folder: %v", err)
	}
	f = labFlags{labsDir: t.TempDir()}
	if err := f.takeClassLabs("class.yaml", dir); err == nil || !strings.Contains(err.Error(), "name two lab folders") {
		t.Errorf("--labs naming another folder: %v, want a usage error", err)
	}
	f = labFlags{labsDir: dir}
	if err := f.takeClassLabs("class.yaml", ""); err != nil || f.labsDir != dir {
		t.Errorf("a class file without labs kept --labs? %v, %q", err, f.labsDir)
	}
}

// A class larger than a page of results is collected a page at a time:
// every student's folder is written, the class page has every student,
// graded or not, and no list of results asks for more than a page.
func TestCollectReadsTheResultsAPageAtATime(t *testing.T) {
	const n, ns = 45, "grading"
	c := classjob.Config{Name: "big", Namespace: ns, Labs: []string{"normal", "prime"}, Lang: "en"}
	for i := range n {
		c.Students = append(c.Students, classjob.Student{Name: fmt.Sprintf("s%02d", i), Namespace: fmt.Sprintf("s%02d", i), Target: "ns s"})
	}
	config, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	// Index 44 failed every try; the others were graded.
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: classjob.JobName(c.Name), Namespace: ns, CreationTimestamp: metav1.Now()},
		Status: batchv1.JobStatus{FailedIndexes: ptr.To("44"), Conditions: []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: corev1.ConditionTrue}}}}
	objects := []runtime.Object{job, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: classjob.JobName(c.Name), Namespace: ns}, Data: map[string]string{classjob.ConfigFile: string(config)}}}
	for i := range n - 1 {
		prime := lesson.Row{Fact: "primes printed", Documented: "9592", Observed: "9592", OK: true}
		verdict := report.VerdictPassed
		if i%2 == 1 {
			prime.Observed, prime.OK, verdict = "9591", false, report.VerdictFailed
		}
		run := report.Run{Title: "joblab", Labs: []report.Lab{
			{Lab: "normal", Spec: "normal", Verdict: report.VerdictPassed, Facts: []lesson.Row{{Fact: "completions", Documented: "6", Observed: "6", OK: true}}, Pods: []lesson.PodSpan{{Name: "p"}}},
			{Lab: "prime", Spec: "prime", Verdict: verdict, Facts: []lesson.Row{prime}},
		}}
		data, err := json.Marshal(run)
		if err != nil {
			t.Fatal(err)
		}
		r, err := classjob.Result(c, i, data, verdict)
		if err != nil {
			t.Fatal(err)
		}
		objects = append(objects, r)
	}
	cs := fake.NewClientset(objects...)
	// The fake lists everything at once: this reactor pages as an API
	// server does (by name, Limit at a time, Continue the next offset).
	var pages []int64
	cs.PrependReactor("list", "configmaps", func(a k8stesting.Action) (bool, runtime.Object, error) {
		la := a.(k8stesting.ListActionImpl)
		pages = append(pages, la.ListOptions.Limit)
		obj, err := cs.Tracker().List(corev1.SchemeGroupVersion.WithResource("configmaps"), corev1.SchemeGroupVersion.WithKind("ConfigMap"), ns)
		if err != nil {
			return true, nil, err
		}
		var items []corev1.ConfigMap
		for _, cm := range obj.(*corev1.ConfigMapList).Items {
			if la.ListRestrictions.Labels.Matches(labels.Set(cm.Labels)) {
				items = append(items, cm)
			}
		}
		sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
		from, _ := strconv.Atoi(la.ListOptions.Continue)
		to := len(items)
		if limit := int(la.ListOptions.Limit); limit > 0 && from+limit < to {
			to = from + limit
		}
		list := &corev1.ConfigMapList{Items: items[from:to]}
		if to < len(items) {
			list.Continue = strconv.Itoa(to)
		}
		return true, list, nil
	})
	dir := t.TempDir()
	cmd := &cobra.Command{}
	var out strings.Builder
	cmd.SetOut(&out)
	err = collectClass(context.Background(), cmd, cs, gradingFlags{namespace: ns, name: c.Name}, dir, "")
	if err == nil {
		t.Fatal("a class with differing labs and a student that could not run collected without an error")
	}
	if want := (n - 1 + resultPage - 1) / resultPage; len(pages) != want {
		t.Errorf("%d lists of results, want %d pages of %d", len(pages), want, resultPage)
	}
	for _, limit := range pages {
		if limit != resultPage {
			t.Errorf("a list of results asked for %d at once, want %d", limit, resultPage)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "class.json"))
	if err != nil {
		t.Fatal(err)
	}
	var view struct {
		Students []struct {
			Name string
			Labs map[string]report.Cell
		}
	}
	if err := json.Unmarshal(data, &view); err != nil {
		t.Fatal(err)
	}
	if len(view.Students) != n {
		t.Fatalf("class.json has %d students, want %d", len(view.Students), n)
	}
	for i, s := range view.Students {
		want := report.OutcomePassed
		switch {
		case i == n-1:
			want = report.OutcomeNotRun
		case i%2 == 1:
			want = report.OutcomeDiffers
		}
		if s.Name != c.Students[i].Name || s.Labs["prime"].Outcome != want {
			t.Errorf("student %d: %s prime %+v, want %s %s", i, s.Name, s.Labs["prime"], c.Students[i].Name, want)
		}
		if _, err := os.Stat(filepath.Join(dir, classrun.StudentFolder(s.Name), "report.md")); err != nil {
			t.Errorf("student %s's own report: %v", s.Name, err)
		}
	}
	if i := 3; !strings.Contains(view.Students[i].Labs["prime"].Why, "9591") {
		t.Errorf("student %d's prime cell %+v does not carry the differing value", i, view.Students[i].Labs["prime"])
	}
}
