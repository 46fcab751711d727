// Package manifests holds the lesson's manifests, one file per manifest as
// the notes give them, and reads them: it decodes them into typed objects,
// refuses APIs that Kubernetes has removed with an error that names the
// replacement. What the lesson says each manifest holds is in package
// lesson (lesson.CompareManifest), not here.
package manifests

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

//go:embed *.yaml legacy/*.yaml rbac/*.yaml modern/*.yaml
var files embed.FS

// Names lists the lesson's manifests and the modern track's (modern/...),
// legacy ones excluded.
func Names() []string {
	entries, _ := fs.Glob(files, "*.yaml")
	modern, _ := fs.Glob(files, "modern/*.yaml")
	entries = append(entries, modern...)
	sort.Strings(entries)
	return entries
}

// Read returns a manifest's bytes, e.g. Read("job-normal-end.yaml").
func Read(name string) ([]byte, error) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("no manifest %q in manifests/: the manifests are %s", name, strings.Join(Names(), ", "))
	}
	return data, nil
}

// Load reads and decodes a manifest of this package.
func Load(name string) ([]runtime.Object, error) {
	data, err := Read(name)
	if err != nil {
		return nil, err
	}
	objs, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return objs, nil
}

// RemovedAPIError is a manifest that uses an API version Kubernetes no
// longer serves.
type RemovedAPIError struct {
	APIVersion, Kind, RemovedIn, Use string
}

func (e *RemovedAPIError) Error() string {
	return fmt.Sprintf("%s %s was removed in Kubernetes %s (the API server answers: no matches for kind %q in version %q). Fix: write apiVersion: %s; the fields stay the same",
		e.APIVersion, e.Kind, e.RemovedIn, e.Kind, e.APIVersion, e.Use)
}

// removedAPIs are the removed API versions of the kinds the lesson uses.
var removedAPIs = map[string]RemovedAPIError{
	"batch/v1beta1/CronJob":         {RemovedIn: "1.25", Use: "batch/v1"},
	"batch/v2alpha1/CronJob":        {RemovedIn: "1.21", Use: "batch/v1"},
	"extensions/v1beta1/Deployment": {RemovedIn: "1.16", Use: "apps/v1"},
	"apps/v1beta1/Deployment":       {RemovedIn: "1.16", Use: "apps/v1"},
	"apps/v1beta2/Deployment":       {RemovedIn: "1.16", Use: "apps/v1"},
}

// Decode decodes every document of a YAML stream into typed objects.
func Decode(data []byte) ([]runtime.Object, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objs []runtime.Object
	for i := 1; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		var tm struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, fmt.Errorf("document %d is not valid YAML: %w", i, err)
		}
		if r, ok := removedAPIs[tm.APIVersion+"/"+tm.Kind]; ok {
			r.APIVersion, r.Kind = tm.APIVersion, tm.Kind
			return nil, &r
		}
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(doc, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("document %d (%s %s): %w", i, tm.APIVersion, tm.Kind, err)
		}
		objs = append(objs, obj)
	}
	if len(objs) == 0 {
		return nil, errors.New("no objects in the manifest")
	}
	return objs, nil
}

func stripComments(doc []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			out = append(out, line)
		}
	}
	return bytes.Join(out, []byte("\n"))
}
