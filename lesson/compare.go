package lesson

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// How two objects are compared: as written (no API server at hand, so a
// field set on one side only may or may not equal the other side's
// default), or as stored (both sides defaulted by the API server itself, so
// every field is on both sides and any difference is real).
type CompareMode int

const (
	// AsWritten compares the documents as they are typed. A field set on
	// one side only is undecided, never a difference: whether the other
	// side's default equals it needs the API server.
	AsWritten CompareMode = iota
	// AsStored compares what the API server stores for each side (a
	// server-side dry run of both): a field equal to its default is no
	// difference, a non-default value is.
	AsStored
)

// Undecided is the reason an AsWritten comparison gives for a field set on
// one side only.
const Undecided = "set on one side only: whether it equals the other side's default needs the API server (joblab compares the stored objects on a cluster)"

// Document is one YAML document of a manifest, decoded into a generic
// tree.
type Document struct {
	// Key is "Kind name", e.g. "Job normal-job".
	Key string
	// Index is the document's position in the file, from 1.
	Index int
	Obj   map[string]any
}

// Documents decodes every non-empty YAML document of a manifest, in order,
// duplicates included.
func Documents(data []byte) ([]Document, error) {
	var out []Document
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for i := 1; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		var obj map[string]any
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, fmt.Errorf("document %d is not valid YAML: %w", i, err)
		}
		if len(obj) == 0 {
			continue
		}
		kind, _ := obj["kind"].(string)
		name := ""
		if md, ok := obj["metadata"].(map[string]any); ok {
			name, _ = md["name"].(string)
		}
		out = append(out, Document{Key: kind + " " + name, Index: i, Obj: obj})
	}
	return out, nil
}

// DocPair is a lesson object and the manifest's object of the same kind and
// name.
type DocPair struct {
	Key              string
	Lesson, Manifest map[string]any
}

// PairDocuments pairs the lesson's objects with the manifest's by kind and
// name. What cannot be paired is a difference of the whole object: a lesson
// object the manifest lacks, an object the lesson does not have (a stray
// kind, another name), or one object written twice.
func PairDocuments(lessonDocs, gotDocs []Document) ([]DocPair, []ManifestDifference) {
	var pairs []DocPair
	var diffs []ManifestDifference
	count := map[string]int{}
	for _, d := range gotDocs {
		count[d.Key]++
	}
	inLesson := map[string]bool{}
	for _, l := range lessonDocs {
		inLesson[l.Key] = true
		var got []Document
		for _, d := range gotDocs {
			if d.Key == l.Key {
				got = append(got, d)
			}
		}
		switch len(got) {
		case 0:
			diffs = append(diffs, ManifestDifference{Object: l.Key, Path: WholeObject, Lesson: "present", Manifest: nil})
		case 1:
			pairs = append(pairs, DocPair{Key: l.Key, Lesson: l.Obj, Manifest: got[0].Obj})
		default:
			var at []string
			for _, d := range got {
				at = append(at, fmt.Sprint(d.Index))
			}
			diffs = append(diffs, ManifestDifference{Object: l.Key, Path: WholeObject, Lesson: "one document", Manifest: fmt.Sprintf("%d documents (%s)", len(got), strings.Join(at, ", "))})
		}
	}
	for _, d := range gotDocs {
		if !inLesson[d.Key] && count[d.Key] > 0 {
			what := "present, but the lesson has no such object"
			if count[d.Key] > 1 {
				what = fmt.Sprintf("%d documents, but the lesson has no such object", count[d.Key])
			}
			diffs = append(diffs, ManifestDifference{Object: d.Key, Path: WholeObject, Lesson: nil, Manifest: what})
			count[d.Key] = 0
		}
	}
	return pairs, diffs
}

// WholeObject is the path of a difference about an object as a whole.
const WholeObject = "(the whole object)"

// CompareObjects compares two objects field by field. Lists whose order
// Kubernetes ignores compare as sets, keyed as the API keys them
// (containers, volumes and env by name, ports by number and protocol,
// volume mounts by path); env stays ordered when a value refers to another
// variable ($(VAR)), since then the order decides the value. Fields that
// are null or empty ({} or []) are unset, as the API server stores them.
// In AsWritten mode a field set on one side only is Undecided.
func CompareObjects(object string, lessonObj, got map[string]any, mode CompareMode) []ManifestDifference {
	return diffTrees(object, "", prune(lessonObj), prune(got), mode)
}

// Stored removes from an object what the API server generates for each
// object anew (identity, times, allocated cluster IPs, its status), and
// writes back the names a dry run was given (tempName becomes name, the
// generated uid "(generated)"), so that two dry runs of equivalent
// documents compare equal.
func Stored(obj map[string]any, tempName, name string) map[string]any {
	md, _ := obj["metadata"].(map[string]any)
	uid, _ := md["uid"].(string)
	for _, k := range []string{"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "namespace", "selfLink"} {
		delete(md, k)
	}
	delete(obj, "status")
	if spec, ok := obj["spec"].(map[string]any); ok && obj["kind"] == "Service" {
		delete(spec, "clusterIP")
		delete(spec, "clusterIPs")
	}
	return replaceStrings(obj, func(s string) string {
		switch {
		case s == tempName:
			return name
		case uid != "" && s == uid:
			return "(generated)"
		}
		return s
	}).(map[string]any)
}

