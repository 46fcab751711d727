package labdef

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// A field path names a field of an object as kubectl's -o jsonpath does,
// without the braces: dotted names, each maybe followed by list indices
// (spec.template.spec.containers[0].resources.requests.cpu), and a key
// holding dots or slashes in brackets and quotes
// (metadata.annotations['batch.kubernetes.io/job-completion-index']).

var (
	pathNameRE  = regexp.MustCompile(`^[A-Za-z0-9_-]+`)
	pathIndexRE = regexp.MustCompile(`^\[([0-9]+)\]`)
	pathKeyRE   = regexp.MustCompile(`^\['([^']+)'\]`)
)

// pathElems reads a field path into names (string) and indices (int).
func pathElems(path string) ([]any, error) {
	const how = "write it as kubectl's -o jsonpath does, without braces: spec.template.spec.containers[0].image, metadata.labels['app.kubernetes.io/name']"
	if strings.TrimSpace(path) == "" {
		return nil, fmt.Errorf("path: empty; %s", how)
	}
	var out []any
	rest := path
	for first := true; rest != "" || first; first = false {
		if !first {
			if rest[0] != '.' {
				return nil, fmt.Errorf("path %q: %q is not a field name with optional [N] indices or ['key']; %s", path, rest, how)
			}
			rest = rest[1:]
		}
		m := pathNameRE.FindString(rest)
		if m == "" {
			return nil, fmt.Errorf("path %q: %q is not a field name with optional [N] indices or ['key']; %s", path, rest, how)
		}
		out = append(out, m)
		rest = rest[len(m):]
		for rest != "" && rest[0] == '[' {
			if k := pathKeyRE.FindStringSubmatch(rest); k != nil {
				out = append(out, k[1])
				rest = rest[len(k[0]):]
				continue
			}
			i := pathIndexRE.FindStringSubmatch(rest)
			if i == nil {
				return nil, fmt.Errorf("path %q: %q is not an index [N] or a key ['key']; %s", path, rest, how)
			}
			n, err := strconv.Atoi(i[1])
			if err != nil {
				return nil, fmt.Errorf("path %q: index %s: %v", path, i[1], err)
			}
			out = append(out, n)
			rest = rest[len(i[0]):]
		}
	}
	return out, nil
}

// Lookup finds a field of an object decoded from JSON (maps and lists):
// found is false when a name is missing or an index is past the list's
// end; err says where the object does not have the path's shape.
func Lookup(obj map[string]any, path string) (value any, found bool, err error) {
	elems, err := pathElems(path)
	if err != nil {
		return nil, false, err
	}
	var cur any = obj
	for i, e := range elems {
		switch k := e.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false, fmt.Errorf("path %q: %s is not an object", path, describePrefix(elems[:i]))
			}
			if cur, ok = m[k]; !ok {
				return nil, false, nil
			}
		case int:
			l, ok := cur.([]any)
			if !ok {
				return nil, false, fmt.Errorf("path %q: %s is not a list", path, describePrefix(elems[:i]))
			}
			if k >= len(l) {
				return nil, false, nil
			}
			cur = l[k]
		}
	}
	return cur, true, nil
}

func describePrefix(elems []any) string {
	var b strings.Builder
	for _, e := range elems {
		switch k := e.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(k)
		case int:
			fmt.Fprintf(&b, "[%d]", k)
		}
	}
	if b.Len() == 0 {
		return "the object"
	}
	return b.String()
}

// SameValue tells whether a field's observed text is its documented value.
// Under a path through "resources" (limits, requests) both are quantities
// and compare by value, as Kubernetes does: 64Mi is 67108864, 0.1 is 100m.
// Everywhere else the text must be equal.
func SameValue(path, observed, documented string) bool {
	if observed == documented {
		return true
	}
	if !isQuantityPath(path) {
		return false
	}
	o, err1 := resource.ParseQuantity(observed)
	d, err2 := resource.ParseQuantity(documented)
	return err1 == nil && err2 == nil && o.Cmp(d) == 0
}

func isQuantityPath(path string) bool {
	for _, part := range strings.Split(path, ".") {
		if name, _, _ := strings.Cut(part, "["); name == "resources" {
			return true
		}
	}
	return false
}
