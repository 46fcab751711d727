package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFromEnvReadsTheMakeVariables(t *testing.T) {
	t.Setenv(childEnv, "")
	t.Setenv(KubeconfigEnv, "/k")
	t.Setenv(NamespaceEnv, "s1")
	t.Setenv(KeepEnv, KeepOnFailure)
	t.Setenv(ArtifactsEnv, "/a")
	s := FromEnv()
	if s.Kubeconfig != "/k" || s.Namespace != "s1" || s.Keep != KeepOnFailure || s.Artifacts() != "/a" {
		t.Errorf("%+v", s)
	}
}

func TestChildEnvCarriesEverySetting(t *testing.T) {
	want := Settings{Kubeconfig: "/k", Context: "c", Namespace: "n", ImageRepo: "r", ManifestsDir: "/m", Keep: KeepAlways, ProgressFile: "/p", ArtifactsDir: "/a"}
	name, value, _ := strings.Cut(want.ChildEnv(), "=")
	t.Setenv(name, value)
	if got := FromEnv(); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestValidateNamesTheFix(t *testing.T) {
	if err := (Settings{Keep: "sometimes"}).Validate(); err == nil || !strings.Contains(err.Error(), KeepOnFailure) {
		t.Errorf("keep: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "nope")
	if err := (Settings{ManifestsDir: missing}).Validate(); err == nil || !strings.Contains(err.Error(), "job-normal-end.yaml") {
		t.Errorf("manifests: %v", err)
	}
	if err := (Settings{ManifestsDir: os.TempDir()}).Validate(); err != nil {
		t.Errorf("an existing folder: %v", err)
	}
}

func TestArtifactsDefaultToTheRepositoryRoot(t *testing.T) {
	got := Settings{}.Artifacts()
	if filepath.Base(got) != "_artifacts" {
		t.Fatalf("%s", got)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(got), "go.mod")); err != nil {
		t.Errorf("%s is not beside go.mod: a package test would write into its own folder", got)
	}
}

// A class's waits are bounded for the load its students put on one
// cluster together: 1 alone, more with each student, never past the cap;
// a factor below 1 or past it is refused with the fix.
func TestSlowness(t *testing.T) {
	for n, want := range map[int]float64{0: 1, 1: 1, 5: 2, 10: 3.25, 1000: MaxSlowness} {
		if got := SlownessFor(n); got != want {
			t.Errorf("SlownessFor(%d) = %g, want %g", n, got, want)
		}
	}
	for _, s := range []float64{0.5, -1, MaxSlowness + 1} {
		if err := (Settings{Slowness: s}).Validate(); err == nil || !strings.Contains(err.Error(), SlownessEnv) {
			t.Errorf("slowness %g: %v, want a refusal naming %s", s, err, SlownessEnv)
		}
	}
	t.Setenv(SlownessEnv, "3")
	if s := FromEnv(); s.Slowness != 3 || s.Validate() != nil {
		t.Errorf("from the environment: %+v", s)
	}
}