func replaceStrings(v any, f func(string) string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			t[k] = replaceStrings(c, f)
		}
	case []any:
		for i, c := range t {
			t[i] = replaceStrings(c, f)
		}
	case string:
		return f(t)
	}
	return v
}

// prune returns a copy of v without null values and empty maps and lists
// (kubectl's creationTimestamp: null, resources: {}, status: {}), which the
// API server stores as unset.
func prune(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, c := range t {
			if p := prune(c); p != nil {
				out[k] = p
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		out := make([]any, 0, len(t))
		for _, c := range t {
			p := prune(c)
			if p == nil {
				p = map[string]any{}
			}
			out = append(out, p)
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return v
}

// listKey returns the key of an element of a list field whose order
// Kubernetes ignores, or "" when the list is ordered.
func listKey(field string, list []any) func(any) string {
	str := func(m map[string]any, k string) string { return fmt.Sprint(m[k]) }
	byName := func(v any) string {
		m, _ := v.(map[string]any)
		if m == nil || m["name"] == nil {
			return ""
		}
		return str(m, "name")
	}
	switch field {
	case "containers", "volumes", "imagePullSecrets":
		return byName
	case "env":
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				if s, ok := m["value"].(string); ok && strings.Contains(s, "$(") {
					return nil
				}
			}
		}
		return byName
	case "volumeMounts":
		return func(v any) string {
			m, _ := v.(map[string]any)
			if m == nil || m["mountPath"] == nil {
				return ""
			}
			return str(m, "mountPath")
		}
	case "ports":
		return func(v any) string {
			m, _ := v.(map[string]any)
			if m == nil {
				return ""
			}
			port := m["containerPort"]
			if port == nil {
				port = m["port"]
			}
			if port == nil {
				return ""
			}
			proto := "TCP"
			if p, ok := m["protocol"].(string); ok {
				proto = p
			}
			return fmt.Sprintf("%v/%s", port, proto)
		}
	}
	return nil
}

// keyed indexes a list by key; ok is false when an element has no key or
// two share one (the list is then compared in order).
func keyed(list []any, key func(any) string) (map[string]any, bool) {
	out := map[string]any{}
	for _, e := range list {
		k := key(e)
		if _, dup := out[k]; k == "" || dup {
			return nil, false
		}
		out[k] = e
	}
	return out, true
}

func diffTrees(object, path string, want, got any, mode CompareMode) []ManifestDifference {
	join := func(k string) string {
		if path == "" || strings.HasPrefix(k, "[") {
			return path + k
		}
		return path + "." + k
	}
	field := path
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			break
		}
		var out []ManifestDifference
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			wv, wok := w[k]
			gv, gok := g[k]
			switch {
			case !gok && !wok:
			case !gok || !wok:
				d := ManifestDifference{Object: object, Path: join(k), Lesson: wv, Manifest: gv}
				if mode == AsWritten {
					d.Undecided = Undecided
				}
				out = append(out, d)
			default:
				out = append(out, diffTrees(object, join(k), wv, gv, mode)...)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			break
		}
		if key := listKey(field, w); key != nil && listKey(field, g) != nil {
			wk, okW := keyed(w, key)
			gk, okG := keyed(g, key)
			if okW && okG {
				return diffTrees(object, path, keyedTree(wk), keyedTree(gk), mode)
			}
		}
		if len(g) != len(w) || (!containsTrees(w) && !containsTrees(g)) {
			// Lists of scalars (a command, args) read best whole.
			break
		}
		var out []ManifestDifference
		for i := range w {
			out = append(out, diffTrees(object, fmt.Sprintf("%s[%d]", path, i), w[i], g[i], mode)...)
		}
		return out
	}
	if sameJSON(want, got) {
		return nil
	}
	return []ManifestDifference{{Object: object, Path: path, Lesson: want, Manifest: got}}
}

// keyedTree turns a keyed list into a map whose keys read as list
// elements ("[busybox2]"), so that a difference's path names the element:
// spec.template.spec.containers[busybox2].command.
func keyedTree(m map[string]any) any {
	out := map[string]any{}
	for k, v := range m {
		out["["+k+"]"] = v
	}
	return out
}

// sameJSON compares two values as JSON sees them (1 and 1.0 are equal).
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	if errA != nil || errB != nil {
		return reflect.DeepEqual(a, b)
	}
	var na, nb any
	_ = json.Unmarshal(ja, &na)
	_ = json.Unmarshal(jb, &nb)
	return reflect.DeepEqual(na, nb)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
