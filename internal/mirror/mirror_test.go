package mirror

import (
	"testing"

	"github.com/BurntSushi/toml"
)

func TestRepositoryPath(t *testing.T) {
	cases := map[string]string{
		"busybox":                              "library/busybox:latest",
		"busybox:1":                            "library/busybox:1",
		"docker.io/busybox:1":                  "library/busybox:1",
		"docker.io/library/rabbitmq":           "library/rabbitmq:latest",
		"joblab/pn-generator:0.1.0":            "joblab/pn-generator:0.1.0",
		"registry.k8s.io/pause:3.10":           "pause:3.10",
		"registry.k8s.io/coredns/coredns:v1.2": "coredns/coredns:v1.2",
		"localhost:5000/x/y:z":                 "x/y:z",
	}
	for in, want := range cases {
		if got := RepositoryPath(in); got != want {
			t.Errorf("RepositoryPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContainerdPatchMirrorsBothRegistries(t *testing.T) {
	var cfg struct {
		Plugins map[string]struct {
			Registry struct {
				Mirrors map[string]struct{ Endpoint []string }
			}
		}
	}
	if _, err := toml.Decode(ContainerdPatch(), &cfg); err != nil {
		t.Fatalf("patch is not valid TOML: %v\n%s", err, ContainerdPatch())
	}
	mirrors := cfg.Plugins["io.containerd.grpc.v1.cri"].Registry.Mirrors
	for _, host := range []string{"docker.io", "registry.k8s.io"} {
		if eps := mirrors[host].Endpoint; len(eps) != 1 || eps[0] != NodeEndpoint {
			t.Errorf("mirror of %s = %v, want [%s]", host, eps, NodeEndpoint)
		}
	}
}
