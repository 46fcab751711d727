package lesson

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The lesson's manifests as the notes print them (10.2-10.4, 10.9) or as
// SPEC.md restates them where the notes only link the files (10.5,
// 10.6-10.8). A manifest that is applied is compared with these field by
// field; a field the lesson does not write must be absent. Where this
// project departs from the notes on purpose, Departures says so.
var lessonManifests = map[string]string{
	"job-normal-end.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: normal-job
spec:
  template:
    spec:
      containers:
        - name: busybox
          image: busybox:latest
          command: ["sh", "-c", "sleep 5; exit 0"]
      restartPolicy: Never
  completions: 6
`,
	"job-normal-end-parallelism2.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: normal-job
spec:
  template:
    spec:
      containers:
        - name: busybox
          image: busybox:latest
          command: ["sh", "-c", "sleep 5; exit 0"]
      restartPolicy: Never
  completions: 6
  parallelism: 2
`,
	"job-abnormal-end.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: abnormal-end
spec:
  backoffLimit: 3
  template:
    spec:
      containers:
        - name: busybox
          image: busybox:latest
          command: ["sh", "-c", "sleep 5; exit 1"]
      restartPolicy: Never
`,
	"job-container-failed.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: two-containers
spec:
  template:
    spec:
      containers:
        - name: busybox1
          image: busybox:1
          command: ["sh", "-c", "sleep 5; exit 0"]
        - name: busybox2
          image: busybox:1
          command: ["sh", "-c", "sleep 5; exit 1"]
      restartPolicy: Never
  backoffLimit: 2
`,
	"pn_job.yaml": `
apiVersion: batch/v1
kind: Job
metadata:
  name: prime-number
spec:
  template:
    spec:
      containers:
      - name: pn-generator
        image: joblab/pn-generator:0.1.0
        env:
        - name: A_START_NUM
          value: "2"
        - name: A_SIZE_NUM
          value: "10**5"
      restartPolicy: Never
  backoffLimit: 4
`,
	"taskQueue-deploy.yaml": `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: taskqueue
spec:
  selector:
    matchLabels:
      app: taskqueue
  replicas: 1
  template:
    metadata:
      labels:
        app: taskqueue
    spec:
      containers:
      - image: rabbitmq
        name: rabbitmq
        ports:
        - containerPort: 5672
        resources:
          limits:
            cpu: 100m
---
apiVersion: v1
kind: Service
metadata:
  name: taskqueue
spec:
  type: NodePort
  ports:
  - port: 5672
    nodePort: 31672
  selector:
    app: taskqueue
`,
	"cron-job.yaml": `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox
            args:
            - /bin/sh
            - -c
            - date; echo Hello from the kubernetes cluseter
          restartPolicy: OnFailure
`,
}

// Departure is a field where this project's manifest departs from the
// notes on purpose.
type Departure struct {
	Manifest, Object, Path string
	Notes                  string
	Why                    string
}

// Departures are the project's deliberate differences from the notes.
var Departures = []Departure{
	{"cron-job.yaml", "CronJob hello", "apiVersion", "batch/v1beta1", "batch/v1beta1 CronJob was removed in Kubernetes 1.25; batch/v1 takes the same fields"},
	{"pn_job.yaml", "Job prime-number", "spec.template.spec.containers[0].image", "<reader's account>/pn_generator:0.1 (Python 2 + numpy)", "the lesson's program no longer builds; this project's Go program takes the same inputs and prints the same layout"},
	{"taskQueue-deploy.yaml", "Deployment taskqueue", "spec.template.spec.containers[0].image", "rabbitmq (Docker Hub's, 4.x today)", "offline, the image is built from Debian's rabbitmq-server under the same name; RabbitMQ 4 refuses the lesson's transient queue"},
}

