package manifests

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
)

// Fact is one thing the lesson documents about a manifest: the value at a
// field path of the object of a kind. A nil Want means the field is unset.
type Fact struct {
	Kind string
	Path string
	Want any
}

func job(path string, want any) Fact     { return Fact{"Job", path, want} }
func cronJob(path string, want any) Fact { return Fact{"CronJob", path, want} }

const podSpec = "spec.template.spec."

func busyboxJob(name, image, script string) []Fact {
	return []Fact{
		job("metadata.name", name),
		job(podSpec+"restartPolicy", "Never"),
		job(podSpec+"containers[0].name", "busybox"),
		job(podSpec+"containers[0].image", image),
		job(podSpec+"containers[0].command", []string{"sh", "-c", script}),
	}
}

// Lesson is what the lesson's notes say about each manifest.
var Lesson = map[string][]Fact{
	"job-normal-end.yaml": append(busyboxJob("normal-job", "busybox:latest", "sleep 5; exit 0"),
		job("spec.completions", 6),
		job("spec.parallelism", nil),
	),
	"job-normal-end-parallelism2.yaml": append(busyboxJob("normal-job", "busybox:latest", "sleep 5; exit 0"),
		job("spec.completions", 6),
		job("spec.parallelism", 2),
	),
	"job-abnormal-end.yaml": append(busyboxJob("abnormal-end", "busybox:latest", "sleep 5; exit 1"),
		job("spec.backoffLimit", 3),
		job("spec.completions", nil),
		job("spec.parallelism", nil),
	),
	"job-container-failed.yaml": {
		job("metadata.name", "two-containers"),
		job("spec.backoffLimit", 2),
		job(podSpec+"restartPolicy", "Never"),
		job(podSpec+"containers[0].name", "busybox1"),
		job(podSpec+"containers[0].image", "busybox:1"),
		job(podSpec+"containers[0].command", []string{"sh", "-c", "sleep 5; exit 0"}),
		job(podSpec+"containers[1].name", "busybox2"),
		job(podSpec+"containers[1].image", "busybox:1"),
		job(podSpec+"containers[1].command", []string{"sh", "-c", "sleep 5; exit 1"}),
	},
	"pn_job.yaml": {
		job("metadata.name", "prime-number"),
		job("spec.backoffLimit", 4),
		job("spec.completions", nil),
		job(podSpec+"restartPolicy", "Never"),
		job(podSpec+"containers[0].name", "pn-generator"),
		job(podSpec+"containers[0].image", PrimeImage),
		job(podSpec+"containers[0].env", []map[string]string{{"name": "A_START_NUM", "value": "2"}, {"name": "A_SIZE_NUM", "value": "10**5"}}),
	},
	"taskQueue-deploy.yaml": {
		{"Deployment", "metadata.name", "taskqueue"},
		{"Deployment", "spec.template.spec.containers[0].image", "rabbitmq"},
		{"Deployment", "spec.template.spec.containers[0].ports[0].containerPort", 5672},
		{"Service", "metadata.name", "taskqueue"},
		{"Service", "spec.type", "NodePort"},
		{"Service", "spec.ports[0].port", 5672},
		{"Service", "spec.ports[0].nodePort", 31672},
	},
	"cron-job.yaml": {
		cronJob("metadata.name", "hello"),
		cronJob("spec.schedule", "*/1 * * * *"),
		cronJob("spec.successfulJobsHistoryLimit", nil),
		cronJob("spec.jobTemplate.spec.template.spec.restartPolicy", "OnFailure"),
		cronJob("spec.jobTemplate.spec.template.spec.containers[0].image", "busybox"),
		cronJob("spec.jobTemplate.spec.template.spec.containers[0].args", []string{"/bin/sh", "-c", "date; echo Hello from the kubernetes cluseter"}),
	},
}

// PrimeImage is the image of the prime-number lab program.
const PrimeImage = "joblab/pn-generator:0.1.0"

// Drift is a difference between a manifest and the lesson.
type Drift struct {
	Manifest string
	Fact     Fact
	Got      any
}

func (d Drift) String() string {
	return fmt.Sprintf("%s: %s %s: the lesson says %s, the manifest has %s", d.Manifest, d.Fact.Kind, d.Fact.Path, show(d.Fact.Want), show(d.Got))
}

// DriftError lists every difference found.
type DriftError []Drift

func (e DriftError) Error() string {
	lines := make([]string, len(e))
	for i, d := range e {
		lines[i] = d.String()
	}
	return "manifest drifted from the lesson:\n  " + strings.Join(lines, "\n  ")
}

// Check compares a manifest of this package with the lesson.
func Check(name string) error {
	objs, err := Load(name)
	if err != nil {
		return err
	}
	return CheckObjects(name, objs)
}

// CheckObjects compares decoded objects with what the lesson documents
// about the manifest name.
func CheckObjects(name string, objs []runtime.Object) error {
	facts, ok := Lesson[name]
	if !ok {
		return fmt.Errorf("the lesson documents nothing about %q", name)
	}
	byKind := map[string]map[string]any{}
	for _, o := range objs {
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			return err
		}
		byKind[o.GetObjectKind().GroupVersionKind().Kind] = u
	}
	var drift DriftError
	for _, f := range facts {
		obj, ok := byKind[f.Kind]
		if !ok {
			drift = append(drift, Drift{name, f, "no " + f.Kind})
			continue
		}
		got := lookup(obj, f.Path)
		if !sameJSON(got, f.Want) {
			drift = append(drift, Drift{name, f, got})
		}
	}
	if len(drift) > 0 {
		return drift
	}
	return nil
}

var indexed = regexp.MustCompile(`^(\w+)\[(\d+)\]$`)

func lookup(obj map[string]any, path string) any {
	var cur any = obj
	for _, part := range strings.Split(path, ".") {
		field, idx := part, -1
		if m := indexed.FindStringSubmatch(part); m != nil {
			field = m[1]
			idx, _ = strconv.Atoi(m[2])
		}
		mp, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mp[field]
		if idx >= 0 {
			list, ok := cur.([]any)
			if !ok || idx >= len(list) {
				return nil
			}
			cur = list[idx]
		}
	}
	return cur
}

func sameJSON(a, b any) bool {
	var na, nb any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &na)
	_ = json.Unmarshal(jb, &nb)
	return reflect.DeepEqual(na, nb)
}

func show(v any) string {
	if v == nil {
		return "nothing (unset)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
