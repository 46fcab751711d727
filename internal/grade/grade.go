// Package grade compares a manifest with the lesson's the way Kubernetes
// sees both: every document of each side is created in a server-side dry
// run (in the lab's namespace, as the identity joblab runs as, so under the
// same Role), and what the API server would store is compared field by
// field (lesson.CompareObjects, AsStored). A field written out at its
// default is then no difference, a non-default value is, and so is a field
// the student left out where the lesson's value is not the default.
//
// Where the API server cannot default a pair (it refuses the lesson's own
// document, or the kind is not one a lab creates), that pair is compared as
// written and the result says so: a field set on one side only is then
// undecided, never guessed.
package grade

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/joblab/joblab/lesson"
)

// resources are the kinds the labs' manifests create, by apiVersion and
// kind: the only ones a dry run is asked for (a lab's Role allows creating
// these and nothing else).
var resources = map[string]schema.GroupVersionResource{
	"batch/v1 Job":       {Group: "batch", Version: "v1", Resource: "jobs"},
	"batch/v1 CronJob":   {Group: "batch", Version: "v1", Resource: "cronjobs"},
	"apps/v1 Deployment": {Group: "apps", Version: "v1", Resource: "deployments"},
	"v1 Service":         {Version: "v1", Resource: "services"},
}

// Input is one manifest to grade.
type Input struct {
	// Config reaches the API server, as the identity the lab runs as.
	Config *rest.Config
	// Namespace is where the dry runs are made: the lab's.
	Namespace string
	// Name is the lesson's manifest name ("job-normal-end.yaml").
	Name string
	// Data is the manifest to grade.
	Data []byte
	// Reference, when set, is what Data is graded against instead of the
	// lesson's manifest of Name: a teacher's lab folder's file.
	Reference []byte
}

// Result is a manifest's comparison with the lesson.
type Result struct {
	// Diffs are the differences; an Undecided one could not be decided
	// (a pair compared as written).
	Diffs []lesson.ManifestDifference
	// Fields is how many fields the lesson's objects hold as the API server
	// stores them (as written, for a pair it could not default).
	Fields int
	// AsWritten names each pair compared as written, with why.
	AsWritten []string
}

// Compare grades in.Data against the lesson's manifest of in.Name. An
// error is returned only when a manifest cannot be read at all; what the API
// server refuses of the student's document is a difference.
func Compare(ctx context.Context, in Input) (Result, error) {
	want := in.Reference
	if want == nil {
		var err error
		if want, err = lesson.LessonManifest(in.Name); err != nil {
			return Result{}, err
		}
	}
	lessonDocs, err := lesson.Documents(want)
	if err != nil {
		return Result{}, fmt.Errorf("the lesson's %s: %w", in.Name, err)
	}
	gotDocs, err := lesson.Documents(in.Data)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", in.Name, err)
	}
	client, err := dynamic.NewForConfig(in.Config)
	if err != nil {
		return Result{}, err
	}
	pairs, diffs := lesson.PairDocuments(lessonDocs, gotDocs)
	res := Result{Diffs: diffs}
	for _, p := range pairs {
		d, fields, why := comparePair(ctx, client, in.Namespace, p)
		res.Diffs = append(res.Diffs, d...)
		res.Fields += fields
		if why != "" {
			res.AsWritten = append(res.AsWritten, p.Key+": "+why)
		}
	}
	return res, nil
}

// comparePair dry-runs both sides of a pair and compares what would be
// stored; why is set when the pair was compared as written instead.
func comparePair(ctx context.Context, client dynamic.Interface, ns string, p lesson.DocPair) (diffs []lesson.ManifestDifference, fields int, why string) {
	asWritten := func(reason string) ([]lesson.ManifestDifference, int, string) {
		return lesson.CompareObjects(p.Key, p.Lesson, p.Manifest, lesson.AsWritten), lesson.CountFields(p.Lesson), reason
	}
	lessonGVR, ok := resources[typeOf(p.Lesson)]
	if !ok {
		return asWritten("the lesson's " + typeOf(p.Lesson) + " is not a kind joblab creates")
	}
	if typeOf(p.Manifest) != typeOf(p.Lesson) {
		// Another apiVersion of the same kind: that is the difference.
		return asWritten("")
	}
	name, _, _ := unstructured.NestedString(p.Lesson, "metadata", "name")
	temp := tempName(name)
	stored, err := dryRun(ctx, client, lessonGVR, ns, p.Lesson, temp)
	if err != nil {
		return asWritten("the API server did not take the lesson's own document in a dry run (" + oneLine(err) + ")")
	}
	got, err := dryRun(ctx, client, lessonGVR, ns, p.Manifest, temp)
	if err != nil {
		if apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) {
			return asWritten("the dry run was not allowed (" + oneLine(err) + ")")
		}
		return []lesson.ManifestDifference{{Object: p.Key, Path: lesson.WholeObject, Lesson: "accepted by the API server", Manifest: "refused: " + oneLine(err)}}, lesson.CountFields(p.Lesson), ""
	}
	lessonStored := lesson.Stored(stored, temp, name)
	return lesson.CompareObjects(p.Key, lessonStored, lesson.Stored(got, temp, name), lesson.AsStored), lesson.CountFields(lessonStored), ""
}

