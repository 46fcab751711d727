package framework

import (
	"strings"

	"github.com/joblab/joblab/internal/settings"

	"sigs.k8s.io/e2e-framework/klient/decoder"
	"sigs.k8s.io/e2e-framework/klient/k8s"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/joblab/joblab/lesson"
)

// ImageRepoEnv names the registry repository the class pushed the lab
// programs' images to (joblab images --image-repo); the lab programs'
// images, and only those, are then pulled from there.
const ImageRepoEnv = settings.ImageRepoEnv

// labImagePrefix is what the lab programs' images start with.
const labImagePrefix = "joblab/"

// LabImage returns where a lab program's image is pulled from: ref itself,
// or the same name and tag under imageRepo (the settings' ImageRepo). Other images (busybox,
// rabbitmq) are returned unchanged.
func LabImage(imageRepo, ref string) string {
	repo := strings.TrimSuffix(imageRepo, "/")
	if repo == "" || !strings.HasPrefix(ref, labImagePrefix) {
		return ref
	}
	return repo + "/" + strings.TrimPrefix(ref, labImagePrefix)
}

// podTemplate is the pod template of an object that makes pods (a Job, a
// CronJob's Jobs, a Deployment), or nil.
func podTemplate(obj k8s.Object) *corev1.PodTemplateSpec {
	switch o := obj.(type) {
	case *batchv1.Job:
		return &o.Spec.Template
	case *batchv1.CronJob:
		return &o.Spec.JobTemplate.Spec.Template
	case *appsv1.Deployment:
		return &o.Spec.Template
	}
	return nil
}

// rewriteLabImages is a decode option that points the lab programs' images
// at imageRepo (none: unchanged).
func rewriteLabImages(imageRepo string) decoder.DecodeOption {
	return decoder.MutateOption(func(obj k8s.Object) error {
		if t := podTemplate(obj); t != nil {
			for i := range t.Spec.Containers {
				t.Spec.Containers[i].Image = LabImage(imageRepo, t.Spec.Containers[i].Image)
			}
		}
		return nil
	})
}

// BrokerNodePort is the NodePort the broker lab's RabbitMQ is reached at:
// the lesson's 31672, or the one the settings give this student.
func (e *Env) BrokerNodePort() int32 {
	if p := e.Settings.BrokerNodePort; p != 0 {
		return p
	}
	return lesson.BrokerNodePort
}

// rewriteBrokerNodePort gives a Service port that takes the lesson's
// NodePort port instead (this student's, settings.BrokerNodePort), so that
// the broker labs of a class's students run side by side on one cluster.
func rewriteBrokerNodePort(port int32) decoder.DecodeOption {
	return decoder.MutateOption(func(obj k8s.Object) error {
		svc, ok := obj.(*corev1.Service)
		if !ok || port == lesson.BrokerNodePort {
			return nil
		}
		for i := range svc.Spec.Ports {
			if svc.Spec.Ports[i].NodePort == lesson.BrokerNodePort {
				svc.Spec.Ports[i].NodePort = port
			}
		}
		return nil
	})
}

// labelPodTemplates puts labels on the pods an object makes (a Job's,
// CronJob's or Deployment's pod template), so that the lab's pods can be
// watched by its label in a namespace shared with other labs.
func labelPodTemplates(labels map[string]string) decoder.DecodeOption {
	return decoder.MutateOption(func(obj k8s.Object) error {
		t := podTemplate(obj)
		if t == nil {
			return nil
		}
		if t.Labels == nil {
			t.Labels = map[string]string{}
		}
		for k, v := range labels {
			t.Labels[k] = v
		}
		return nil
	})
}
