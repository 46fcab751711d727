package framework

import (
	"testing"
	"time"

	"github.com/joblab/joblab/internal/settings"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/e2e-framework/klient/decoder"
	"sigs.k8s.io/e2e-framework/klient/k8s"
)

func TestLabImageRewritesOnlyLabPrograms(t *testing.T) {
	repo := "registry.school.example/class1/"
	cases := map[string]string{
		"joblab/pn-generator:0.1.0":     "registry.school.example/class1/pn-generator:0.1.0",
		"joblab/pn-generator-que:0.2.0": "registry.school.example/class1/pn-generator-que:0.2.0",
		"busybox:latest":                "busybox:latest",
		"rabbitmq":                      "rabbitmq",
	}
	for in, want := range cases {
		if got := LabImage(repo, in); got != want {
			t.Errorf("LabImage(%q) = %q, want %q", in, got, want)
		}
	}
	if got := LabImage("", "joblab/pn-generator:0.1.0"); got != "joblab/pn-generator:0.1.0" {
		t.Errorf("without a class registry the image changed to %q", got)
	}
}

func TestLabelPodTemplatesReachesEveryKindThatMakesPods(t *testing.T) {
	job := &batchv1.Job{}
	cron := &batchv1.CronJob{}
	dep := &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "taskqueue"}}}}}
	svc := &corev1.Service{}
	opts := &decoder.Options{}
	labelPodTemplates(map[string]string{LabLabelKey: "broker-lab"})(opts)
	for _, obj := range []k8s.Object{job, cron, dep, svc} {
		for _, mutate := range opts.MutateFuncs {
			if err := mutate(obj); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, got := range map[string]map[string]string{
		"Job": job.Spec.Template.Labels, "CronJob": cron.Spec.JobTemplate.Spec.Template.Labels, "Deployment": dep.Spec.Template.Labels,
	} {
		if got[LabLabelKey] != "broker-lab" {
			t.Errorf("%s pod template labels %v, want the lab's label", name, got)
		}
	}
	if dep.Spec.Template.Labels["app"] != "taskqueue" {
		t.Error("the Deployment's own pod label was lost")
	}
	if len(svc.Labels) != 0 {
		t.Errorf("a Service got labels %v: it has no pod template", svc.Labels)
	}
}

func TestBoundScalesBySlowness(t *testing.T) {
	for slowness, want := range map[float64]time.Duration{0: 4 * time.Minute, 1: 4 * time.Minute, 3.25: 13 * time.Minute} {
		e := &Env{Settings: settings.Settings{Slowness: slowness}}
		if got := e.Bound(4 * time.Minute); got != want {
			t.Errorf("slowness %g: bound %s, want %s", slowness, got, want)
		}
	}
}