// dryRun creates a copy of obj under a temporary name in a server-side dry
// run and returns what the API server would store.
//
// A Service's nodePorts are taken out before the dry run and written back
// after it, as written: a NodePort is one per cluster, so the API server
// refuses a dry run of a port another Service holds (another student's
// broker, or this lab's own running one), and the verdict would then depend
// on what else runs on the cluster. The API server stores a nodePort as
// written, so comparing the written value loses nothing; one left out is
// allocated at random and stays left out here.
func dryRun(ctx context.Context, client dynamic.Interface, gvr schema.GroupVersionResource, ns string, obj map[string]any, name string) (map[string]any, error) {
	u := &unstructured.Unstructured{Object: runtimeCopy(obj)}
	u.SetName(name)
	u.SetNamespace(ns)
	written := takeNodePorts(u.Object)
	out, err := client.Resource(gvr).Namespace(ns).Create(ctx, u, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil {
		return nil, err
	}
	putNodePorts(out.Object, written)
	return out.Object, nil
}

// takeNodePorts removes every spec.ports[i].nodePort of a Service and
// returns them by index (nil where none was written); nil for other kinds.
func takeNodePorts(obj map[string]any) []any {
	if obj["kind"] != "Service" {
		return nil
	}
	spec, _ := obj["spec"].(map[string]any)
	ports, _ := spec["ports"].([]any)
	written := make([]any, len(ports))
	for i, p := range ports {
		if m, ok := p.(map[string]any); ok {
			// 0 is how an unset nodePort reads: no port written.
			if n, isInt := m["nodePort"].(int64); !isInt || n != 0 {
				written[i] = m["nodePort"]
			}
			delete(m, "nodePort")
		}
	}
	return written
}

// putNodePorts writes back what takeNodePorts took, port by port (the API
// server keeps the ports' order), and removes the ones it allocated.
func putNodePorts(obj map[string]any, written []any) {
	if written == nil {
		return
	}
	spec, _ := obj["spec"].(map[string]any)
	ports, _ := spec["ports"].([]any)
	for i, p := range ports {
		m, ok := p.(map[string]any)
		if !ok {
			continue
		}
		delete(m, "nodePort")
		if i < len(written) && written[i] != nil {
			m["nodePort"] = written[i]
		}
	}
}

// runtimeCopy deep-copies a decoded YAML tree into the types unstructured
// accepts (int64 and float64 numbers).
func runtimeCopy(v map[string]any) map[string]any {
	return copyValue(v).(map[string]any)
}

func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, c := range t {
			out[k] = copyValue(c)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, c := range t {
			out[i] = copyValue(c)
		}
		return out
	case float64:
		if t == float64(int64(t)) {
			return int64(t)
		}
	case int:
		return int64(t)
	}
	return v
}

func typeOf(obj map[string]any) string {
	api, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	return api + " " + kind
}

// tempName is the name both sides of a pair are dry-run under, so that the
// names the API server derives from it (a Job's job-name labels) agree,
// and no object of the lab's own name is needed or touched.
func tempName(name string) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	suffix := "-dry-" + hex.EncodeToString(b)
	if len(name)+len(suffix) > 52 { // a CronJob's longest name
		name = name[:52-len(suffix)]
	}
	return name + suffix
}

func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// CompareWithStored compares an object as the API server holds it (stored,
// read back from the cluster) with a lesson document defaulted by the API
// server (a server-side dry run of it in ns): every field either side has
// that the other lacks or sets otherwise is a difference, so a field the
// lesson does not give (a TTL, a deadline) is one too.
func CompareWithStored(ctx context.Context, cfg *rest.Config, ns string, lessonDoc, stored map[string]any) ([]lesson.ManifestDifference, error) {
	gvr, ok := resources[typeOf(lessonDoc)]
	if !ok {
		return nil, fmt.Errorf("the lesson's %s is not a kind joblab creates", typeOf(lessonDoc))
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	name, _, _ := unstructured.NestedString(lessonDoc, "metadata", "name")
	temp := tempName(name)
	want, err := dryRun(ctx, client, gvr, ns, lessonDoc, temp)
	if err != nil {
		return nil, fmt.Errorf("a dry run of the lesson's %s %s: %w", typeOf(lessonDoc), name, err)
	}
	key := strings.SplitN(typeOf(lessonDoc), " ", 2)[1] + " " + name
	return lesson.CompareObjects(key, lesson.Stored(want, temp, name), lesson.Stored(runtimeCopy(stored), name, name), lesson.AsStored), nil
}
