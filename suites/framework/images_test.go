package framework

import (
	"testing"

	"github.com/joblab/joblab/internal/settings"
)

func TestLabImageRewritesOnlyLabPrograms(t *testing.T) {
	before := settings.Current()
	t.Cleanup(func() { settings.Set(before) })
	settings.Set(settings.Settings{ImageRepo: "registry.school.example/class1/"})
	cases := map[string]string{
		"joblab/pn-generator:0.1.0":     "registry.school.example/class1/pn-generator:0.1.0",
		"joblab/pn-generator-que:0.2.0": "registry.school.example/class1/pn-generator-que:0.2.0",
		"busybox:latest":                "busybox:latest",
		"rabbitmq":                      "rabbitmq",
	}
	for in, want := range cases {
		if got := LabImage(in); got != want {
			t.Errorf("LabImage(%q) = %q, want %q", in, got, want)
		}
	}
	settings.Set(settings.Settings{})
	if got := LabImage("joblab/pn-generator:0.1.0"); got != "joblab/pn-generator:0.1.0" {
		t.Errorf("without a class registry the image changed to %q", got)
	}
}