// ManifestNames lists the manifests the lesson documents.
func ManifestNames() []string {
	names := make([]string, 0, len(lessonManifests))
	for n := range lessonManifests {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ManifestDifference is one field where a manifest differs from the
// lesson. A nil value means the field is unset on that side.
type ManifestDifference struct {
	Object   string // "Job normal-job"
	Path     string // "spec.completions"
	Lesson   any
	Manifest any
	// Undecided, when set, says why the comparison cannot tell whether
	// this is a difference (AsWritten: a field set on one side only).
	Undecided string
}

func (d ManifestDifference) String() string {
	s := fmt.Sprintf("%s %s: the lesson says %s, the manifest says %s", d.Object, d.Path, ShowValue(d.Lesson), ShowValue(d.Manifest))
	if d.Undecided != "" {
		s += " (undecided: " + d.Undecided + ")"
	}
	return s
}

// ShowValue renders a manifest value as a person writes it in YAML.
func ShowValue(v any) string {
	if v == nil {
		return "unset"
	}
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// LessonManifest returns the lesson's manifest of that name as the
// lesson documents it.
func LessonManifest(name string) ([]byte, error) {
	want, ok := lessonManifests[name]
	if !ok {
		return nil, fmt.Errorf("the lesson documents no manifest %q; it documents %s", name, strings.Join(ManifestNames(), ", "))
	}
	return []byte(want), nil
}

// CompareManifest compares a manifest's YAML (the file a lab is about to
// apply) with the lesson's manifest of that name as both are written, with
// no API server at hand: a field set on one side only is Undecided (it may
// be written out at its default), everything else is compared. It returns
// every difference, and how many fields the lesson sets. On a cluster,
// joblab compares the stored objects instead (internal/grade).
func CompareManifest(name string, data []byte) ([]ManifestDifference, int, error) {
	want, err := LessonManifest(name)
	if err != nil {
		return nil, 0, err
	}
	lessonDocs, err := Documents(want)
	if err != nil {
		return nil, 0, fmt.Errorf("the lesson's %s: %w", name, err)
	}
	gotDocs, err := Documents(data)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	pairs, diffs := PairDocuments(lessonDocs, gotDocs)
	fields := 0
	for _, d := range lessonDocs {
		fields += CountFields(d.Obj)
	}
	for _, p := range pairs {
		diffs = append(diffs, CompareObjects(p.Key, p.Lesson, p.Manifest, AsWritten)...)
	}
	return diffs, fields, nil
}

func containsTrees(list []any) bool {
	for _, v := range list {
		switch v.(type) {
		case map[string]any, []any:
			return true
		}
	}
	return false
}

// CountFields counts an object's fields (a list of scalars counts once).
func CountFields(v any) int {
	switch t := v.(type) {
	case map[string]any:
		n := 0
		for _, c := range t {
			n += CountFields(c)
		}
		return n
	case []any:
		if !containsTrees(t) {
			return 1
		}
		n := 0
		for _, c := range t {
			n += CountFields(c)
		}
		return n
	}
	return 1
}

// PngenJob is what the lesson's job initiator sets on the Job it creates
// (SPEC.md, broker), as field paths of the Job: the initiator is a lab
// program, so the Job it made is compared with these.
var PngenJob = map[string]any{
	"metadata.name":                    "pngen",
	"spec.completions":                 float64(4),
	"spec.parallelism":                 float64(2),
	"spec.backoffLimit":                float64(4),
	"spec.template.spec.restartPolicy": "Never",
	"spec.template.spec.containers[0].env": []any{
		map[string]any{"name": "BROKER_URL", "value": "amqp://guest:guest@taskqueue:5672"},
		map[string]any{"name": "QUEUE", "value": "taskqueue"},
	},
}

// PngenManifest is Job pngen as the lesson's job initiator creates it
// (SPEC.md, broker), written as a manifest, with the three things the
// lesson leaves to the program filled in: the worker's container name, its
// image (the one the lab asked the initiator to use), and joblab's own
// labels on the Job and its pods (its clean-up finds them by these). The
// lab compares the Job the initiator created with this, in full.
func PngenManifest(image string) []byte {
	return []byte(`apiVersion: batch/v1
kind: Job
metadata:
  name: pngen
  labels: {app.kubernetes.io/managed-by: joblab, app.kubernetes.io/part-of: broker-lab}
spec:
  completions: 4
  parallelism: 2
  backoffLimit: 4
  template:
    metadata:
      labels: {app.kubernetes.io/managed-by: joblab, app.kubernetes.io/part-of: broker-lab}
    spec:
      restartPolicy: Never
      containers:
      - name: pn-generator
        image: ` + strconv.Quote(image) + `
        env:
        - {name: BROKER_URL, value: "amqp://guest:guest@taskqueue:5672"}
        - {name: QUEUE, value: taskqueue}
`)
}

// LookupPath reads a field path such as "spec.template.spec.containers[0].env"
// from a generic object; nil when any part is missing.
func LookupPath(obj map[string]any, path string) any {
	var cur any = obj
	for _, part := range strings.Split(path, ".") {
		field, idx := part, -1
		if open := strings.IndexByte(part, '['); open > 0 && strings.HasSuffix(part, "]") {
			n, err := strconv.Atoi(part[open+1 : len(part)-1])
			if err != nil {
				return nil
			}
			field, idx = part[:open], n
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[field]
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

// SameValue compares two generic values as JSON sees them.
func SameValue(a, b any) bool { return sameJSON(a, b) }

// ManifestValue reads the value at path of the object ("Kind name") of a
// manifest's YAML; nil when it is not there.
func ManifestValue(data []byte, object, path string) any {
	docs, err := Documents(data)
	if err != nil {
		return nil
	}
	for _, d := range docs {
		if d.Key == object {
			return LookupPath(d.Obj, path)
		}
	}
	return nil
}
