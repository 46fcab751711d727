package gobuild

import (
	"strings"
	"testing"
)

func TestParseLocalReplaces(t *testing.T) {
	gomod := `module k8s.io/kubernetes

require k8s.io/api v0.0.0

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	github.com/other/mod => github.com/fork/mod v1.2.3
)

replace k8s.io/kubelet => ./staging/src/k8s.io/kubelet
`
	got, err := parseLocalReplaces(strings.NewReader(gomod), "v0.34.2")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"k8s.io/api": "v0.34.2", "k8s.io/client-go": "v0.34.2", "k8s.io/kubelet": "v0.34.2"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("replace %s = %q, want %q", k, got[k], v)
		}
	}
}

func TestGoModPinsReplacesInOrder(t *testing.T) {
	got := goMod(Module{Path: "k8s.io/kubernetes", Version: "v1.34.2", Replace: map[string]string{"k8s.io/b": "v0.34.2", "k8s.io/a": "v0.34.2"}})
	want := "module joblab.local/build\n\ngo 1.24\n\nrequire k8s.io/kubernetes v1.34.2\nreplace k8s.io/a => k8s.io/a v0.34.2\nreplace k8s.io/b => k8s.io/b v0.34.2\n"
	if got != want {
		t.Errorf("go.mod:\n%s\nwant:\n%s", got, want)
	}
}
