package gobuild

import (
	"fmt"
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
	// A release's own go line is kept (its GODEBUG defaults with it).
	got = goMod(Module{Path: "k8s.io/kubernetes", Version: "v1.37.2", Go: "1.26"})
	if want := "module joblab.local/build\n\ngo 1.26\n\nrequire k8s.io/kubernetes v1.37.2\n"; got != want {
		t.Errorf("go.mod:\n%s\nwant:\n%s", got, want)
	}
}

func TestBatchesBuildKubernetesCommandsInOneGoCommand(t *testing.T) {
	k8s := func(name string) Command {
		return Command{Package: "k8s.io/kubernetes/cmd/" + name, Output: "/bin/k/" + name, LDFlags: "-X v=1"}
	}
	cmds := []Command{
		k8s("kube-apiserver"), k8s("kubelet"),
		// Another output name than the package's: go build -o DIR/ could not write it.
		{Package: "example.com/x/cmd/tool", Output: "/bin/k/renamed"},
		// Other flags: its own go command.
		{Package: "example.com/y", Output: "/bin/k/y", Cgo: true},
		// A generated main package is built alone.
		{Package: "coredns", Output: "/bin/k/coredns", Main: "package main\nfunc main() {}\n"},
		{Package: "example.com/z/coredns", Output: "/bin/k/coredns"},
	}
	got := batches(cmds)
	var sizes []int
	for _, b := range got {
		sizes = append(sizes, len(b))
	}
	want := []int{2, 1, 1, 1, 1}
	if fmt.Sprint(sizes) != fmt.Sprint(want) {
		t.Fatalf("batch sizes %v, want %v (batches %v)", sizes, want, got)
	}
	if got[0].packages() != "k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubelet" {
		t.Errorf("first batch builds %q", got[0].packages())
	}
}
