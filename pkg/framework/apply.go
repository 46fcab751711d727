package framework

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/joblab/joblab/internal/settings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/e2e-framework/klient/decoder"
	"sigs.k8s.io/e2e-framework/klient/k8s"
	"sigs.k8s.io/e2e-framework/klient/k8s/resources"

	"github.com/joblab/joblab/manifests"
)

// ManifestsEnv names a directory whose manifests replace the embedded
// lesson manifests, e.g. to show that a spec goes red when a manifest is
// edited.
const ManifestsEnv = settings.ManifestsEnv

// ReadManifest returns a lesson manifest: from the settings' manifests
// folder when set, else the copy in manifests/.
func (e *Env) ReadManifest(name string) ([]byte, error) {
	return ReadManifestFrom(e.Settings.ManifestsDir, name)
}

// ReadManifestFrom returns a lesson manifest from a manifests folder, or
// the copy in manifests/ when dir is empty. A student's folder holds what
// the student writes (StudentWrites): a manifest it lacks that the student
// was never asked for is the lesson's own copy (ManifestOrigin says which).
func ReadManifestFrom(dir, name string) ([]byte, error) {
	data, _, err := readManifest(dir, name)
	return data, err
}

// StudentWrites tells whether a student's manifests folder must hold a
// manifest: the lesson's own files (the top level of manifests/) are the
// student's work; the legacy CronJob the behaviours lab applies to show
// its refusal, and the modern track's files, are joblab's.
func StudentWrites(name string) bool { return !strings.Contains(name, "/") }

// Where a manifest a lab applied came from.
const (
	FromEmbedded = "joblab's copy of the lesson"
	FromStudent  = "the student's folder"
	FromLesson   = "joblab's copy of the lesson (the folder has none; a student need not write it)"
)

// ManifestOrigin says where ReadManifest takes a manifest from.
func (e *Env) ManifestOrigin(name string) string {
	_, origin, _ := readManifest(e.Settings.ManifestsDir, name)
	return origin
}

func readManifest(dir, name string) ([]byte, string, error) {
	if dir == "" {
		data, err := manifests.Read(name)
		return data, FromEmbedded, err
	}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) && !StudentWrites(name) {
		data, err := manifests.Read(name)
		return data, FromLesson, err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, FromStudent, fmt.Errorf("the manifests folder %s has no %s, which this lab applies: write it there (the lesson's file of that name), or run only the labs whose files the folder holds (joblab list shows each lab's files)", dir, name)
	}
	if err != nil {
		return nil, FromStudent, fmt.Errorf("the manifests folder %s: %w", dir, err)
	}
	return data, FromStudent, nil
}

// Apply creates the objects of a lesson manifest, unmodified but for the
// namespace they go to, joblab's owner and lab labels on each object and
// on the pods it makes, and, when the class uses its own registry
// (the settings' ImageRepo), the lab programs' images; the broker's
// NodePort this student's (the settings' BrokerNodePort). Removed APIs
// are refused first with an error that names the fix.
func (e *Env) Apply(ctx context.Context, ns, lab, name string) error {
	data, err := e.ReadManifest(name)
	if err != nil {
		return err
	}
	return e.ApplyData(ctx, ns, lab, name, data)
}

// ApplyData is Apply of a manifest already read (name names it in
// errors): a lab folder's file, or a student's in its place.
func (e *Env) ApplyData(ctx context.Context, ns, lab, name string, data []byte) error {
	if _, err := manifests.Decode(data); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	create, err := createHandler(e.Config)
	if err != nil {
		return err
	}
	err = decoder.DecodeEach(ctx, bytes.NewReader(data), create,
		decoder.MutateNamespace(ns),
		decoder.MutateLabels(LabLabels(lab)),
		labelPodTemplates(LabLabels(lab)),
		rewriteLabImages(e.Settings.ImageRepo),
		rewriteBrokerNodePort(e.BrokerNodePort()))
	if apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("applying %s in namespace %s: %w: an object of that name is already there; if it carries %s=%s it is another joblab lab's leftover (kept with --keep?): remove it with 'joblab clean -n %s'; otherwise it is not joblab's and joblab leaves it alone: use another namespace or remove it yourself", name, ns, err, OwnerLabelKey, OwnerLabelValue, ns)
	}
	if err != nil {
		return fmt.Errorf("applying %s in namespace %s: %w", name, ns, err)
	}
	return nil
}

// createHandler creates an object of a kind the lesson's manifests hold
// through the typed client (no discovery: the kind's resource is known),
// and any other kind through e2e-framework's resources client, whose REST
// mapper asks the API server's discovery.
func createHandler(cfg *rest.Config) (decoder.HandlerFunc, error) {
	cs, err := clientFor(cfg)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, obj k8s.Object) error {
		ns, opts := obj.GetNamespace(), metav1.CreateOptions{}
		var err error
		switch o := obj.(type) {
		case *batchv1.Job:
			_, err = cs.BatchV1().Jobs(ns).Create(ctx, o, opts)
		case *batchv1.CronJob:
			_, err = cs.BatchV1().CronJobs(ns).Create(ctx, o, opts)
		case *appsv1.Deployment:
			_, err = cs.AppsV1().Deployments(ns).Create(ctx, o, opts)
		case *corev1.Service:
			_, err = cs.CoreV1().Services(ns).Create(ctx, o, opts)
		case *corev1.Pod:
			_, err = cs.CoreV1().Pods(ns).Create(ctx, o, opts)
		case *corev1.ConfigMap:
			_, err = cs.CoreV1().ConfigMaps(ns).Create(ctx, o, opts)
		default:
			res, rerr := resourcesFor(cfg)
			if rerr != nil {
				return rerr
			}
			return res.Create(ctx, obj)
		}
		return err
	}, nil
}

// clientsByConfig keeps one typed client per REST configuration.
var clientsByConfig sync.Map // *rest.Config -> kubernetes.Interface

func clientFor(cfg *rest.Config) (kubernetes.Interface, error) {
	if cs, ok := clientsByConfig.Load(cfg); ok {
		return cs.(kubernetes.Interface), nil
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	actual, _ := clientsByConfig.LoadOrStore(cfg, cs)
	return actual.(kubernetes.Interface), nil
}

// resourcesByConfig keeps one client (and its REST mapper, which asks the
// API server's discovery) per REST configuration, so that a process that
// applies several manifests discovers the API once.
var resourcesByConfig sync.Map // *rest.Config -> *resources.Resources

func resourcesFor(cfg *rest.Config) (*resources.Resources, error) {
	if res, ok := resourcesByConfig.Load(cfg); ok {
		return res.(*resources.Resources), nil
	}
	res, err := resources.New(cfg)
	if err != nil {
		return nil, err
	}
	actual, _ := resourcesByConfig.LoadOrStore(cfg, res)
	return actual.(*resources.Resources), nil
}
