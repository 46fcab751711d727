// Package classjob is an in-cluster class: the objects that grade a class
// as a Kubernetes Indexed Job (one index per student) in a grading
// namespace, what each index leaves behind (a result ConfigMap), and how
// the class's progress reads from the Job, its pods and those results.
// It builds and reads objects only; the joblab command creates them
// (joblab class submit, status, collect) and the grading pods run joblab
// class grade.
//
// Everything of a class hangs off its Job: the ServiceAccount, Role and
// RoleBinding of the grader, the class's ConfigMap and Secret and every
// result carry an owner reference to it, so deleting the Job (joblab
// class delete, or joblab clean in the grading namespace) removes the
// class whole.
package classjob

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

// Labels of a class's objects.
const (
	ManagedByKey   = "app.kubernetes.io/managed-by"
	ManagedByValue = "joblab"
	ClassKey       = "joblab.dev/class"
	IndexKey       = "joblab.dev/index"
	// RoleKey tells a class's objects apart: job, grader, class, result.
	RoleKey = "joblab.dev/part"
)

// Files in the class's ConfigMap, Secret and results.
const (
	ConfigFile    = "class.json"
	LabsArchive   = "labs.tar.gz"
	RunFile       = "run.json.gz"
	MountConfig   = "/etc/joblab/class"
	MountSecret   = "/etc/joblab/credentials"
	DefaultNS     = "joblab-grading"
	DefaultName   = "class"
	maxConfigSize = 900 << 10 // under a ConfigMap's 1 MiB, with room for keys
)

// Student is one index of the class.
type Student struct {
	Name string `json:"name"`
	// Namespace the student's labs run in; Target describes where (the
	// context, server and namespace), for the reports.
	Namespace string `json:"namespace"`
	Target    string `json:"target"`
	// ClusterKey is the student's API server: labs of one cluster that
	// share a NodePort take turns, as in a local class.
	ClusterKey string `json:"clusterKey"`
	// NodePort is the student's broker NodePort (0: the lesson's).
	NodePort int32 `json:"nodePort,omitempty"`
	// Manifests tells whether the student's own manifests are in the
	// ConfigMap (ManifestsKey).
	Manifests bool `json:"manifests,omitempty"`
}

// Config is what every index reads: the class, its labs, its students.
type Config struct {
	Name      string    `json:"name"`
	Namespace string    `json:"namespace"`
	Labs      []string  `json:"labs"`
	Lang      string    `json:"lang"`
	LabsDir   bool      `json:"labsDir,omitempty"`
	Students  []Student `json:"students"`
	// JobUID is the grading Job's, for the owner reference of each
	// result.
	JobUID string `json:"jobUID"`
}

// Input is what a class's objects are made from.
type Input struct {
	Config Config
	// Image is the grader's image (joblab/joblab:<digest>, or one the
	// teacher pushed).
	Image string
	// Parallel is how many students are graded at once.
	Parallel int32
	// Retries is how many times a student's failed grading is tried
	// again, alone (backoffLimitPerIndex).
	Retries int32
	// Kubeconfigs are the students' credentials, by index.
	Kubeconfigs [][]byte
	// Manifests are the students' own manifest folders (tar.gz), by index.
	Manifests map[int][]byte
	// Labs is the teacher's lab folders (tar.gz), or nil.
	Labs []byte
}

var nameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,28}[a-z0-9])?$`)

// ValidName checks a class's name: it names the class's objects.
func ValidName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("class name %q: lower-case letters, digits and dashes, at most 30 (it names the grading Job joblab-class-NAME)", name)
	}
	return nil
}

// JobName is the grading Job's name.
func JobName(class string) string { return "joblab-class-" + class }

// GraderName is the grader's ServiceAccount, Role and RoleBinding.
func GraderName(class string) string { return JobName(class) + "-grader" }

// ResultName is the result ConfigMap of index i.
func ResultName(class string, i int) string { return fmt.Sprintf("%s-result-%d", JobName(class), i) }

// KubeconfigKey is index i's kubeconfig in the class's Secret.
func KubeconfigKey(i int) string { return fmt.Sprintf("%d.kubeconfig", i) }

// ManifestsKey is index i's manifest folder in the class's ConfigMap.
func ManifestsKey(i int) string { return fmt.Sprintf("%d-manifests.tar.gz", i) }

// Labels are the labels of a class's part.
func Labels(class, part string) map[string]string {
	return map[string]string{ManagedByKey: ManagedByValue, ClassKey: class, RoleKey: part}
}

// ClassSelector selects every object of a class.
func ClassSelector(class string) string {
	return ManagedByKey + "=" + ManagedByValue + "," + ClassKey + "=" + class
}

// ResultSelector selects a class's results.
func ResultSelector(class string) string { return ClassSelector(class) + "," + RoleKey + "=result" }

// Job is the grading Job, created suspended: the objects it mounts are
// made next, owned by it, and then it is resumed.
func Job(in Input) *batchv1.Job {
	c := in.Config
	n := int32(len(c.Students))
	parallel := in.Parallel
	if parallel <= 0 || parallel > n {
		parallel = n
	}
	labels := Labels(c.Name, "job")
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: JobName(c.Name), Namespace: c.Namespace, Labels: labels},
		Spec: batchv1.JobSpec{
			Suspend:              ptr.To(true),
			CompletionMode:       ptr.To(batchv1.IndexedCompletion),
			Completions:          ptr.To(n),
			Parallelism:          ptr.To(parallel),
			BackoffLimitPerIndex: ptr.To(in.Retries),
			MaxFailedIndexes:     ptr.To(n),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					// A deleted grading pod's labs remove what they made
					// in the student's namespace before it goes.
					TerminationGracePeriodSeconds: ptr.To[int64](120),
					// The credentials are readable by the grader's group.
					SecurityContext:    &corev1.PodSecurityContext{FSGroup: ptr.To[int64](65534)},
					ServiceAccountName: GraderName(c.Name),
					Containers: []corev1.Container{{
						Name:  "grader",
						Image: in.Image,
						Args:  []string{"class", "grade", "--config", MountConfig + "/" + ConfigFile, "--credentials", MountSecret},
						Env:   []corev1.EnvVar{{Name: "HOME", Value: "/tmp"}},
						// A failed grading's last words are its pod's
						// termination message: joblab class status shows it.
						TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
						Resources: corev1.ResourceRequirements{
							// What a grading pod uses, measured (make
							// bench-class IN_CLUSTER=1, every lesson lab):
							// 59-67 MiB at its peak as its cgroup counts it,
							// 2-4 s of CPU over 4-10 min: it mostly watches.
							// A larger request starved the labs it grades
							// of the cluster's CPU: 30 pods at 100m held 3
							// of a kind cluster's 4 worker cores, and the
							// students' RabbitMQs stayed Pending.
							Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("20m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
							// Every lab of a student is a process of its
							// own; the limit leaves room for all of them.
							Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")},
						},
						VolumeMounts: []corev1.VolumeMount{
							{Name: "class", MountPath: MountConfig, ReadOnly: true},
							{Name: "credentials", MountPath: MountSecret, ReadOnly: true},
							{Name: "tmp", MountPath: "/tmp"},
						},
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: ptr.To(false),
							RunAsNonRoot:             ptr.To(true),
							RunAsUser:                ptr.To[int64](65534),
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
						},
					}},
					Volumes: []corev1.Volume{
						{Name: "class", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: JobName(c.Name)}}}},
						{Name: "credentials", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: JobName(c.Name), DefaultMode: ptr.To[int32](0o440)}}},
						{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
					},
				},
			},
		},
	}
}

// Owned are the objects the grading Job mounts or runs as, each owned by
// job (created): the grader's ServiceAccount, its Role (read the class,
// write results, in the grading namespace only) and RoleBinding, the
// class's ConfigMap and the students' credentials.
func Owned(in Input, job *batchv1.Job) (*corev1.ServiceAccount, *rbacv1.Role, *rbacv1.RoleBinding, *corev1.ConfigMap, *corev1.Secret, error) {
	c := in.Config
	c.JobUID = string(job.UID)
	owner := []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: job.Name, UID: job.UID}}
	meta := func(name, part string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: c.Namespace, Labels: Labels(c.Name, part), OwnerReferences: owner}
	}
	sa := &corev1.ServiceAccount{ObjectMeta: meta(GraderName(c.Name), "grader")}
	role := &rbacv1.Role{
		ObjectMeta: meta(GraderName(c.Name), "grader"),
		Rules: []rbacv1.PolicyRule{
			// Its results: created by each index, replaced by a retry.
			{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"create"}},
			{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "update"}, ResourceNames: resultNames(c)},
		},
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: meta(GraderName(c.Name), "grader"),
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: c.Namespace}},
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	cm := &corev1.ConfigMap{ObjectMeta: meta(JobName(c.Name), "class"), Data: map[string]string{ConfigFile: string(data)}, BinaryData: map[string][]byte{}}
	size := len(data)
	for i, archive := range in.Manifests {
		cm.BinaryData[ManifestsKey(i)] = archive
		size += len(archive)
	}
	if in.Labs != nil {
		cm.BinaryData[LabsArchive] = in.Labs
		size += len(in.Labs)
	}
	if size > maxConfigSize {
		return nil, nil, nil, nil, nil, fmt.Errorf("the class's files take %d KiB, more than a ConfigMap holds (%d KiB): keep the students' manifest folders to their YAML", size>>10, maxConfigSize>>10)
	}
	secret := &corev1.Secret{ObjectMeta: meta(JobName(c.Name), "credentials"), Type: corev1.SecretTypeOpaque, Data: map[string][]byte{}}
	for i, kc := range in.Kubeconfigs {
		secret.Data[KubeconfigKey(i)] = kc
	}
	return sa, role, binding, cm, secret, nil
}

func resultNames(c Config) []string {
	out := make([]string, len(c.Students))
	for i := range c.Students {
		out[i] = ResultName(c.Name, i)
	}
	return out
}

// Result is index i's result: the student's run (report.Run) as JSON,
// gzipped, owned by the grading Job.
func Result(c Config, i int, runJSON []byte, verdict string) (*corev1.ConfigMap, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(runJSON); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if buf.Len() > maxConfigSize {
		return nil, fmt.Errorf("student %s's result takes %d KiB gzipped, more than a ConfigMap holds", c.Students[i].Name, buf.Len()>>10)
	}
	labels := Labels(c.Name, "result")
	labels[IndexKey] = strconv.Itoa(i)
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{
			Name: ResultName(c.Name, i), Namespace: c.Namespace, Labels: labels,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: JobName(c.Name), UID: types.UID(c.JobUID)}},
		},
		Data:       map[string]string{"student": c.Students[i].Name, "verdict": verdict},
		BinaryData: map[string][]byte{RunFile: buf.Bytes()},
	}, nil
}

// RunJSON reads a result's run back.
func RunJSON(cm *corev1.ConfigMap) ([]byte, error) {
	data, ok := cm.BinaryData[RunFile]
	if !ok {
		return nil, fmt.Errorf("result %s holds no %s", cm.Name, RunFile)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("result %s: %w", cm.Name, err)
	}
	return io.ReadAll(io.LimitReader(zr, 64<<20))
}

// ReadConfig reads the class's config file (in a grading pod).
func ReadConfig(path string) (Config, error) {
	var c Config
	data, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	if len(c.Students) == 0 {
		return c, fmt.Errorf("%s names no student", path)
	}
	return c, nil
}

// Index is this pod's index, from JOB_COMPLETION_INDEX (an Indexed Job
// sets it), checked against the class's size.
func Index(c Config, value string) (int, error) {
	i, err := strconv.Atoi(value)
	if err != nil || i < 0 || i >= len(c.Students) {
		return 0, fmt.Errorf("JOB_COMPLETION_INDEX %q: want 0-%d (joblab class grade runs as an index of the class's Indexed Job)", value, len(c.Students)-1)
	}
	return i, nil
}

// TarDir packs a folder (its regular files, below it) as tar.gz.
func TarDir(dir string) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(dir, p)
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Untar unpacks a TarDir archive into dir; a name that would leave dir
// is refused.
func Untar(data []byte, dir string) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(filepath.FromSlash(h.Name))
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return fmt.Errorf("archive entry %q leaves its folder", h.Name)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(tr, 16<<20))
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
}
