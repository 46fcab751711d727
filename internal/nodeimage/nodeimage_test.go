package nodeimage

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCRIBaseSpecAddsHookAndDropsRlimits(t *testing.T) {
	in := `{"process":{"rlimits":[{"type":"RLIMIT_NOFILE"}],"cwd":"/"},"hooks":{"createContainer":[{"path":"/existing"}]}}`
	out, err := criBaseSpec([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Process map[string]any
		Hooks   struct{ CreateContainer []struct{ Path string } }
	}
	if err := json.Unmarshal(out, &spec); err != nil {
		t.Fatal(err)
	}
	if _, ok := spec.Process["rlimits"]; ok {
		t.Error("rlimits kept")
	}
	if spec.Process["cwd"] != "/" {
		t.Error("other process fields lost")
	}
	hooks := spec.Hooks.CreateContainer
	if len(hooks) != 2 || hooks[0].Path != "/existing" || hooks[1].Path != "/kind/bin/mount-product-files.sh" {
		t.Errorf("createContainer hooks = %+v", hooks)
	}
}

func TestKubernetesLDFlagsStampVersion(t *testing.T) {
	flags := kubernetesLDFlags("v1.34.2")
	for _, want := range []string{
		"-X k8s.io/component-base/version.gitVersion=v1.34.2",
		"-X k8s.io/component-base/version.gitMajor=1",
		"-X k8s.io/component-base/version.gitMinor=34",
		"-X k8s.io/client-go/pkg/version.gitVersion=v1.34.2",
	} {
		if !strings.Contains(flags, want) {
			t.Errorf("ldflags %q lack %q", flags, want)
		}
	}
}
